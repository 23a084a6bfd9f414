/**
 * Connections to the lab's Redis, for the lab and its agents alike: they never give up. A command waits while Redis is
 * unreachable (ioredis queues it and reconnects every RECONNECT_MS at most) instead of failing a run, and the state is
 * reported as it changes, in words that never hold a credential.
 */
import { Redis } from 'ioredis';
import { errorMessage } from '../../src-core/contract/result';
import { KEY_PREFIX } from './protocol';
import { maskPasswords, type RedisAddress } from './redis-url';

/** The longest wait between two attempts to reconnect. */
const RECONNECT_MS = 1_000;

export function connect(address: RedisAddress, name: string): Redis {
  return new Redis(address.url, {
    connectionName: name,
    // Wait for Redis however long it is away (BullMQ's blocking commands require it too): nothing fails meanwhile.
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 100, RECONNECT_MS),
  });
}

export type Reachability = { reachable: true } | { reachable: false; reason: string };

/** What to say when Redis is away: "Redis at host:port is unreachable (connect ECONNREFUSED …)". */
export const unreachableMessage = (address: RedisAddress, reason: string): string =>
  `Redis at ${address.hostPort} is unreachable (${reason})`;

/** Whether Redis refused a command to this user by its ACL rules (the reply NOPERM), as opposed to being away. */
export const isDenied = (error: unknown): boolean => /\bNOPERM\b/.test(errorMessage(error));

/**
 * What to say when the user's ACL rules refuse it the queue: "Redis user alice may not use queue lab-bob at host:port:
 * it lacks the keys ~adagrad-lab:lab-bob:* (NOPERM …); …". What it lacks is read from Redis's reply: a command, the
 * queue's keys or its channels (docs/agents.md has the rule that grants them all).
 */
export function deniedMessage(address: RedisAddress, queue: string, error: unknown): string {
  const reply = maskPasswords(errorMessage(error));
  const command = /permissions to run the '([^']+)' command/.exec(reply);
  const lacks = command
    ? `the command ${command[1].toUpperCase().replace('|', ' ')}`
    : /channel/i.test(reply)
      ? `the channels &${KEY_PREFIX}:${queue}:*`
      : `the keys ~${KEY_PREFIX}:${queue}:*`;
  return `Redis user ${address.user} may not use queue ${queue} at ${address.hostPort}: it lacks ${lacks} (${reply}); give the user the ACL rule of a lab's user (docs/agents.md) for this queue, or use the queue its rule allows`;
}

/**
 * Calls `onChange` when `redis` becomes ready or is lost (once per change, not per failed attempt), with the last
 * error seen as the reason. Returns a function that stops watching.
 */
export function watchReachability(redis: Redis, onChange: (state: Reachability) => void): () => void {
  let reachable: boolean | null = null;
  let reason = 'connection closed';
  const ready = (): void => {
    if (reachable === true) return;
    reachable = true;
    onChange({ reachable: true });
  };
  const lost = (): void => {
    if (reachable === false) return;
    reachable = false;
    onChange({ reachable: false, reason });
  };
  const failed = (error: unknown): void => {
    reason = maskPasswords(errorMessage(error));
    // An error while connecting (refused, timed out, wrong password) is the first sign that Redis is not there.
    if (reachable !== true) lost();
  };
  redis.on('ready', ready);
  redis.on('close', lost);
  redis.on('error', failed);
  if (redis.status === 'ready') ready();
  return () => {
    redis.off('ready', ready);
    redis.off('close', lost);
    redis.off('error', failed);
  };
}
