/**
 * The seeds' NumPy AdaGrad class (seeds/001) on its own example: W and grads from np.random.seed(42); randn(2, 2)
 * twice, hard-coded here, and the same gradient at every step, as the notebook does.
 */
import { describe, expect, it } from 'vitest';
import { adagradProfiles, createOptimizer, optimizerDefaults } from '../../../src-core/optim';
import { expectClose } from '../../helpers/close';

const W0 = [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254];
const grads = [-0.23415337472333597, -0.23413695694918055, 1.5792128155073915, 0.7674347291529088];
const eps = 1e-8;

/** The class's step, transcribed: if wd > 0: g = g + wd·W; G = G + g²; W = W − lr·g / (√G + eps), NumPy's evaluation order. */
function seedClass(lr: number, weightDecay: number, steps: number): number[][] {
  const W = [...W0];
  const G = W.map(() => 0);
  const history: number[][] = [];
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < W.length; i++) {
      const g = weightDecay > 0 ? grads[i] + weightDecay * W[i] : grads[i];
      G[i] = G[i] + g ** 2;
      W[i] = W[i] - (lr * g) / (Math.sqrt(G[i]) + eps);
    }
    history.push([...W]);
  }
  return history;
}

describe("AdaGrad on the seeds' NumPy example (2×2 W, constant grads)", () => {
  it('the default AdaGrad config is the seeds profile', () => {
    const { label: _label, description: _description, ...profile } = adagradProfiles.seeds;
    expect({ kind: 'adagrad', ...profile }).toEqual(optimizerDefaults.adagrad);
  });

  it.each([
    { lr: 0.01, weightDecay: 0 },
    { lr: 0.1, weightDecay: 0 },
    { lr: 0.01, weightDecay: 0.01 },
    { lr: 0.1, weightDecay: 0.01 },
  ])('follows the class for 5 steps with lr $lr, weight decay $weightDecay', ({ lr, weightDecay }) => {
    const optimizer = createOptimizer({ ...optimizerDefaults.adagrad, lr, weightDecay });
    const W = Float64Array.from(W0);
    const state = optimizer.init(W.length);
    seedClass(lr, weightDecay, 5).forEach((expected) => {
      optimizer.step(W, Float64Array.from(grads), state);
      expected.forEach((w, i) => expectClose(W[i], w, 1e-12));
    });
  });

  it('moves every weight by lr at the first step without weight decay (|g|/√g² = 1, eps aside)', () => {
    const optimizer = createOptimizer(optimizerDefaults.adagrad);
    const W = Float64Array.from(W0);
    optimizer.step(W, Float64Array.from(grads), optimizer.init(4));
    W.forEach((w, i) => expectClose(W0[i] - w, Math.sign(grads[i]) * 0.01, 1e-7));
  });
});
