/**
 * Runs configs on the worker pool and yields their results in the configs' order, so a file written from them is in
 * order too, while every worker stays busy: one batch per worker is running, plus one waiting, and a batch that
 * finishes ahead of an earlier one is held (one per worker at most), so memory stays bounded whatever the number of
 * runs. A batch that fails as a whole (a worker that died) becomes failed runs, as in a sweep: a run that fails is a
 * result.
 *
 * Without traces (`traces` false: the command line writing summaries only) a batch is sized by its work instead: a
 * result is then a few numbers, and what limits throughput is the main thread's cost per batch (a task posted, a
 * message received, a write) and per run, so batches are as large as ~10 ms of computing allows.
 */
import type { RunConfig, RunResult } from '../../src-core/contract/types';
import { failedRun } from '../../src-core/run/execute';
import { objectiveDimension } from '../../src-core/objectives';
import { defaultPerParameterLimit } from '../../src-core/run/trace';
import type { RunExecutor } from '../pool';

/** Runs per batch when traces are short: the sweep service's size. */
const MAX_BATCH = 16;
/** Trace values (rows × width) a batch may hold per column; five Float64 columns make this about 80 MB. */
const BATCH_TRACE_CELLS = 2_000_000;
/**
 * Work of a batch without traces, in coordinate-steps (steps × dimension, plus RUN_OVERHEAD per run): AdaGrad in lanes
 * takes ~2.5 ns each here, so ~10 ms; a batch of the slower step-by-step loop takes longer, still well under a second.
 */
const BATCH_WORK = 4_000_000;
const RUN_OVERHEAD = 500;
/** Runs per batch without traces at most: a batch of 1,000-step 2-parameter runs holds 1,600. */
const MAX_SUMMARY_BATCH = 4096;

/** What batch sizing reads of a run: its steps, objective and trace size. */
export type RunShape = Pick<RunConfig, 'steps' | 'objective' | 'traceMaxPoints'>;

/**
 * How many runs go to a worker at once: MAX_BATCH, fewer when the runs keep long, wide traces, and few enough that a
 * short list still reaches every worker. Without traces: ~BATCH_WORK of computing for the longest, widest run, at most
 * MAX_SUMMARY_BATCH, and again few enough to reach every worker.
 */
export function batchSizeFor(configs: readonly RunConfig[], threads: number, traces = true): number {
  return batchSizeOf(configs, configs.length, threads, traces);
}

/** batchSizeFor of `count` runs whose largest are among `shapes` (a sweep's runs differ in their objective only). */
export function batchSizeOf(shapes: Iterable<RunShape>, count: number, threads: number, traces = true): number {
  const spread = Math.ceil(count / threads);
  if (!traces) {
    let work = 1;
    for (const config of shapes)
      work = Math.max(work, config.steps * objectiveDimension(config.objective) + RUN_OVERHEAD);
    return Math.max(1, Math.min(MAX_SUMMARY_BATCH, Math.floor(BATCH_WORK / work), spread));
  }
  let cells = 1;
  for (const config of shapes) {
    const rows = Math.min(config.traceMaxPoints, config.steps + 1);
    cells = Math.max(cells, rows * Math.min(objectiveDimension(config.objective), defaultPerParameterLimit));
  }
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_TRACE_CELLS / cells), spread));
}

/** How many of each worker's first batches are shortened (warmingBatchSize). */
const WARM_UP_ROUNDS = 3;

/**
 * The size of the batch launched `launched`-th (from 0) where batches of `size` go to `threads` workers: each worker's
 * first WARM_UP_ROUNDS batches are an eighth, a quarter and half of it. V8 optimizes a function once it is hot, from the
 * feedback gathered so far, and keeps no feedback for a function's first moments: a first batch of full size made a
 * worker's batch functions (the expansion, the CSV writer) hot in the middle of their first call, so each was optimized
 * without feedback for the code ahead of its loop, deoptimized there at the next batch and optimized again, in every
 * worker. After a few short batches they are optimized once (and the first results come back sooner).
 */
