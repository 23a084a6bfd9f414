import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { RunSummary } from '../../../src-core/contract/types';
import {
  defaultGrouping,
  formatMeanSd,
  groupCsvColumns,
  groupLabel,
  groupOutcome,
  groupRuns,
  groupSeries,
  meanSd,
  type Member,
} from '../../../src-core/views/groups';
import { csvHeader, csvRows } from '../../../src-core/export/csv';
import { adagradRun } from '../../helpers/configs';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  status: 'completed',
  finalLoss: 1,
  bestLoss: 1,
  bestStep: 0,
  stepsToTolerance: null,
  divergedAt: null,
  divergedIn: null,
  ...over,
});

/** A run of AdaGrad on x² with learning rate `lr` and seed `seed`. */
const run = (lr: number, seed: number, over: Partial<RunSummary> = {}) => ({
  config: adagradRun({ lr }, { seed }),
  summary: summary(over),
});

/** A view's names for settings (the renderer's are the form's labels): here the spec's names in capitals. */
const label = (name: string): string => name.toUpperCase();

const member = (steps: number[], values: number[], until = Infinity): Member => ({ steps, values, until });

describe('groups of runs', () => {
  const runs = [
    run(0.1, 0, { finalLoss: 2, bestLoss: 1 }),
    run(0.5, 0, { finalLoss: 10, bestLoss: 3 }),
    run(0.1, 1, { finalLoss: 4, bestLoss: 2 }),
    run(0.5, 1, { status: 'diverged', finalLoss: Infinity, bestLoss: 5, divergedAt: 7, divergedIn: 'loss' }),
    run(0.1, 2, { finalLoss: 6, bestLoss: 6 }),
  ];

  it('puts the runs that differ only by seed together, named by what tells the groups apart, divergences counted', () => {
    const groups = groupRuns(runs, { kind: 'seeds' });
    expect(groups.map((g) => groupLabel(g, label))).toEqual(['LR 0.1 (3 runs)', 'LR 0.5 (2 runs, 1 diverged)']);
    expect(groups.map((g) => g.runs.map((r) => r.config.seed))).toEqual([
      [0, 1, 2],
      [0, 1],
    ]);
    expect(defaultGrouping(runs)).toEqual({ kind: 'seeds' });
    // No two runs differ only by seed: nothing to aggregate.
    expect(defaultGrouping([run(0.1, 0), run(0.5, 1)])).toBeNull();
    // A run and its re-run (same settings, same seed) are not seeds of one setting.
    expect(defaultGrouping([run(0.1, 0), run(0.1, 0), run(0.5, 1)])).toBeNull();
  });

  it('groups by a chosen setting', () => {
    const groups = groupRuns(runs, { kind: 'settings', names: ['seed'] });
    expect(groups.map((g) => groupLabel(g, label))).toEqual([
      'SEED 0 (2 runs)',
      'SEED 1 (2 runs, 1 diverged)',
      'SEED 2 (1 run)',
    ]);
    expect(groupLabel({ ...groups[2], failed: 1 }, label)).toBe('SEED 2 (1 run, 1 failed)');
  });

  it("gives each group's final and best loss as mean ± sample sd, diverged runs counted apart, '—' for one run", () => {
    const [low, high] = groupRuns(runs, { kind: 'seeds' }).map(groupOutcome);
    // Final losses 2, 4, 6: mean 4, sd √((4 + 0 + 4)/2) = 2. Best losses 1, 2, 6: mean 3, sd √((4 + 1 + 9)/2) = √7.
    expect(low.finalLoss).toEqual({ n: 3, mean: 4, sd: 2 });
    expect(low.bestLoss).toEqual({ n: 3, mean: 3, sd: Math.sqrt(7) });
    expect(formatMeanSd(low.bestLoss)).toBe('3 ± 2.64575');
    // lr = 0.5: the diverged run's ∞ is not averaged; its best loss, reached before it diverged, is.
    expect(high).toMatchObject({ runs: 2, diverged: 1, failed: 0 });
    expect(high.finalLoss).toEqual({ n: 1, mean: 10, sd: NaN });
    expect(formatMeanSd(high.finalLoss)).toBe('10 ± —');
    expect(high.bestLoss).toEqual({ n: 2, mean: 4, sd: Math.SQRT2 });
    expect(formatMeanSd(meanSd([]))).toBe('—');
    const csv = [...csvRows(groupCsvColumns([low, high]), [low, high])].join('');
    expect(csvHeader(groupCsvColumns([low]))).toBe(
      'lr,runs,diverged,failed,final_loss_runs,final_loss_mean,final_loss_sd,best_loss_runs,best_loss_mean,best_loss_sd\r\n',
    );
    expect(csv).toBe(`0.1,3,0,0,3,4,2,3,3,${Math.sqrt(7)}\r\n0.5,2,1,0,1,10,,2,4,${Math.SQRT2}\r\n`);
  });
});

