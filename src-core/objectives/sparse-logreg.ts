import { ObjectiveLimits } from '../contract/objective-schema';
import { generateSparseDataset, type SparseDataset } from './sparse-data';
import type { ConfigOf, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'sparse-logreg'>;

export const sparseLogregInfo: ObjectiveInfo<Config> = {
  id: 'sparse-logreg',
  label: 'Sparse logistic regression',
  formula: 'L(θ) = (1/n) Σₛ [log(1 + e^mₛ) − yₛ·mₛ],  mₛ = Σ_{j ∈ row s} θⱼ;  ∇L = (1/n) Σₛ (σ(mₛ) − yₛ)·xₛ',
  description: 'Binary features with Zipf-distributed frequencies: a few common, most rare, as in text.',
  parameters: [
    {
      key: 'samples',
      label: 'Samples',
      description: 'Rows of the synthetic data set.',
      default: 1000,
      integer: true,
      min: 1,
      max: ObjectiveLimits.maxSamples,
    },
    {
      key: 'features',
      label: 'Features',
      description: 'Columns, and so the number of weights.',
      default: 500,
      integer: true,
      min: 1,
      max: ObjectiveLimits.maxFeatures,
    },
    {
      key: 'nonZerosPerSample',
      label: 'Non-zeros per sample',
      description: 'Distinct features set to 1 in each row (at most the number of features).',
      default: 10,
      integer: true,
      min: 1,
      max: ObjectiveLimits.maxNonZerosPerSample,
    },
    {
      key: 'zipfExponent',
      label: 'Zipf exponent',
      description: 'Feature k (from 1) appears with probability ∝ 1/k^s: larger s, rarer tail.',
      default: 1.1,
      integer: false,
      min: 0,
      minExclusive: true,
      max: null,
    },
    {
      key: 'seed',
      label: 'Seed',
      description: 'Same seed, same data set.',
      default: 42,
      integer: true,
      min: 0,
      max: ObjectiveLimits.maxSeed,
    },
    {
      key: 'batchSize',
      label: 'Samples per step',
      description:
        '0: all of them (full-batch gradient descent). 1: per-sample (stochastic) updates; b: minibatches of b. ' +
        "A stochastic step is one update; an epoch is samples ÷ b steps, each epoch in a fresh order drawn from the run's seed.",
      default: 0,
      integer: true,
      min: 0,
      max: ObjectiveLimits.maxSamples,
    },
  ],
  defaultConfig: {
    id: 'sparse-logreg',
    samples: 1000,
    features: 500,
    nonZerosPerSample: 10,
    zipfExponent: 1.1,
    seed: 42,
    batchSize: 0,
  },
  dimension: (config) => config.features,
};

export function createSparseLogreg(config: Config): Objective<Config> {
  const data: SparseDataset = generateSparseDataset(config);
  const { samples: n, features: d, nonZerosPerSample: k, indices, labels } = data;
  const invN = 1 / n;
  return {
    config,
    dim: d,
    // At θ = 0 every prediction is ½ and the loss is log 2.
    defaultStart: () => new Float64Array(d),
    // No closed form; and when the rows are linearly separable (likely when rare features abound) the infimum 0 is not reached.
    minimum: { value: null, at: null },
    evaluate(theta, g) {
      g.fill(0);
      let loss = 0;
      for (let s = 0, base = 0; s < n; s++, base += k) {
        let m = 0;
        for (let j = base; j < base + k; j++) m += theta[indices[j]];
        const y = labels[s];
        // One exp serves both: log(1+eᵐ) = max(m, 0) + log1p(e^−|m|), and σ(m) without overflow for either sign.
        const e = Math.exp(-Math.abs(m));
        loss += (m > 0 ? m : 0) + Math.log1p(e) - y * m;
        const r = ((m >= 0 ? 1 : e) / (1 + e) - y) * invN;
        for (let j = base; j < base + k; j++) g[indices[j]] += r;
      }
      return loss * invN;
    },
    sparse: {
      samples: n,
      maxNonZeros: k,
      logistic: { nonZerosPerSample: k, indices, labels },
      batchSize: config.batchSize ?? 0,
      sampleGradient(theta, sample, indicesOut, valuesOut) {
        const base = sample * k;
        let m = 0;
        for (let j = 0; j < k; j++) {
          const f = indices[base + j];
          indicesOut[j] = f;
          m += theta[f];
        }
        const e = Math.exp(-Math.abs(m));
        const r = (m >= 0 ? 1 : e) / (1 + e) - labels[sample];
        for (let j = 0; j < k; j++) valuesOut[j] = r;
        return k;
      },
      sampleLoss(theta, sample) {
        let m = 0;
        for (let j = sample * k; j < sample * k + k; j++) m += theta[indices[j]];
        return (m > 0 ? m : 0) + Math.log1p(Math.exp(-Math.abs(m))) - labels[sample] * m;
      },
    },
  };
}
