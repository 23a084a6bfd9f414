/**
 * A RangeExecutor whose tasks run on agents (agents/agent.ts) on any machine that reaches the lab's Redis: each task is
 * a BullMQ job, its results come back through Redis (protocol.ts), and the promise resolves with them exactly as the
 * local pool would.
 *
 * It knows which tasks it awaits, so nothing is lost and nothing counted twice:
 * - a task's results are accepted once (the first delivery; GETDEL of its result key), however often it was run;
 * - every RECONCILE_MS, and when Redis comes back, it checks each awaited job: results it missed the event of are
 *   taken, and a job that vanished (a Redis restarted without persistence) is added again under the same id;
 * - while Redis is unreachable nothing fails: commands wait for it (connection.ts) and onStatus says so;
 * - while Redis's ACL rules refuse the user this queue (NOPERM) nothing fails either: the tasks it could not add wait
 *   and are added again every RECONCILE_MS, and onStatus says what the user lacks, until the rules allow it.
 * `threads` follows the agents' announcements: twice the threads of the live agents of this engine version, so the
 * queue never runs dry while results travel; at least 1 and at most MAX_TASKS_IN_FLIGHT.
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { engineVersion } from '../../src-core/contract/engine';
import { Limits } from '../../src-core/contract/schemas';
import { errorMessage } from '../../src-core/contract/result';
import { formatCount } from '../../src-core/contract/fields';
import type { RangeExecutor } from '../executor';
import type { EncodedResults } from '../workers/batch-codec';
import type { RangeTask } from '../workers/range-task';
import { connect, deniedMessage, isDenied, watchReachability } from './connection';
import {
  decodeResult,
  encodeTask,
  HEARTBEAT_MS,
  JOB_NAME,
  KEY_PREFIX,
  keysOf,
  type AgentAnnouncement,
  type TaskData,
  type TaskDone,
} from './protocol';
import { maskPasswords, parseRedisUrl, queueName } from './redis-url';
import { checkResults } from './task-checks';

/** How often the awaited jobs are checked against Redis (missed results, vanished jobs). */
const RECONCILE_MS = 1_000;
/** How long a failed job is kept for a lab that missed its event (BullMQ removes older ones as others fail). */
const FAILED_KEPT_S = 3_600;
/**
 * The most tasks in flight at once, however many threads the announcements claim: the SweepService and the command line
 * start one loop per thread before any takes its runs, and a forged announcement of 10⁹ threads made the lab start
 * 2·10⁹ of them (out of heap in a minute). 1,024 is 512 agent threads, past what Redis sustains with ~50 ms tasks
 * here (docs/agents.md).
 */
const MAX_TASKS_IN_FLIGHT = 1_024;
const MAX_ANNOUNCEMENT_CHARS = 2_000;
/**
 * The most of a failed job's reason a task's failure keeps: whoever takes a job can fail it with any reason, and each
 * of the task's runs carries it to the window (a 10 MB reason on a task of 2,000 runs: a 20 GB message).
 */
const MAX_REASON_CHARS = 2_000;
/**
 * The most announcements read at a look, and so listed to the pages: anyone who can write to Redis can add ids to the
 * set, and 200,000 forged ones had each look (every HEARTBEAT_MS) take 7.4 s, 772 MB of heap and a 319 MB list for
 * every page. 512 agents of one thread each already fill MAX_TASKS_IN_FLIGHT; the count of the rest is said.
 */
const MAX_AGENTS_READ = MAX_TASKS_IN_FLIGHT / 2;

export interface RedisExecutorOptions {
  /** redis://[user:password@]host[:port][/db], or rediss:// for TLS. */
  readonly url: string;
  /** Default: `lab-<user>`, from the URL's ACL user (redis-url.ts). */
  readonly queue?: string;
  /** The engine version of the tasks: engineVersion (another only in tests). */
  readonly engine?: number;
}

export interface AgentSeen extends AgentAnnouncement {
  /** Runs this lab's engine version: only these take its tasks. */
  readonly compatible: boolean;
}

/**
 * 'ready': agents of this engine version are there; 'no-agents': connected, but none can take the tasks (they wait in
 * the queue); 'unreachable': Redis is away (the tasks wait; the sweep continues when it is back).
 */
export interface QueueStatus {
  readonly state: 'ready' | 'no-agents' | 'unreachable';
  readonly message: string;
}

export interface RedisExecutor extends RangeExecutor {
  readonly queue: string;
  /** The agents alive at the last look (every HEARTBEAT_MS), for "agents seen". */
  agents(): readonly AgentSeen[];
  /** Calls `listener` with the status now and at every change of it; returns the function that stops it. */
  onStatus(listener: (status: QueueStatus) => void): () => void;
  /**
   * Resolves once Redis answered: the agents were read (so `threads` counts them), or the user was refused the queue
   * (`denied`).
   */
  ready(): Promise<void>;
  /** Why Redis refuses the URL's user this queue (its ACL rules), while it does; null otherwise. */
  readonly denied: string | null;
  /** Tasks added again because their jobs vanished from Redis. */
  readonly readded: number;
  /** Ids in the set of agents left unread at the last look (beyond the MAX_AGENTS_READ read). */
  readonly unread: number;
}

