import type { EncodedResults } from './workers/batch-codec';
import type { RangeTask } from './workers/range-task';

/**
 * Whatever runs a sweep's tasks — (spec, index range) pairs whose runs the executor expands itself: the worker pool
 * on this machine (pool.ts), agents elsewhere, anything equivalent in tests.
 */
export interface RangeExecutor {
  /** How many tasks it runs at once (may change over time for agents: read it each time). */
  readonly threads: number;
  /** Rejects with an AbortError when `signal` aborts first (the task's runs are then not done). */
  runRange(task: RangeTask, signal?: AbortSignal): Promise<EncodedResults>;
  close(): Promise<void>;
}
