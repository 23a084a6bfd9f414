import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunConfig, RunResult } from '../src-core/contract/types';

/** Whatever runs batches of configs: the worker pool in the app, anything equivalent in tests. */
export interface RunExecutor {
  readonly concurrency: number;
  runBatch(configs: RunConfig[]): Promise<RunResult[]>;
  close(): Promise<void>;
}

/**
 * Runs batches in worker threads. The worker file is a parameter because only the build knows where it lands
 * (out/main/run-batch.worker.js); tests pass the built file too.
 */
export function createWorkerPool(workerFile: string, threads = availableParallelism()): RunExecutor {
  const pool = new Piscina({ filename: workerFile, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return {
    concurrency: threads,
    runBatch: (configs) => pool.run(configs) as Promise<RunResult[]>,
    close: () => pool.close({ force: true }),
  };
}
