/**
 * A seeded regression forest grown as scikit-learn's RandomForestRegressor grows it with Optuna's fANOVA settings
 * (bootstrap, every feature tried at every node, min_samples_split 2, min_samples_leaf 1, the squared-error criterion),
 * so the trees fANOVA decomposes have sklearn's shape. Followed from sklearn 1.2 (`tree/_splitter.pyx` BestSplitter,
 * `tree/_criterion.pyx` MSE, `tree/_tree.pyx` DepthFirstTreeBuilder, `ensemble/_forest.py`):
 *
 * - a bootstrap draws n samples with replacement; a sample drawn k times enters with weight k, one never drawn not at
 *   all, and min_samples_leaf counts distinct samples;
 * - a node is a leaf at max_depth, with fewer than 2 samples, with an impurity (weighted variance, computed as
 *   sklearn does: Σwy²/Σw − (Σwy/Σw)²) ≤ machine epsilon, or when every feature is constant in it;
 * - a split may fall only between consecutive sorted values more than 1e-7 apart (sklearn's FEATURE_THRESHOLD), at
 *   their midpoint (the lower value where the midpoint rounds onto the upper one); x ≤ threshold goes left;
 * - the best split maximises sklearn's proxy Σ_left²/w_left + Σ_right²/w_right, positions scanned in ascending order
 *   and features in a fresh random order at each node, the first strict maximum winning (so ties between features
 *   that split the samples alike are broken at random, as sklearn breaks them).
 *
 * Our random streams are not sklearn's (its bootstrap and feature order come from NumPy and its own rand_r), so a
 * forest here is one more draw from the same distribution of forests as sklearn's, not sklearn's forest for a seed.
 *
 * Speed: every feature's sample order is sorted once for the forest; a tree takes the in-bag samples in that order and
 * each split partitions every feature's slice stably, so no node sorts (sklearn re-sorts at each node).
 */
import { RandomState } from '../objectives/random';

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** Seeds the whole forest; tree i's stream is drawn from it, so trees can be grown one at a time, in order. */
  seed: number;
}

/** Optuna's FanovaImportanceEvaluator defaults (n_trees 64, max_depth 64), with the seed fixed at 0. */
export const OPTUNA_FOREST: ForestOptions = { trees: 64, maxDepth: 64, seed: 0 };

/** One fitted tree as parallel node arrays, like sklearn's `tree_`: node 0 is the root. */
export interface RegressionTree {
  nodeCount: number;
  /** The feature a node splits on; −1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** The weighted mean target of the node's samples (what a leaf predicts). */
  value: Float64Array;
}

