/**
 * Runs configs on the worker pool and yields their results in the configs' order, so a file written from them is in
 * order too, while every worker stays busy: one batch per worker is in flight, plus one waiting, and no more, so
 * memory stays bounded whatever the number of runs. A batch that fails as a whole (a worker that died) becomes failed
 * runs, as in a sweep: a run that fails is a result.
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
 * How many runs go to a worker at once: MAX_BATCH, fewer when the runs keep long, wide traces, and few enough that a
 * short list still reaches every worker.
 */
export function batchSizeFor(configs: readonly RunConfig[], threads: number): number {
  let cells = 1;
  for (const config of configs) {
    const rows = Math.min(config.traceMaxPoints, config.steps + 1);
    cells = Math.max(cells, rows * Math.min(objectiveDimension(config.objective), defaultPerParameterLimit));
  }
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_TRACE_CELLS / cells), Math.ceil(configs.length / threads)));
}

export async function* runInOrder(
  executor: RunExecutor,
  configs: readonly RunConfig[],
  signal?: AbortSignal,
): AsyncGenerator<RunResult[]> {
  const batchSize = batchSizeFor(configs, executor.threads);
  const queue: Promise<RunResult[]>[] = [];
  let next = 0;
  const launch = (): void => {
    const batch = configs.slice(next, next + batchSize);
    next += batch.length;
    const running = executor.runBatch(batch, signal).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      return batch.map((config) => failedRun(config, error));
    });
    // A batch left behind when the caller stops early must not surface as an unhandled rejection.
    running.catch(() => undefined);
    queue.push(running);
  };
  while (next < configs.length && queue.length <= executor.threads) launch();
  while (queue.length > 0) {
    const results = await queue.shift()!;
    if (next < configs.length) launch();
    yield results;
  }
}
