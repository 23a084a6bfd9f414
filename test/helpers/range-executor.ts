import type { RunConfig, RunResult } from '../../src-core/contract/types';
import { encodeResults, splitBatch } from '../../src-core/run/result-batch';
import type { RangeExecutor } from '../../src-main/executor';
import { rangeConfigs } from '../../src-main/workers/range-task';

/** A test's stand-in for the pool, written as the results of a batch of configs (what a test wants to control). */
export interface BatchRunner {
  threads: number;
  runBatch(configs: RunConfig[], signal?: AbortSignal): Promise<RunResult[]>;
  close?: () => Promise<void>;
}

/**
 * The stand-in as the SweepService sees an executor: each range task expanded here, as a pool worker expands it, and
 * its results encoded as a worker encodes them (traces compacted when the task asks).
 */
export const rangeExecutorOf = (runner: BatchRunner): RangeExecutor => ({
  get threads() {
    return runner.threads;
  },
  runRange: async (task, signal) => {
    const results = await runner.runBatch(rangeConfigs(task).computed, signal);
    const columns = encodeResults(results, { traces: task.traces !== false, compact: task.compact === true });
    return { parts: splitBatch({ ...columns, from: task.from, to: task.to }, task.partBytes ?? Infinity) };
  },
  close: async () => runner.close?.(),
});
