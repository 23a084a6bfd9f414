import type { RunExecutor } from '../../src-main/pool';
import { executeRun } from '../../src-core/run/execute';

/** Runs batches on the test's own thread: the service's logic without worker threads. */
export const inProcessExecutor = (): RunExecutor => ({
  threads: 2,
  runBatch: async (configs) => configs.map((c) => executeRun(c)),
  close: async () => {},
});

export { goodSpec } from './configs';
