import { failedRun } from '../../src-core/run/execute';
import type { RunExecutor } from '../../src-main/pool';

/**
 * An executor whose runs cost nothing: each is answered at once as failed ("not run: fuzz test"), so the fuzz suite
 * can have a real SweepService accept sweeps of any size without computing them.
 */
export const instantExecutor: RunExecutor = {
  threads: 2,
  runBatch: async (configs) => configs.map((config) => failedRun(config, 'not run: fuzz test')),
  close: async () => undefined,
};
