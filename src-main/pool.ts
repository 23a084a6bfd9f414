import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ResultColumns, RunConfig, RunResult } from '../src-core/contract/types';
import { decodeResults } from '../src-core/run/result-batch';
import type { RangeExecutor } from './executor';
import { encodeConfigs, type EncodedResults } from './workers/batch-codec';

/** Whatever runs batches of configs (exports, whose runs come from anywhere): the worker pool, or a test's stand-in. */
export interface RunExecutor {
  /** Worker threads: how many batches it runs at once. */
  readonly threads: number;
  /**
   * Rejects with an AbortError when `signal` aborts first: the batch's runs are then simply not done. `traces` false:
   * summaries only, each result's trace the empty `noTrace` (an executor may still compute traces and drop them).
   */
  runBatch(configs: RunConfig[], signal?: AbortSignal, options?: { traces?: boolean }): Promise<RunResult[]>;
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

/** The worker pool: batches of configs, and ranges of a sweep that a worker expands itself (sweeps, the command line). */
export type WorkerPool = RunExecutor & RangeExecutor;

/**
 * Node options of every worker: its module is loaded by import(), not require(). piscina tries require() first, and
 * Node's require() of an ES module instantiates it synchronously, where a worker terminated meanwhile (a pool closed
 * while its workers start: bad input to the command line, an agent stopping) aborted the whole process with V8's
 * "IsGraphAsync … must be used on an instantiated module" (4 of 8 processes that each closed 60 pools as they started;
 * 0 of 8 with this). Only where this Node has the flag (it came with require() of ES modules).
 */
const importFlag = process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module')
  ? ['--no-experimental-require-module']
  : [];

/**
 * A worker's options are the process's Node options and the flag above, or the flag alone when the process was
 * started with options a worker refuses (`node --max-old-space-size=8000 cli.js`: V8's flags and the process's own,
 * which Node takes only for the whole process, where they apply to the workers too). Options are explicit here, so a
 * worker no longer inherits them; without this fallback every such start failed with "invalid execArgv flags".
 */
function startPool(options: ConstructorParameters<typeof Piscina>[0]): Piscina {
  try {
    return new Piscina({ ...options, execArgv: [...process.execArgv, ...importFlag] });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Piscina({ ...options, execArgv: importFlag });
  }
}

export function createWorkerPool(
  workerFile: string,
  { threads = availableParallelism(), maxWorkerMemoryMb }: PoolOptions = {},
): WorkerPool {
  const pool = startPool({
    filename: workerFile,
    // Started up front up to the cores, the rest as tasks wait for them: `--threads 256` had started 256 workers for a
    // one-run sweep (12 s, 2.1 GB resident), and more workers than cores finish no sooner.
    minThreads: Math.min(threads, availableParallelism()),
    maxThreads: threads,
    idleTimeout: 60_000,
    ...(maxWorkerMemoryMb ? { resourceLimits: { maxOldGenerationSizeMb: maxWorkerMemoryMb } } : {}),
  });
  return {
    threads,
    // Aborting a task that is running terminates its worker at once; piscina starts a fresh one for what follows.
    // Configs go out as columns and results come back as typed arrays (workers/batch-codec.ts), without the configs:
    // the pool holds them.
    runBatch: async (configs, signal, options) =>
      decodeResults(
        (await pool.run(encodeConfigs(configs, options?.traces !== false), signal ? { signal } : {})) as ResultColumns,
        configs,
      ),
    // The spec is cloned with each task: a few hundred bytes, against the configs' ~1 µs each it saves encoding. The
    // parts' buffers handed back go with it, transferred.
    reusesParts: true,
    runRange: async (task, signal) =>
      (await pool.run(task, {
        ...(signal ? { signal } : {}),
        transferList: [...(task.spent ?? [])],
      })) as EncodedResults,
    close: () => pool.close({ force: true }),
  };
}
