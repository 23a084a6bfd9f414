/**
 * Each seed preset against the seeds themselves. The golden θ below are what the seeds' own NumPy code prints
 * (run with NumPy 2.4, the class and cells copied verbatim from the notebook; values as `W.ravel().tolist()`).
 */
import { describe, expect, it } from 'vitest';
import { presets, type PresetView } from '../../../src-core/sweep/presets';
import { expandSweep, rangePoints, validateSweepSpec } from '../../../src-core/sweep/expand';
import { compareOptimizers, comparisonMissing } from '../../../src-core/analysis/optimizer-comparison';
import { executeRun } from '../../../src-core/run/execute';
import type { RunResult } from '../../../src-core/contract/types';
import { expectClose } from '../../helpers/close';

const preset = (id: string) => {
  const found = presets.find((p) => p.id === id);
  if (!found) throw new Error(`no preset ${id}`);
  return found;
};

function run(id: string): RunResult[] {
  const checked = validateSweepSpec(preset(id).spec);
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('p', checked.value).map((c) => executeRun(c));
}

/** θ after the last step. */
const finalTheta = (result: RunResult): number[] => {
  const { theta, width, steps } = result.trace;
  return Array.from(theta.slice((steps.length - 1) * width, steps.length * width));
};

const expectTheta = (result: RunResult, expected: number[]) =>
  finalTheta(result).forEach((x, i) => expectClose(x, expected[i], 1e-14));

