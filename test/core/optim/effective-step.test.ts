/**
 * The effective step read back from a trace's G (what the trace CSV writes and the charts show) is the optimizer's own,
 * step for step: the same doubles its live state gives, and the seeds' adjusted learning rate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import { createObjective } from '../../../src-core/objectives';
import { createOptimizer, optimizerDefaults } from '../../../src-core/optim';
import { effectiveStepAt, effectiveStepUnavailable, traceEffectiveStep } from '../../../src-core/optim/effective-step';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';
import { expectClose } from '../../helpers/close';
import { rowsDiffer, x2ByHand, type HandOptimizer } from '../../helpers/x2-by-hand';

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const unit = positive(0, 0.99);

/** Every kind whose rule reads only t and G: AdaGrad (every eps placement, lr decay, G₀, maximize), RMSProp, Adam, SGD. */
const readableFromG: fc.Arbitrary<OptimizerConfig> = fc.oneof(
  fc.record({
    kind: fc.constant('adagrad' as const),
    lr: positive(1e-3, 2),
    eps: positive(1e-10, 1e-2),
    epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
    weightDecay: fc.constantFrom(0, 0.01),
    decoupledWeightDecay: fc.boolean(),
    initialAccumulator: fc.constantFrom(0, 0.1),
    lrDecay: fc.constantFrom(0, 0.05),
    maximize: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('rmsprop' as const),
    lr: positive(1e-3, 0.1),
    alpha: unit,
    eps: positive(1e-10, 1e-2),
    momentum: unit,
    centered: fc.constant(false),
    weightDecay: fc.constant(0),
  }),
  fc.record({
    kind: fc.constant('adam' as const),
    lr: positive(1e-3, 0.1),
    beta1: unit,
    beta2: unit,
    eps: positive(1e-10, 1e-2),
    weightDecay: fc.constant(0),
    amsgrad: fc.constant(false),
  }),
  fc.record({
    kind: fc.constant('sgd' as const),
    lr: positive(1e-3, 0.1),
    momentum: fc.constant(0),
    dampening: fc.constant(0),
    nesterov: fc.constant(false),
    weightDecay: fc.constant(0),
  }),
);

