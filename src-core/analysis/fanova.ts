/**
 * fANOVA (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for Assessing Hyperparameter Importance", ICML 2014)
 * over a random forest, with the semantics of Optuna's FanovaImportanceEvaluator (optuna/importance/_fanova, 3.1):
 *
 * - each tree's prediction is a piecewise-constant function over the search-space box (one box per leaf);
 * - a setting's share in a tree is the variance, over the box, of the tree's prediction averaged over every other
 *   feature (its marginal), divided by the variance of the prediction itself; negative round-off is clipped to 0;
 * - a setting encoded as several columns (a categorical one, one-hot) is marginalised over those columns jointly, on
 *   the grid of all their intervals, as Optuna's `get_marginal_variance(raw_features)` does;
 * - a setting's importance is its share averaged over the trees whose variance is > 0, then normalised so the
 *   settings' importances sum to 1.
 *
 * The marginal is piecewise constant between the tree's thresholds on the setting's columns, so it is computed exactly
 * per interval: a leaf adds its value × its volume in the other columns to every interval its box covers, which a
 * difference array over the intervals does in O(1) per leaf (2^k corners for k columns) instead of Optuna's tree walk
 * per interval. Volumes are taken as fractions of the box, which only rescales numerator and denominator alike.
 */
import { growTree, presort, treeSeeds, type ForestOptions, type RegressionTree } from './random-forest';

export interface FanovaInput {
  /** The encoded features, one column per feature, each as long as `y`. */
  columns: readonly Float64Array[];
  y: Float64Array;
  /** The search-space box: per feature, [low, high] with low < high. */
  bounds: readonly (readonly [number, number])[];
  /** Each setting's feature indices (one for a number, one per category for a one-hot categorical). */
  groups: readonly (readonly number[])[];
}

export interface FanovaResult {
  /** Per group, in the order given: ≥ 0, summing to 1. */
  importances: Float64Array;
  /** The trees whose prediction varies over the box (the others say nothing and are left out, as in Optuna). */
  treesWithVariance: number;
}

/** Past this many grid cells for one setting (a categorical with very many split categories) we refuse. */
const MAX_CELLS = 1 << 22;

