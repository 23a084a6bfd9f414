import { describe, expect, it } from 'vitest';
import { executeRun } from '../../../src-core/run/execute';
import { createOptimizer } from '../../../src-core/optim';
import { effectiveStep } from '../../../src-core/optim/effective-step';
import { adagradRun } from '../../helpers/configs';
import { expectClose } from '../../helpers/close';

const config = adagradRun;

describe("AdaGrad on the seeds' worked example f(x)=x², x0=4, lr=1, eps=1e-8", () => {
  // The doubles the seed's 10-step Python loop computes. It groups the update as (lr/(√G+eps))·g where PyTorch and this
  // engine compute lr·(g/(√G+eps)), so the two agree to a few ulps, not bit for bit.
  const seedTable = [
    // [x after the step, gradient used, G, adjusted learning rate]
    [3.00000000125, 8, 64, 0.12499999984374999],
    [2.40000000169, 6.0000000025, 100.00000003, 0.099999999885],
    [1.9672689343004457, 4.80000000338, 123.040000062448, 0.09015230564267492],
    [1.632968788840109, 3.9345378686008914, 138.52058830190245, 0.08496554274599288],
    [1.3655804388319697, 3.265937577680218, 149.1869365632062, 0.08187184955263727],
    [1.1473640405846988, 2.7311608776639393, 156.64617630288825, 0.07989877126312647],
    [0.9670241616120145, 2.2947280811693975, 161.91195326939564, 0.07858877940813916],
    [0.8167555311354486, 1.934048323224029, 165.65249618596133, 0.07769641982164664],
    [0.6908475918817276, 1.6335110622708973, 168.32085457652272, 0.07707810627170444],
    [0.5849480027140664, 1.3816951837634552, 170.22993615735786, 0.07664468285921963],
  ];
  const { trace, summary } = executeRun(config());

  it('passes through 3, 2.4 and 1.9673 as the seed prints them', () => {
    expect(trace.theta[1].toFixed(4)).toBe('3.0000');
    expect(trace.theta[2].toFixed(4)).toBe('2.4000');
    expect(trace.theta[3].toFixed(4)).toBe('1.9673');
    expect(trace.theta[3].toFixed(3)).toBe('1.967');
  });

  it('reproduces every column of the seed printout to 1e-14', () => {
    seedTable.forEach(([x, g, G, rate], i) => {
      const step = i + 1;
      expectClose(trace.theta[step], x, 1e-14);
      expectClose(trace.grad[step], g, 1e-14); // row t holds the gradient step t used (evaluated after step t − 1)
      expectClose(trace.accum[step], G, 1e-14);
      expectClose(effectiveStep(config().optimizer, step, trace.accum[step]), rate, 1e-14);
    });
  });

  it('records the loss f(θ_k) at every step and summarises the run', () => {
    expect(trace.loss[0]).toBe(16);
    expect(trace.grad[0]).toBeNaN(); // no step yet, no gradient used
    expect(trace.loss[10]).toBe(trace.theta[10] * trace.theta[10]);
    expect(summary).toEqual({
      status: 'completed',
      finalLoss: trace.loss[10],
      bestLoss: trace.loss[10],
      bestStep: 10,
      stepsToTolerance: null,
      divergedAt: null,
      divergedIn: null,
    });
    expect(Array.from(trace.steps)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('AdaGrad from the seeds, further examples', () => {
  it('x² from 5 with lr 0.1 for 50 steps ends where the seed loop ends', () => {
    const { trace } = executeRun(config({ lr: 0.1 }, { start: [5], steps: 50 }));
    expectClose(trace.theta[50], 3.7908236520204217, 1e-14);
  });

  it('adds weight decay · θ to the gradient before accumulating it, as the NumPy class does', () => {
    const theta = Float64Array.of(2, -1);
    const grad = Float64Array.of(0.5, 0.25);
    const optimizer = createOptimizer(config({ lr: 0.01, weightDecay: 0.1 }).optimizer);
    const state = optimizer.init(2);
    optimizer.step(theta, grad, state);
    const g0 = 0.5 + 0.1 * 2;
    const g1 = 0.25 + 0.1 * -1;
    expect(Array.from(optimizer.accum(state)!)).toEqual([g0 * g0, g1 * g1]);
    expect(theta[0]).toBe(2 - 0.01 * (g0 / (Math.sqrt(g0 * g0) + 1e-8)));
    expect(theta[1]).toBe(-1 - 0.01 * (g1 / (Math.sqrt(g1 * g1) + 1e-8)));
    expect(Array.from(grad)).toEqual([0.5, 0.25]);
  });

  it('reports a run whose loss overflows as diverged at the first non-finite step, keeping the trace up to it', () => {
    const { summary, trace } = executeRun(config({}, { start: [1e200], steps: 5 }));
    expect(summary.status).toBe('diverged');
    expect(summary.divergedAt).toBe(0);
    expect(trace.loss.length).toBe(1);
    expect(trace.loss[0]).toBe(Infinity);
  });
});
