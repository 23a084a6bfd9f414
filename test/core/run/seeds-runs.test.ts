/**
 * The seeds' examples run through the engine exactly as the app runs them (objective registry + optimizer + run loop),
 * against scalar transcriptions of the seeds' own code.
 */
import { describe, expect, it } from 'vitest';
import { executeRun } from '../../../src-core/run/execute';
import { RandomState } from '../../../src-core/objectives/random';
import { adagradRun } from '../../helpers/configs';
import { expectClose } from '../../helpers/close';

/** The seeds' NumPy class, one scalar at a time: g += wd·w; G += g²; w -= lr·g/(√G+eps). */
function seedClass(w: number[], grads: number[], lr: number, weightDecay: number, steps: number): number[][] {
  const W = [...w];
  const G = W.map(() => 0);
  const history = [[...W]];
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < W.length; i++) {
      const g = weightDecay > 0 ? grads[i] + weightDecay * W[i] : grads[i];
      G[i] += g * g;
      W[i] -= (lr * g) / (Math.sqrt(G[i]) + 1e-8);
    }
    history.push([...W]);
  }
  return history;
}

describe("the seeds' 2×2 constant-gradient examples (np.random.seed(42))", () => {
  const rng = new RandomState(42);
  const W = [rng.randn(), rng.randn(), rng.randn(), rng.randn()];
  const grads = [rng.randn(), rng.randn(), rng.randn(), rng.randn()];

  it("start from the seed's W, printed as [[0.4967, -0.1383], [0.6477, 1.5230]]", () => {
    expect(W.map((x) => x.toFixed(4))).toEqual(['0.4967', '-0.1383', '0.6477', '1.5230']);
    expect(grads.map((x) => x.toFixed(4))).toEqual(['-0.2342', '-0.2341', '1.5792', '0.7674']);
  });

  it.each([
    { lr: 0.01, weightDecay: 0 },
    { lr: 0.1, weightDecay: 0 },
    { lr: 0.01, weightDecay: 0.01 },
    { lr: 0.1, weightDecay: 0.01 },
  ])('lr $lr, weight decay $weightDecay: every step of W as the class computes it', ({ lr, weightDecay }) => {
    const { trace, summary } = executeRun(
      adagradRun({ lr, weightDecay }, { objective: { id: 'constant-gradient' }, start: null, steps: 5 }),
    );
    expect(summary.status).toBe('completed');
    const expected = seedClass(W, grads, lr, weightDecay, 5);
    for (let step = 0; step <= 5; step++) {
      for (let i = 0; i < 4; i++) expectClose(trace.theta[step * 4 + i], expected[step][i], 1e-13);
    }
  });

  it('without weight decay every coordinate moves by lr per step against its gradient sign (G grows as t·g²)', () => {
    const { trace } = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'constant-gradient' }, start: null, steps: 3 }),
    );
    for (let i = 0; i < 4; i++) {
      const first = trace.theta[4 + i] - trace.theta[i];
      expectClose(Math.abs(first), 0.1, 1e-7);
      expect(Math.sign(first)).toBe(-Math.sign(grads[i]));
    }
  });
});

describe("the seeds' PyTorch linear-regression toy: X = [1,2,3,4], y = 2X, Adagrad(lr=0.1)", () => {
  it('follows the PyTorch update on the mean-squared error from (w, b) = (0, 0) for 100 epochs', () => {
    const { trace } = executeRun(
      adagradRun({ lr: 0.1, eps: 1e-10 }, { objective: { id: 'linear-regression' }, start: [0, 0], steps: 100 }),
    );
    // Scalar transcription: ∂/∂w mean((w·x+b−y)²) = mean(2(ŷ−y)x), ∂/∂b = mean(2(ŷ−y)); PyTorch's Adagrad step.
    let w = 0;
    let b = 0;
    let Gw = 0;
    let Gb = 0;
    for (let epoch = 0; epoch < 100; epoch++) {
      let gw = 0;
      let gb = 0;
      for (const x of [1, 2, 3, 4]) {
        const r = w * x + b - 2 * x;
        gw += (2 * r * x) / 4;
        gb += (2 * r) / 4;
      }
      Gw += gw * gw;
      Gb += gb * gb;
      w -= 0.1 * (gw / (Math.sqrt(Gw) + 1e-10));
      b -= 0.1 * (gb / (Math.sqrt(Gb) + 1e-10));
    }
    expectClose(trace.theta[200], w, 1e-12);
    expectClose(trace.theta[201], b, 1e-12);
    expect(trace.loss[0]).toBe(30);
    expect(trace.loss[100]).toBeLessThan(trace.loss[0]);
  });
});

describe("the seeds' f(w, b) = w² + 10b²", () => {
  it("gives b, the steeper direction, the smaller effective step: AdaGrad 'balances the steps'", () => {
    const { trace } = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 20 }),
    );
    for (let step = 1; step <= 20; step++) {
      const [Gw, Gb] = [trace.accum[step * 2], trace.accum[step * 2 + 1]];
      expect(0.1 / (Math.sqrt(Gb) + 1e-8)).toBeLessThan(0.1 / (Math.sqrt(Gw) + 1e-8));
    }
    // The first step moves both coordinates by lr: AdaGrad's per-parameter normalisation.
    expectClose(trace.theta[2], 0.9, 1e-7);
    expectClose(trace.theta[3], 0.9, 1e-7);
  });
});
