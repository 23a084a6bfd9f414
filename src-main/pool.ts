import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { RunConfig, RunResult } from '../src-core/contract/types';

/** Whatever runs batches of configs: the worker pool in the app, anything equivalent in tests. */
export interface RunExecutor {
  readonly concurrency: number;
  /** Rejects with an AbortError when `signal` aborts first: the batch's runs are then simply not done. */
  runBatch(configs: RunConfig[], signal?: AbortSignal): Promise<RunResult[]>;
  close(): Promise<void>;
}

/**
 * Runs batches in worker threads. The worker file is a parameter because only the build knows where it lands
 * (out/main/run-batch.worker.js); tests pass the built file too.
 */
export interface PoolOptions {
  threads?: number;
  /** Heap limit of each worker: a run that needs more fails with an out-of-memory error instead of taking the machine. */
  maxWorkerMemoryMb?: number;
}

/** What a worker sends back for a run: its result without the config, which the pool already holds. */
export type WorkerResult = Omit<RunResult, 'config'>;

export function createWorkerPool(workerFile: string, { threads = availableParallelism(), maxWorkerMemoryMb }: PoolOptions = {}): RunExecutor {
  const pool = new Piscina({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    ...(maxWorkerMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: maxWorkerMemoryMb } } : {}),
  });
  return {
    concurrency: threads,
    // Aborting a task that is running terminates its worker at once; piscina starts a fresh one for what follows.
    // Configs go out and only summaries and traces come back: the pool holds the configs, and sending them back would
    // clone every one of them a second time.
    runBatch: async (configs, signal) => {
      const results = (await pool.run(configs, signal ? { signal } : {})) as WorkerResult[];
      return results.map(({ summary, trace }, i) => ({ config: configs[i], summary, trace }));
    },
    close: () => pool.close({ force: true }),
  };
}
