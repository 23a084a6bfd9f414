import { describe, expect, it } from 'vitest';
import { BatchSizer, estimatedTraceBytes } from '../../src-main/batch-sizer';
import { adagradRun } from '../helpers/configs';

const small = adagradRun({}, { objective: { id: 'elliptic-2d' }, start: null, steps: 1000, traceMaxPoints: 200 });
const wide = adagradRun(
  {},
  {
    objective: { id: 'ill-conditioned', dim: 1_000_000, condition: 100 },
    start: null,
    steps: 100,
    traceMaxPoints: 1000,
  },
);

describe('BatchSizer', () => {
  it('probes with one run, then sizes tasks to the target time from what runs took', () => {
    const sizer = new BatchSizer({ targetMs: 50, maxRuns: 500, maxBytes: 64 * 1024 * 1024 });
    expect(sizer.next(10_000, small, 2)).toBe(1);
    sizer.observe(1, 0.5); // 0.5 ms a run: 100 runs make 50 ms
    expect(sizer.next(9_999, small, 2)).toBe(100);
    sizer.observe(100, 150); // 1.5 ms a run now; smoothed to 1 ms
    expect(sizer.next(9_899, small, 2)).toBe(50);
    sizer.observe(50, 12.5); // 0.25 ms a run: taken at once
    expect(sizer.next(9_849, small, 2)).toBe(200);
  });

  it('reaches full-size tasks within a few tasks of a cold start, then keeps them', () => {
    // Runs of 30 µs, a task's fixed cost 0.5 ms, and a worker's first task 40 ms more (its start-up): what the window's
    // 10,000-run sweep found on this machine.
    const sizing = { targetMs: 50, maxRuns: 2000, maxBytes: 1e12 };
    const sizer = new BatchSizer(sizing);
    const sizes: number[] = [];
    for (let done = 0, task = 0; done < 10_000; task++) {
      const runs = sizer.next(10_000 - done, small, 1);
      sizer.observe(runs, (task === 0 ? 40 : 0) + 0.5 + runs * 0.03);
      sizes.push(runs);
      done += runs;
    }
    // The cold task's 40 ms are forgotten after the next one; full size (50 ms of 30 µs runs, less the fixed cost's
    // share) from the fourth task on. (Averaging every timing took 19 tasks, 13 of them ramping: 1, 1, 2, 4, 9, …)
    expect(sizes.slice(0, 3)).toEqual([1, 1, 94]);
    expect(sizes[3]).toBeGreaterThan(1400);
    expect(sizes.length).toBeLessThanOrEqual(10);
  });

  it('never exceeds the run and byte limits, and spreads the last runs over every worker', () => {
    const sizer = new BatchSizer({ targetMs: 50, maxRuns: 500, maxBytes: 1024 * 1024 });
    sizer.observe(1000, 1); // nearly free runs
    expect(estimatedTraceBytes(small)).toBe(200 * (4 + 8 * 9));
    expect(sizer.next(10_000, small, 2)).toBe(Math.floor((1024 * 1024) / estimatedTraceBytes(small)));
    expect(new BatchSizer({ targetMs: 50, maxRuns: 500, maxBytes: 1e12 }).next(10_000, small, 2)).toBe(1);
    const free = new BatchSizer({ targetMs: 50, maxRuns: 500, maxBytes: 1e12 });
    free.observe(1000, 1);
    expect(free.next(10_000, small, 2)).toBe(500);
    expect(free.next(301, small, 2)).toBe(151);
    expect(free.next(1, small, 2)).toBe(1);
  });

  it('ends a sweep on two workers in tasks of at least an eighth of a full one, not halving down to single runs', () => {
    const sizer = new BatchSizer({ targetMs: 50, maxRuns: 2000, maxBytes: 1e12 });
    sizer.observe(1000, 1); // full tasks of 2,000 runs: the tail's floor is 250
    const sizes: number[] = [];
    for (let remaining = 10_000; remaining > 0; remaining -= sizes.at(-1)!) sizes.push(sizer.next(remaining, small, 2));
    // Halving all the way down gave 2000 ×4, 1000, 500, 250, 125, 63, 31, 16, 8, 4, 2, 1, 1.
    expect(sizes).toEqual([2000, 2000, 2000, 2000, 1000, 500, 250, 250]);
    // Fewer runs left after a task than the floor go with it.
    expect(sizer.next(300, small, 2)).toBe(300);
    expect(sizer.next(2100, small, 2)).toBe(1050);
  });

  it('gives a run that alone exceeds the targets a task of its own', () => {
    const sizer = new BatchSizer();
    sizer.observe(1, 2_000); // a d = 10⁶ run takes seconds
    expect(estimatedTraceBytes(wide)).toBe(101 * (4 + 8 * 13)); // quantile columns above 16 parameters
    expect(sizer.next(20, wide, 2)).toBe(1);
  });
});
