import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import { createObjective, generateSparseDataset, type SparseObjective } from '../../../src-core/objectives';
import { expectGradientsClose, finiteDifference } from './fd';

type LogregConfig = Extract<ObjectiveConfig, { id: 'sparse-logreg' }>;

const configs = fc
  .record({
    samples: fc.integer({ min: 1, max: 60 }),
    features: fc.integer({ min: 1, max: 40 }),
    nonZerosPerSample: fc.integer({ min: 1, max: 40 }),
    zipfExponent: fc.double({ min: 0.1, max: 4, noNaN: true }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
  })
  .map((c): LogregConfig => ({
    id: 'sparse-logreg',
    ...c,
    nonZerosPerSample: Math.min(c.nonZerosPerSample, c.features),
  }));

/** ℓₛ and its gradient as a dense vector, from sampleGradient. */
function sampleDense(sparse: SparseObjective, dim: number, theta: Float64Array, sample: number) {
  const indices = new Int32Array(sparse.maxNonZeros);
  const values = new Float64Array(sparse.maxNonZeros);
  const nnz = sparse.sampleGradient(theta, sample, indices, values);
  const loss = sparse.sampleLoss(theta, sample);
  const dense = new Float64Array(dim);
  for (let j = 0; j < nnz; j++) dense[indices[j]] = values[j];
  return { loss, dense, indices: Array.from(indices.subarray(0, nnz)) };
}

describe('the synthetic data set', () => {
  it('is the same for the same config and differs with the seed', () => {
    fc.assert(
      fc.property(configs, (config) => {
        expect(generateSparseDataset(config)).toEqual(generateSparseDataset(config));
      }),
      { numRuns: 30 },
    );
    const base = { samples: 200, features: 1000, nonZerosPerSample: 5, zipfExponent: 1.1 };
    expect(generateSparseDataset({ ...base, seed: 1 }).indices).not.toEqual(
      generateSparseDataset({ ...base, seed: 2 }).indices,
    );
  });

  it('has exactly k distinct, ascending, in-range features per row and 0/1 labels', () => {
    fc.assert(
      fc.property(configs, (config) => {
        const data = generateSparseDataset(config);
        const k = config.nonZerosPerSample;
        expect(data.indices.length).toBe(config.samples * k);
        for (let s = 0; s < config.samples; s++) {
          const row = data.indices.subarray(s * k, (s + 1) * k);
          for (let j = 0; j < k; j++) {
            expect(row[j]).toBeGreaterThanOrEqual(0);
            expect(row[j]).toBeLessThan(config.features);
            if (j > 0) expect(row[j]).toBeGreaterThan(row[j - 1]);
          }
        }
        expect(data.labels.every((y) => y === 0 || y === 1)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('makes low feature indices common and high ones rare, and labels of both classes', () => {
    const data = generateSparseDataset({
      samples: 20_000,
      features: 50_000,
      nonZerosPerSample: 10,
      zipfExponent: 1.1,
      seed: 42,
    });
    const counts = new Int32Array(50_000);
    for (const f of data.indices) counts[f]++;
    // Feature 0 is in nearly every row; most features appear a handful of times or never: the sparse regime.
    expect(counts[0]).toBeGreaterThan(15_000);
    expect(counts.filter((c) => c > 0 && c <= 3).length).toBeGreaterThan(10_000);
    const positives = data.labels.reduce((a, y) => a + y, 0);
    expect(positives).toBeGreaterThan(5_000);
    expect(positives).toBeLessThan(15_000);
  });
});

describe('per-sample gradients', () => {
  const withPoint = configs.chain((config) =>
    fc.record({
      config: fc.constant(config),
      sample: fc.integer({ min: 0, max: config.samples - 1 }),
      theta: fc
        .array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: config.features, maxLength: config.features })
        .map((t) => Float64Array.from(t)),
    }),
  );

  it('agree with finite differences of the per-sample loss', () => {
    fc.assert(
      fc.property(withPoint, ({ config, sample, theta }) => {
        const objective = createObjective(config);
        const sparse = objective.sparse!;
        const { loss, dense, indices } = sampleDense(sparse, objective.dim, theta, sample);
        const numeric = finiteDifference((t) => sampleDense(sparse, objective.dim, t, sample).loss, theta);
        expectGradientsClose(dense, numeric, loss);
        expect(indices).toEqual([...new Set(indices)].sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });

  it('average to the full-batch loss and gradient', () => {
    fc.assert(
      fc.property(withPoint, ({ config, theta }) => {
        const objective = createObjective(config);
        const full = new Float64Array(objective.dim);
        const fullLoss = objective.evaluate(theta, full);
        let meanLoss = 0;
        const meanGrad = new Float64Array(objective.dim);
        for (let s = 0; s < config.samples; s++) {
          const { loss, dense } = sampleDense(objective.sparse!, objective.dim, theta, s);
          meanLoss += loss / config.samples;
          dense.forEach((g, i) => (meanGrad[i] += g / config.samples));
        }
        expect(fullLoss).toBeCloseTo(meanLoss, 10);
        full.forEach((g, i) => expect(g).toBeCloseTo(meanGrad[i], 10));
      }),
      { numRuns: 40 },
    );
  });

  it('stay finite for huge margins of either sign', () => {
    const objective = createObjective({
      id: 'sparse-logreg',
      samples: 50,
      features: 5,
      nonZerosPerSample: 3,
      zipfExponent: 1,
      seed: 3,
    });
    for (const value of [-1e6, 1e6]) {
      const grad = new Float64Array(5);
      const loss = objective.evaluate(new Float64Array(5).fill(value), grad);
      expect(Number.isFinite(loss)).toBe(true);
      expect(grad.every(Number.isFinite)).toBe(true);
    }
  });
});
