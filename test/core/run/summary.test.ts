import { describe, expect, it } from 'vitest';
import { blowUpLimit, SummaryTracker } from '../../../src-core/run/summary';
import type { RunSummary } from '../../../src-core/contract/types';

type Row = { loss: number; theta?: number; accum?: number };

/** Feeds rows the way a run loop does (θ and G of one coordinate), stopping where `observe` says so. */
function summarize(rows: (number | Row)[], tolerance: number | null, hasAccumulator = true): RunSummary {
  const tracker = new SummaryTracker(tolerance);
  const theta = new Float64Array(1);
  const accum = new Float64Array(1);
  for (const [step, row] of rows.entries()) {
    const { loss, theta: t = 1, accum: g = 1 } = typeof row === 'number' ? { loss: row } : row;
    theta[0] = t;
    accum[0] = g;
    if (!tracker.observe(step, loss, theta, hasAccumulator ? accum : null)) break;
  }
  return tracker.finish();
}

const none = { stepsToTolerance: null, divergedAt: null, divergedIn: null };

describe('SummaryTracker', () => {
  it.each<{ desc: string; rows: (number | Row)[]; tolerance: number | null; expected: RunSummary }>([
    {
      desc: 'a run without tolerance',
      rows: [4, 2, 1, 3],
      tolerance: null,
      expected: { status: 'completed', finalLoss: 3, bestLoss: 1, bestStep: 2, ...none },
    },
    {
      desc: 'a run ending within tolerance',
      rows: [4, 0.5, 0.2, 0.05, 0.01],
      tolerance: 0.1,
      expected: { status: 'converged', finalLoss: 0.01, bestLoss: 0.01, bestStep: 4, ...none, stepsToTolerance: 3 },
    },
    {
      desc: 'a run that touched the tolerance and left it',
      rows: [4, 0.05, 2],
      tolerance: 0.1,
      expected: { status: 'completed', finalLoss: 2, bestLoss: 0.05, bestStep: 1, ...none, stepsToTolerance: 1 },
    },
    {
      desc: 'a loss exactly at the tolerance',
      rows: [1, 0.1],
      tolerance: 0.1,
      expected: { status: 'converged', finalLoss: 0.1, bestLoss: 0.1, bestStep: 1, ...none, stepsToTolerance: 1 },
    },
    {
      desc: 'a tolerance never reached',
      rows: [3, 2],
      tolerance: 0.1,
      expected: { status: 'completed', finalLoss: 2, bestLoss: 2, bestStep: 1, ...none },
    },
    {
      desc: 'ties: the first step reaching the best loss',
      rows: [2, 1, 1],
      tolerance: null,
      expected: { status: 'completed', finalLoss: 1, bestLoss: 1, bestStep: 1, ...none },
    },
    {
      desc: 'a negative tolerance (an objective unbounded below)',
      rows: [0, -1, -3],
      tolerance: -2,
      expected: { status: 'converged', finalLoss: -3, bestLoss: -3, bestStep: 2, ...none, stepsToTolerance: 2 },
    },
    {
      desc: 'a NaN loss: diverged, the rows after it unread',
      rows: [4, 1, NaN, 0],
      tolerance: 0.1,
      expected: {
        status: 'diverged',
        finalLoss: NaN,
        bestLoss: 1,
        bestStep: 1,
        stepsToTolerance: null,
        divergedAt: 2,
        divergedIn: 'loss',
      },
    },
    {
      desc: 'an infinite loss',
      rows: [4, Infinity],
      tolerance: null,
      expected: {
        status: 'diverged',
        finalLoss: Infinity,
        bestLoss: 4,
        bestStep: 0,
        stepsToTolerance: null,
        divergedAt: 1,
        divergedIn: 'loss',
      },
    },
    {
      desc: 'a loss of −∞ is divergence too, never the best loss',
      rows: [4, -Infinity],
      tolerance: 0,
      expected: {
        status: 'diverged',
        finalLoss: -Infinity,
        bestLoss: 4,
        bestStep: 0,
        stepsToTolerance: null,
        divergedAt: 1,
        divergedIn: 'loss',
      },
    },
    {
      desc: 'non-finite θ with a finite loss',
      rows: [4, 2, { loss: 1, theta: NaN }],
      tolerance: null,
      expected: {
        status: 'diverged',
        finalLoss: 1,
        bestLoss: 2,
        bestStep: 1,
        stepsToTolerance: null,
        divergedAt: 2,
        divergedIn: 'parameters',
      },
    },
    {
      desc: 'an overflowing accumulator, named before θ and loss',
      rows: [4, { loss: NaN, theta: NaN, accum: Infinity }],
      tolerance: null,
      expected: {
        status: 'diverged',
        finalLoss: NaN,
        bestLoss: 4,
        bestStep: 0,
        stepsToTolerance: null,
        divergedAt: 1,
        divergedIn: 'accumulator',
      },
    },
    {
      desc: 'divergence at the start',
      rows: [NaN, 1],
      tolerance: 1,
      expected: {
        status: 'diverged',
        finalLoss: NaN,
        bestLoss: NaN,
        bestStep: 0,
        stepsToTolerance: null,
        divergedAt: 0,
        divergedIn: 'loss',
      },
    },
  ])('$desc', ({ rows, tolerance, expected }) => {
    expect(summarize(rows, tolerance)).toEqual(expected);
  });

  it('ignores the accumulator of an optimizer without one', () => {
    expect(summarize([{ loss: 1, accum: NaN }], null, false).status).toBe('completed');
  });

  it('refuses to summarize a run with no steps', () => {
    expect(() => new SummaryTracker(null).finish()).toThrow('no step was observed');
  });
});

