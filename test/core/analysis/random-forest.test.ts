import { describe, expect, it } from 'vitest';
import {
  growTree,
  growWeightedTree,
  predict,
  presort,
  treeSeeds,
  OPTUNA_FOREST,
  type RegressionTree,
} from '../../../src-core/analysis/random-forest';
import { RandomState } from '../../../src-core/objectives/random';

const data = (columns: number[][], y: number[]) =>
  presort({ columns: columns.map((c) => Float64Array.from(c)), y: Float64Array.from(y) });
const grow = (columns: number[][], y: number[], weights?: number[], maxDepth = 64): RegressionTree =>
  growWeightedTree(data(columns, y), Float64Array.from(weights ?? y.map(() => 1)), new RandomState(0), maxDepth);

describe('growWeightedTree: sklearn squared-error splits', () => {
  it('splits at the midpoint between the sorted values that separate the targets best, x ≤ threshold going left', () => {
    const tree = grow([[0, 1, 2, 3]], [0, 0, 0, 10]);
    expect(tree.feature[0]).toBe(0);
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.value[tree.left[0]]).toBe(0);
    expect(predict(tree, [2.5])).toBe(0);
    expect(predict(tree, [2.5000001])).toBe(10);
  });

  it('grows until every leaf is pure (min_samples_leaf 1), each leaf predicting its training target', () => {
    const x = [0.3, 0.1, 0.9, 0.5, 0.7];
    const y = [3, 1, 9, 5, 7];
    const tree = grow([x], y);
    expect(tree.nodeCount).toBe(9);
    x.forEach((v, i) => expect(predict(tree, [v])).toBe(y[i]));
  });

  it('weighs a sample by its bootstrap count: node values are weighted means', () => {
    const tree = grow([[0, 1]], [0, 4], [3, 1]);
    expect(tree.value[0]).toBe(1);
    expect([tree.value[tree.left[0]], tree.value[tree.right[0]]]).toEqual([0, 4]);
  });

  it('leaves out samples of weight 0 (never drawn) entirely', () => {
    const tree = grow([[0, 1, 2]], [0, 100, 5], [1, 0, 1]);
    expect(tree.threshold[0]).toBe(1);
    expect(tree.value[0]).toBe(2.5);
  });

  it('does not split between values 1e-7 apart or closer (sklearn FEATURE_THRESHOLD)', () => {
    const tree = grow([[0, 5e-8]], [0, 1]);
    expect(tree.nodeCount).toBe(1);
    expect(tree.value[0]).toBe(0.5);
  });

  it('stops at max_depth', () => {
    const tree = grow([[0, 1, 2, 3]], [0, 1, 2, 3], undefined, 1);
    expect(tree.nodeCount).toBe(3);
  });

  it('breaks a tie between features that split alike at random, as sklearn orders features at random per node', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const y = [0, 1, 4, 9, 16, 25, 36, 49];
    const prepared = data([x, x], y);
    const rootFeatures = new Set(
      [...treeSeeds({ ...OPTUNA_FOREST, trees: 20 })].map((seed) => growTree(prepared, seed, 64).feature[0]),
    );
    expect(rootFeatures).toEqual(new Set([0, 1]));
  });
});

describe('growTree', () => {
  it('is a function of the data and the seed', () => {
    const rng = new RandomState(5);
    const columns = [0, 1, 2].map(() => Array.from({ length: 50 }, () => rng.random()));
    const y = columns[0].map((v, i) => v * 3 + columns[1][i]);
    const [a, b] = [1, 2].map(() => growTree(data(columns, y), 123, 64));
    expect(a).toEqual(b);
    expect(growTree(data(columns, y), 124, 64)).not.toEqual(a);
  });

  it('fits the bootstrap: about 63% of the samples (those drawn) are predicted exactly', () => {
    const rng = new RandomState(9);
    const x = Array.from({ length: 1000 }, () => rng.random());
    const tree = growTree(data([x], x), 1, 64);
    const exact = x.filter((v) => predict(tree, [v]) === v).length;
    expect(exact).toBeGreaterThan(600);
    expect(exact).toBeLessThan(665);
  });
});
