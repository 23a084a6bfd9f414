/**
 * W1 through the app's own path: the SweepService (its batch sizes learnt from the runs' timings) on src-main's worker
 * pool (piscina, the built worker out/main/run-batch.worker.js), every batch of results acknowledged as it arrives (a
 * renderer that stores at once). A first sweep, untimed, starts the workers and warms their JIT up. Against it, the
 * same work in this thread (inThreadSweep).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SweepSpecInput } from '../src-core/contract/sweep-spec';
import { countRuns, validateSweepSpec } from '../src-core/sweep/expand';
import { defaultBatchSizing } from '../src-main/batch-sizer';
import { createWorkerPool } from '../src-main/pool';
import { SweepService } from '../src-main/sweep-service';
import { runRangeTask } from '../src-main/workers/range-task';

export const workerFile = join(import.meta.dirname, '..', 'out', 'main', 'run-batch.worker.js');

/** The CPU time this process's main thread has used, in ms (Linux: its schedstat, in ns); null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

export const workerIsBuilt = (): boolean => existsSync(workerFile);

/** One sweep's wall time, and the main thread's own time per run: what would bound many workers. */
export interface SweepTiming {
  /** Wall seconds from launching the spec to the end of the sweep. */
  seconds: number;
  /**
   * Microseconds of CPU the main thread used per run (the service, the pool's messages, the acknowledgements), the
   * workers' computing excluded: read from Linux's per-thread schedstat, which counts the time the thread ran, not the
   * time it waited for a core (the event loop's "active" time counts both, and on a loaded machine mostly the wait).
   * Elsewhere the event loop's active time stands in, an upper bound.
   */
  mainMicrosPerRun: number;
}

export interface Sweeper {
  sweep(): Promise<SweepTiming>;
  close(): Promise<void>;
}

export async function openSweeper(spec: SweepSpecInput, threads: number): Promise<Sweeper> {
  const pool = createWorkerPool(workerFile, { threads });
  const service = new SweepService(pool);
  service.onEvent((event) => {
    if (event.type === 'results')
      service.acknowledge([{ sweepId: event.sweepId, from: event.batch.from, to: event.batch.to }]);
  });
  const sweep = async (): Promise<SweepTiming> => {
    const start = performance.now();
    const cpu = mainThreadCpuMs();
    const busy = performance.eventLoopUtilization();
    const launched = service.launch(spec);
    if (!launched.ok) throw new Error(`bench sweep: ${launched.error.message}`);
    await service.idle();
    const ms = cpu === null ? performance.eventLoopUtilization(busy).active : mainThreadCpuMs()! - cpu;
    return { seconds: (performance.now() - start) / 1000, mainMicrosPerRun: (ms * 1000) / launched.value.runCount };
  };
  await sweep();
  return { sweep, close: () => pool.close() };
}

/**
 * The sweep's work done in this thread as a worker does it, timed on the wall clock (seconds): the workers' task
 * function (range-task.ts: the runs expanded from the spec, computed with the compact traces the window receives, and
 * encoded as columns) over the whole sweep in tasks of the service's largest size. This, not executeBatch on configs
 * expanded beforehand, is what the app would do without workers: that skipped the expansion and the encoding every
 * run of the app pays (~1.5 µs of a W1 run's ~11) and recorded float64 traces where the workers record compact ones.
 */
export function inThreadSweep(input: SweepSpecInput): () => number {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new Error(`bench sweep: ${checked.message}`);
  const spec = checked.value;
  const runs = countRuns(spec);
  return () => {
    const start = performance.now();
    for (let from = 0; from < runs; from += defaultBatchSizing.maxRuns) {
      const to = Math.min(runs, from + defaultBatchSizing.maxRuns);
      runRangeTask({ sweepId: 'bench', spec, from, to, compact: true });
    }
    return (performance.now() - start) / 1000;
  };
}