export function warmingBatchSize(size: number, launched: number, threads: number): number {
  const round = Math.floor(launched / threads);
  return round < WARM_UP_ROUNDS ? Math.max(1, size >> (WARM_UP_ROUNDS - round)) : size;
}

/**
 * The size of the command line's `launched`-th batch (from 0) of `count` runs shaped as `shapes` (batchSizeOf), `left`
 * of them not yet launched, on `threads` workers: the size for the runs left, so that the last are spread over every
 * worker, each worker's first batches shortened (warmingBatchSize), and none at the end shorter than a first batch (an
 * eighth of the size): halving what was left down to a run a batch cost a round trip each, and a batch of one run
 * took 3–4 ms where one of 200 takes ~2.
 */
export function sweepBatchSize(
  shapes: Iterable<RunShape>,
  count: number,
  left: number,
  threads: number,
  traces: boolean,
  launched: number,
): number {
  const whole = batchSizeOf(shapes, count, threads, traces);
  const size = Math.max(batchSizeOf(shapes, left, threads, traces), whole >> WARM_UP_ROUNDS);
  return warmingBatchSize(size, launched, threads);
}

/**
 * The batches [from, to) of `count` runs, each run by `run`, yielded in order. One batch per thread of `executor` is
 * running, plus one waiting, whichever batch finishes: a batch that finishes launches the next at once, even while an
 * earlier one is still running, so a worker never idles behind a slow batch ahead of it (the first on a worker that
 * is still starting, one whose core another process took). Finished batches wait for the earlier ones, one per thread
 * at most: past that, and past what a slow consumer has not taken, nothing more is launched, so memory stays bounded
 * and a slow consumer holds the runs back. A rejection is the caller's to turn into results (or to let through).
 * `executor.threads` is read again at each launch, as the SweepService reads it: agents that join raise it, and more
 * batches go out at once. `batchSize` sizes each batch from the runs not yet launched and the threads now.
 */
export async function* batchesInOrder<T>(
  executor: { readonly threads: number },
  count: number,
  batchSize: (remaining: number, threads: number) => number,
  run: (from: number, to: number) => Promise<T>,
): AsyncGenerator<T> {
  /** Launched and not yet yielded, in order. */
  const queue: Promise<T>[] = [];
  let running = 0;
  let next = 0;
  /** Set when the caller stops early: batches that finish then launch nothing more. */
  let stopped = false;
  const fill = (): void => {
    const threads = executor.threads;
    while (!stopped && next < count && running <= threads && queue.length <= 2 * threads) {
      const from = next;
      next = Math.min(count, next + Math.max(1, batchSize(count - next, threads)));
      running++;
      const batch = run(from, next);
      // Also what keeps a batch left behind when the caller stops early from surfacing as an unhandled rejection.
      const settled = (): void => {
        running--;
        fill();
      };
      batch.then(settled, settled);
      queue.push(batch);
    }
  };
  try {
    fill();
    while (queue.length > 0) {
      const result = await queue[0];
      queue.shift();
      fill();
      yield result;
    }
  } finally {
    stopped = true;
  }
}

/** `traces` false: summaries only (each result's trace the empty `noTrace`), in batches sized for throughput. */
export async function* runInOrder(
  executor: RunExecutor,
  configs: readonly RunConfig[],
  signal?: AbortSignal,
  { traces = true }: { traces?: boolean } = {},
): AsyncGenerator<RunResult[]> {
  const options = traces ? undefined : { traces: false };
  const size = batchSizeFor(configs, executor.threads, traces);
  yield* batchesInOrder(
    executor,
    configs.length,
    () => size,
    (from, to) => {
      const batch = configs.slice(from, to);
      return executor.runBatch(batch, signal, options).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        return batch.map((config) => failedRun(config, error));
      });
    },
  );
}