interface Awaited {
  readonly task: RangeTask;
  readonly data: TaskData;
  /** Whether its job was added (until then, a missing job is not a lost one). */
  added: boolean;
  /** Its job could not be added because the user is refused the queue: it is added again at the next reconcile. */
  refused: boolean;
  readonly resolve: (results: EncodedResults) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

const abortError = (): DOMException => new DOMException('The task was cancelled', 'AbortError');
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a status or a connection test adds when the set of agents holds more ids than a look reads. */
export const unreadNote = (unread: number): string =>
  unread > 0
    ? `; ${formatCount(unread)} more announced, not read (the lab reads ${formatCount(MAX_AGENTS_READ)} at most)`
    : '';

/** An agent's announcement as read back, or null when it is not one (threads as an agent's --threads allows them). */
function announcementOf(text: string | null): AgentAnnouncement | null {
  // An agent's is a few hundred characters (a host name is at most 253): a longer one, written by someone else, would
  // go to every page with the agents seen.
  if (text === null || text.length > MAX_ANNOUNCEMENT_CHARS) return null;
  try {
    const value = JSON.parse(text) as Partial<AgentAnnouncement>;
    const ok =
      typeof value.id === 'string' &&
      typeof value.host === 'string' &&
      Number.isSafeInteger(value.threads) &&
      value.threads! >= 1 &&
      value.threads! <= Limits.maxWorkerThreads &&
      Number.isSafeInteger(value.engine) &&
      typeof value.node === 'string' &&
      Number.isSafeInteger(value.pid);
    return ok ? (value as AgentAnnouncement) : null;
  } catch {
    return null;
  }
}

export function createRedisExecutor({
  url,
  queue: given,
  engine = engineVersion,
}: RedisExecutorOptions): RedisExecutor {
  const address = parseRedisUrl('the Redis URL', url);
  const name = queueName('the queue', given, address);
  const keys = keysOf(name);
  const labId = randomBytes(4).toString('hex');
  const redis = connect(address, `adagrad-lab:${labId}`);
  const queue = new Queue<TaskData, TaskDone>(name, {
    connection: redis,
    prefix: KEY_PREFIX,
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { age: FAILED_KEPT_S } },
  });
  // QueueEvents reads on a blocking connection of its own, which it makes by duplicating the one it is given: this one
  // is made here and handed over as that duplicate, so that close() can end it while Redis is away. BullMQ's own close
  // and disconnect first wait for it to connect, and it kept reconnecting for ever: one more client for every executor
  // closed so, as a page switching "Run on" between unreachable URLs makes one a switch.
  const blocking = connect(address, `adagrad-lab:${labId}`);
  const events = new QueueEvents(name, {
    connection: Object.assign(blocking, { duplicate: () => blocking }),
    prefix: KEY_PREFIX,
  });
  // Errors while Redis is away are the status's to report; BullMQ's classes throw on an 'error' without a listener.
  queue.on('error', () => undefined);
  events.on('error', () => undefined);

  const awaited = new Map<string, Awaited>();
  let sequence = 0;
  let readded = 0;
  let closed = false;
  let seen: AgentSeen[] = [];
  /** Ids in the set of agents beyond the MAX_AGENTS_READ read at the last look. */
  let unread = 0;
  let reachable: { ok: true } | { ok: false; reason: string } = { ok: false, reason: 'connecting' };
  let agentsRead = false;
  /** The ACL refusal in force, and whether a command was refused since the last look at the agents. */
  let denied: string | null = null;
  let deniedSinceLook = false;
  let markReady: () => void = () => undefined;
  const readyOnce = new Promise<void>((resolve) => (markReady = resolve));

