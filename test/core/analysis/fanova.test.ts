import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test as property } from '@fast-check/vitest';
import { fanova, treeVariances, type FanovaInput } from '../../../src-core/analysis/fanova';
import { OPTUNA_FOREST, type RegressionTree } from '../../../src-core/analysis/random-forest';

/** A tree from its nodes in preorder: [feature, threshold, left, right, value], feature −1 for a leaf. */
function tree(nodes: [number, number, number, number, number][]): RegressionTree {
  return {
    nodeCount: nodes.length,
    feature: Int32Array.from(nodes, (n) => n[0]),
    threshold: Float64Array.from(nodes, (n) => n[1]),
    left: Int32Array.from(nodes, (n) => n[2]),
    right: Int32Array.from(nodes, (n) => n[3]),
    value: Float64Array.from(nodes, (n) => n[4]),
  };
}
const unitSquare: [number, number][] = [
  [0, 1],
  [0, 1],
];

describe('treeVariances: the functional ANOVA of one tree over the box', () => {
  it('gives a tree that splits on x0 alone all of its variance to x0', () => {
    // f = 0 for x0 ≤ 0.5, 1 above: variance 1/4, all of it x0's marginal.
    const t = tree([
      [0, 0.5, 1, 2, 0.5],
      [-1, 0, -1, -1, 0],
      [-1, 0, -1, -1, 1],
    ]);
    const { total, marginal } = treeVariances(t, unitSquare, [[0], [1]]);
    expect(total).toBe(0.25);
    expect([...marginal]).toEqual([0.25, 0]);
  });

  it('splits a pure interaction from the main effects: f = 1 on the upper-right quarter', () => {
    // Var f = 3/16; marginals: f̄(x0) = 0 or 1/2 with equal widths, variance 1/16, the same for x1; 1/16 is joint.
    const t = tree([
      [0, 0.5, 1, 2, 0.25],
      [-1, 0, -1, -1, 0],
      [1, 0.5, 3, 4, 0.5],
      [-1, 0, -1, -1, 0],
      [-1, 0, -1, -1, 1],
    ]);
    const { total, marginal } = treeVariances(t, unitSquare, [[0], [1], [0, 1]]);
    expect(total).toBeCloseTo(3 / 16, 15);
    expect(marginal[0]).toBeCloseTo(1 / 16, 15);
    expect(marginal[1]).toBeCloseTo(1 / 16, 15);
    // Both features jointly: the tree itself.
    expect(marginal[2]).toBeCloseTo(3 / 16, 15);
  });

  it('weighs intervals by their width in the box, not by how many samples fell there', () => {
    // Threshold at 0.2 of [0, 1]: f = 0 on 20% of x0, 1 on 80%; variance 0.2·0.8.
    const t = tree([
      [0, 0.2, 1, 2, 0],
      [-1, 0, -1, -1, 0],
      [-1, 0, -1, -1, 1],
    ]);
    expect(treeVariances(t, [[0, 1]], [[0]]).total).toBeCloseTo(0.16, 15);
    // The same tree over a box [−1, 1]: the cut sits at 60%, variance 0.6·0.4.
    expect(treeVariances(t, [[-1, 1]], [[0]]).marginal[0]).toBeCloseTo(0.24, 15);
  });
});

interface Dataset {
  name: string;
  settings: { name: string; kind: 'numeric' | 'categorical'; values: number[]; categories?: string[] }[];
  y: number[];
  importances: number[][];
  mean: number[];
  std: number[];
  expected?: Record<string, number>;
}
const optuna = JSON.parse(readFileSync(new URL('../../fixtures/optuna-fanova.json', import.meta.url), 'utf8')) as {
  datasets: Dataset[];
};

/** The data set as fANOVA's input: numbers as stored (log10 already taken), categories one-hot, the data's box. */
function inputOf(data: Dataset): FanovaInput {
  const columns: Float64Array[] = [];
  const groups: number[][] = [];
  for (const s of data.settings) {
    const encoded =
      s.kind === 'categorical'
        ? s.categories!.map((_, c) => Float64Array.from(s.values, (v) => (v === c ? 1 : 0)))
        : [Float64Array.from(s.values)];
    groups.push(encoded.map((_, k) => columns.length + k));
    columns.push(...encoded);
  }
  const bounds = columns.map((c): [number, number] => [Math.min(...c), Math.max(...c)]);
  return { columns, y: Float64Array.from(data.y), bounds, groups };
}
const results = new Map(optuna.datasets.map((d) => [d.name, fanova(inputOf(d), OPTUNA_FOREST).importances]));

