/**
 * batchesInOrder's window, against a simulated pool (a worker per thread, a waiting line, batches that take the time
 * they are given): results in order, memory bounded, and no worker left idle behind a slow batch while runs are left.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { batchesInOrder, sweepBatchSize, warmingBatchSize, type RunShape } from '../../../src-main/export/ordered-runs';

interface Batch {
  from: number;
  to: number;
  /** Ticks it takes once a worker starts it. */
  ticks: number;
  resolve: (batch: Batch) => void;
  endsAt?: number;
}

/**
 * `threads` workers taking launched batches first come, first served, as piscina does; `tick` moves time to the next
 * batch to finish and finishes it. Counts what the window must bound.
 */
function simulatedPool(threads: number, ticksOf: (index: number) => number) {
  const waiting: Batch[] = [];
  const running: Batch[] = [];
  let now = 0;
  let launched = 0;
  const start = (): void => {
    while (running.length < threads && waiting.length > 0) {
      const batch = waiting.shift()!;
      batch.endsAt = now + batch.ticks;
      running.push(batch);
    }
  };
  return {
    executor: { threads },
    run: (from: number, to: number): Promise<Batch> =>
      new Promise<Batch>((resolve) => {
        waiting.push({ from, to, ticks: ticksOf(launched++), resolve });
        start();
      }),
    /** Finishes the running batch that ends first; false when none runs. */
    tick(): boolean {
      if (running.length === 0) return false;
      const first = running.reduce((a, b) => (b.endsAt! < a.endsAt! ? b : a));
      running.splice(running.indexOf(first), 1);
      now = first.endsAt!;
      // The freed worker takes the next waiting batch before the window sees the result, as piscina hands it over.
      start();
      first.resolve(first);
      return true;
    },
    idleWorkers: (): number => threads - running.length,
    waiting: (): number => waiting.length,
    unsettled: (): number => waiting.length + running.length,
  };
}

/** Lets every promise callback queued so far run (the window's and the consumer's). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Drives `count` runs in batches of `size` through the window and the simulated pool, taking each result at once.
 * Checks, whenever time moves: unsettled batches ≤ threads + 1, launched-not-taken ≤ 2·threads + 1, and a worker
 * idles only when every run is launched or `threads` finished batches wait for an earlier one.
 */
async function drive(threads: number, count: number, size: number, ticksOf: (index: number) => number) {
  const pool = simulatedPool(threads, ticksOf);
  const taken: Batch[] = [];
  let finished = 0;
  let launchedRuns = 0;
  const batches = batchesInOrder(
    pool.executor,
    count,
    () => size,
    (from, to) => {
      launchedRuns = to;
      return pool.run(from, to).then((batch) => {
        finished++;
        return batch;
      });
    },
  );
  const consumer = (async () => {
    for await (const batch of batches) taken.push(batch);
  })();
  const idleWhileRunsLeft: string[] = [];
  for (;;) {
    await settle();
    const held = finished - taken.length;
    expect(pool.unsettled()).toBeLessThanOrEqual(threads + 1);
    expect(pool.unsettled() + held).toBeLessThanOrEqual(2 * threads + 1);
    if (pool.idleWorkers() > 0 && pool.waiting() === 0 && launchedRuns < count && held < threads)
      idleWhileRunsLeft.push(`idle with ${held} held and runs from ${launchedRuns} left`);
    if (!pool.tick()) break;
  }
  await consumer;
  return { taken, idleWhileRunsLeft };
}