  // Status.
  const listeners = new Set<(status: QueueStatus) => void>();
  const threadsOf = (agents: readonly AgentSeen[]): number =>
    agents.reduce((sum, agent) => sum + (agent.compatible ? agent.threads : 0), 0);
  const statusNow = (): QueueStatus => {
    if (!reachable.ok)
      return {
        state: 'unreachable',
        message: `Redis at ${address.hostPort} is unreachable (${reachable.reason}); the sweep continues when it is back`,
      };
    if (denied !== null)
      return { state: 'unreachable', message: `${denied}; the tasks wait until it may, nothing is lost` };
    const compatible = seen.filter((agent) => agent.compatible);
    const others = seen.length - compatible.length;
    if (compatible.length === 0) {
      const versions = [...new Set(seen.map((agent) => agent.engine))].join(', ');
      return {
        state: 'no-agents',
        message:
          (others > 0
            ? `No agent can run this lab's tasks: ${plural(others, 'agent')} on queue ${name} run engine version ${versions}, this lab needs version ${engine}; the tasks wait for an agent of version ${engine}`
            : `No agent on queue ${name} at ${address.shown} yet; the tasks wait: start one with adagrad-lab agent --redis ${address.shown} --queue ${name}`) +
          unreadNote(unread),
      };
    }
    return {
      state: 'ready',
      message: `${plural(compatible.length, 'agent')} (${plural(threadsOf(seen), 'thread')}) on queue ${name} at ${address.shown}${others > 0 ? `; ${others} of another engine version left aside` : ''}${unreadNote(unread)}`,
    };
  };
  let lastMessage = '';
  const publish = (): void => {
    const status = statusNow();
    if (status.message === lastMessage) return;
    lastMessage = status.message;
    for (const listener of listeners) listener(status);
  };

  /** Redis refused the user a command on this queue: the status says so until a look at the agents succeeds. */
  const refuse = (error: unknown): void => {
    denied = deniedMessage(address, name, error);
    deniedSinceLook = true;
    publish();
  };

  // Results and failures.
  const settle = (jobId: string, entry: Awaited): boolean => {
    if (awaited.get(jobId) !== entry) return false;
    awaited.delete(jobId);
    entry.cleanup();
    return true;
  };
  /** Takes the job's results if they are there; whether they were. */
  const collect = async (jobId: string): Promise<boolean> => {
    const entry = awaited.get(jobId);
    if (!entry) return false;
    const bytes = await redis.getdelBuffer(keys.result(jobId));
    if (bytes === null) return false;
    if (!settle(jobId, entry)) return true;
    // Anyone who can write to Redis can write a result key: only this task's runs are taken, else its runs fail
    // with the reason (a result that did not decode had left the task unsettled for ever).
    let checked: ReturnType<typeof checkResults>;
    try {
      checked = checkResults(decodeResult(bytes), entry.task);
    } catch (error) {
      checked = { ok: false, message: `Refused the results of task ${jobId}: ${errorMessage(error)}` };
    }
    if (checked.ok) entry.resolve(checked.results);
    else entry.reject(new Error(checked.message));
    return true;
  };
  const fail = (jobId: string, reason: string): void => {
    const entry = awaited.get(jobId);
    if (!entry || !settle(jobId, entry)) return;
    const shown =
      reason.length <= MAX_REASON_CHARS
        ? reason
        : `${reason.slice(0, MAX_REASON_CHARS)}… (${formatCount(reason.length - MAX_REASON_CHARS)} characters more)`;
    entry.reject(new Error(`The agent failed the task: ${maskPasswords(shown)}`));
    void queue.remove(jobId).catch(() => undefined);
  };
  events.on('completed', ({ jobId }) => void collect(jobId).catch(() => undefined));
  events.on('failed', ({ jobId, failedReason }) => fail(jobId, failedReason));

  const add = (jobId: string, entry: Awaited): void => {
    queue.add(JOB_NAME, entry.data, { jobId }).then(
      () => {
        entry.added = true;
        // Cancelled while it was being added: take it back.
        if (awaited.get(jobId) !== entry) void cancel(jobId);
      },
      (error: unknown) => {
        // Refused, not failed: the task waits for the rules to allow it, as it would for Redis to come back.
        if (!isDenied(error)) return fail(jobId, `it could not be queued: ${errorMessage(error)}`);
        entry.refused = true;
        refuse(error);
      },
    );
  };
  /** A waiting job is removed; a running one is aborted on its agent (which fails it as cancelled). */
  const cancel = async (jobId: string): Promise<void> => {
    if ((await queue.remove(jobId)) === 0) await redis.publish(keys.cancel, jobId);
  };

  const reconcile = async (): Promise<void> => {
    for (const [jobId, entry] of awaited) {
      if (entry.refused && !closed) {
        entry.refused = false;
        add(jobId, entry);
      }
      if (!entry.added || closed) continue;
      const state = await queue.getJobState(jobId);
      if (state === 'failed') {
        const job = await queue.getJob(jobId);
        fail(jobId, job?.failedReason ?? 'failed');
      } else if (state === 'unknown' && !(await collect(jobId)) && awaited.get(jobId) === entry) {
        // Neither a job nor its results: Redis lost them (restarted without persistence). Again, same id.
        readded++;
        entry.added = false;
        add(jobId, entry);
      }
    }
  };
  let reconciling = false;
  const reconcileSoon = (): void => {
    if (reconciling || closed || !reachable.ok || awaited.size === 0) return;
    reconciling = true;
    reconcile()
      .catch(() => undefined)
      .finally(() => (reconciling = false));
  };

