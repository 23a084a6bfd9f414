import { executeRun } from '../../src-core/run/execute';
import type { WorkerPool } from '../../src-main/pool';
import { runRangeTask } from '../../src-main/workers/range-task';

/** Runs tasks on the test's own thread, as a pool worker would: the service's logic without worker threads. */
export const inProcessExecutor = (): WorkerPool => ({
  threads: 2,
  runBatch: async (configs) => configs.map((c) => executeRun(c)),
  runRange: async (task) => runRangeTask(task),
  close: async () => {},
});

export { goodSpec } from './configs';
