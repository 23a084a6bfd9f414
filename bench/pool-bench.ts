/**
 * W1 through the app's own path: the SweepService (its batch sizes learnt from the runs' timings) on src-main's worker
 * pool (piscina, the built worker out/main/run-batch.worker.js), every batch of results acknowledged as it arrives (a
 * renderer that stores at once). A first sweep, untimed, starts the workers and warms their JIT up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepSpecInput } from '../src-core/contract/sweep-spec';
import { createWorkerPool } from '../src-main/pool';
import { SweepService } from '../src-main/sweep-service';

export const workerFile = join(import.meta.dirname, '..', 'out', 'main', 'run-batch.worker.js');

export const workerIsBuilt = (): boolean => existsSync(workerFile);

export interface Sweeper {
  /** Wall seconds from launching `spec` to the end of the sweep. */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export async function openSweeper(spec: SweepSpecInput, threads: number): Promise<Sweeper> {
  const pool = createWorkerPool(workerFile, { threads });
  const service = new SweepService(pool);
  service.onEvent((event) => {
    if (event.type === 'results')
      service.acknowledge([{ sweepId: event.sweepId, from: event.batch.from, to: event.batch.to }]);
  });
  const sweep = async () => {
    const start = performance.now();
    const launched = service.launch(spec);
    if (!launched.ok) throw new Error(`bench sweep: ${launched.error.message}`);
    await service.idle();
    return (performance.now() - start) / 1000;
  };
  await sweep();
  return { sweep, close: () => pool.close() };
}