describe('seed presets', () => {
  it.each(presets.map((p) => [p.id, p] as const))(
    '%s is a valid sweep whose runs all complete, and its view names real runs',
    (_id, p) => {
      const runs = run(p.id);
      expect(runs.length).toBeGreaterThan(0);
      // The tuned comparison sweeps lr up to 10 on purpose: there, runs diverge (its own test below).
      const statuses = p.id === 'tuned-comparison' ? ['completed', 'diverged'] : ['completed'];
      for (const result of runs) expect(statuses).toContain(result.summary.status);
      const indices = 'runs' in p.view ? (p.view.runs ?? []) : [];
      for (const index of indices) expect(index).toBeLessThan(runs.length);
      expect(p.shows.length).toBeGreaterThan(0);
    },
  );

  it('x² from 4 with lr 1 passes through 3, 2.4 and 1.967', () => {
    const [result] = run('x2-from-4');
    expect(Array.from(result.trace.theta.slice(0, 4), (x) => x.toFixed(3))).toEqual([
      '4.000',
      '3.000',
      '2.400',
      '1.967',
    ]);
  });

  it('x² from 5 with lr 0.1 ends where the seeds’ 50-step loop ends', () => {
    const [result] = run('x2-from-5');
    expect(result.config.steps).toBe(50);
    // The loop computes (lr/(√G+ε))·g, the engine lr·g/(√G+ε): the same to rounding.
    expectClose(finalTheta(result)[0], 3.7908236520204217, 1e-14);
  });

  it('the 2×2 constant gradient: W after 5 steps at lr 0.01 and at lr 0.1, as the NumPy class computes them', () => {
    const [slow, fast] = run('constant-gradient');
    expect([slow.config.optimizer.lr, fast.config.optimizer.lr]).toEqual([0.01, 0.1]);
    expectTheta(slow, [0.5290308584948498, -0.105947595687636, 0.6153718317865179, 1.4907131502467919]);
    expectTheta(fast, [0.8198812078474029, 0.1849027536643018, 0.32452147495894734, 1.1998627947956926]);
  });

  it('with and without weight decay 0.01: W after the seeds’ 3 steps at lr 0.01', () => {
    const [plain, decayed] = run('weight-decay');
    expect([plain.config.optimizer.weightDecay, decayed.config.optimizer.weightDecay]).toEqual([0, 0.01]);
    expectTheta(plain, [0.5195587227320319, -0.11541973145044038, 0.6248439677130223, 1.5001852861431546]);
    expectTheta(decayed, [0.5195551515142223, -0.11542320657900153, 0.6248444837104214, 1.500186331614061]);
  });

  it('lr 0.01 vs 0.1 starts from two separate draws, W_1 and W_2, with the third draw as the gradient', () => {
    const runs = run('lr-comparison');
    const [w1Slow, w2Fast] = (preset('lr-comparison').view as PresetView).runs!.map((i) => runs[i]);
    expect(w1Slow.config.optimizer.lr).toBe(0.01);
    expect(w2Fast.config.optimizer.lr).toBe(0.1);
    // np.random.seed(42): W_1, W_2, grads = three randn(2, 2) calls.
    expect(Array.from(w1Slow.trace.theta.slice(0, 4))).toEqual([
      0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254,
    ]);
    expect(Array.from(w2Fast.trace.theta.slice(0, 4))).toEqual([
      -0.23415337472333597, -0.23413695694918055, 1.5792128155073915, 0.7674347291529088,
    ]);
    // Row 1 holds the gradient step 1 used (row 0 has taken no step).
    expect(Array.from(w1Slow.trace.grad.slice(4, 8))).toEqual([
      -0.4694743859349521, 0.5425600435859647, -0.46341769281246226, -0.46572975357025687,
    ]);
    expectTheta(w1Slow, [0.5195587231244867, -0.16110887133704216, 0.6705331082088428, 1.5458744265181399]);
    expectTheta(w2Fast, [-0.005707673590794937, -0.46258265860775566, 1.8076585165888948, 0.9958804302540516]);
  });

  it('the linear-regression toy runs torch.optim.Adagrad(lr=0.1) with its own eps, 1e-10, for 100 epochs', () => {
    const [result] = run('linear-regression');
    expect(result.config.optimizer).toMatchObject({ kind: 'adagrad', lr: 0.1, eps: 1e-10, epsPlacement: 'outside' });
    expect(result.config.steps).toBe(100);
  });

  it("AdaGrad's G keeps growing while RMSProp's average levels off", () => {
    const [adagrad, rmsprop] = run('adagrad-vs-rmsprop');
    const accumAt = (result: RunResult, step: number) => {
      const row = result.trace.steps.indexOf(step);
      expect(row, `step ${step} is in the trace`).toBeGreaterThanOrEqual(0);
      return result.trace.accum[row * result.trace.width];
    };
    expect(accumAt(adagrad, 1000)).toBeGreaterThan(1.99 * accumAt(adagrad, 500));
    expect(accumAt(rmsprop, 1000)).toBeLessThan(1.01 * accumAt(rmsprop, 500));
  });

  it('the five-optimizer comparison runs AdaGrad, SGD, Momentum, RMSProp and Adam on one objective', () => {
    const runs = run('five-optimizers');
    expect(runs.map((r) => r.config.optimizer.kind)).toEqual(['adagrad', 'sgd', 'sgd', 'rmsprop', 'adam']);
    expect(runs.map((r) => ('momentum' in r.config.optimizer ? r.config.optimizer.momentum : null))).toEqual([
      null,
      0,
      0.9,
      0,
      null,
    ]);
    expect(new Set(runs.map((r) => r.config.objective.id))).toEqual(new Set(['elliptic-2d']));
  });

  it('the tuned comparison: five optimizers × 21 lrs × 2 objectives, one comparison row each, some lrs diverged', () => {
    const runs = run('tuned-comparison');
    expect(runs.length).toBe(5 * 21 * 2);
    const rows = compareOptimizers(runs);
    expect(rows.map((r) => `${r.optimizer} on ${r.objective}`)).toEqual(
      ['f(w, b) = w² + 10b²', 'Rosenbrock (dim=2)'].flatMap((o) =>
        ['AdaGrad', 'SGD', 'SGD, momentum 0.9', 'RMSProp', 'Adam'].map((name) => `${name} on ${o}`),
      ),
    );
    for (const row of rows) {
      expect(row.points.map((p) => p.lr)).toEqual(rangePoints('log', 1e-4, 10, 21));
      expect(row.bestLr).not.toBeNull();
    }
    expect(comparisonMissing(rows)).toBeNull();
    // Plain SGD diverges at the large lrs on both objectives: the chart's ✕ marks have something to mark.
    expect(rows.filter((r) => r.optimizer === 'SGD').every((r) => r.diverged > 0)).toBe(true);
  });
});
