import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { computePerStepTable, perStepCsvColumns, type PerStepTable } from '../../../src-core/views/per-step';
import { accumParts, partSeries, shareTenths } from '../../../src-core/views/accum-parts';
import { createObjective } from '../../../src-core/objectives';
import { executeRun } from '../../../src-core/run/execute';
import { presets } from '../../../src-core/sweep/presets';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { optimizerDefaults } from '../../../src-core/optim';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import type { RunConfig } from '../../../src-core/contract/types';
import { adagradRun } from '../../helpers/configs';

/**
 * The largest gap between G and G₀ + its parts, relative to the parts' own magnitudes: the cross term can be negative
 * and cancel most of Σ∇f² (a constant gradient pulling θ one way, the decay the other), and rounding errors scale with
 * what was added, not with what is left (a constant-gradient run the property found: 1.19e-12 of G; of the parts,
 * the gaps measured stay near 1e-16).
 */
function worstRelativeGap(table: PerStepTable, initial: number): number {
  let worst = 0;
  table.accum.forEach((g, k) => {
    const parts = [initial, table.gradSquares[k], table.crossTerm[k], table.decayTerm[k]];
    const sum = parts.reduce((a, b) => a + b, 0);
    const magnitude = parts.reduce((a, b) => a + Math.abs(b), 0);
    worst = Math.max(worst, sum === g ? 0 : Math.abs(sum - g) / magnitude);
  });
  return worst;
}

function weightDecayRuns(): RunConfig[] {
  const preset = presets.find((p) => p.id === 'weight-decay')!;
  const checked = validateSweepSpec(preset.spec);
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('p', checked.value);
}

describe("G's weight-decay parts", () => {
  it("split the seeds' weight-decay preset: G₀ + the parts is G (exactly at wd = 0), and wd = 0 has no decay parts", () => {
    const [plain, decayed] = weightDecayRuns().map((c) => ({ c, table: computePerStepTable(c).table }));
    expect(plain.c.optimizer).toMatchObject({ weightDecay: 0 });
    expect(decayed.c.optimizer).toMatchObject({ weightDecay: 0.01 });
    for (const { table } of [plain, decayed]) {
      expect(table.partsMissing).toBeNull();
      expect(table.gradSquares.length).toBe(3 * 4); // 3 steps × 4 parameters
    }
    // G₀ = 0 here. With wd = 0.01 the expansion rounds apart from the square by an ulp or so (measured: 1.8e-16).
    expect(worstRelativeGap(plain.table, 0)).toBe(0);
    expect(worstRelativeGap(decayed.table, 0)).toBeLessThanOrEqual(1e-12);
    // wd = 0: G is Σ∇f² itself, bit for bit, and the decay parts exactly 0.
    expect(Array.from(plain.table.gradSquares)).toEqual(Array.from(plain.table.accum));
    expect(plain.table.crossTerm.every((x) => x === 0) && plain.table.decayTerm.every((x) => x === 0)).toBe(true);
    // wd = 0.01: the decay parts are there; wd²·θ² is ~1e-4 of ∇f²'s share (|θ| and |∇f| are both O(1) here).
    expect(decayed.table.decayTerm.every((x) => x > 0)).toBe(true);
    const k = decayed.table.decayTerm.length - 1;
    expect(decayed.table.decayTerm[k] / decayed.table.gradSquares[k]).toBeLessThan(1e-2);
  });

  it('hand-checked: x² from 4, lr 1, wd 0.5: ∇f = 8, wd·θ = 2, so G₁ = 64 + 32 + 4 = 100', () => {
    const { table } = computePerStepTable(adagradRun({ weightDecay: 0.5 }, { steps: 2 }));
    expect([table.gradSquares[0], table.crossTerm[0], table.decayTerm[0], table.accum[0]]).toEqual([64, 32, 4, 100]);
  });

  it('maximize negates ∇f before the decay: the cross term changes sign', () => {
    const { table } = computePerStepTable(adagradRun({ weightDecay: 0.5, maximize: true }, { steps: 1 }));
    expect([table.gradSquares[0], table.crossTerm[0], table.decayTerm[0], table.accum[0]]).toEqual([64, -32, 4, 36]);
  });

  it('has no parts, and says why, without a G to split or with decoupled decay', () => {
    const config = adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 4 });
    const cases: [RunConfig['optimizer'], RegExp][] = [
      [{ ...optimizerDefaults.sgd, weightDecay: 0.1 }, /SGD keeps no accumulator/],
      [{ ...optimizerDefaults.adam, weightDecay: 0.1 }, /moving average/],
      [{ ...optimizerDefaults.rmsprop, weightDecay: 0.1 }, /moving average/],
      [{ ...optimizerDefaults.adagrad, weightDecay: 0.1, decoupledWeightDecay: true }, /decoupled weight decay/],
    ];
    for (const [optimizer, reason] of cases) {
      const { table } = computePerStepTable({ ...config, optimizer });
      expect(table.partsMissing).toMatch(reason);
      expect([table.gradSquares.length, table.crossTerm.length, table.decayTerm.length]).toEqual([0, 0, 0]);
      expect(perStepCsvColumns(table).some((c) => /^G_(grad|cross|decay)/.test(c.header))).toBe(false);
    }
  });

  it("refuses a trace whose gradient ∇f + wd·θ does not rebuild: those parts would not be the run's", () => {
    const config = adagradRun({ weightDecay: 0.5 }, { steps: 3, traceMaxPoints: 10 });
    const objective = createObjective(config.objective);
    const { trace } = executeRun(config, objective);
    expect(accumParts(trace, config, objective).gradSquares.length).toBe(3);
    trace.grad[2] = trace.grad[2] * (1 + 2 ** -52);
    expect(() => accumParts(trace, config, objective)).toThrow(
      /step 2, parameter 0: ∇f \+ wd·θ = .* but the run entered/,
    );
  });

  it('writes the parts to the CSV, one column per parameter, where weight decay entered G', () => {
    const [plain, decayed] = weightDecayRuns().map((c) => computePerStepTable(c).table);
    // Without weight decay the parts are G, 0 and 0: kept for the chart, left out of the seeds' table and its CSV.
    expect(plain.partsShown).toBe(false);
    expect(plain.gradSquares.length).toBe(12);
    expect(perStepCsvColumns(plain).some((c) => /^G_(grad|cross|decay)/.test(c.header))).toBe(false);
    const table = decayed;
    expect(table.partsShown).toBe(true);
    const headers = perStepCsvColumns(table).map((c) => c.header);
    expect(headers.filter((h) => /^G_(grad|cross|decay)/.test(h))).toEqual(
      ['grad_squares', 'cross_term', 'decay_term'].flatMap((p) => [0, 1, 2, 3].map((j) => `G_${p}_${j}`)),
    );
  });
});

