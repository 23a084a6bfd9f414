import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdagradConfig, ObjectiveConfig, OptimizerConfig } from '../../../src-core/contract/engine';
import type { RunConfig, RunResult } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { SampleOrder } from '../../../src-core/objectives/sample-order';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradKernel } from '../../../src-core/optim/adagrad';
import { adagradSparseKernel, lazyUpdateIsExact } from '../../../src-core/optim/sparse-adagrad';
import { executeRun } from '../../../src-core/run/execute';
import { executeStochasticRun } from '../../../src-core/run/stochastic';
import { wasmLogisticKernel } from '../../../src-core/optim/wasm/sparse-kernel';
import { noTrace, traceSchedule } from '../../../src-core/run/trace';

type Logreg = Extract<ObjectiveConfig, { id: 'sparse-logreg' }>;

const logreg = (over: Partial<Logreg> = {}): Logreg => ({
  id: 'sparse-logreg',
  samples: 30,
  features: 40,
  nonZerosPerSample: 3,
  zipfExponent: 1.1,
  seed: 7,
  batchSize: 1,
  ...over,
});

const run = (
  objective: Logreg,
  optimizer: Partial<Omit<AdagradConfig, 'kind'>> | OptimizerConfig,
  over: Partial<RunConfig> = {},
): RunConfig => ({
  id: 's:000000',
  sweepId: 's',
  index: 0,
  objective,
  start: null,
  optimizer: 'kind' in optimizer ? optimizer : { ...optimizerDefaults.adagrad, lr: 0.1, ...optimizer },
  steps: 90,
  seed: 3,
  tolerance: null,
  traceMaxPoints: 1000,
  ...over,
});

const epochs = (order: SampleOrder, batch: number, count: number): number[][] => {
  const out = new Int32Array(batch);
  return Array.from({ length: count }, () => Array.from(out.subarray(0, order.nextBatch(out, batch))));
};

describe('the sample order', () => {
  it("is NumPy's RandomState(seed).permutation(n), one fresh permutation per epoch", () => {
    // python3 -c "import numpy as np; r = np.random.RandomState(7); print(r.permutation(10), r.permutation(10))"
    expect(epochs(new SampleOrder(10, 7), 10, 2)).toEqual([
      [8, 5, 0, 2, 1, 9, 7, 3, 6, 4],
      [1, 3, 2, 5, 9, 0, 4, 6, 7, 8],
    ]);
    expect(epochs(new SampleOrder(5, 0), 5, 1)).toEqual([[2, 0, 1, 3, 4]]);
  });

  it('visits every sample once per epoch, in batches whose last one holds the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 60 }), fc.nat(), (n, b, seed) => {
        const size = Math.min(b, n);
        const perEpoch = Math.ceil(n / size);
        const batches = epochs(new SampleOrder(n, seed), size, 3 * perEpoch);
        for (let e = 0; e < 3; e++) {
          const epoch = batches.slice(e * perEpoch, (e + 1) * perEpoch);
          expect(epoch.slice(0, -1).every((batch) => batch.length === size)).toBe(true);
          expect(epoch.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        }
      }),
    );
  });
});

