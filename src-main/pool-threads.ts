/**
 * The pool's worker threads, started apart from the rest of the pool (pool.ts): this module loads piscina alone, not
 * the engine, so the command line can start its workers before its own modules are read (src-main/cli.ts).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * Runs batches in worker threads. The worker file is a parameter because only the build knows where it lands
 * (out/main/run-batch.worker.js); tests pass the built file too.
 */
export interface PoolOptions {
  threads?: number;
  /** Heap limit of each worker: a run that needs more fails with an out-of-memory error instead of taking the machine. */
  maxWorkerMemoryMb?: number;
}

/** Worker threads started, each loading the worker file, not yet given a task (pool.ts makes them a WorkerPool). */
export interface StartedThreads {
  readonly threads: number;
  readonly piscina: Piscina;
}

export function startThreads(
  workerFile: string,
  { threads = availableParallelism(), maxWorkerMemoryMb }: PoolOptions = {},
): StartedThreads {
  const piscina = new Piscina({
    filename: workerFile,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    ...(maxWorkerMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: maxWorkerMemoryMb } } : {}),
  });
  return { threads, piscina };
}