  /**
   * At most MAX_AGENTS_READ ids of the set, the first in Redis's scan order (a set has no order and an announcement no
   * time: these are the same ids look after look while the set stands, so the list does not reshuffle).
   */
  const firstAgentIds = async (): Promise<string[]> => {
    const ids = new Set<string>();
    let cursor = '0';
    do {
      const [next, members] = await redis.sscan(keys.agents, cursor, 'COUNT', MAX_AGENTS_READ);
      for (const id of members) if (ids.size < MAX_AGENTS_READ) ids.add(id);
      cursor = next;
    } while (cursor !== '0' && ids.size < MAX_AGENTS_READ);
    return [...ids];
  };
  const readAgents = async (): Promise<void> => {
    const [total, ids] = await Promise.all([redis.scard(keys.agents), firstAgentIds()]);
    // An id longer than an announcement is not an agent's (a host name is at most 253 characters): not looked up.
    const gone = ids.filter((id) => id.length > MAX_ANNOUNCEMENT_CHARS);
    const candidates = ids.filter((id) => id.length <= MAX_ANNOUNCEMENT_CHARS);
    const texts = candidates.length > 0 ? await redis.mget(candidates.map(keys.agent)) : [];
    const alive: AgentSeen[] = [];
    candidates.forEach((id, i) => {
      const announcement = announcementOf(texts[i]);
      if (announcement) alive.push({ ...announcement, compatible: announcement.engine === engine });
      else gone.push(id);
    });
    if (gone.length > 0) await redis.srem(keys.agents, ...gone);
    seen = alive.sort((a, b) => a.id.localeCompare(b.id));
    unread = Math.max(0, total - ids.length);
    agentsRead = true;
    if (!deniedSinceLook) denied = null;
    deniedSinceLook = false;
    publish();
  };
  /** Whether a look is under way: a slow one (Redis far or busy) is not joined by the next beat's. */
  let looking = false;
  const look = (): void => {
    if (!reachable.ok || closed || looking) return;
    looking = true;
    readAgents()
      .then(markReady, (error: unknown) => {
        if (!isDenied(error)) return;
        refuse(error);
        markReady();
      })
      .finally(() => (looking = false));
  };

  const stopWatching = watchReachability(redis, (state) => {
    reachable = state.reachable ? { ok: true } : { ok: false, reason: state.reason };
    // Back (or there at last): the status waits for the agents to be read, so it does not say "no agent" meanwhile.
    if (!state.reachable) publish();
    else {
      look();
      reconcileSoon();
    }
  });
  const timers = [setInterval(look, HEARTBEAT_MS), setInterval(reconcileSoon, RECONCILE_MS)];

  return {
    queue: name,
    get threads() {
      return Math.min(MAX_TASKS_IN_FLIGHT, Math.max(1, 2 * threadsOf(seen)));
    },
    get readded() {
      return readded;
    },
    get denied() {
      return denied;
    },
    get unread() {
      return unread;
    },
    agents: () => seen,
    onStatus(listener) {
      listeners.add(listener);
      if (lastMessage !== '') listener(statusNow());
      return () => listeners.delete(listener);
    },
    ready: () => (agentsRead ? Promise.resolve() : readyOnce),
    runRange(task: RangeTask, signal?: AbortSignal): Promise<EncodedResults> {
      if (closed) return Promise.reject(new Error('The Redis executor is closed'));
      if (signal?.aborted) return Promise.reject(abortError());
      const jobId = `${labId}-${++sequence}`;
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          if (!settle(jobId, entry)) return;
          reject(abortError());
          if (entry.added) void cancel(jobId).catch(() => undefined);
        };
        const entry: Awaited = {
          task,
          data: encodeTask(task, engine),
          added: false,
          refused: false,
          resolve,
          reject,
          cleanup: () => signal?.removeEventListener('abort', onAbort),
        };
        awaited.set(jobId, entry);
        signal?.addEventListener('abort', onAbort, { once: true });
        add(jobId, entry);
      });
    },
    async close() {
      closed = true;
      for (const timer of timers) clearInterval(timer);
      const left = [...awaited];
      for (const [jobId, entry] of left) {
        settle(jobId, entry);
        entry.reject(abortError());
      }
      stopWatching();
      if (reachable.ok) {
        await Promise.all(left.map(([jobId]) => cancel(jobId).catch(() => undefined)));
        await events.close();
        await queue.close();
      } else {
        // Redis is away: a graceful close would wait for it forever. Its tasks stay queued, for no one: agents compute
        // them and their results expire (RESULT_TTL_MS).
        redis.disconnect();
        blocking.disconnect();
        for (const closing of [events.disconnect(), queue.disconnect()]) closing.catch(() => undefined);
      }
      redis.disconnect();
    },
  };
}
