/**
 * The WebAssembly per-sample step of sparse logistic regression against the JavaScript it replaces, one step at a
 * time from arbitrary states: the objective's sampleGradient, then the lazy AdaGrad step (sparse-adagrad.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createObjective } from '../../../../src-core/objectives';
import { optimizerDefaults } from '../../../../src-core/optim';
import { adagradSparseKernel } from '../../../../src-core/optim/sparse-adagrad';
import { wasmLogisticKernel } from '../../../../src-core/optim/wasm/sparse-kernel';

const kernel = wasmLogisticKernel()!;

describe('the WebAssembly step of per-sample logistic regression', () => {
  it('moves exactly the features of its sample, as sampleGradient and the lazy step do, and keeps θ before them', () => {
    const cases = fc.record({
      features: fc.integer({ min: 5, max: 40 }),
      k: fc.integer({ min: 1, max: 5 }),
      seed: fc.nat(),
      theta: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 40, maxLength: 40 }),
      accum: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 40, maxLength: 40 }),
      sample: fc.nat({ max: 9 }),
      t: fc.integer({ min: 1, max: 1000 }),
      lr: fc.oneof(fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: 1e300, max: 1e308, noNaN: true })),
      eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
      epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
      lrDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const objective = createObjective({
          id: 'sparse-logreg',
          samples: 10,
          features: c.features,
          nonZerosPerSample: c.k,
          zipfExponent: 1.1,
          seed: c.seed,
          batchSize: 1,
        });
        const sparse = objective.sparse!;
        const h = {
          ...optimizerDefaults.adagrad,
          lr: c.lr,
          eps: c.eps,
          epsPlacement: c.epsPlacement,
          lrDecay: c.lrDecay,
        };
        const theta = Float64Array.from(c.theta.slice(0, c.features));
        const accum = Float64Array.from(c.accum.slice(0, c.features));
        const run = kernel.place(c.features, sparse.logistic!, 1, { ...h, initialAccumulator: 0 });
        run.theta.set(theta);
        run.accum.set(accum);
        run.previous.fill(NaN);
        run.samples[0] = c.sample;
        const done = run.steps(1, c.t);

        const indices = new Int32Array(c.k);
        const values = new Float64Array(c.k);
        const nnz = sparse.sampleGradient(theta, c.sample, indices, values);
        const before = Float64Array.from(theta);
        const finite = adagradSparseKernel(theta, accum, indices, values, nnz, c.t, h);
        expect(done).toBe(finite ? 1 : -1);
        expect(Array.from(run.theta)).toEqual(Array.from(theta));
        expect(Array.from(run.accum)).toEqual(Array.from(accum));
        const touched = new Set(indices);
        run.previous.forEach((p, i) => expect(p).toEqual(touched.has(i) ? before[i] : NaN));
      }),
      { numRuns: 400 },
    );
  });

  it('evaluates the full-data loss and gradient as the objective does, bit for bit', () => {
    const cases = fc.record({
      samples: fc.integer({ min: 1, max: 60 }),
      features: fc.integer({ min: 5, max: 40 }),
      k: fc.integer({ min: 1, max: 5 }),
      seed: fc.nat(),
      theta: fc.array(
        fc.oneof(fc.constant(0), fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ noNaN: true })),
        { minLength: 40, maxLength: 40 },
      ),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const objective = createObjective({
          id: 'sparse-logreg',
          samples: c.samples,
          features: c.features,
          nonZerosPerSample: c.k,
          zipfExponent: 1.1,
          seed: c.seed,
          batchSize: 1,
        });
        const theta = Float64Array.from(c.theta.slice(0, c.features));
        const run = kernel.place(c.features, objective.sparse!.logistic!, 1, optimizerDefaults.adagrad);
        run.theta.set(theta);
        run.gradient.fill(NaN);
        const grad = new Float64Array(c.features);
        expect(run.evaluate()).toBe(objective.evaluate(theta, grad));
        expect(Array.from(run.gradient)).toEqual(Array.from(grad));
      }),
      { numRuns: 300 },
    );
  });
});
