import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import type { RunConfig, SweepEvent, SweepSpec } from '../../src-core/contract/types';
import type { StoredRange } from '../../src-core/contract/api';
import type { RangeExecutor } from '../../src-main/executor';
import type { RangeTask } from '../../src-main/workers/range-task';
import { MAX_KEPT_SWEEPS, SweepService } from '../../src-main/sweep-service';
import { instantExecutor } from '../fuzz/instant-executor';

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

/** A full collection, so that heapUsed counts what is kept, not garbage not yet collected. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** One run on a 20,000-dimensional Rastrigin: its start point makes the spec ~160 kB, what a record keeps. */
const heavySpec = {
  name: 'heavy',
  objectives: [{ id: 'rastrigin', dim: 20_000 }],
  start: Array.from({ length: 20_000 }, (_, i) => 1 + i / 20_000),
  optimizers: [{ kind: 'adagrad', fixed: { lr: 0.1 } }],
  steps: 1,
};

/** The ranges of every results event, as the window acknowledges them once stored. */
const resultRanges = (events: readonly SweepEvent[]): StoredRange[] =>
  events.flatMap((e) => (e.type === 'results' ? [{ sweepId: e.sweepId, from: e.batch.from, to: e.batch.to }] : []));

describe('SweepService over many launches', () => {
  it('keeps no record of a sweep that ended with its runs stored: memory stays flat over 3,000 launches', async () => {
    let n = 0;
    const service = new SweepService(instantExecutor, { newSweepId: () => `s-${n++}` });
    let events: SweepEvent[] = [];
    service.onEvent((event) => events.push(event));
    /** A script's loop: as many sweeps as may wait, then each stored and acknowledged once they have all ended. */
    const round = async (): Promise<void> => {
      for (let i = 0; i < MAX_KEPT_SWEEPS; i++) expect(service.launch(heavySpec).ok).toBe(true);
      await service.idle();
      expect(service.acknowledge(resultRanges(events))).toBe(MAX_KEPT_SWEEPS);
      events = [];
    };
    await round();
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    // Kept, the 2,900 records of these rounds would hold ~460 MB of specs.
    for (let r = 1; r < 30; r++) await round();
    collectGarbage();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(40 * MB);
    expect(service.resendPending()).toBe(0);
    expect(events).toEqual([]);
  });

  it('refuses one more sweep while MAX_KEPT_SWEEPS have ended with runs not yet stored, and takes it once one is', async () => {
    let n = 0;
    const service = new SweepService(instantExecutor, { newSweepId: () => `w-${n++}` });
    const events: SweepEvent[] = [];
    service.onEvent((event) => events.push(event));
    for (let i = 0; i < MAX_KEPT_SWEEPS; i++) expect(service.launch(heavySpec).ok).toBe(true);
    await service.idle();
    expect(service.activeSweeps()).toBe(0);
    expect(service.launch(heavySpec)).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: `Invalid sweep: ${MAX_KEPT_SWEEPS} sweeps are queued, running or waiting for their runs to be stored already (must be fewer: wait for one to end, or cancel one)`,
      },
    });
    // Every one of them is still announced, with its results, to a window that reloads.
    const replayed: SweepEvent[] = [];
    service.onEvent((event) => replayed.push(event));
    expect(service.resendPending()).toBe(MAX_KEPT_SWEEPS);
    expect(replayed.filter((e) => e.type === 'sweep-started')).toHaveLength(MAX_KEPT_SWEEPS);
    expect(replayed.filter((e) => e.type === 'sweep-finished')).toHaveLength(MAX_KEPT_SWEEPS);
    const [first] = resultRanges(events);
    expect(service.acknowledge([first])).toBe(1);
    expect(service.launch(heavySpec).ok).toBe(true);
    await service.idle();
  });
});
