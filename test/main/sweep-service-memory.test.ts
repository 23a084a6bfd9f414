import { describe, expect, it, vi } from 'vitest';
import type { RunConfig, SweepSpec } from '../../src-core/contract/types';
import type { RangeExecutor } from '../../src-main/executor';
import type { RangeTask } from '../../src-main/workers/range-task';
import { SweepService } from '../../src-main/sweep-service';

/** Every RunConfig the expansion builds, whichever form the service calls. */
const built = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src-core/sweep/expand', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-core/sweep/expand')>();
  return {
    ...real,
    expandSweep: (sweepId: string, spec: SweepSpec): RunConfig[] => {
      const runs = real.expandSweep(sweepId, spec);
      built.count += runs.length;
      return runs;
    },
    expandSweepLazily: function* (...args: Parameters<typeof real.expandSweepLazily>) {
      for (const run of real.expandSweepLazily(...args)) {
        built.count++;
        yield run;
      }
    },
    expandSweepRange: function* (...args: Parameters<typeof real.expandSweepRange>) {
      for (const run of real.expandSweepRange(...args)) {
        built.count++;
        yield run;
      }
    },
  };
});

/** The documented maximum: 1,000 learning rates × 1,000 epsilons. */
const millionRuns = {
  name: 'a million',
  objectives: [{ id: 'quadratic-1d' }],
  start: [4],
  optimizers: [
    {
      kind: 'adagrad',
      fixed: {},
      axes: { lr: { log: { from: 1e-4, to: 1, count: 1000 } }, eps: { linear: { from: 0, to: 1e-3, count: 1000 } } },
    },
  ],
  steps: 1000,
  maxRuns: 1_000_000,
};

/** Takes every task and never finishes one (until the sweep is cancelled): the sweeps stay running and queued. */
const neverFinishes = (): RangeExecutor & { received: number } => {
  const executor = {
    threads: 2,
    received: 0,
    runRange: ({ from, to }: RangeTask, signal?: AbortSignal) => {
      executor.received += to - from;
      return new Promise<never>((_, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    },
    close: async () => {},
  };
  return executor;
};

const MB = 1024 * 1024;

describe('SweepService with huge sweeps queued', () => {
  it('launching ten 1,000,000-run sweeps costs their specs, not their runs', async () => {
    const executor = neverFinishes();
    let n = 0;
    const service = new SweepService(executor, { newSweepId: () => `big-${n++}` });
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10; i++) {
      expect(service.launch(millionRuns)).toMatchObject({ ok: true, value: { runCount: 1_000_000 } });
      // Checked launch by launch: one expansion of the whole sweep (~500 MB) fails here at the first, before the heap runs out.
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * MB);
      expect(built.count).toBeLessThan(1000);
    }
    expect(service.activeSweeps()).toBe(10);
    // The first sweep starts: its first tasks (one run per worker) are index ranges its workers expand; this thread
    // builds one config of its one objective, which sizes the tasks.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(executor.received).toBe(2);
    expect(built.count).toBe(1);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * MB);
    for (let i = 0; i < 10; i++) expect(service.cancel(`big-${i}`)).toBe(true);
    await service.idle();
    expect(service.activeSweeps()).toBe(0);
  });

  it('resumes a 1,000,000-run sweep with all but three runs stored by handing out only those three', async () => {
    const executor = neverFinishes();
    const service = new SweepService(executor);
    built.count = 0;
    const missing = new Set([0, 500_000, 999_999]);
    const storedRunIds = Array.from({ length: 1_000_000 }, (_, i) => `r:${String(i).padStart(6, '0')}`).filter(
      (_, i) => !missing.has(i),
    );
    const events: unknown[] = [];
    service.onEvent((event) => events.push(event));
    expect(service.resume({ sweepId: 'r', createdAt: 1, spec: millionRuns, storedRunIds })).toMatchObject({
      ok: true,
      value: { runCount: 1_000_000 },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(built.count).toBe(1);
    expect(executor.received).toBe(2);
    service.cancel('r');
    await service.idle();
    expect(events.filter((e) => (e as { type: string }).type === 'progress').at(-1)).toMatchObject({
      progress: { done: 999_997, total: 1_000_000 },
    });
  });
});