describe("AdaGrad's lazy sparse step", () => {
  const hyperparameters = fc.record({
    lr: fc.double({ min: 1e-4, max: 10, noNaN: true }),
    eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
    epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
    weightDecay: fc.constant(0),
    decoupledWeightDecay: fc.boolean(),
    initialAccumulator: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    lrDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  });
  const sparseProblem = fc.integer({ min: 1, max: 20 }).chain((dim) =>
    fc.record({
      theta: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: dim, maxLength: dim }),
      accum: fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: dim, maxLength: dim }),
      touched: fc.uniqueArray(fc.integer({ min: 0, max: dim - 1 }), { maxLength: dim }),
      values: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: dim, maxLength: dim }),
      t: fc.integer({ min: 1, max: 100 }),
    }),
  );

  it('equals the dense step bit for bit on a gradient that is zero off its indices', () => {
    fc.assert(
      fc.property(hyperparameters, sparseProblem, (h, p) => {
        const dense = { theta: Float64Array.from(p.theta), accum: Float64Array.from(p.accum) };
        const lazy = { theta: Float64Array.from(p.theta), accum: Float64Array.from(p.accum) };
        const grad = new Float64Array(p.theta.length);
        p.touched.forEach((i, j) => (grad[i] = p.values[j]));
        adagradKernel(dense.theta, grad, dense.accum, p.t, h);
        const indices = Int32Array.from(p.touched);
        const values = Float64Array.from(p.touched, (_, j) => p.values[j]);
        adagradSparseKernel(lazy.theta, lazy.accum, indices, values, indices.length, p.t, h);
        expect(Array.from(lazy.theta)).toEqual(Array.from(dense.theta));
        expect(Array.from(lazy.accum)).toEqual(Array.from(dense.accum));
      }),
      { numRuns: 300 },
    );
  });

  it('is used only where it is exact: AdaGrad without weight decay and with a denominator that cannot be 0', () => {
    const adagrad = optimizerDefaults.adagrad;
    expect(lazyUpdateIsExact(adagrad)).toBe(true);
    expect(lazyUpdateIsExact({ ...adagrad, eps: 0, initialAccumulator: 0.1 })).toBe(true);
    expect(lazyUpdateIsExact({ ...adagrad, eps: 0, initialAccumulator: 0 })).toBe(false);
    expect(lazyUpdateIsExact({ ...adagrad, weightDecay: 0.01 })).toBe(false);
    expect(lazyUpdateIsExact({ ...adagrad, weightDecay: 0.01, decoupledWeightDecay: true })).toBe(false);
    expect(lazyUpdateIsExact(optimizerDefaults.sgd)).toBe(false);
  });
});