describe('blowing up: a loss above threshold × |f₀| is a divergence', () => {
  const theta = Float64Array.of(1);
  const observe = (threshold: Parameters<typeof blowUpLimit>[0], losses: number[], continueAfterNonFinite = false) => {
    const tracker = new SummaryTracker(null, continueAfterNonFinite, threshold);
    for (let k = 0; k < losses.length; k++) if (!tracker.observe(k, losses[k], theta, null)) break;
    return tracker.finish();
  };

  it('diverges at the step it crosses, with that loss as the final one (default 10⁶ × f₀)', () => {
    expect(observe(undefined, [16, 1e3, 1.6e7, 1])).toMatchObject({ status: 'completed', finalLoss: 1 }); // 1.6e7 is not above
    expect(observe(undefined, [16, 1e3, 1.7e7, 1])).toEqual({
      status: 'diverged',
      finalLoss: 1.7e7,
      bestLoss: 16,
      bestStep: 0,
      stepsToTolerance: null,
      divergedAt: 2,
      divergedIn: 'loss',
    });
    expect(observe(10, [2, 19, 21])).toMatchObject({ status: 'diverged', divergedAt: 2 });
    expect(observe('off', [2, 1e300, 1])).toMatchObject({ status: 'completed' });
  });

  it('is relative to |f₀|, and has no scale to be relative to when f₀ is 0', () => {
    expect(blowUpLimit(10, -3)).toBe(30);
    expect(blowUpLimit(10, 0)).toBe(Infinity);
    expect(blowUpLimit(undefined, 2)).toBe(2e6);
    expect(blowUpLimit('off', 2)).toBe(Infinity);
    expect(observe(10, [-3, 29, 31])).toMatchObject({ status: 'diverged', divergedAt: 2 });
  });

  it('with continueAfterNonFinite, steps on past the crossing and reports the first one', () => {
    // The run is not stopped: the final loss is the last step's; the later crossing (step 4) is not the one reported;
    // step 3, back under the limit, counts for the best loss as any finite step under it does.
    expect(observe(10, [2, 19, 21, 1, 25, 30], true)).toEqual({
      status: 'diverged',
      finalLoss: 30,
      bestLoss: 1,
      bestStep: 3,
      stepsToTolerance: null,
      divergedAt: 2,
      divergedIn: 'loss',
    });
  });
});
