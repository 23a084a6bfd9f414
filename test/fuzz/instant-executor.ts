import { failedRun } from '../../src-core/run/execute';
import type { WorkerPool } from '../../src-main/pool';
import { rangeExecutorOf } from '../helpers/range-executor';

/** Each run answered at once as failed ("not run: fuzz test"). */
const runBatch = async (configs: Parameters<WorkerPool['runBatch']>[0]) =>
  configs.map((config) => failedRun(config, 'not run: fuzz test'));

/**
 * An executor whose runs cost nothing, so the fuzz suite can have a real SweepService accept sweeps of any size without
 * computing them.
 */
export const instantExecutor: WorkerPool = { ...rangeExecutorOf({ threads: 2, runBatch }), runBatch };