describe('group statistics per step', () => {
  it('takes the median of odd and even counts, the mean, min, max and the sample sd', () => {
    const series = groupSeries([
      member([0, 1, 2], [1, 10, 7]),
      member([0, 1, 2], [3, 20, 1]),
      member([0, 1, 2], [8, 30, 4]),
      member([0, 1], [4, 40]),
    ]);
    expect(Array.from(series.steps)).toEqual([0, 1, 2]);
    expect(Array.from(series.count)).toEqual([4, 4, 3]);
    // Step 0: 1, 3, 4, 8, an even count: median (3 + 4)/2. Step 2: 1, 4, 7, odd: the middle one.
    expect(Array.from(series.median)).toEqual([3.5, 25, 4]);
    expect(Array.from(series.mean)).toEqual([4, 25, 4]);
    expect(Array.from(series.min)).toEqual([1, 10, 1]);
    expect(Array.from(series.max)).toEqual([8, 40, 7]);
    // Step 0: squares 9 + 1 + 0 + 16 = 26 over n − 1 = 3. Step 1: 225 + 25 + 25 + 225 = 500 over 3. Step 2: 9 + 0 + 9 over 2.
    expect(Array.from(series.sd)).toEqual([Math.sqrt(26 / 3), Math.sqrt(500 / 3), 3]);
  });

  it('aligns on the union of steps, a run contributing between its own rows the value its line passes through', () => {
    // The second run kept a spike at step 3 that the first did not keep; the first kept step 5 that the second ends before.
    const series = groupSeries([member([0, 2, 4, 5], [10, 6, 2, 1]), member([0, 2, 3, 4], [20, 8, 50, 4])]);
    expect(Array.from(series.steps)).toEqual([0, 2, 3, 4, 5]);
    expect(Array.from(series.count)).toEqual([2, 2, 2, 2, 1]);
    // Step 3: the first run's line passes through 4 (between 6 at step 2 and 2 at step 4).
    expect(Array.from(series.min)).toEqual([10, 6, 4, 2, 1]);
    expect(Array.from(series.max)).toEqual([20, 8, 50, 4, 1]);
    // One run: its value, and no spread.
    expect(series.mean[4]).toBe(1);
    expect(series.sd[4]).toBeNaN();
  });

  it('counts a diverged run, and takes nothing of it after its divergence or where it is not finite', () => {
    const series = groupSeries([
      member([0, 1, 2, 3, 4], [4, 3, 2, 1, 0.5]),
      // Diverged at step 2 with an infinite loss, stepped on after it (continueAfterNonFinite) with NaN and a finite value.
      member([0, 1, 2, 3, 4], [8, 5, Infinity, NaN, 7], 2),
      // Diverged at step 3 by blowing up past the threshold: its finite value there counts, what follows does not.
      member([0, 1, 2, 3, 4], [6, 4, 3, 1e9, 2], 3),
    ]);
    expect(Array.from(series.count)).toEqual([3, 3, 2, 2, 1]);
    expect(Array.from(series.max)).toEqual([8, 5, 3, 1e9, 0.5]);
    expect(Array.from(series.median)).toEqual([6, 4, 2.5, 1e9 / 2 + 0.5, 0.5]);
    // No step where every run is cut off: the union holds only steps some run contributes at.
    expect(groupSeries([member([0, 5], [1, NaN], 5)]).steps).toEqual(Float64Array.of(0));
  });

  const members = fc.array(
    fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 }).chain((steps) =>
      fc.record({
        steps: fc.constant(steps.sort((a, b) => a - b)),
        values: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
          minLength: steps.length,
          maxLength: steps.length,
        }),
        until: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 30 })),
      }),
    ),
    { minLength: 1, maxLength: 6 },
  );

  test('the median of two subnormal values stays between them (halving each rounds to even)', () => {
    // Interpolated at step 1 the two runs give −1.5e-323 each; each half rounds to −1e-323 and their sum, −2e-323, lay
    // below both before the midpoint was held inside.
    const s = groupSeries([
      member([0, 2], [-1.5e-323, -1.5e-323]),
      member([0, 1, 2], [-1.5e-323, -1.5e-323, -1.5e-323]),
    ]);
    expect(Array.from(s.median)).toEqual([-1.5e-323, -1.5e-323, -1.5e-323]);
  });

  test.prop([members])('mean within [min, max], bands in order', (ms) => {
    const s = groupSeries(ms);
    s.steps.forEach((_, i) => {
      expect(s.count[i]).toBeGreaterThan(0);
      expect(s.min[i]).toBeLessThanOrEqual(s.median[i]);
      expect(s.median[i]).toBeLessThanOrEqual(s.max[i]);
      expect(s.min[i]).toBeLessThanOrEqual(s.mean[i]);
      expect(s.mean[i]).toBeLessThanOrEqual(s.max[i]);
      if (s.count[i] > 1) {
        expect(s.sd[i]).toBeGreaterThanOrEqual(0);
        expect(s.mean[i] - s.sd[i]).toBeLessThanOrEqual(s.mean[i]);
        expect(s.mean[i] + s.sd[i]).toBeGreaterThanOrEqual(s.mean[i]);
      } else expect(s.sd[i]).toBeNaN();
    });
  });

  test.prop([members, fc.nat()])('does not depend on the order of the runs', (ms, seed) => {
    const shuffled = [...ms];
    for (let i = shuffled.length - 1, x = seed; i > 0; i--, x = (x * 1103515245 + 12345) % 2 ** 31) {
      const j = x % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect(groupSeries(shuffled)).toEqual(groupSeries(ms));
  });

  test.prop([fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 20 })])(
    'meanSd: the mean within [min, max] even where rounding would leave it',
    (xs) => {
      const { mean } = meanSd(xs);
      expect(mean).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(mean).toBeLessThanOrEqual(Math.max(...xs));
    },
  );
});
