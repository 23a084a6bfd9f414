/**
 * What runs a sweep's range tasks: the worker pool on this machine (pool.ts) or agents on other machines through a
 * Redis queue (agents/redis-executor.ts). The SweepService and the command line see only this.
 */
import type { ExecutorStatus } from '../src-core/contract/types';
import type { EncodedResults } from './workers/batch-codec';
import type { RangeTask } from './workers/range-task';

export interface RangeExecutor {
  /** How many tasks it runs at once (may change over time for agents: read it each time). */
  readonly threads: number;
  /** Rejects with an AbortError when `signal` aborts first (the task's runs are then not done). */
  runRange(task: RangeTask, signal?: AbortSignal): Promise<EncodedResults>;
  /**
   * Each part it returns has a trace buffer of its own, and it takes buffers of parts it returned before back with a
   * task (RangeTask.spent) to write new parts into (the pool). Agents' parts come through Redis: not theirs to reuse.
   */
  readonly reusesParts?: boolean;
  close(): Promise<void>;
  /**
   * An executor that can be away or without workers (agents through Redis) reports where it stands, now and at each
   * change; returns the function that stops it. This machine's pool has nothing to report.
   */
  onStatus?(listener: (status: ExecutorStatus) => void): () => void;
}