const objectives: ObjectiveConfig[] = [
  { id: 'quadratic-1d' },
  { id: 'elliptic-2d' },
  { id: 'rosenbrock', dim: 2 },
  { id: 'rastrigin', dim: 3 },
  { id: 'linear-regression' },
  { id: 'constant-gradient' },
];

describe('the parts, over random runs', () => {
  // Every objective, weight decay, lr, G₀ and start: G₀ + the parts is G to within 1e-12 of the parts' magnitudes (the
  // expansion of (∇f + wd·θ)² rounds differently from the square), and exactly G when wd = 0 and G₀ = 0.
  test.prop(
    [
      fc.constantFrom(...objectives),
      fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 1, noNaN: true })),
      fc.double({ min: 1e-3, max: 1, noNaN: true }),
      fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1, noNaN: true })),
      // Not below 1e-100: squares of such values are subnormal, where no relative bound holds.
      fc.array(
        fc.double({ min: -3, max: 3, noNaN: true }).filter((x) => x === 0 || Math.abs(x) > 1e-100),
        { minLength: 4, maxLength: 4 },
      ),
      fc.boolean(),
    ],
    { numRuns: 60 },
  )('G₀ + Σ∇f² + cross + decay² = G', (objective, weightDecay, lr, initialAccumulator, start, maximize) => {
    const dim = { 'quadratic-1d': 1, 'elliptic-2d': 2, rosenbrock: 2, rastrigin: 3 }[objective.id as string];
    const config = adagradRun(
      { weightDecay, lr, initialAccumulator, maximize },
      { objective, start: dim ? start.slice(0, dim) : undefined, steps: 40 },
    );
    const { table } = computePerStepTable(config);
    expect(table.partsMissing).toBeNull();
    const gap = worstRelativeGap(table, initialAccumulator);
    if (weightDecay === 0 && initialAccumulator === 0) expect(gap).toBe(0);
    else expect(gap).toBeLessThanOrEqual(1e-12);
    if (weightDecay === 0)
      expect(table.crossTerm.every((x) => x === 0) && table.decayTerm.every((x) => x === 0)).toBe(true);
  });
});

describe('shares of what G gained', () => {
  it('rounds to tenths of a percent that add up to 100%', () => {
    expect(shareTenths({ gradSquares: 1, crossTerm: 1, decayTerm: 1 })).toEqual({
      gradSquares: 334,
      crossTerm: 333,
      decayTerm: 333,
    });
    // x² from 4, wd 0.5, step 1: 64 + 32 + 4 = 100.
    expect(shareTenths({ gradSquares: 64, crossTerm: 32, decayTerm: 4 })).toEqual({
      gradSquares: 640,
      crossTerm: 320,
      decayTerm: 40,
    });
    // A cross term against the others: a negative share; maximize at step 1 gives 64 − 32 + 4 = 36.
    expect(shareTenths({ gradSquares: 64, crossTerm: -32, decayTerm: 4 })).toEqual({
      gradSquares: 1778,
      crossTerm: -889,
      decayTerm: 111,
    });
    expect(shareTenths({ gradSquares: 0, crossTerm: 0, decayTerm: 0 })).toBeNull();
    expect(shareTenths({ gradSquares: Infinity, crossTerm: 0, decayTerm: 0 })).toBeNull();
  });

  test.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 3 })])(
    'always 1000 tenths, each within a tenth of its exact share',
    ([gradSquares, crossTerm, decayTerm]) => {
      const shares = shareTenths({ gradSquares, crossTerm, decayTerm });
      const total = gradSquares + crossTerm + decayTerm;
      const size = Math.abs(gradSquares) + Math.abs(crossTerm) + Math.abs(decayTerm);
      if (!(Math.abs(total) > 1e-9 * size)) return void expect(shares).toBeNull();
      expect(shares).not.toBeNull();
      expect(shares!.gradSquares + shares!.crossTerm + shares!.decayTerm).toBe(1000);
      expect(Math.abs(shares!.crossTerm - (1000 * crossTerm) / total)).toBeLessThan(1 + 1e-9);
    },
  );

  it('sums a part over the parameters, or picks one', () => {
    const table = {
      width: 2,
      gradSquares: Float64Array.of(1, 2, 3, 4),
      crossTerm: new Float64Array(4),
      decayTerm: new Float64Array(4),
      accum: new Float64Array(4),
    };
    expect(Array.from(partSeries(table, 'gradSquares', null))).toEqual([3, 7]);
    expect(Array.from(partSeries(table, 'gradSquares', 1))).toEqual([2, 4]);
  });
});