describe('stochastic runs of sparse logistic regression', () => {
  /**
   * The run through executeStochasticRun: lazy steps where exact (by default in WebAssembly for one sample a step), or
   * dense; `traces` false for the summary alone.
   */
  const stochastic = (config: RunConfig, forceDense = false, wasm = wasmLogisticKernel(), traces = true): RunResult => {
    const objective = createObjective(config.objective);
    return executeStochasticRun(config, objective, objective.defaultStart(), { forceDense, wasm, traces });
  };

  it('have the WebAssembly kernel here (Node), so that the property below tests it', () => {
    expect(wasmLogisticKernel()).not.toBeNull();
  });

  it('give the same result, trace and summary, lazy (in WebAssembly or JavaScript) or dense, wherever the lazy step is used, and the same summary without a trace', () => {
    let diverged = 0;
    const problems = fc.record({
      samples: fc.integer({ min: 1, max: 25 }),
      features: fc.integer({ min: 4, max: 30 }),
      // Odd and even: the kernel takes a sample's features two at a time.
      nonZerosPerSample: fc.integer({ min: 1, max: 4 }),
      seed: fc.nat(),
      // One sample a step half of the time: the WebAssembly kernel's case.
      batch: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 25 })),
      runSeed: fc.nat(),
      steps: fc.integer({ min: 1, max: 120 }),
      traceMaxPoints: fc.integer({ min: 3, max: 40 }),
      // Up to 1e300: some runs overflow θ or G and diverge, on the schedule or off it.
      lr: fc.oneof(fc.double({ min: 1e-3, max: 3, noNaN: true }), fc.double({ min: 1e100, max: 1e300, noNaN: true })),
      eps: fc.double({ min: 1e-300, max: 0.1, noNaN: true }),
      epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
      initialAccumulator: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
      lrDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
      // Low thresholds make runs blow up at a kept row.
      divergenceThreshold: fc.constantFrom(undefined, 'off' as const, 1.001, 1.1, 2),
      maximize: fc.boolean(),
    });
    fc.assert(
      fc.property(problems, (p) => {
        const objective = logreg({
          samples: p.samples,
          features: p.features,
          nonZerosPerSample: p.nonZerosPerSample,
          seed: p.seed,
          batchSize: Math.min(p.batch, p.samples),
        });
        const optimizer = {
          lr: p.lr,
          eps: p.eps,
          epsPlacement: p.epsPlacement,
          initialAccumulator: p.initialAccumulator,
          lrDecay: p.lrDecay,
          maximize: p.maximize,
        };
        const config = run(objective, optimizer, {
          steps: p.steps,
          seed: p.runSeed,
          traceMaxPoints: p.traceMaxPoints,
          divergenceThreshold: p.divergenceThreshold,
        });
        const dense = stochastic(config, true);
        expect(stochastic(config)).toEqual(dense);
        expect(stochastic(config, false, null)).toEqual(dense);
        // Without a trace, every path gives the same summary (the losses of the same rows) and records nothing.
        for (const [forceDense, wasm] of [
          [true, null],
          [false, wasmLogisticKernel()],
          [false, null],
        ] as const) {
          const summaryOnly = stochastic(config, forceDense, wasm, false);
          expect(summaryOnly.summary).toEqual(dense.summary);
          expect(summaryOnly.trace).toBe(noTrace);
        }
        if (dense.summary.status === 'diverged') diverged++;
      }),
      { numRuns: 200 },
    );
    // The property saw runs that diverge, on the schedule or off it.
    expect(diverged).toBeGreaterThan(0);
  });

  it('stop at the first kept row whose full-data loss is above threshold × f₀, lazy or dense, in WebAssembly or not', () => {
    const config = run(
      logreg({ features: 12 }),
      { lr: 5 },
      { steps: 200, traceMaxPoints: 40, divergenceThreshold: 'off' },
    );
    const free = stochastic(config);
    const f0 = free.trace.loss[0];
    const threshold = Math.sqrt(Math.max(...free.trace.loss) / f0);
    expect(threshold).toBeGreaterThan(1);
    const row = free.trace.loss.findIndex((f) => f > threshold * f0);
    const blown = { ...config, divergenceThreshold: threshold };
    const dense = stochastic(blown, true);
    expect(dense.summary).toMatchObject({
      status: 'diverged',
      divergedAt: free.trace.steps[row],
      divergedIn: 'loss',
      finalLoss: free.trace.loss[row],
    });
    expect(Array.from(dense.trace.loss)).toEqual(Array.from(free.trace.loss.slice(0, row + 1)));
    expect(stochastic(blown)).toEqual(dense);
    expect(stochastic(blown, false, null)).toEqual(dense);
  });

  it('are what executeRun runs when the batch size is set, and report the full-data loss at every kept row', () => {
    // (The gradient column is the batch gradient each step used: see the next test.)
    // 12 features: few enough for per-parameter trace columns.
    const config = run(logreg({ features: 12 }), {}, { steps: 60, traceMaxPoints: 7 });
    const objective = createObjective(config.objective);
    const result = executeRun(config, objective);
    expect(result).toEqual(stochastic(config));
    expect(result.trace.steps).toEqual(traceSchedule(60, 7)); // no spike row: the loss between rows is never computed
    // Replay the run to each kept step and evaluate the whole data set there.
    for (const [row, step] of result.trace.steps.entries()) {
      const upTo = executeRun({ ...config, steps: Math.max(step, 1), traceMaxPoints: 3 }, objective);
      const theta = step === 0 ? objective.defaultStart() : upTo.trace.theta.slice(-objective.dim);
      const grad = new Float64Array(objective.dim);
      expect(result.trace.loss[row]).toBe(objective.evaluate(theta, grad));
    }
    expect(result.summary.finalLoss).toBe(result.trace.loss[result.trace.loss.length - 1]);
    expect(result.summary.bestLoss).toBe(Math.min(...result.trace.loss));
  });

  it('step on the mean gradient of the batch: a batch of every sample is the full-batch gradient', () => {
    // Plain SGD with lr 1 from 0: the first update is minus the batch's gradient.
    const sgd: OptimizerConfig = { kind: 'sgd', lr: 1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
    for (const batchSize of [30, 7]) {
      const objective = logreg({ features: 12, batchSize });
      const { trace } = executeRun(run(objective, sgd, { steps: 1, traceMaxPoints: 3 }));
      const step = Array.from(trace.update.subarray(12, 24), (u) => -u);
      // Row 1's gradient is the batch's, the one step 1 used: from θ₀ = 0 with lr 1, exactly minus the update.
      expect(Array.from(trace.grad.subarray(12, 24))).toEqual(Array.from(trace.update.subarray(12, 24), (u) => 0 - u));
      expect(trace.grad.subarray(0, 12).every(Number.isNaN)).toBe(true);
      if (batchSize === 30) {
        const full = new Float64Array(12);
        createObjective(objective).evaluate(new Float64Array(12), full);
        step.forEach((g, i) => expect(g).toBeCloseTo(full[i], 14));
      } else {
        // Seven samples: the mean of their per-sample gradients, in the order the run's seed draws them.
        const sparse = createObjective(objective).sparse!;
        const batch = new Int32Array(7);
        new SampleOrder(30, 3).nextBatch(batch, 7);
        const mean = new Float64Array(12);
        const indices = new Int32Array(3);
        const values = new Float64Array(3);
        for (const sample of batch) {
          const nnz = sparse.sampleGradient(new Float64Array(12), sample, indices, values);
          for (let j = 0; j < nnz; j++) mean[indices[j]] += values[j] / 7;
        }
        step.forEach((g, i) => expect(g).toBeCloseTo(mean[i], 14));
      }
    }
  });

  it('learn: five epochs of per-sample AdaGrad bring the loss well below log 2', () => {
    const config = run(logreg({ samples: 400, features: 300, nonZerosPerSample: 5 }), { lr: 0.1 }, { steps: 2000 });
    const { summary, trace } = executeRun(config);
    expect(trace.loss[0]).toBeCloseTo(Math.log(2), 12);
    expect(summary.status).toBe('completed');
    expect(summary.finalLoss).toBeLessThan(0.5);
  });

  it('differ with the run seed (the sample order) and not with anything else', () => {
    const a = executeRun(run(logreg(), {}, { seed: 1 }));
    expect(executeRun(run(logreg(), {}, { seed: 1 }))).toEqual(a);
    expect(executeRun(run(logreg(), {}, { seed: 2 })).summary.finalLoss).not.toBe(a.summary.finalLoss);
  });

  it('with coupled weight decay take dense steps: coordinates no sample touches decay too', () => {
    // One sample, one feature per row: the other features' gradients are 0, and only weight decay moves them.
    const objective = logreg({ samples: 1, features: 5, nonZerosPerSample: 1 });
    const touched = createObjective(objective).sparse!;
    const indices = new Int32Array(1);
    touched.sampleGradient(new Float64Array(5), 0, indices, new Float64Array(1));
    const config = run(objective, { lr: 0.1, weightDecay: 0.5 }, { steps: 3, start: [1, 1, 1, 1, 1] });
    const { trace } = executeRun(config);
    const last = trace.theta.subarray(3 * 5, 4 * 5);
    // An untouched coordinate sees g = 0.5·θ: AdaGrad's first step moves it by lr·g/|g| = 0.1, then less.
    const untouched = [0, 1, 2, 3, 4].find((i) => i !== indices[0])!;
    let theta = 1;
    let G = 0;
    for (let t = 1; t <= 3; t++) {
      const g = 0 + 0.5 * theta;
      G = G + g * g;
      theta = theta + -0.1 * (g / (Math.sqrt(G) + 1e-8));
    }
    expect(last[untouched]).toBe(theta);
  });

  it('with eps 0 and G₀ 0 take dense steps, as PyTorch does: untouched coordinates divide 0 by 0 and the run diverges at step 1', () => {
    const config = run(logreg({ features: 40 }), { eps: 0, initialAccumulator: 0 });
    const { summary } = executeRun(config);
    expect(summary).toMatchObject({ status: 'diverged', divergedAt: 1, divergedIn: 'parameters' });
  });

  it('with other optimizers take dense steps on the batch gradient', () => {
    const config = run(logreg(), {
      kind: 'sgd',
      lr: 0.5,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    const { summary } = executeRun(config);
    expect(summary.status).toBe('completed');
    expect(summary.finalLoss).toBeLessThan(Math.log(2));
  });

  it('stop at the step that diverges, with the full-data loss there, between kept rows', () => {
    // A huge learning rate with inside-eps 0 and G₀ tiny keeps the lazy path; θ overflows after a few steps.
    const config = run(logreg(), { lr: 1e308, eps: 1e-300, epsPlacement: 'inside' }, { steps: 500, traceMaxPoints: 3 });
    const result = executeRun(config);
    expect(result.summary.status).toBe('diverged');
    const at = result.summary.divergedAt!;
    expect(Array.from(result.trace.steps)).toEqual([0, at]);
    expect(result).toEqual(stochastic(config, true));
  });
});
