import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../src-core/contract/engine';
import { effectiveStepAt, effectiveStepUnavailable } from '../../src-core/effective-step';
import { createOptimizer, optimizerDefaults } from '../../src-core/optim';

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
    const accum = optimizer.accumulator(state);
    yield { t, accum: accum ? Float64Array.from(accum) : new Float64Array(3), expected: Float64Array.from(expected) };
  }
}

describe('effective step size from a stored accumulator', () => {
  it.each(configs.map((c) => [c.kind, c] as const))("equals the optimizer's own rule bit for bit (%s)", (_kind, config) => {
    const rule = effectiveStepAt(config, 3)!;
    const out = new Float64Array(3);
    for (const { t, accum, expected } of steps(config)) {
      rule(t, accum, out);
      expect(Array.from(out)).toEqual(Array.from(expected));
    }
  });

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