/** Per tree: its total variance over the box and each group's marginal variance. */
export function treeVariances(
  tree: RegressionTree,
  bounds: FanovaInput['bounds'],
  groups: FanovaInput['groups'],
): { total: number; marginal: Float64Array } {
  const d = bounds.length;
  const nodes = tree.nodeCount;
  // Each feature's cut points as fractions of its range, sorted and distinct, with 0 and 1: its interval edges.
  const cut = new Float64Array(nodes);
  const counts = new Int32Array(d).fill(2);
  for (let node = 0; node < nodes; node++) {
    const f = tree.feature[node];
    if (f < 0) continue;
    const [low, high] = bounds[f];
    cut[node] = Math.min(1, Math.max(0, (tree.threshold[node] - low) / (high - low)));
    counts[f]++;
  }
  const edges = [...counts].map((count) => {
    const e = new Float64Array(count);
    e[1] = 1;
    return e;
  });
  counts.fill(2);
  for (let node = 0; node < nodes; node++)
    if (tree.feature[node] >= 0) edges[tree.feature[node]][counts[tree.feature[node]]++] = cut[node];
  for (let f = 0; f < d; f++) {
    const e = edges[f].sort();
    let distinct = 0;
    for (let i = 0; i < e.length; i++) if (i === 0 || e[i] !== e[i - 1]) e[distinct++] = e[i];
    edges[f] = e.slice(0, distinct);
  }
  // Each node's box as edge indexes, [from, to] per feature; children follow their parent (preorder numbering).
  const span = 2 * d;
  const box = new Int32Array(nodes * span);
  for (let f = 0; f < d; f++) box[2 * f + 1] = edges[f].length - 1;
  const leafNodes: number[] = [];
  for (let node = 0; node < nodes; node++) {
    const f = tree.feature[node];
    if (f < 0) {
      leafNodes.push(node);
      continue;
    }
    const at = indexOf(edges[f], cut[node]);
    const own = node * span;
    const left = tree.left[node] * span;
    const right = tree.right[node] * span;
    for (let i = 0; i < span; i++) box[left + i] = box[right + i] = box[own + i];
    box[left + 2 * f + 1] = at;
    box[right + 2 * f] = at;
  }

  const leaves = leafNodes.length;
  const from = new Int32Array(leaves * d);
  const to = new Int32Array(leaves * d);
  const width = new Float64Array(leaves * d);
  const value = new Float64Array(leaves);
  const volume = new Float64Array(leaves);
  for (let i = 0; i < leaves; i++) {
    const at = leafNodes[i] * span;
    value[i] = tree.value[leafNodes[i]];
    let v = 1;
    for (let f = 0; f < d; f++) {
      from[i * d + f] = box[at + 2 * f];
      to[i * d + f] = box[at + 2 * f + 1];
      width[i * d + f] = edges[f][to[i * d + f]] - edges[f][from[i * d + f]];
      v *= width[i * d + f];
    }
    volume[i] = v;
  }
  const total = weightedVariance(value, volume);

  const marginal = new Float64Array(groups.length);
  const inGroup = new Uint8Array(d);
  groups.forEach((group, g) => {
    const k = group.length;
    inGroup.fill(0);
    for (const f of group) inGroup[f] = 1;
    const sizes = group.map((f) => edges[f].length); // intervals + 1: the difference array's extent per feature
    const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((a, b) => a * b, 1));
    const cells = sizes.reduce((a, b) => a * b, 1);
    if (cells > MAX_CELLS)
      throw new RangeError(`A setting splits into ${cells} cells in one tree (at most ${MAX_CELLS} are handled)`);
    const sum = new Float64Array(cells);
    const weight = new Float64Array(cells);
    for (let i = 0; i < leaves; i++) {
      let otherVolume = 1;
      for (let f = 0; f < d; f++) if (inGroup[f] === 0) otherVolume *= width[i * d + f];
      // Inclusion–exclusion at the 2^k corners of the leaf's block of intervals.
      for (let corner = 0; corner < 1 << k; corner++) {
        let at = 0;
        let sign = 1;
        for (let j = 0; j < k; j++) {
          const upper = (corner >> j) & 1;
          at += (upper ? to[i * d + group[j]] : from[i * d + group[j]]) * strides[j];
          if (upper) sign = -sign;
        }
        sum[at] += sign * value[i] * otherVolume;
        weight[at] += sign * otherVolume;
      }
    }
    for (let j = 0; j < k; j++) {
      prefixSum(sum, sizes[j], strides[j]);
      prefixSum(weight, sizes[j], strides[j]);
    }

    // The marginal in each cell (a cell at the last index along any feature lies outside the box) and its size.
    const means: number[] = [];
    const cellSizes: number[] = [];
    for (let at = 0; at < cells; at++) {
      let size = 1;
      for (let j = 0; j < k && size > 0; j++) {
        const i = Math.floor(at / strides[j]) % sizes[j];
        const e = edges[group[j]];
        size = i + 1 < sizes[j] ? size * (e[i + 1] - e[i]) : 0;
      }
      if (size === 0) continue;
      means.push(sum[at] / weight[at]);
      cellSizes.push(size);
    }
    marginal[g] = Math.max(0, weightedVariance(Float64Array.from(means), Float64Array.from(cellSizes)));
  });
  return { total, marginal };
}

/** numpy.average twice, as Optuna computes a variance: the weighted mean, then the weighted mean squared deviation. */
function weightedVariance(values: Float64Array, weights: Float64Array): number {
  let w = 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    w += weights[i];
    s += weights[i] * values[i];
  }
  const mean = s / w;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += weights[i] * (values[i] - mean) ** 2;
  return v / w;
}

function indexOf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Running sums along one dimension (of extent `size`, index step `stride`) of a row-major array. */
function prefixSum(array: Float64Array, size: number, stride: number): void {
  for (let at = 0; at < array.length; at++) if (Math.floor(at / stride) % size > 0) array[at] += array[at - stride];
}

/**
 * Grows the forest one tree at a time and decomposes each tree as it comes (the trees are independent and dropped once
 * decomposed); `onTree(done)` after each. Throws when no tree's prediction varies (every target equal) or when no
 * setting alone explains any variance (a pure interaction): there is then nothing to normalise.
 */
export function fanova(input: FanovaInput, options: ForestOptions, onTree?: (done: number) => void): FanovaResult {
  for (const [f, [low, high]] of input.bounds.entries())
    if (!(low < high)) throw new RangeError(`Feature ${f}'s bounds [${low}, ${high}] are empty: it does not vary`);
  const data = presort({ columns: input.columns, y: input.y });
  const sums = new Float64Array(input.groups.length);
  let treesWithVariance = 0;
  treeSeeds(options).forEach((seed, t) => {
    const tree = growTree(data, seed, options.maxDepth);
    const { total, marginal } = treeVariances(tree, input.bounds, input.groups);
    if (total > 0) {
      treesWithVariance++;
      marginal.forEach((v, g) => (sums[g] += v / total));
    }
    onTree?.(t + 1);
  });
  if (treesWithVariance === 0)
    throw new RangeError('The target is the same in every run: there is no variance to explain');
  const total = sums.reduce((a, b) => a + b, 0);
  if (!(total > 0))
    throw new RangeError('No setting alone explains any of the variance: the target varies only through interactions');
  return { importances: sums.map((s) => s / total), treesWithVariance };
}
