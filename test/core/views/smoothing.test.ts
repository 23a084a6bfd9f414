import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { maxSmoothing, smoothOverSteps } from '../../../src-core/views/smoothing';
import { executeRun } from '../../../src-core/run/execute';
import { computePerStepTable } from '../../../src-core/views/per-step';
import { adagradRun } from '../../helpers/configs';

/** TensorBoard's smoothing (its line chart's `resmoothDataset`), its loop as written. */
function tensorBoardSmoothing(ys: readonly number[], smoothingWeight: number): number[] {
  let last = 0;
  let numAccum = 0;
  const isConstant = ys.every((v) => v == ys[0]);
  return ys.map((nextVal) => {
    if (isConstant || !Number.isFinite(nextVal)) return nextVal;
    last = last * smoothingWeight + (1 - smoothingWeight) * nextVal;
    numAccum++;
    const debiasWeight = smoothingWeight !== 1 ? 1 - Math.pow(smoothingWeight, numAccum) : 1;
    return last / debiasWeight;
  });
}

/** The same average taken row by row, whatever the steps between rows: what smoothing a log-spaced trace must not do. */
const byRowIndex = (ys: ArrayLike<number>, alpha: number): number[] => tensorBoardSmoothing(Array.from(ys), alpha);

describe('smoothing over steps', () => {
  it("equals TensorBoard's every-step debiased average exactly where every step is kept", () => {
    const { trace } = executeRun(
      adagradRun({ lr: 0.3 }, { objective: { id: 'rosenbrock', dim: 2 }, start: null, steps: 300 }),
    );
    expect(trace.steps.length).toBe(301);
    for (const alpha of [0.1, 0.6, 0.9, 0.99, maxSmoothing])
      expect(Array.from(smoothOverSteps(trace.steps, trace.loss, alpha))).toEqual(
        tensorBoardSmoothing(Array.from(trace.loss), alpha),
      );
    // A constant series stays exactly flat (rounding would make 0.1s read 0.09999999999999999 here and there).
    const flat = Array<number>(50).fill(0.1);
    expect(Array.from(smoothOverSteps(Object.keys(flat).map(Number), flat, 0.9))).toEqual(flat);
    expect(tensorBoardSmoothing(flat, 0.9)).toEqual(flat);
    // By hand: 4, 2 with α = ½: m = 2, then 1 + 1 = 2, over debiases ½ and ¾: 4 and 8/3.
    expect(Array.from(smoothOverSteps([0, 1], [4, 2], 0.5))).toEqual([4, 2 / 0.75]);
  });

  it('decays by α^d over a gap of d steps, the value held over the gap', () => {
    // Steps 0 and 3 with α = ½: m₀ = ½·8 = 4; over 3 steps m = ⅛·4 + ⅞·2 = 2.25, debias 1 − ½⁴ = 15/16: 2.4.
    expect(Array.from(smoothOverSteps([0, 3], [8, 2], 0.5))).toEqual([8, 2.4]);
    // The same as every step with 2 held over steps 1…3.
    expect(smoothOverSteps([0, 3], [8, 2], 0.5)[1]).toBeCloseTo(
      smoothOverSteps([0, 1, 2, 3], [8, 2, 2, 2], 0.5)[3],
      15,
    );
  });

  // Two real runs of 20,000 steps, kept in 199 rows: AdaGrad on Rosenbrock, and per-sample AdaGrad on sparse logistic
  // regression (its path depends on the run's seed). Measured worst relative errors (ours / row by row) at α = 0.6, 0.9,
  // 0.99, 0.999: Rosenbrock 0.04% / 25%, 0.25% / 357%, 2.6% / 2569%, 5.4% / 2653%; sparse-logreg 2.6% / 5.8%,
  // 1.8% / 7.4%, 0.6% / 31%, 0.3% / 42%. Per-sample steps make the loss noisy from step to step: where the average
  // spans fewer steps than a late gap (small α) neither can average the noise the trace did not keep (the bound's V is
  // that noise), so the gain there is asserted only from α = 0.99.
  it.each([
    ['rosenbrock', adagradRun({ lr: 0.02 }, { objective: { id: 'rosenbrock', dim: 2 }, start: [-1.5, 2] }), 0.06, 0],
    [
      'stochastic sparse-logreg',
      adagradRun(
        { lr: 0.5 },
        {
          objective: {
            id: 'sparse-logreg',
            samples: 200,
            features: 50,
            nonZerosPerSample: 5,
            zipfExponent: 1.1,
            seed: 3,
            batchSize: 1,
          },
          start: null,
          seed: 7,
        },
      ),
      0.03,
      0.99,
    ],
  ] as const)(
    '%s: smoothing the stored log-spaced trace agrees with smoothing every step, within the bound',
    (_, base, within, gainFrom) => {
      const config = { ...base, steps: 20_000, traceMaxPoints: 200 };
      const stored = executeRun(config).trace;
      expect(stored.steps.length).toBe(199);
      const { table } = computePerStepTable(config);
      // Every step's loss, step 0 included (the table starts at step 1).
      const every = Float64Array.of(stored.loss[0], ...table.loss);
      expect(every.length).toBe(20_001);
      const allSteps = Float64Array.from(every, (_, t) => t);
      for (const alpha of [0.6, 0.9, 0.99, maxSmoothing]) {
        const truth = smoothOverSteps(allSteps, every, alpha);
        const ours = smoothOverSteps(stored.steps, stored.loss, alpha);
        const rows = byRowIndex(stored.loss, alpha);
        // The tolerance. Between stored steps s and s + d the real average gains Σⱼ (1 − α)αʲ·y_(s+d−j) (j < d), ours
        // (1 − α^d)·y_(s+d): they differ by at most (1 − α^d)·V, V = max |y_t − y_(s+d)| over the gap's steps. What
        // differed before the gap shrinks by α^d. So |ours − real| ≤ E / debias with E ← α^d·E + (1 − α^d)·V from E = 0
        // at step 0 (both start from the same value), the debias 1 − α^(t+1) being the same for both.
        let bound = 0;
        let worstOurs = 0;
        let worstRows = 0;
        for (let k = 1; k < stored.steps.length; k++) {
          const [s, t] = [stored.steps[k - 1], stored.steps[k]];
          let spread = 0;
          for (let u = s + 1; u <= t; u++) spread = Math.max(spread, Math.abs(every[u] - every[t]));
          const decay = alpha ** (t - s);
          bound = decay * bound + (1 - decay) * spread;
          const error = Math.abs(ours[k] - truth[t]);
          // Rounding adds a few ulps per step of the recurrence: 1e-12 relative covers 20,000 of them.
          expect(error).toBeLessThanOrEqual(bound / (1 - alpha ** (t + 1)) + 1e-12 * Math.abs(truth[t]));
          worstOurs = Math.max(worstOurs, error / Math.abs(truth[t]));
          worstRows = Math.max(worstRows, Math.abs(rows[k] - truth[t]) / Math.abs(truth[t]));
        }
        // In figures: within a few percent of the every-step curve, where smoothing row by row misses by 40 times more.
        expect(worstOurs).toBeLessThan(within);
        if (alpha >= gainFrom) expect(worstRows).toBeGreaterThan(40 * worstOurs);
      }
    },
  );

  it('returns the raw values for α = 0, and leaves non-finite values as they are, out of the average', () => {
    const ys = [5, 3.25, 1e-300, 7, 1e300];
    expect(Array.from(smoothOverSteps([0, 1, 5, 50, 9000], ys, 0))).toEqual(ys);
    // A diverged tail: NaN and ∞ come back as they are; a finite value after them continues from the last finite one,
    // its gap reaching back to it: from step 1 to step 4 the average decays by ½³.
    const out = smoothOverSteps([0, 1, 2, 3, 4], [8, 4, NaN, Infinity, 2], 0.5);
    // m: 4, then 2 + 2 = 4 (debias ¾), then ⅛·4 + ⅞·2 = 2.25 over 1 − ½⁵ at step 4.
    expect(Array.from(out)).toEqual([8, 16 / 3, NaN, Infinity, 2.25 / (31 / 32)]);
  });

  it('refuses a weight outside [0, 1), naming it', () => {
    expect(() => smoothOverSteps([0], [1], 1)).toThrow(
      'smoothing: the weight 1 is not allowed; it must be at least 0 and below 1',
    );
    expect(() => smoothOverSteps([0], [1], NaN)).toThrow(/weight NaN/);
  });

  test.prop([
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }),
    fc.double({ min: 0, max: maxSmoothing, noNaN: true }),
  ])('stays within the range of the values so far', (ys, alpha) => {
    const steps = ys.map((_, i) => i * i);
    const out = smoothOverSteps(steps, ys, alpha);
    out.forEach((m, k) => {
      const seen = ys.slice(0, k + 1);
      const slack = 1e-9 * Math.max(1, ...seen.map(Math.abs));
      expect(m).toBeGreaterThanOrEqual(Math.min(...seen) - slack);
      expect(m).toBeLessThanOrEqual(Math.max(...seen) + slack);
    });
  });
});
