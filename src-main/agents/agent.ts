/**
 * An agent: a BullMQ worker on any machine that takes the lab's range tasks from its Redis queue, runs them on its own
 * worker pool (as the lab would locally: the same src-core, the same built worker) and leaves their results in Redis
 * (protocol.ts). It announces itself (host, threads, engine version) every HEARTBEAT_MS so the lab sizes its work to
 * the agents alive, and prints one line per change of state.
 *
 * - A task of another engine version is refused unrun and put back for another agent; this agent then stays away
 *   from the queue for REFUSAL_PAUSE_MS, so that compatible agents take the tasks meanwhile.
 * - The lab cancels a running task by publishing its id: the pool's task is aborted (its worker thread terminated)
 *   and the job fails as cancelled, unretried.
 * - close() (SIGINT, SIGTERM) aborts the running tasks and puts them back in the queue at once, for another agent.
 * - Killed outright, the agent's locks expire and BullMQ's stalled-job check hands its tasks to another agent.
 * - Refused the queue by Redis's ACL rules (NOPERM), it says what the user lacks, once, and keeps trying, as when
 *   Redis is away.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { engineVersion } from '../../src-core/contract/engine';
import { errorMessage } from '../../src-core/contract/result';
import { show } from '../../src-core/contract/show';
import type { RangeExecutor } from '../executor';
import { countStatuses } from '../../src-core/run/result-batch';
import { connect, deniedMessage, isDenied, unreachableMessage, watchReachability } from './connection';
import {
  AGENT_TTL_MS,
  decodeTask,
  encodeResult,
  HEARTBEAT_MS,
  isTaskData,
  KEY_PREFIX,
  keysOf,
  LOCK_MS,
  MAX_STALLED,
  RESULT_TTL_MS,
  STALLED_INTERVAL_MS,
  type AgentAnnouncement,
  type TaskData,
  type TaskDone,
} from './protocol';
import { maskPasswords, type RedisAddress } from './redis-url';
import { EarlyCancels } from './early-cancels';

/** How long an agent stays away from the queue after refusing a task of another engine version. */
const REFUSAL_PAUSE_MS = 30_000;
/** How long an agent refused its queue by Redis's ACL rules waits before trying again (BullMQ would spin). */
const DENIED_PAUSE_MS = 5_000;
/** How long a cancellation is remembered for a task this agent has not started yet (it may be about to). */
const CANCEL_MEMORY_MS = 60_000;
/** How many such cancellations are remembered at most: a lab cancels at most its 1,024 tasks in flight at once. */
const MAX_EARLY_CANCELS = 4_096;

/** The abort reasons this agent gives its running tasks. */
const CANCELLED = 'cancelled by the lab';
const CLOSING = 'the agent is closing';

export interface AgentOptions {
  readonly address: RedisAddress;
  readonly queue: string;
  readonly threads: number;
  /** Runs the tasks: the agent's worker pool. */
  readonly executor: RangeExecutor;
  /** The engine version it runs tasks of: engineVersion (another only to show a refusal). */
  readonly engine?: number;
  /** One line per change of state. */
  readonly say: (line: string) => void;
}

export interface Agent {
  readonly id: string;
  /** Tasks completed so far. */
  readonly tasksDone: number;
  /** Puts its running tasks back in the queue and disconnects. */
  close(): Promise<void>;
}

/**
 * A job id as the agent's log shows it: whoever adds a job chooses its id (the lab's are `<hex>-<n>`, BullMQ's own are
 * numbers), and an escape sequence or a megabyte in it went raw into the terminal that shows the log.
 */