describe('batchesInOrder', () => {
  it('keeps the second worker busy while the first batch is slow, and still yields in order', async () => {
    // The first batch takes 100 ticks (a worker still starting), every other 10: the second worker goes on through
    // batches 1, 2, 3 and 4 meanwhile (the old window of threads + 1 gave it batches 1 and 2, then 80 ticks idle).
    const { taken, idleWhileRunsLeft } = await drive(2, 100, 10, (i) => (i === 0 ? 100 : 10));
    expect(taken.map((b) => [b.from, b.to])).toEqual(Array.from({ length: 10 }, (_, i) => [i * 10, i * 10 + 10]));
    expect(idleWhileRunsLeft).toEqual([]);
    // Batches 1–4 ran on the second worker while batch 0 ran: they ended at 10, 20, 30 and 40.
    expect(taken.slice(1, 5).map((b) => b.endsAt)).toEqual([10, 20, 30, 40]);
  });

  it('stops launching once a finished batch per thread waits for a slow one: memory stays bounded', async () => {
    const { taken, idleWhileRunsLeft } = await drive(2, 100, 10, (i) => (i === 0 ? 1000 : 10));
    expect(taken).toHaveLength(10);
    // The worker did idle, but only at the bound (the drive checks that held ≥ threads whenever one idles).
    expect(idleWhileRunsLeft).toEqual([]);
    // Batch 5 could not start before batch 0 ended at 1000 and was taken.
    expect(taken[5].endsAt).toBeGreaterThan(1000);
  });

  test.prop([
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 60 }),
    fc.integer({ min: 1, max: 9 }),
    fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
  ])(
    'any durations: every run once, in order, bounded, and no worker idle while runs are left below the bound',
    async (threads, count, size, ticks) => {
      const { taken, idleWhileRunsLeft } = await drive(threads, count, size, (i) => ticks[i % ticks.length]);
      expect(taken.map((b) => b.from)).toEqual(Array.from({ length: Math.ceil(count / size) }, (_, i) => i * size));
      expect(taken.at(-1)!.to).toBe(count);
      expect(idleWhileRunsLeft).toEqual([]);
    },
  );

  it('launches nothing more once the caller stops taking', async () => {
    const pool = simulatedPool(2, () => 10);
    let launches = 0;
    const batches = batchesInOrder(
      pool.executor,
      1000,
      () => 10,
      (from, to) => {
        launches++;
        return pool.run(from, to);
      },
    );
    const first = batches.next();
    while (pool.tick()) await settle();
    await first;
    await batches.return(undefined);
    const before = launches;
    while (pool.tick()) await settle();
    expect(launches).toBe(before);
    expect(before).toBeLessThanOrEqual(2 * 2 + 1 + 1);
  });
});

describe('warmingBatchSize', () => {
  it("gives each worker's first three batches an eighth, a quarter and half of the size, then the size", () => {
    expect(Array.from({ length: 8 }, (_, k) => warmingBatchSize(1600, k, 2))).toEqual([
      200, 200, 400, 400, 800, 800, 1600, 1600,
    ]);
    expect(Array.from({ length: 5 }, (_, k) => warmingBatchSize(1600, k, 1))).toEqual([200, 400, 800, 1600, 1600]);
  });

  test.prop([fc.integer({ min: 1, max: 5000 }), fc.nat(40), fc.integer({ min: 1, max: 8 })])(
    'never empty, never more than the size',
    (size, launched, threads) => {
      const n = warmingBatchSize(size, launched, threads);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(size);
      if (launched >= 3 * threads) expect(n).toBe(size);
    },
  );
});

describe('sweepBatchSize', () => {
  /** Every batch's size, launched one after another as batchesInOrder launches them. */
  const sizes = (shapes: RunShape[], count: number, threads: number, traces = false): number[] => {
    const out: number[] = [];
    for (let next = 0; next < count;) {
      const n = Math.min(count - next, sweepBatchSize(shapes, count, count - next, threads, traces, out.length));
      out.push(n);
      next += n;
    }
    return out;
  };
  const w1: RunShape[] = [{ steps: 1000, objective: { id: 'elliptic-2d' }, traceMaxPoints: 3 }];

  it("warms each worker up, spreads the last runs over both, and ends in batches of a first batch's size, not of one run", () => {
    const w1Sizes = sizes(w1, 100_000, 2);
    expect(w1Sizes.slice(0, 8)).toEqual([200, 200, 400, 400, 800, 800, 1600, 1600]);
    expect(w1Sizes.reduce((a, b) => a + b)).toBe(100_000);
    // The last 2,800 runs: halved down to 200 a batch, then what is left (before: 175, 88, 44, … 3, 1, 1).
    expect(w1Sizes.slice(-6)).toEqual([1600, 1400, 700, 350, 200, 150]);
    expect(Math.min(...w1Sizes.slice(0, -1))).toBe(200);
  });

  it('still spreads a short sweep over every worker', () => {
    const short = sizes(w1, 100, 4);
    expect(short.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...short)).toBeLessThanOrEqual(25);
    expect(sizes(w1, 3, 2)).toEqual([1, 1, 1]);
  });

  test.prop([fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 8 }), fc.boolean()])(
    'covers every run, each batch at least one run and at most the whole size',
    (count, threads, traces) => {
      const all = sizes(w1, count, threads, traces);
      expect(all.reduce((a, b) => a + b)).toBe(count);
      const whole = sweepBatchSize(w1, count, count, threads, traces, 3 * threads);
      for (const n of all) {
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(whole);
      }
    },
  );
});
