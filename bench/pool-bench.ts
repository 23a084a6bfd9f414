/**
 * W1 through the app's own path: the SweepService (its batch sizes learnt from the runs' timings) on src-main's worker
 * pool (piscina, the built worker out/main/run-batch.worker.js), every batch of results acknowledged as it arrives (a
 * renderer that stores at once). A first sweep, untimed, starts the workers and warms their JIT up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SweepSpecInput } from '../src-core/contract/sweep-spec';
import { createWorkerPool } from '../src-main/pool';
import { SweepService } from '../src-main/sweep-service';

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
