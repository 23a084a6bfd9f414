import { describe, expect, it } from 'vitest';
import { divergenceOf, metricSeries } from '../../../src-core/views/series';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';
import { optimizerDefaults } from '../../../src-core/optim';

describe('trace series', () => {
  it('splits per-parameter columns and names them', () => {
    const { config, trace } = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 3 }),
    );
    const theta = metricSeries(trace, 'theta', config.optimizer);
    expect(theta.map((s) => s.name)).toEqual(['θ₀', 'θ₁']);
    expect(Array.from(theta[1].values)).toEqual([trace.theta[1], trace.theta[3], trace.theta[5], trace.theta[7]]);
    const [loss] = metricSeries(trace, 'loss', config.optimizer);
    expect([loss.name, Array.from(loss.steps), Array.from(loss.values)]).toEqual([
      '',
      [0, 1, 2, 3],
      Array.from(trace.loss),
    ]);
  });

  it('gives min, median and max above 16 parameters, and nothing for an accumulator SGD lacks', () => {
    const wide = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'ill-conditioned', dim: 20, condition: 10 }, start: null, steps: 2 }),
    );
    expect(metricSeries(wide.trace, 'accum', wide.config.optimizer).map((s) => s.name)).toEqual([
      'min',
      'median',
      'max',
    ]);
    const sgd = executeRun({ ...adagradRun(), optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } });
    expect(metricSeries(sgd.trace, 'accum', sgd.config.optimizer)).toEqual([]);
  });

  it('derives the step size from G from step 1 on (step 0 has taken no step), read from Float32 columns too', () => {
    const { config, trace } = executeRun(adagradRun());
    const [sizes] = metricSeries(trace, 'stepSize', config.optimizer);
    expect(Array.from(sizes.steps)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(sizes.values.slice(0, 2))).toEqual([1 / (8 + 1e-8), 1 / (Math.sqrt(trace.accum[2]) + 1e-8)]);
    const stored = { ...trace, accum: Float32Array.from(trace.accum), theta: Float32Array.from(trace.theta) };
    expect(metricSeries(stored, 'stepSize', config.optimizer)[0].values[0]).toBe(1 / (8 + 1e-8));
    expect(metricSeries(trace, 'stepSize', { ...optimizerDefaults.adam, amsgrad: true })).toEqual([]);
  });

  it('starts the update at step 1: row 0 took no step, and its 0 would draw a false V', () => {
    const { config, trace } = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 3 }),
    );
    const update = metricSeries(trace, 'update', config.optimizer);
    expect(update.map((s) => Array.from(s.steps))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    // Shown with the seeds' sign, θₜ₋₁ − θₜ (what the step subtracted); the stored column holds θₜ − θₜ₋₁.
    expect(Array.from(update[1].values)).toEqual([-trace.update[3], -trace.update[5], -trace.update[7]]);
    // The gradient belongs to a step too (row 0's is NaN); θ and G keep step 0: θ₀, G₀.
    expect(Array.from(metricSeries(trace, 'grad', config.optimizer)[0].steps)).toEqual([1, 2, 3]);
    expect(Array.from(metricSeries(trace, 'theta', config.optimizer)[0].steps)).toEqual([0, 1, 2, 3]);
  });
});

describe('where a run diverged', () => {
  it('names the loss when it overflowed first', () => {
    const run = executeRun({
      ...adagradRun(),
      objective: { id: 'elliptic-2d' },
      start: [1, 1],
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
      steps: 2000,
      divergenceThreshold: 'off',
    });
    expect(divergenceOf(run.summary, run.trace)).toEqual({ step: 97, text: 'diverged at step 97: loss = ∞' });
  });

  it('names the loss when it blew up: above 10⁶ × the initial loss, by default', () => {
    // SGD with lr 2 on w² + 10b² from (1, 1): w ← (1 − 2·2)·w = −3w, b ← (1 − 2·20)·b = −39b; f₀ = 11, and the loss
    // 9^k + 10·39^(2k) first goes above 1.1·10⁷ at k = 2 (81 + 10·39⁴ = 23 134 491; k = 1 gives 15 219).
    const run = executeRun({
      ...adagradRun(),
      objective: { id: 'elliptic-2d' },
      start: [1, 1],
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
      steps: 2000,
    });
    expect(run.summary).toMatchObject({ status: 'diverged', divergedAt: 2, divergedIn: 'loss', finalLoss: 23134491 });
    expect(divergenceOf(run.summary, run.trace)).toEqual({ step: 2, text: 'diverged at step 2: loss = 2.31345e7' });
  });

  it('names the accumulator coordinate when G overflowed first', () => {
    const run = executeRun(adagradRun({ lr: 1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1e153], steps: 5 }));
    expect(run.summary.divergedIn).toBe('accumulator');
    expect(divergenceOf(run.summary, run.trace)).toEqual({ step: 1, text: 'diverged at step 1: G₁ = ∞' });
  });

  it('is null for a run that did not diverge', () => {
    const run = executeRun(adagradRun());
    expect(divergenceOf(run.summary, run.trace)).toBeNull();
  });
});