describe('traceEffectiveStep', () => {
  it("equals the optimizer's effectiveStep on its live state, bit for bit, at every step of a run", () => {
    fc.assert(
      fc.property(readableFromG, (optimizer) => {
        const config = {
          ...adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1, -2], steps: 25 }),
          optimizer,
        };
        const { trace } = executeRun(config);
        // The same run stepped by hand, reading the optimizer's own answer after each step.
        const objective = createObjective(config.objective);
        const live = createOptimizer(optimizer);
        const theta = Float64Array.of(1, -2);
        const grad = new Float64Array(2);
        const state = live.init(2);
        const expected = new Float64Array(2);
        objective.evaluate(theta, grad);
        for (let step = 1; step <= config.steps; step++) {
          live.step(theta, grad, state);
          objective.evaluate(theta, grad);
          live.effectiveStep(state, expected);
          for (let i = 0; i < 2; i++) {
            const G = trace.accum.length > 0 ? trace.accum[step * 2 + i] : null;
            expect(traceEffectiveStep(optimizer, step, G)).toBe(expected[i]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("gives the seeds' adjusted learning rate lr/(√G+eps) on x² from 4 with lr 1", () => {
    const { trace } = executeRun(adagradRun({}, { steps: 3 }));
    const seedRates = [0.12499999984374999, 0.099999999885, 0.09015230564267492];
    seedRates.forEach((rate, i) =>
      expectClose(traceEffectiveStep(adagradRun().optimizer, i + 1, trace.accum[i + 1])!, rate, 1e-14),
    );
  });

  it('is null before any step, and where the rule needs state a trace does not keep', () => {
    expect(traceEffectiveStep(optimizerDefaults.adagrad, 0, 0)).toBeNull();
    expect(traceEffectiveStep({ ...optimizerDefaults.rmsprop, centered: true }, 5, 0.3)).toBeNull();
    expect(traceEffectiveStep({ ...optimizerDefaults.adam, amsgrad: true }, 5, 0.3)).toBeNull();
    expect(traceEffectiveStep(optimizerDefaults.adam, 5, null)).toBeNull();
  });

  it('is lr for SGD, which has no accumulator', () => {
    expect(traceEffectiveStep({ ...optimizerDefaults.sgd, lr: 0.05, momentum: 0.9 }, 3, null)).toBe(0.05);
  });
});

const configs: OptimizerConfig[] = [
  { ...optimizerDefaults.adagrad, lr: 1 },
  { ...optimizerDefaults.adagrad, lr: 0.5, eps: 1e-3, epsPlacement: 'inside', lrDecay: 0.1, initialAccumulator: 0.1 },
  { ...optimizerDefaults.adagrad, lr: 0.1, weightDecay: 0.01, decoupledWeightDecay: true },
  { ...optimizerDefaults.rmsprop, lr: 0.05 },
  { ...optimizerDefaults.adam, lr: 0.1 },
  { ...optimizerDefaults.sgd, lr: 0.05, momentum: 0.9 },
];

/** Runs 8 steps of `config` on fixed gradients; yields (t, accumulator copy, the optimizer's own effective step). */
function* steps(config: OptimizerConfig) {
  const optimizer = createOptimizer(config);
  const theta = Float64Array.of(1, -2, 0.5);
  const state = optimizer.init(3);
  const expected = new Float64Array(3);
  for (let t = 1; t <= 8; t++) {
    optimizer.step(theta, Float64Array.of(0.3 * t, -1.5, 2 / t), state);
    optimizer.effectiveStep(state, expected);
    const accum = optimizer.accum(state);
    yield { t, accum: accum ? Float64Array.from(accum) : new Float64Array(3), expected: Float64Array.from(expected) };
  }
}

describe('effective step size from a stored accumulator', () => {
  it.each(configs.map((c) => [c.kind, c] as const))(
    "equals the optimizer's own rule bit for bit (%s)",
    (_kind, config) => {
      const rule = effectiveStepAt(config, 3)!;
      const out = new Float64Array(3);
      for (const { t, accum, expected } of steps(config)) {
        rule(t, accum, out);
        expect(Array.from(out)).toEqual(Array.from(expected));
      }
    },
  );

  it("gives the seeds' 1/(√G+ε) for x² from 4 with lr 1: 0.125, 0.1, 0.0902 at G = 64, 100, 123.04", () => {
    const rule = effectiveStepAt({ ...optimizerDefaults.adagrad, lr: 1 }, 1)!;
    const out = new Float64Array(1);
    const sizes = [64, 100, 123.04].map((G, i) => (rule(i + 1, [G], out), out[0]));
    expect(sizes).toEqual([1 / (8 + 1e-8), 1 / (10 + 1e-8), 1 / (Math.sqrt(123.04) + 1e-8)]);
    expect(sizes.map((s) => s.toFixed(6))).toEqual(['0.125000', '0.100000', '0.090152']);
  });

  it('reads a Float32Array accumulator (stored traces) as well as a Float64Array', () => {
    const rule = effectiveStepAt({ ...optimizerDefaults.adagrad, lr: 1, eps: 0 }, 2)!;
    const out = new Float64Array(2);
    rule(3, Float32Array.of(64, 0.25), out);
    expect(Array.from(out)).toEqual([0.125, 2]);
  });

  it('is unavailable, with the reason, where a trace lacks what the rule divides by', () => {
    const centered: OptimizerConfig = { ...optimizerDefaults.rmsprop, centered: true };
    const amsgrad: OptimizerConfig = { ...optimizerDefaults.adam, amsgrad: true };
    expect(effectiveStepAt(centered, 2)).toBeNull();
    expect(effectiveStepAt(amsgrad, 2)).toBeNull();
    expect(effectiveStepUnavailable(centered)).toMatch(/centered RMSProp/);
    expect(effectiveStepUnavailable(amsgrad)).toMatch(/AMSGrad/);
    expect(effectiveStepUnavailable(optimizerDefaults.adagrad)).toBeNull();
  });
});

/** The engine's config for a hand-written optimizer. */
function engineConfig(o: HandOptimizer): OptimizerConfig {
  switch (o.kind) {
    case 'adagrad':
      return {
        ...optimizerDefaults.adagrad,
        lr: o.lr,
        eps: o.eps,
        epsPlacement: o.inside ? 'inside' : 'outside',
        lrDecay: o.lrDecay,
        weightDecay: o.weightDecay,
        decoupledWeightDecay: o.decoupled,
        initialAccumulator: o.initialAccumulator,
      };
    case 'rmsprop':
      return { ...optimizerDefaults.rmsprop, lr: o.lr, alpha: o.alpha, eps: o.eps };
    case 'adam':
      return { ...optimizerDefaults.adam, lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps };
  }
}

const adagradByHand = (over: Partial<Extract<HandOptimizer, { kind: 'adagrad' }>>): HandOptimizer => ({
  kind: 'adagrad',
  lr: 1,
  eps: 1e-10,
  inside: false,
  lrDecay: 0,
  weightDecay: 0,
  decoupled: false,
  initialAccumulator: 0,
  ...over,
});

/** x² from 4 under PyTorch's rules written out by hand (test/helpers/x2-by-hand.ts), eps placed both ways. */
const handCases: [string, HandOptimizer][] = [
  ['AdaGrad lr 1, eps 1e-10 outside the root', adagradByHand({})],
  ['AdaGrad lr 1, eps 1e-10 inside the root', adagradByHand({ inside: true })],
  ['AdaGrad lr 1, eps 1 outside the root', adagradByHand({ eps: 1 })],
  ['AdaGrad lr 1, eps 1 inside the root', adagradByHand({ eps: 1, inside: true })],
  [
    'AdaGrad lr 0.5, eps 1e-3 inside, lr decay 0.1, G₀ 0.1',
    adagradByHand({ lr: 0.5, eps: 1e-3, inside: true, lrDecay: 0.1, initialAccumulator: 0.1 }),
  ],
  ['AdaGrad lr 0.5, eps 0.01 outside, lr decay 0.5', adagradByHand({ lr: 0.5, eps: 0.01, lrDecay: 0.5 })],
  [
    'AdaGrad lr 0.5, eps 0.01, weight decay 0.1 coupled (added to the gradient)',
    adagradByHand({ lr: 0.5, eps: 0.01, weightDecay: 0.1 }),
  ],
  [
    'AdaGrad lr 0.5, eps 0.01, weight decay 0.1 decoupled (θ·(1 − lr·λ), AdamW-style)',
    adagradByHand({ lr: 0.5, eps: 0.01, weightDecay: 0.1, decoupled: true }),
  ],
  ['RMSProp lr 0.05, α 0.9, eps 0.1', { kind: 'rmsprop', lr: 0.05, alpha: 0.9, eps: 0.1 }],
  ['Adam lr 0.1, β 0.8/0.9, eps 0.5 (bias-corrected)', { kind: 'adam', lr: 0.1, beta1: 0.8, beta2: 0.9, eps: 0.5 }],
];

describe('the effective step against values computed by hand', () => {
  it('is 1/(8+1e-10) after the first step of x² from 4 with lr 1 (g = 8, G = 64), 1/√(64+1e-10) with eps inside the root', () => {
    const first = (inside: boolean, eps: number) => {
      const { trace } = executeRun(adagradRun({ eps, epsPlacement: inside ? 'inside' : 'outside' }, { steps: 1 }));
      // Row 1: the gradient step 1 used, 2·4, and G after it.
      expect([trace.grad[0], trace.grad[1], trace.accum[1]]).toEqual([NaN, 8, 64]);
      return traceEffectiveStep(
        adagradRun({ eps, epsPlacement: inside ? 'inside' : 'outside' }).optimizer,
        1,
        trace.accum[1],
      );
    };
    expect(first(false, 1e-10)).toBe(1 / (8 + 1e-10));
    expect(first(true, 1e-10)).toBe(1 / Math.sqrt(64 + 1e-10));
    // eps 1 makes the placement plain to see: 1/9 against 1/√65.
    expect(first(false, 1)).toBe(0.1111111111111111);
    expect(first(true, 1)).toBe(0.12403473458920847);
  });

  it('with lr decay: step 2 of lr 1, decay 0.5, eps 1 inside is (1/1.5)/√(64 + (2·(4 − 8/√65))² + 1)', () => {
    const config = adagradRun({ eps: 1, epsPlacement: 'inside', lrDecay: 0.5 }, { steps: 2 });
    const { trace } = executeRun(config);
    const theta1 = 4 - 8 / Math.sqrt(65);
    const G2 = 64 + (2 * theta1) ** 2;
    expectClose(trace.accum[2], G2, 1e-15);
    expectClose(traceEffectiveStep(config.optimizer, 2, trace.accum[2])!, 1 / 1.5 / Math.sqrt(G2 + 1), 1e-15);
  });

  it.each(handCases)(
    '%s: G and the effective step of every row, from the trace, the live optimizer and the chart rule',
    (_name, hand) => {
      const expected = x2ByHand(hand, 4, 8);
      const optimizer = engineConfig(hand);
      const { trace } = executeRun({ ...adagradRun({}, { steps: 8 }), optimizer });
      const live = createOptimizer(optimizer);
      const state = live.init(1);
      const theta = Float64Array.of(4);
      const liveStep = new Float64Array(1);
      const chartStep = new Float64Array(1);
      const rule = effectiveStepAt(optimizer, 1)!;
      const fromTrace = expected.map((row) => ({
        ...row,
        theta: trace.theta[row.step],
        g: trace.grad[row.step],
        update: row.step === 0 ? NaN : -trace.update[row.step],
        G: trace.accum[row.step],
        loss: trace.loss[row.step],
        effectiveStep: traceEffectiveStep(optimizer, row.step, trace.accum[row.step]),
      }));
      expect(rowsDiffer(fromTrace, expected, 1e-13)).toBeNull();
      for (const row of expected.slice(1)) {
        live.step(theta, Float64Array.of(2 * theta[0]), state);
        live.effectiveStep(state, liveStep);
        rule(row.step, [row.G], chartStep);
        expectClose(liveStep[0], row.effectiveStep!, 1e-13);
        expectClose(chartStep[0], row.effectiveStep!, 1e-13);
      }
    },
  );
});