describe('fanova on data sets whose answer is known', () => {
  it('gives lr everything when the loss depends on lr alone', () => {
    const [lr, eps, weightDecay] = results.get('lr-alone')!;
    expect(lr).toBeGreaterThanOrEqual(0.95);
    expect(eps).toBeLessThanOrEqual(0.03);
    expect(weightDecay).toBeLessThanOrEqual(0.03);
  });

  it('finds the shares of an additive loss, 2·u(lr) + u(eps): 0.8 and 0.2', () => {
    // 200 samples and a forest of piecewise-constant trees: Optuna itself lands within 0.02 of the exact shares
    // (see its means in the fixture), so ±0.03 leaves room for one more forest's draw and no more.
    const [lr, eps] = results.get('additive')!;
    expect(lr).toBeCloseTo(0.8, 1);
    expect(Math.abs(lr - 0.8)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(eps - 0.2)).toBeLessThanOrEqual(0.03);
  });

  it('shares the main effects of u1·u2 + 0.2·u3 alike between u1 and u2, u3 well below, the interaction left out', () => {
    // Exact main-effect shares are 0.446 / 0.446 / 0.107; fully grown trees on 200 samples add leaf-to-leaf noise to
    // every tree's variance, which shrinks a weak effect most: Optuna gets 0.48 / 0.47 / 0.05 (the fixture), and the
    // comparison with it below holds our numbers to its spread. Here: what holds for any such forest.
    const [u1, u2, u3] = results.get('interaction')!;
    expect(Math.abs(u1 - u2)).toBeLessThanOrEqual(0.05);
    expect(Math.min(u1, u2)).toBeGreaterThan(0.4);
    expect(u3).toBeGreaterThan(0.02);
    expect(u3).toBeLessThan(0.15);
  });
});

describe("fanova against Optuna's FanovaImportanceEvaluator (fixtures: 10 seeds each)", () => {
  for (const data of optuna.datasets) {
    it(`${data.name}: every importance within Optuna's seed-to-seed spread`, () => {
      // Our forest is one more draw from the same distribution of forests (other random streams, same algorithm), so
      // ours − Optuna's 10-seed mean has a standard deviation of about σ·√(1 + 1/10), σ Optuna's own seed-to-seed
      // spread: 4σ, plus 0.001 for settings whose spread is ~0 (our float64 features against sklearn's float32).
      // Measured: every importance of every data set lies within 2σ of Optuna's mean.
      const got = results.get(data.name)!;
      data.settings.forEach((s, i) => {
        const tolerance = 4 * data.std[i] + 0.001;
        expect(
          Math.abs(got[i] - data.mean[i]),
          `${s.name}: ${got[i]} vs ${data.mean[i]} ± ${tolerance}`,
        ).toBeLessThanOrEqual(tolerance);
      });
    });

    it(`${data.name}: the same ranking where Optuna's is the same for every seed`, () => {
      const rank = (values: ArrayLike<number>) => data.settings.map((_, i) => i).sort((a, b) => values[b] - values[a]);
      const optunaRanks = data.importances.map((row) => rank(row).join());
      const got = rank(results.get(data.name)!);
      // Compare only the leading settings whose order every seed agrees on.
      let stable = 0;
      while (stable < data.settings.length && new Set(data.importances.map((row) => rank(row)[stable])).size === 1)
        stable++;
      expect(optunaRanks.length).toBe(10);
      expect(got.slice(0, stable)).toEqual(rank(data.importances[0]).slice(0, stable));
    });
  }
});

describe('fanova properties', () => {
  // Integers on a grid: every gap > 1e-7, so a split can fall between any two distinct values.
  const dataArb = fc
    .record({ n: fc.integer({ min: 4, max: 30 }), d: fc.integer({ min: 2, max: 4 }) })
    .chain(({ n, d }) =>
      fc.record({
        columns: fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: n, maxLength: n }), {
          minLength: d,
          maxLength: d,
        }),
        y: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
      }),
    )
    .filter(
      ({ columns, y }) => columns.every((c) => Math.min(...c) < Math.max(...c)) && Math.min(...y) < Math.max(...y),
    );
  const forest = { ...OPTUNA_FOREST, trees: 8 };
  const input = (columns: number[][], y: number[], scale = 1, shift = 0): FanovaInput => ({
    columns: columns.map((c) => Float64Array.from(c, (v) => v * scale + shift)),
    y: Float64Array.from(y),
    bounds: columns.map((c): [number, number] => [Math.min(...c) * scale + shift, Math.max(...c) * scale + shift]),
    groups: columns.map((_, i) => [i]),
  });
  const attempt = (i: FanovaInput) => {
    try {
      return fanova(i, forest).importances;
    } catch {
      return null; // no variance any tree sees (all bootstraps constant), or pure interaction: said as a message
    }
  };

  property.prop([dataArb])('importances are ≥ 0 and sum to 1', ({ columns, y }) => {
    const got = attempt(input(columns, y));
    if (!got) return;
    expect(got.every((v) => v >= 0)).toBe(true);
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  property.prop([dataArb, fc.integer({ min: -3, max: 3 })])(
    'scaling every target by a power of two changes nothing (the splits and variance shares are scale-free)',
    ({ columns, y }, k) => {
      const scaled = { ...input(columns, y), y: Float64Array.from(y, (v) => v * 2 ** k) };
      expect(attempt(scaled)).toEqual(attempt(input(columns, y)));
    },
  );

  property.prop([dataArb, fc.integer({ min: -3, max: 3 }), fc.integer({ min: -8, max: 8 })])(
    'rescaling a setting and its box (x → 2^k·x + shift) changes nothing: importance does not depend on units',
    ({ columns, y }, k, shift) => {
      expect(attempt(input(columns, y, 2 ** k, shift))).toEqual(attempt(input(columns, y)));
    },
  );
});
