import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdagradConfig, ObjectiveConfig } from '../../../src-core/contract/engine';
import type { RunConfig } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { executeBatch, executeRun, failedRun, runStepByStep, transferablesOf } from '../../../src-core/run/execute';
import { executeLanes, laneGroupKey } from '../../../src-core/run/lanes';
import { laneLayout } from '../../../src-core/optim/adagrad-lanes';
import { wasmLaneKernel } from '../../../src-core/optim/wasm/lane-kernel';
import { laneRunBatch } from '../../helpers/arbitraries';

const batch = laneRunBatch();

describe('runs stepped side by side', () => {
  it('have the WebAssembly SIMD kernel here (Node), so that the property below tests it', () => {
    expect(wasmLaneKernel()).not.toBeNull();
  });

  it('give every run exactly what the step-by-step loop gives it: summary, trace rows, divergence', () => {
    fc.assert(
      fc.property(batch, (configs) => {
        const stepByStep = configs.map((config) => runStepByStep(config));
        expect(executeBatch(configs)).toEqual(stepByStep);
        // The same lanes again with the JavaScript loop instead of the WebAssembly SIMD kernel (executeBatch's default).
        const groups = new Map<string | null, RunConfig[]>();
        for (const c of configs) {
          const key = laneGroupKey(c, createObjective(c.objective));
          groups.set(key, [...(groups.get(key) ?? []), c]);
        }
        for (const group of groups.values()) {
          const objective = createObjective(group[0].objective);
          const starts = group.map((c) => (c.start ? Float64Array.from(c.start) : objective.defaultStart()));
          expect(executeLanes(group, objective, starts, null)).toEqual(group.map((c) => runStepByStep(c)));
        }
        expect(configs.map((config) => executeRun(config))).toEqual(stepByStep);
      }),
      { numRuns: 120 },
    );
  });

  it('cover the outcomes that matter: converged, diverged in the accumulator and in θ, spikes kept', () => {
    const optimizer: AdagradConfig = {
      kind: 'adagrad',
      lr: 0.5,
      eps: 1e-8,
      epsPlacement: 'outside',
      weightDecay: 0,
      decoupledWeightDecay: false,
      initialAccumulator: 0,
      lrDecay: 0,
    };
    const base: RunConfig = {
      id: 's:0',
      sweepId: 's',
      index: 0,
      objective: { id: 'elliptic-2d' },
      start: null,
      steps: 100,
      seed: 0,
      tolerance: 1e-3,
      traceMaxPoints: 5,
      optimizer,
    };
    const configs: RunConfig[] = [
      base,
      { ...base, start: [1e154, 1] }, // f is finite, but G = (2·10¹⁵⁴)² overflows at step 1
      { ...base, optimizer: { ...optimizer, lr: 1e308, eps: 1e-300 }, start: [1e-300, 1e-300] }, // θ overflows
      { ...base, optimizer: { ...optimizer, lr: 1.9 }, start: [0.1, 0.1], tolerance: null }, // overshoots: a spike
    ];
    const results = executeBatch(configs);
    expect(results).toEqual(configs.map((c) => runStepByStep(c)));
    expect(results.map((r) => [r.summary.status, r.summary.divergedIn])).toEqual([
      ['converged', null],
      ['diverged', 'accumulator'],
      ['diverged', 'parameters'],
      ['completed', null],
    ]);
    expect(results[3].trace.steps.length).toBe(5);
  });

  it('stop a run that blows up at the step its loss first goes above threshold × |f₀|, on every path', () => {
    // x² from 4 (f₀ = 16) and the 2-parameter ellipse, with weight decay and without (the WebAssembly kernel, fused for
    // these quadratics, or the JavaScript lanes): the step expected is read off the same run with the threshold off.
    for (const [objective, start, weightDecay] of [
      ['quadratic-1d', [4], 0],
      ['quadratic-1d', [4], 0.01],
      ['elliptic-2d', [1, -2], 0],
      ['rosenbrock', [-1.2, 1], 0],
    ] as const) {
      const optimizer: AdagradConfig = {
        kind: 'adagrad',
        lr: 30,
        eps: 1e-8,
        epsPlacement: 'outside',
        weightDecay,
        decoupledWeightDecay: false,
        initialAccumulator: 0,
        lrDecay: 0,
      };
      const base: RunConfig = {
        id: 's:0',
        sweepId: 's',
        index: 0,
        objective: objective === 'rosenbrock' ? { id: 'rosenbrock', dim: 2 } : { id: objective },
        start: [...start],
        steps: 60,
        seed: 0,
        tolerance: null,
        traceMaxPoints: 8,
        optimizer,
      };
      const free = runStepByStep({ ...base, divergenceThreshold: 'off', traceMaxPoints: 61 });
      expect(free.summary.status).not.toBe('diverged');
      const f0 = free.trace.loss[0];
      const peak = Math.max(...free.trace.loss);
      const threshold = Math.sqrt(peak / Math.abs(f0)); // somewhere between f₀ and the peak
      expect(threshold).toBeGreaterThan(1);
      const expected = free.trace.loss.findIndex((f) => f > threshold * Math.abs(f0));
      expect(expected).toBeGreaterThan(0);
      const configs = [
        { ...base, divergenceThreshold: threshold },
        { ...base, id: 's:1', index: 1, divergenceThreshold: threshold },
      ];
      const composed = runStepByStep(configs[0]);
      expect(composed.summary).toMatchObject({
        status: 'diverged',
        divergedAt: expected,
        divergedIn: 'loss',
        finalLoss: free.trace.loss[expected],
      });
      // The numbers stay PyTorch's: the last row is the free run's row of that step.
      const last = composed.trace.steps.length - 1;
      expect(composed.trace.steps[last]).toBe(expected);
      expect(composed.trace.theta.slice(last * composed.trace.width)).toEqual(
        free.trace.theta.slice(expected * free.trace.width, (expected + 1) * free.trace.width),
      );
      const o = createObjective(configs[0].objective);
      const starts = configs.map(() => Float64Array.from(start));
      for (const got of [
        executeRun(configs[0]),
        ...executeBatch(configs),
        ...executeLanes(configs, o, starts, null),
        ...executeLanes(configs, o, starts),
        ...executeLanes([configs[0]], o, [starts[0]], null),
      ]) {
        expect(got.summary).toEqual(composed.summary);
        expect(got.trace).toEqual(composed.trace);
      }
    }
  });

  it('are used for AdaGrad on objectives that evaluate many points at once, and only there', () => {
    const run = (objective: ObjectiveConfig, kind: 'adagrad' | 'sgd') =>
      laneGroupKey({ objective, optimizer: { kind } } as RunConfig, createObjective(objective));
    expect(run({ id: 'elliptic-2d' }, 'adagrad')).not.toBeNull();
    expect(run({ id: 'quadratic-1d' }, 'adagrad')).not.toBeNull();
    expect(run({ id: 'elliptic-2d' }, 'sgd')).toBeNull();
    const logreg = {
      id: 'sparse-logreg',
      samples: 10,
      features: 5,
      nonZerosPerSample: 2,
      zipfExponent: 1,
      seed: 1,
    } as const;
    expect(run(logreg, 'adagrad')).toBeNull();
  });

  it('fail alone: a bad start or optimizer fails its run, not its group', () => {
    const good: RunConfig = {
      id: 's:0',
      sweepId: 's',
      index: 0,
      objective: { id: 'quadratic-1d' },
      start: [4],
      steps: 3,
      seed: 0,
      tolerance: null,
      traceMaxPoints: 10,
      optimizer: {
        kind: 'adagrad',
        lr: 1,
        eps: 0,
        epsPlacement: 'outside',
        weightDecay: 0,
        decoupledWeightDecay: false,
        initialAccumulator: 0,
        lrDecay: 0,
      },
    };
    const results = executeBatch([
      good,
      { ...good, start: [1, 2] },
      { ...good, optimizer: { ...good.optimizer, lr: -1 } },
      good,
    ]);
    expect(results.map((r) => r.summary.status)).toEqual(['completed', 'failed', 'failed', 'completed']);
    expect(results[1].summary.error).toBe('Invalid start point: 2 coordinates (quadratic-1d takes 1)');
    expect(results[2].summary.error).toBe('Invalid learning rate: -1 (must be a finite number > 0)');
    expect(Array.from(results[0].trace.theta.subarray(0, 3))).toEqual([4, 3, 2.4]); // the seeds' table
  });
});

