/**
 * The WebAssembly per-sample step of sparse logistic regression against the JavaScript it replaces, one step at a
 * time from arbitrary states: the objective's sampleGradient, then the lazy AdaGrad step (sparse-adagrad.ts); the order
 * of the samples it draws against SampleOrder's, and its full-data loss against the objective's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createObjective } from '../../../../src-core/objectives';
import { SampleOrder } from '../../../../src-core/objectives/sample-order';
import type { LogisticData } from '../../../../src-core/objectives/types';
import { optimizerDefaults } from '../../../../src-core/optim';
import { adagradSparseKernel } from '../../../../src-core/optim/sparse-adagrad';
import { wasmLogisticKernel } from '../../../../src-core/optim/wasm/sparse-kernel';

const kernel = wasmLogisticKernel()!;

describe('the WebAssembly step of per-sample logistic regression', () => {
  it('moves exactly the features of its sample, as sampleGradient and the lazy step do, and keeps θ before them when it diverges', () => {
    const cases = fc.record({
      features: fc.integer({ min: 5, max: 40 }),
      k: fc.integer({ min: 1, max: 5 }),
      seed: fc.nat(),
      theta: fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 40, maxLength: 40 }),
      accum: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 40, maxLength: 40 }),
      orderSeed: fc.nat(),
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
        const run = kernel.place(c.features, sparse.logistic!, { ...h, initialAccumulator: 0 }, c.orderSeed);
        run.theta.set(theta);
        run.accum.set(accum);
        run.previous.fill(NaN);
        expect(run.nextSamples(1)).toBe(1);
        const done = run.steps(1, c.t);

        // The step's sample: the first of the order the seed draws.
        const sample = new Int32Array(1);
        new SampleOrder(10, c.orderSeed).nextBatch(sample, 1);
        expect(run.sample(0)).toBe(sample[0]);
        const indices = new Int32Array(c.k);
        const values = new Float64Array(c.k);
        const nnz = sparse.sampleGradient(theta, sample[0], indices, values);
        const before = Float64Array.from(theta);
        const finite = adagradSparseKernel(theta, accum, indices, values, nnz, c.t, h);
        expect(done).toBe(finite ? 1 : -1);
        expect(Array.from(run.theta)).toEqual(Array.from(theta));
        expect(Array.from(run.accum)).toEqual(Array.from(accum));
        // θ before the step, on its features, only where it diverged: the caller copies θ before a kept row itself.
        const touched = new Set(indices);
        run.previous.forEach((p, i) => expect(p).toEqual(!finite && touched.has(i) ? before[i] : NaN));
      }),
      { numRuns: 400 },
    );
  });

  it("draws the order of the samples as SampleOrder does: every seed's epochs, in batches of any size", () => {
    // Only the number of samples matters to the order: one data set per size.
    const dataOf = new Map<number, LogisticData>();
    const data = (samples: number): LogisticData => {
      let d = dataOf.get(samples);
      if (!d) {
        d = { nonZerosPerSample: 1, indices: new Int32Array(samples), labels: new Uint8Array(samples) };
        dataOf.set(samples, d);
      }
      return d;
    };
    const cases = fc.record({
      samples: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(127, 128, 129, 20_000)),
      seed: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff)),
      sizes: fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 12 }),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const run = kernel.place(1, data(c.samples), optimizerDefaults.adagrad, c.seed);
        const order = new SampleOrder(c.samples, c.seed);
        const expected = new Int32Array(c.samples);
        // Four rounds of the sizes cross several epochs; at 20,000 samples a batch is a large part of one, so that they
        // reach the third epoch, and the generator refills its 624 words many times.
        const scale = c.samples === 20_000 ? 1000 : 1;
        for (let round = 0; round < 4; round++)
          for (const size of c.sizes) {
            const count = order.nextBatch(expected, size * scale);
            expect(run.nextSamples(size * scale)).toBe(count);
            let differ = 0;
            for (let i = 0; i < count; i++) if (run.sample(i) !== expected[i]) differ++;
            expect(differ).toBe(0);
          }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a seed that is not a whole number from 0 to 2³² − 1, as SampleOrder does', () => {
    const data = createObjective({
      id: 'sparse-logreg',
      samples: 3,
      features: 5,
      nonZerosPerSample: 1,
      zipfExponent: 1.1,
      seed: 1,
      batchSize: 1,
    }).sparse!.logistic!;
    for (const seed of [-1, 1.5, 2 ** 32, NaN]) {
      expect(() => kernel.place(1, data, optimizerDefaults.adagrad, seed)).toThrow(
        `Invalid seed: ${seed} (must be a whole number from 0 to 4,294,967,295)`,
      );
      expect(() => new SampleOrder(3, seed)).toThrow(`Invalid seed: ${seed}`);
    }
  });

  it('evaluates the full-data loss as the objective does, bit for bit', () => {
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
        const run = kernel.place(c.features, objective.sparse!.logistic!, optimizerDefaults.adagrad, 0);
        run.theta.set(theta);
        expect(run.evaluate()).toBe(objective.evaluate(theta, new Float64Array(c.features)));
      }),
      { numRuns: 300 },
    );
  });
});
