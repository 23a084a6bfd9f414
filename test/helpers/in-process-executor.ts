import type { RunExecutor } from '../../src-main/pool';
import { executeRun } from '../../src-core/run';

/** Runs batches on the test's own thread: the service's logic without worker threads. */
export const inProcessExecutor = (): RunExecutor => ({
  concurrency: 2,
  runBatch: async (configs) => configs.map(executeRun),
  close: async () => {},
});

export const goodSpec = {
  name: 'test',
  objective: 'quadratic-1d',
  start: [4],
  lrs: [1, 0.5, 0.1],
  eps: [1e-8],
  weightDecays: [0, 0.01],
  steps: 20,
} as const;
