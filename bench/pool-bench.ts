/**
 * W1 through src-main's real worker pool (piscina, the built worker out/main/run-batch.worker.js), fed the way the
 * SweepService feeds it: the runs cut into batches, one batch in flight per worker. Startup is excluded: every worker
 * runs one batch before the clock starts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../src-core/contract/types';
import { createWorkerPool } from '../src-main/pool';
import { median } from './measure';

export const workerFile = join(import.meta.dirname, '..', 'out', 'main', 'run-batch.worker.js');

export const workerIsBuilt = (): boolean => existsSync(workerFile);

/** Median seconds to run every config through a pool of `threads` workers in batches of `batchSize`. */
export async function poolSeconds(configs: readonly RunConfig[], threads: number, batchSize: number, repeats: number): Promise<number> {
  const pool = createWorkerPool(workerFile, { threads });
  try {
    const batches: RunConfig[][] = [];
    for (let i = 0; i < configs.length; i += batchSize) batches.push(configs.slice(i, i + batchSize));
    await Promise.all(Array.from({ length: threads }, () => pool.runBatch(batches[0])));
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      let next = 0;
      const start = performance.now();
      const worker = async () => {
        while (next < batches.length) await pool.runBatch(batches[next++]);
      };
      await Promise.all(Array.from({ length: threads }, worker));
      seconds.push((performance.now() - start) / 1000);
    }
    return median(seconds);
  } finally {
    await pool.close();
  }
}