/** The training data: one column per feature, each as long as `y`. */
export interface ForestData {
  columns: readonly Float64Array[];
  y: Float64Array;
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = Number.EPSILON;

/** The samples of the forest's data sorted by each feature once (sklearn sorts again at every node). */
export interface PresortedData extends ForestData {
  order: Int32Array[];
}

export function presort(data: ForestData): PresortedData {
  const n = data.y.length;
  for (const [f, column] of data.columns.entries())
    if (column.length !== n) throw new RangeError(`Feature ${f} has ${column.length} values for ${n} targets`);
  const order = data.columns.map((column) => {
    const index = Int32Array.from({ length: n }, (_, i) => i);
    return index.sort((a, b) => column[a] - column[b] || a - b);
  });
  return { ...data, order };
}

/** Each tree's own seed, drawn from the forest's stream as sklearn draws one random_state per estimator. */
export function treeSeeds(options: ForestOptions): Uint32Array {
  const stream = new RandomState(options.seed);
  return Uint32Array.from({ length: options.trees }, () => stream.nextUint32());
}

/** Grows one tree on a bootstrap of the data drawn from `seed`. */
export function growTree(data: PresortedData, seed: number, maxDepth: number): RegressionTree {
  const n = data.y.length;
  const rng = new RandomState(seed);
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[Math.floor(rng.random() * n)] += 1;
  return growWeightedTree(data, weight, rng, maxDepth);
}

/** Grows one tree on the samples of weight > 0 (a bootstrap's counts), `rng` ordering the features at each node. */
export function growWeightedTree(
  data: PresortedData,
  weight: Float64Array,
  rng: RandomState,
  maxDepth: number,
): RegressionTree {
  const n = data.y.length;
  const d = data.columns.length;

  // The in-bag samples renumbered 0…m−1 (the arrays read at random in the scans stay small), in each feature's
  // sorted order, with their values alongside.
  const id = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if (weight[i] > 0) id[i] = m++;
  const order: Int32Array[] = [];
  const sortedValues: Float64Array[] = [];
  for (let f = 0; f < d; f++) {
    const [sorted, column] = [data.order[f], data.columns[f]];
    const ids = new Int32Array(m);
    const values = new Float64Array(m);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const s = sorted[i];
      if (id[s] < 0) continue;
      ids[k] = id[s];
      values[k++] = column[s];
    }
    order.push(ids);
    sortedValues.push(values);
  }
  const sampleWeight = new Float64Array(m);
  const wy = new Float64Array(m);
  const wyy = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    if (id[i] < 0) continue;
    sampleWeight[id[i]] = weight[i];
    wy[id[i]] = weight[i] * data.y[i];
    wyy[id[i]] = wy[id[i]] * data.y[i];
  }

  const tree = new TreeBuilder(m);
  const goesLeft = new Uint8Array(m);
  const scratchIndex = new Int32Array(m);
  const scratchValue = new Float64Array(m);
  const features = Int32Array.from({ length: d }, (_, f) => f);

  // Depth-first as sklearn's builder: (start, end, depth, parent, isLeft, sorted) on a stack; `sorted` is a feature
  // whose order holds exactly the node's samples in [start, end) (all do, unless the parent skipped partitioning).
  const stack: number[] = [0, m, 0, -1, 0, 0];
  while (stack.length > 0) {
    const sorted = stack.pop()!;
    const isLeft = stack.pop()!;
    const parent = stack.pop()!;
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;

    const samples = order[sorted];
    let w = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      w += sampleWeight[s];
      sum += wy[s];
      sumSquares += wyy[s];
    }
    const mean = sum / w;
    const impurity = sumSquares / w - mean * mean;
    const node = tree.add(parent, isLeft === 1, mean);
    if (depth >= maxDepth || end - start < 2 || impurity <= EPSILON) continue;

    // Fisher–Yates over the features: the order in which ties between features are met.
    for (let i = d - 1; i > 0; i--) {
      const j = Math.floor(rng.random() * (i + 1));
      const swap = features[i];
      features[i] = features[j];
      features[j] = swap;
    }
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestPos = -1;
    for (let i = 0; i < d; i++) {
      const f = features[i];
      const values = sortedValues[f];
      if (values[end - 1] <= values[start] + FEATURE_THRESHOLD) continue;
      const fOrder = order[f];
      let wLeft = 0;
      let sumLeft = 0;
      for (let p = start; p < end - 1; p++) {
        const s = fOrder[p];
        wLeft += sampleWeight[s];
        sumLeft += wy[s];
        if (values[p + 1] <= values[p] + FEATURE_THRESHOLD) continue;
        const sumRight = sum - sumLeft;
        const proxy = (sumLeft * sumLeft) / wLeft + (sumRight * sumRight) / (w - wLeft);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          bestFeature = f;
          bestPos = p + 1;
        }
      }
    }
    if (bestFeature < 0) continue;

    const values = sortedValues[bestFeature];
    let threshold = values[bestPos - 1] / 2 + values[bestPos] / 2;
    if (threshold === values[bestPos] || !Number.isFinite(threshold)) threshold = values[bestPos - 1];
    tree.split(node, bestFeature, threshold);

    // Right pushed first so the left child is grown (and numbered) first, as in sklearn.
    stack.push(bestPos, end, depth + 1, node, 0, bestFeature, start, bestPos, depth + 1, node, 1, bestFeature);
    // Children too small or too deep to split need only their samples, which the best feature's slice holds.
    if (depth + 1 >= maxDepth || (bestPos - start < 2 && end - bestPos < 2)) continue;

    // The best feature's slice is already split at bestPos; every other one is partitioned stably around it.
    const bestOrder = order[bestFeature];
    for (let p = start; p < end; p++) goesLeft[bestOrder[p]] = p < bestPos ? 1 : 0;
    for (let f = 0; f < d; f++) {
      if (f === bestFeature) continue;
      const fOrder = order[f];
      const fValues = sortedValues[f];
      let left = start;
      let right = 0;
      for (let p = start; p < end; p++) {
        const s = fOrder[p];
        if (goesLeft[s] === 1) {
          fOrder[left] = s;
          fValues[left++] = fValues[p];
        } else {
          scratchIndex[right] = s;
          scratchValue[right++] = fValues[p];
        }
      }
      for (let i = 0; i < right; i++) {
        fOrder[left + i] = scratchIndex[i];
        fValues[left + i] = scratchValue[i];
      }
    }
  }
  return tree.finish();
}

/** Node arrays that grow as the tree does (a tree on m samples has at most 2m − 1 nodes). */
class TreeBuilder {
  private count = 0;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;

  constructor(samples: number) {
    const capacity = Math.max(1, 2 * samples - 1);
    this.feature = new Int32Array(capacity).fill(-1);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity).fill(-1);
    this.value = new Float64Array(capacity);
  }

  add(parent: number, isLeft: boolean, value: number): number {
    const node = this.count++;
    this.value[node] = value;
    if (parent >= 0) (isLeft ? this.left : this.right)[parent] = node;
    return node;
  }

  split(node: number, feature: number, threshold: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
  }

  finish(): RegressionTree {
    const n = this.count;
    return {
      nodeCount: n,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n),
    };
  }
}

/** The tree's prediction for one point (used by tests to check a fit). */
export function predict(tree: RegressionTree, point: ArrayLike<number>): number {
  let node = 0;
  while (tree.feature[node] >= 0)
    node = point[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  return tree.value[node];
}