const shownJobId = (jobId: string): string => (/^[\w.-]{1,100}$/.test(jobId) ? jobId : show(jobId));

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function startAgent({ address, queue, threads, executor, engine = engineVersion, say }: AgentOptions): Agent {
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const keys = keysOf(queue);
  const redis = connect(address, `adagrad-lab-agent:${id}`);
  const subscriber = connect(address, `adagrad-lab-agent-cancel:${id}`);
  let connectedOnce = false;
  const stopWatching = watchReachability(redis, (state) => {
    if (state.reachable) {
      say(
        `${connectedOnce ? 'Reconnected' : 'Connected'} to ${address.shown}, queue ${queue}: ${plural(threads, 'thread')}, engine version ${engine}`,
      );
      connectedOnce = true;
    } else say(`${unreachableMessage(address, state.reason)}; retrying, the tasks wait`);
  });

  let deniedSaid = '';
  /** Says an ACL refusal once (BullMQ's worker meets it at every attempt). */
  const sayDenied = (error: unknown): void => {
    const message = `${deniedMessage(address, queue, error)}; the agent waits until it may`;
    if (message === deniedSaid) return;
    deniedSaid = message;
    say(message);
  };

  const running = new Set<string>();
  /** Cancellations of tasks not (yet) running here. */
  const cancelledEarly = new EarlyCancels(MAX_EARLY_CANCELS, CANCEL_MEMORY_MS);
  let done = 0;
  let resumeTimer: NodeJS.Timeout | undefined;

  /** Stops taking tasks for `ms` (its running ones go on). */
  const pauseFor = (ms: number): void => {
    if (worker.isPaused()) return;
    worker.pause(true).catch(() => undefined);
    resumeTimer = setTimeout(() => worker.resume(), ms);
  };

  const refuse = async (job: Job<TaskData, TaskDone>, token: string | undefined): Promise<never> => {
    say(
      `Refused task ${shownJobId(job.id ?? '')}: it needs engine version ${job.data.engine} and this agent runs engine version ${engine}, whose numbers could differ; it goes back to the queue for an agent of version ${job.data.engine}. Run the lab's version here. Pausing ${REFUSAL_PAUSE_MS / 1000} s.`,
    );
    await job.moveToWait(token);
    pauseFor(REFUSAL_PAUSE_MS);
    throw new WaitingError();
  };

  const runJob = async (
    job: Job<TaskData, TaskDone>,
    token: string | undefined,
    // Declared, not optional in effect: BullMQ passes a signal only to a processor of three parameters.
    signal: AbortSignal | undefined,
  ): Promise<TaskDone> => {
    const jobId = job.id ?? '';
    const shownId = shownJobId(jobId);
    const data: unknown = job.data;
    if (isTaskData(data) && data.engine !== engine) return refuse(job, token);
    if (cancelledEarly.take(jobId)) throw new UnrecoverableError(CANCELLED);
    // Anyone who can write to the lab's Redis can add a job: only a task the lab could have sent is run.
    const checked = isTaskData(data)
      ? decodeTask(data)
      : { ok: false as const, message: `Invalid task data: ${show(data)} (must be an object of engine and frame)` };
    if (!checked.ok) {
      say(`Refused task ${shownId}, unrun: ${checked.message}`);
      throw new UnrecoverableError(`refused by agent ${id}: ${checked.message}`);
    }
    const { task } = checked;
    const what = `task ${shownId} (runs ${task.from} to ${task.to - 1} of sweep ${task.sweepId})`;
    const started = performance.now();
    running.add(jobId);
    try {
      const results = await executor.runRange(task, signal);
      const bytes = encodeResult(results);
      await redis.set(keys.result(jobId), bytes, 'PX', RESULT_TTL_MS);
      done++;
      const counts = results.parts.map(countStatuses);
      const total = (key: 'runs' | 'diverged' | 'failed') => counts.reduce((sum, c) => sum + c[key], 0);
      const [runs, diverged, failed] = [total('runs'), total('diverged'), total('failed')];
      say(
        `Done ${what}: ${plural(runs, 'run')} in ${((performance.now() - started) / 1000).toFixed(2)} s (${diverged} diverged, ${failed} failed) · ${plural(done, 'task')} done`,
      );
      return { resultBytes: bytes.length };
    } catch (error) {
      if (signal?.aborted && signal.reason === CLOSING) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (signal?.aborted) {
        say(`Cancelled ${what} after ${((performance.now() - started) / 1000).toFixed(2)} s: ${CANCELLED}`);
        throw new UnrecoverableError(CANCELLED);
      }
      say(`Failed ${what}: ${maskPasswords(errorMessage(error))}`);
      throw error;
    } finally {
      running.delete(jobId);
    }
  };

  const worker = new Worker<TaskData, TaskDone>(queue, runJob, {
    connection: redis,
    prefix: KEY_PREFIX,
    name: id,
    concurrency: threads,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED,
  });
  // Errors while Redis is away are said once, by the watcher above; others are said as they come.
  worker.on('error', (error) => {
    if (isDenied(error)) {
      sayDenied(error);
      pauseFor(DENIED_PAUSE_MS);
    } else if (redis.status === 'ready') say(`Queue error: ${maskPasswords(errorMessage(error))}`);
  });

  subscriber.on('message', (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, CANCELLED)) return;
    cancelledEarly.remember(jobId);
  });
  subscriber.on('error', () => undefined);
  // Not awaited: an agent started while Redis is away must still close at once; ioredis subscribes when it connects
  // (and again after every reconnection).
  subscriber.subscribe(keys.cancel).catch(() => undefined);

  const announcement: AgentAnnouncement = {
    id,
    host: hostname(),
    threads,
    engine,
    node: process.versions.node,
    pid: process.pid,
  };
  const announce = (): void => {
    // Not queued while Redis is away: the next beat after it is back announces the agent again.
    if (redis.status !== 'ready') return;
    redis
      .multi()
      .set(keys.agent(id), JSON.stringify(announcement), 'PX', AGENT_TTL_MS)
      .sadd(keys.agents, id)
      .exec()
      .catch((error: unknown) => {
        if (isDenied(error)) sayDenied(error);
      });
  };
  announce();
  redis.on('ready', announce);
  const heartbeat = setInterval(announce, HEARTBEAT_MS);

  return {
    id,
    get tasksDone() {
      return done;
    },
    async close() {
      clearInterval(heartbeat);
      clearTimeout(resumeTimer);
      say(
        running.size > 0
          ? `Closing: ${plural(running.size, 'running task')} ${running.size === 1 ? 'goes' : 'go'} back to the queue`
          : 'Closing: no task was running',
      );
      worker.cancelAllJobs(CLOSING);
      stopWatching();
      if (redis.status === 'ready') {
        await worker.close();
        // Refused (ACL rules), its announcement was never written: nothing to take back.
        await redis
          .multi()
          .del(keys.agent(id))
          .srem(keys.agents, id)
          .exec()
          .catch(() => undefined);
      } else {
        // Redis is away: nothing can go back to it (the tasks' locks expire and BullMQ hands them on), and a worker
        // closed gracefully would wait for it forever.
        redis.disconnect();
        await worker.close(true);
      }
      subscriber.disconnect();
      redis.disconnect();
      say(`Closed after ${plural(done, 'task')}`);
    },
  };
}
