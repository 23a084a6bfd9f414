import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { LAUNCH_WINDOW_MS, LaunchBudget } from '../../src-main/serve/launch-budget';

describe("a connection's launch budget", () => {
  it('lets launches through up to the budget, then says how long to wait; each goes out of it after the window', () => {
    let now = 0;
    const budget = new LaunchBudget(3_000_000, () => now);
    expect(budget.take(1_000_000)).toHaveProperty('refund');
    now = 4_000;
    expect(budget.take(2_000_000)).toHaveProperty('refund');
    now = 7_000;
    expect(budget.take(1)).toEqual({
      refused:
        'Too many sweeps launched: 3 MB of them from this connection in the last 10 s, and this one is 1 B ' +
        '(must be at most 3 MB every 10 s, as every open page is sent each; try again in 3 s)',
    });
    // The first launch has left the window: 1 MB is free again, 2 MB not yet.
    now = LAUNCH_WINDOW_MS;
    expect(budget.take(2_000_000)).toHaveProperty('refused');
    expect(budget.take(1_000_000)).toHaveProperty('refund');
  });

  it('gives back what a refused launch took, and never refuses a launch alone, however large', () => {
    const budget = new LaunchBudget(100, () => 0);
    const taken = budget.take(80);
    if (!('refund' in taken)) throw new Error(taken.refused);
    expect(budget.take(80)).toHaveProperty('refused');
    taken.refund();
    expect(budget.take(80)).toHaveProperty('refund');
    expect(new LaunchBudget(100, () => 0).take(1_000)).toHaveProperty('refund');
  });

  test.prop([
    fc.array(fc.record({ after: fc.integer({ min: 0, max: 6_000 }), bytes: fc.integer({ min: 1, max: 1_500 }) }), {
      maxLength: 60,
    }),
  ])('admits a launch exactly when the window holds room for it, or nothing at all', (launches) => {
    const BUDGET = 1_000;
    let now = 0;
    const budget = new LaunchBudget(BUDGET, () => now);
    const admitted: { at: number; bytes: number }[] = [];
    for (const { after, bytes } of launches) {
      now += after;
      const used = admitted
        .filter((launch) => now - launch.at < LAUNCH_WINDOW_MS)
        .reduce((sum, launch) => sum + launch.bytes, 0);
      const taken = budget.take(bytes);
      expect('refund' in taken).toBe(used === 0 || used + bytes <= BUDGET);
      if ('refund' in taken) admitted.push({ at: now, bytes });
    }
  });
});
