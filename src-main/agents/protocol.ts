/**
 * What the lab (agents/redis-executor.ts) and its agents (agents/agent.ts) agree on: where things live in Redis, how a
 * task and its results are written, and the timings of liveness and re-delivery.
 *
 * A task is a BullMQ job whose data is JSON: the engine version in the clear (so an agent can refuse a task without
 * decoding it) and the RangeTask as a wire frame (src-core/transport/wire.ts: NaN, ±Infinity and -0 kept), base64.
 * Results are bytes too large for JSON to carry well: the agent stores the frame of its EncodedResults in a key of its
 * own (RESULT_TTL_MS) and completes the job with its size; the lab takes the key (GETDEL) when it sees the job done.
 * bench/queue.ts measured the alternative, the frame as a base64 return value, which BullMQ also copies into its
 * event stream: docs/agents.md has the figures.
 */
import { decodeFrame, encodeFrame } from '../../src-core/transport/wire';
import type { EncodedResults } from '../workers/batch-codec';
import type { RangeTask } from '../workers/range-task';
import { errorMessage } from '../../src-core/contract/result';
import { checkTask } from './task-checks';

/** Every key of every lab's queue starts with this (BullMQ's prefix): `adagrad-lab:<queue>:…`. */
export const KEY_PREFIX = 'adagrad-lab';
export const JOB_NAME = 'range';

/**
 * An agent's lock on its task lasts this long, renewed at half of it while the agent lives; a killed agent's task is
 * handed to another by BullMQ's stalled-job check once the lock has expired: within LOCK_MS + 2 × STALLED_INTERVAL_MS
 * (~8 s). Short, because a task is seconds of work: a lost agent should not hold it for BullMQ's default 30 s.
 */
export const LOCK_MS = 4_000;
export const STALLED_INTERVAL_MS = 2_000;
/** A task re-delivered this many times (agents killed, or Redis lost its lock) fails instead of looping. */
export const MAX_STALLED = 5;
/** Agents announce themselves this often, in a key that expires after AGENT_TTL_MS without a new announcement. */
export const HEARTBEAT_MS = 2_000;
export const AGENT_TTL_MS = 6_000;
/** How long a result waits in Redis for its lab (which takes it within a second when connected). */
export const RESULT_TTL_MS = 3_600_000;

export interface TaskData {
  /** engineVersion of the lab that added it. */
  readonly engine: number;
  /** encodeFrame(task), base64. */
  readonly frame: string;
}

/** What an agent completes a job with: where its results are and how many bytes they are. */
export interface TaskDone {
  readonly resultBytes: number;
}

/** What an agent announces of itself (its key, refreshed every HEARTBEAT_MS). */
export interface AgentAnnouncement {
  readonly id: string;
  readonly host: string;
  readonly threads: number;
  readonly engine: number;
  readonly node: string;
  readonly pid: number;
}

export const keysOf = (queue: string) => {
  const base = `${KEY_PREFIX}:${queue}`;
  return {
    /** The set of agent ids seen; each id's own key (below) says whether it still lives. */
    agents: `${base}:agents`,
    agent: (id: string): string => `${base}:agent:${id}`,
    result: (jobId: string): string => `${base}:result:${jobId}`,
    /** Pub/sub: a cancelled job's id, for the agent that runs it (BullMQ cancels only in the worker's own process). */
    cancel: `${base}:cancel`,
  };
};

export const encodeTask = (task: RangeTask, engine: number): TaskData => ({
  engine,
  frame: Buffer.from(encodeFrame(task)).toString('base64'),
});

/**
 * A Buffer as the plain Uint8Array decodeFrame expects: its slices must be copies, and Buffer's slice() is a view (the
 * arrays decoded from a Buffer would all share the whole frame's memory).
 */
const plainBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Whether a job's data has a task's two fields (the frame's content is decodeTask's to check). */
export const isTaskData = (data: unknown): data is TaskData =>
  typeof data === 'object' &&
  data !== null &&
  Number.isSafeInteger((data as TaskData).engine) &&
  typeof (data as TaskData).frame === 'string';

/** The task a job carries, checked as the lab would have sent it (task-checks.ts), or why it is not one. */
export function decodeTask(data: TaskData): ReturnType<typeof checkTask> {
  let decoded: unknown;
  try {
    decoded = decodeFrame(plainBytes(Buffer.from(data.frame, 'base64')));
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
  return checkTask(decoded);
}

/** A task's results as one wire frame: typed arrays exact, NaN and ±Infinity kept (src-core/transport/wire.ts). */
export const encodeResult = (results: EncodedResults): Buffer => {
  const frame = encodeFrame(results);
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
};

export const decodeResult = (bytes: Uint8Array): EncodedResults => decodeFrame(plainBytes(bytes)) as EncodedResults;
