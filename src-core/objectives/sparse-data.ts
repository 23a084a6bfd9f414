import type { ObjectiveConfig } from '../contract/engine';
import { RandomState, ZipfSampler } from './random';

type DataConfig = Omit<Extract<ObjectiveConfig, { id: 'sparse-logreg' }>, 'id'>;

/**
 * A binary-feature classification set in CSR form. Every row has exactly `nonZerosPerSample` entries, so the row
 * pointer is implicit (row s is indices[s·k … s·k + k − 1]) and every stored value is 1, so no values array.
 */
export interface SparseDataset {
  readonly samples: number;
  readonly features: number;
  readonly nonZerosPerSample: number;
  /** Feature indices, ascending and distinct within each row. */
  readonly indices: Int32Array;
  /** 0 or 1. */
  readonly labels: Uint8Array;
  /** The weights the labels were drawn from (not a minimiser of the loss: the labels are noisy). */
  readonly trueWeights: Float64Array;
}

/**
 * Draws the data set from one RandomState(seed) stream, in this order, so a config always gives the same bytes:
 * 1. trueWeights: `features` standard normals (randn), feature 0 first.
 * 2. Row by row: `nonZerosPerSample` feature indices, each rank − 1 of a bounded Zipf(features, zipfExponent) draw, so
 *    feature 0 is the most frequent and the high indices are rare: the rare features are what AdaGrad's per-coordinate
 *    steps are for. A feature already in the row is replaced by the next unused index (wrapping), which keeps rows
 *    exactly k wide in bounded time even when k is close to `features`; then one uniform u for the label:
 *    y = 1 when u < σ(Σ trueWeights over the row), a logistic model's own noise, so labels are not a deterministic
 *    function of the features.
 */
export function generateSparseDataset(config: DataConfig): SparseDataset {
  const { samples, features, nonZerosPerSample: k, zipfExponent, seed } = config;
  const rng = new RandomState(seed);
  const trueWeights = rng.fillRandn(new Float64Array(features));
  const zipf = new ZipfSampler(features, zipfExponent);
  const indices = new Int32Array(samples * k);
  const labels = new Uint8Array(samples);
  // lastRow[f] = s + 1 while row s holds feature f: an O(1) membership test that never needs clearing.
  const lastRow = new Int32Array(features);
  for (let s = 0; s < samples; s++) {
    const base = s * k;
    let margin = 0;
    for (let j = 0; j < k; j++) {
      let f = zipf.sample(rng) - 1;
      while (lastRow[f] === s + 1) f = f + 1 === features ? 0 : f + 1;
      lastRow[f] = s + 1;
      indices[base + j] = f;
      margin += trueWeights[f];
    }
    // Ascending indices make the scatter in evaluate walk θ and ∇ forwards.
    indices.subarray(base, base + k).sort();
    labels[s] = rng.random() < 1 / (1 + Math.exp(-margin)) ? 1 : 0;
  }
  return { samples, features, nonZerosPerSample: k, indices, labels, trueWeights };
}
