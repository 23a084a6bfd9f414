/** The command line of `npm run serve`, parsed with messages that name the flag, the value and what is allowed. */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseRedisUrl, queueName, RedisUrlError } from '../agents/redis-url';
import { CliUsageError, parseFlags } from '../cli/args';
import { maxThreads, parseWholeNumber } from '../flag-values';

export const DEFAULT_PORT = 7312;

export interface ServeArgs {
  port: number;
  threads: number;
  /** Sweeps run on agents through this Redis (checked: redis-url.ts), on this queue; absent: on this machine. */
  agents?: { url: string; queue: string };
  help: boolean;
}

export const serveUsage = `Usage: npm run serve -- [--port N] [--threads N] [--redis URL [--queue NAME]]
  --port N      TCP port on 127.0.0.1, 0 to 65535 (0 picks a free one; default ${DEFAULT_PORT})
  --threads N   worker threads running sweeps (and exports), 1 to ${maxThreads} (default: the number of cores)
  --redis URL   run sweeps on agents (adagrad-lab agent) through the Redis at redis://[user:password@]host[:port][/db]
                (rediss:// for TLS) instead of this machine's threads; exports still run here (docs/agents.md)
  --queue NAME  the lab's queue on that Redis (default: lab-<the URL's user>, lab-default without one)
Set ADAGRAD_LAB_TOKEN to choose the access token (at least 128 bits: 32 hexadecimal digits or 22 base64url
characters); otherwise a random one is made.`;

export class ServeUsageError extends Error {}

const options = {
  port: { type: 'string' },
  threads: { type: 'string' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags read as the CLI, the agent and `link` read theirs (parseFlags: the same words, a flag given once). */
function readFlags(argv: readonly string[]) {
  try {
    return parseFlags(argv, { options, allowPositionals: false }).values;
  } catch (error) {
    if (error instanceof CliUsageError) throw new ServeUsageError(error.message);
    throw error;
  }
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const { port, threads, redis, queue, help = false } = readFlags(argv);
  const whole = (flag: string, value: string, min: number, max: number): number =>
    parseWholeNumber(flag, value, min, max, (message) => new ServeUsageError(message));
  const args: ServeArgs = {
    port: port === undefined ? DEFAULT_PORT : whole('--port', port, 0, 65535),
    threads: threads === undefined ? availableParallelism() : whole('--threads', threads, 1, maxThreads),
    help,
  };
  if (queue !== undefined && redis === undefined)
    throw new ServeUsageError('--queue names a queue on the Redis of --redis: add --redis URL');
  if (redis !== undefined) {
    try {
      args.agents = { url: redis, queue: queueName('--queue', queue, parseRedisUrl('--redis', redis)) };
    } catch (error) {
      if (error instanceof RedisUrlError) throw new ServeUsageError(error.message);
      throw error;
    }
  }
  return args;
}

/**
 * The access token: ADAGRAD_LAB_TOKEN when set, which must carry at least 128 bits (32 or more hexadecimal digits, or
 * 22 or more base64url characters: a short one can be guessed); a fresh random one (192 bits) otherwise. The message
 * never shows the token.
 */
export function serveToken(fromEnvironment: string | undefined): string {
  if (!fromEnvironment) return randomBytes(24).toString('base64url');
  // Hexadecimal digits carry 4 bits each, base64url characters 6: a token of hexadecimal digits only is judged as hex.
  const hex = /^[0-9a-fA-F]+$/.test(fromEnvironment);
  const strong = hex ? fromEnvironment.length >= 32 : /^[\w-]{22,}$/.test(fromEnvironment);
  if (!strong) {
    throw new ServeUsageError(
      `Invalid ADAGRAD_LAB_TOKEN: ${fromEnvironment.length} characters (must have at least 128 bits: 32 or more hexadecimal digits, ` +
        'or 22 or more base64url characters A-Z a-z 0-9 - _; leave it unset for a random one)',
    );
  }
  return fromEnvironment;
}