describe('the JavaScript lanes between kept rows (stepQuadraticBlock, on the diagonal quadratics)', () => {
  // One group (same eps placement and decay mode), few kept rows so that the blocks are long, odd and even lane counts,
  // and runs that stop inside a block: bouncing (a best loss, then a spike), reaching a tolerance, blowing up. Two
  // lanes at a time at dimensions 1 and 2, one at a time above (odd and even, and above 16: quantile rows).
  const group = fc
    .record({
      objective: fc.constantFrom<ObjectiveConfig>(
        { id: 'quadratic-1d' },
        { id: 'elliptic-2d' },
        { id: 'ill-conditioned', dim: 3, condition: 10 },
        { id: 'ill-conditioned', dim: 8, condition: 100 },
        { id: 'ill-conditioned', dim: 17, condition: 4 },
      ),
      epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
      weightDecay: fc.constantFrom(0, 0.05),
      decoupledWeightDecay: fc.boolean(),
      steps: fc.integer({ min: 1, max: 200 }),
      traceMaxPoints: fc.integer({ min: 3, max: 8 }),
      size: fc.integer({ min: 1, max: 9 }),
    })
    .chain((g) =>
      fc
        .array(
          fc.record({
            lr: fc.oneof(fc.double({ min: 1e-3, max: 6, noNaN: true }), fc.constant(1e300)),
            eps: fc.constantFrom(0, 1e-10, 1e-3, 0.5),
            lrDecay: fc.constantFrom(0, 0.05),
            initialAccumulator: fc.constantFrom(0, 0.1),
            maximize: fc.boolean(),
            start: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 17, maxLength: 17 }),
            tolerance: fc.option(fc.double({ min: 1e-6, max: 5, noNaN: true }), { nil: null }),
            divergenceThreshold: fc.constantFrom(undefined, 1.5, 20),
          }),
          { minLength: g.size, maxLength: g.size },
        )
        .map((runs) =>
          runs.map((run, index): RunConfig => ({
            id: `s:${index}`,
            sweepId: 's',
            index,
            objective: g.objective,
            start: run.start.slice(0, createObjective(g.objective).dim),
            steps: g.steps,
            seed: 0,
            tolerance: run.tolerance,
            traceMaxPoints: g.traceMaxPoints,
            ...(run.divergenceThreshold === undefined ? {} : { divergenceThreshold: run.divergenceThreshold }),
            optimizer: {
              kind: 'adagrad',
              lr: run.lr,
              eps: run.eps,
              epsPlacement: g.epsPlacement,
              weightDecay: g.weightDecay,
              decoupledWeightDecay: g.decoupledWeightDecay,
              initialAccumulator: run.initialAccumulator,
              lrDecay: run.lrDecay,
              maximize: run.maximize,
            },
          })),
        ),
    );

  it("give every run the step-by-step loop's summary and trace, with and without traces", () => {
    fc.assert(
      fc.property(group, (configs) => {
        const objective = createObjective(configs[0].objective);
        const starts = () => configs.map((c) => Float64Array.from(c.start!));
        const expected = configs.map((c) => runStepByStep(c));
        expect(executeLanes(configs, objective, starts(), null)).toEqual(expected);
        expect(executeLanes(configs, objective, starts(), null, false).map((r) => r.summary)).toEqual(
          expected.map((r) => r.summary),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('decoupled weight decay in the lanes, against the rule computed by hand', () => {
  // AdamW's rule for AdaGrad: θ ← θ·(1 − lr·λ), then the AdaGrad step on the raw gradient 2θ (never on 2θ + λθ).
  const lanes: { lr: number; wd: number }[] = [
    { lr: 0.5, wd: 0.1 },
    { lr: 1, wd: 0.5 },
    { lr: 0.1, wd: 0.01 },
  ];
  const configs = lanes.map(({ lr, wd }, index): RunConfig => ({
    id: `s:${index}`,
    sweepId: 's',
    index,
    objective: { id: 'quadratic-1d' },
    start: [4],
    optimizer: {
      kind: 'adagrad',
      lr,
      eps: 0.01,
      epsPlacement: 'outside',
      weightDecay: wd,
      decoupledWeightDecay: true,
      initialAccumulator: 0,
      lrDecay: 0,
    },
    steps: 5,
    seed: 0,
    tolerance: null,
    traceMaxPoints: 100,
  }));

  it('step 1 of lr 0.5, λ 0.1, eps 0.01 on x² from 4 is 4·(1 − 0.05) − 0.5·8/(8 + 0.01), and G is 64, not (8 + 0.4)²', () => {
    const [result] = executeLanes(
      configs.slice(0, 1),
      createObjective({ id: 'quadratic-1d' }),
      [Float64Array.of(4)],
      null,
    );
    expect(result.trace.accum[1]).toBe(64);
    expect(result.trace.theta[1]).toBeCloseTo(3.8 - 4 / 8.01, 15);
  });

  it.each([
    ['the JavaScript loop', () => null],
    ['the WebAssembly kernel when offered', () => wasmLaneKernel()],
  ])('gives every lane the hand-computed θ and G at every step (%s)', (_path, kernel) => {
    const results = executeLanes(
      configs,
      createObjective({ id: 'quadratic-1d' }),
      configs.map(() => Float64Array.of(4)),
      kernel(),
    );
    results.forEach((result, r) => {
      const { lr, wd } = lanes[r];
      let theta = 4;
      let G = 0;
      for (let t = 1; t <= 5; t++) {
        const g = 2 * theta;
        G += g * g;
        theta = theta * (1 - lr * wd) - (lr * g) / (Math.sqrt(G) + 0.01);
        expect(Math.abs(result.trace.accum[t] - G)).toBeLessThanOrEqual(1e-13 * G);
        expect(Math.abs(result.trace.theta[t] - theta)).toBeLessThanOrEqual(1e-13 * Math.abs(theta));
      }
    });
  });
});

describe('weight decay in the lanes, through the WebAssembly kernel and the JavaScript loop', () => {
  const base: AdagradConfig = {
    kind: 'adagrad',
    lr: 0.1,
    eps: 1e-8,
    epsPlacement: 'outside',
    weightDecay: 1e-2,
    decoupledWeightDecay: false,
    initialAccumulator: 0,
    lrDecay: 0,
  };
  /**
   * `count` lanes, each its own lr, eps, decay, maximize, lr decay and initial accumulator; lane 1 (when there is one)
   * diverges: its rate overflows θ at step 1; lane 2 starts at −0 in its first coordinate (where ∇ is 0: the guard's
   * −0 and the decay's sign show there).
   */
  const lanesOf = (count: number, over: Partial<AdagradConfig>, objective: ObjectiveConfig): RunConfig[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `s:${index}`,
      sweepId: 's',
      index,
      objective,
      start: index === 2 ? [-0, ...createObjective(objective).defaultStart().slice(1)] : null,
      optimizer: {
        ...base,
        ...over,
        lr: index === 1 ? 1e308 : 0.05 * (index + 1),
        eps: [1e-8, 1e-3, 0, 0.5][index % 4],
        weightDecay: [1e-4, 0.3, 1e-2][index % 3],
        maximize: index % 3 === 2,
        lrDecay: index % 2 ? 0.1 : 0,
        initialAccumulator: index % 4 === 3 ? 0.5 : 0,
      },
      steps: 40,
      seed: 0,
      tolerance: index === 0 ? 1e-3 : null,
      traceMaxPoints: 9,
    }));
  const cases = (['coupled', 'decoupled'] as const).flatMap((mode) =>
    (['outside', 'inside', 'inside-guarded'] as const).flatMap((epsPlacement) =>
      [1, 2, 3, 6].flatMap((count) =>
        (
          [
            { id: 'elliptic-2d' },
            { id: 'ill-conditioned', dim: 7, condition: 1e4 },
            { id: 'rosenbrock', dim: 3 },
          ] as ObjectiveConfig[]
        ).map((objective) => ({ mode, epsPlacement, count, objective })),
      ),
    ),
  );

  it.each(cases)(
    '$mode, eps $epsPlacement, $count lanes on $objective.id: every lane is its run, bit for bit, on both paths',
    ({ mode, epsPlacement, count, objective }) => {
      const configs = lanesOf(count, { epsPlacement, decoupledWeightDecay: mode === 'decoupled' }, objective);
      const o = createObjective(objective);
      const expected = configs.map((c) => runStepByStep(c, o));
      if (count > 1) expect(expected[1].summary.status).toBe('diverged');
      const starts = configs.map((c) => (c.start ? Float64Array.from(c.start) : o.defaultStart()));
      const wasm = wasmLaneKernel()!;
      // The kernel takes the group (the fused quadratic step for the quadratics), and the JavaScript loop when refused.
      expect(
        laneLayout(
          configs.map((c) => c.optimizer as AdagradConfig),
          wasm,
        ).kernel,
      ).toBe(wasm);
      expect(executeLanes(configs, o, starts, wasm)).toEqual(expected);
      expect(executeLanes(configs, o, starts, null)).toEqual(expected);
      expect(executeBatch(configs)).toEqual(expected);
    },
  );
});

describe('the buffers a result is transferred by', () => {
  it('are each named once: the one buffer of a trace, or the empty columns of a failed run', () => {
    const config: RunConfig = {
      id: 's:0',
      sweepId: 's',
      index: 0,
      objective: { id: 'elliptic-2d' },
      start: null,
      steps: 10,
      seed: 0,
      tolerance: null,
      traceMaxPoints: 5,
      optimizer: {
        kind: 'adagrad',
        lr: 0.1,
        eps: 1e-8,
        epsPlacement: 'outside',
        weightDecay: 0,
        decoupledWeightDecay: false,
        initialAccumulator: 0,
        lrDecay: 0,
      },
    };
    const result = executeRun(config);
    expect(transferablesOf(result)).toEqual([result.trace.theta.buffer]);
    const failed = failedRun(config, new Error('no'));
    const { steps, loss, theta, grad, accum, update } = failed.trace;
    expect(transferablesOf(failed)).toEqual([
      ...new Set([steps, loss, theta, grad, accum, update].map((c) => c.buffer)),
    ]);
    expect(transferablesOf(failed)).toHaveLength(6);
  });
});

describe('a single run of a million coordinates (the bench W2)', () => {
  it('runs as one lane with the numbers of the step-by-step loop', () => {
    const config: RunConfig = {
      id: 's:0',
      sweepId: 's',
      index: 0,
      objective: { id: 'ill-conditioned', dim: 1_000_000, condition: 1e6 },
      start: null,
      steps: 4,
      seed: 0,
      tolerance: null,
      traceMaxPoints: 3,
      optimizer: {
        kind: 'adagrad',
        lr: 0.1,
        eps: 1e-8,
        epsPlacement: 'outside',
        weightDecay: 0,
        decoupledWeightDecay: false,
        initialAccumulator: 0,
        lrDecay: 0,
      },
    };
    const objective = createObjective(config.objective);
    const result = executeRun(config, objective);
    expect(result).toEqual(runStepByStep(config, objective));
    expect(result.trace.layout).toBe('quantiles');
    expect(result.summary.finalLoss).toBeLessThan(result.trace.loss[0]);
  });
});
