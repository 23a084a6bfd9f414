/**
 * maximize × the trace's gradient column: with maximize the gradient that enters G is −∇f, then (coupled) weight decay
 * added, in PyTorch's order; every path records that (the composed chain's enteringGradient sits after `negate` and
 * the decay, the fused AdaGrad kernel fills it through the chain's head, and the lanes, JavaScript and WebAssembly,
 * which fold maximize into the sign of the rate, negate what they record).
 */
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import type { RunConfig } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { optimizerDefaults } from '../../../src-core/optim';
import { executeBatch, executeRun, runStepByStep } from '../../../src-core/run/execute';
import { executeLanes } from '../../../src-core/run/lanes';
import { adagradRun } from '../../helpers/configs';

const wd = 0.1;
/** On w² + 10b² from (1, −2): ∇f = (2w, 20b). */
const objective = { id: 'elliptic-2d' as const };
const start = [1, -2];

const cases: [string, OptimizerConfig, boolean][] = [
  ['AdaGrad', { ...optimizerDefaults.adagrad, lr: 0.1, maximize: true }, false],
  ['AdaGrad, coupled weight decay', { ...optimizerDefaults.adagrad, lr: 0.1, weightDecay: wd, maximize: true }, true],
  [
    'AdaGrad, decoupled weight decay',
    { ...optimizerDefaults.adagrad, lr: 0.1, weightDecay: wd, decoupledWeightDecay: true, maximize: true },
    false,
  ],
  [
    'AdaGrad, guarded eps, lr decay',
    { ...optimizerDefaults.adagrad, lr: 0.1, epsPlacement: 'inside-guarded', lrDecay: 0.3, maximize: true },
    false,
  ],
  [
    'SGD with momentum, weight decay',
    { ...optimizerDefaults.sgd, lr: 0.01, momentum: 0.9, weightDecay: wd, maximize: true },
    true,
  ],
  ['RMSProp, weight decay', { ...optimizerDefaults.rmsprop, lr: 0.01, weightDecay: wd, maximize: true }, true],
  ['Adam, weight decay', { ...optimizerDefaults.adam, lr: 0.01, weightDecay: wd, maximize: true }, true],
];

const run = (optimizer: OptimizerConfig, over: Partial<RunConfig> = {}): RunConfig => ({
  ...adagradRun({}, { objective, start, steps: 12, divergenceThreshold: 'off', ...over }),
  optimizer,
});

describe('maximize and the gradient a step enters into G', () => {
  it.each(cases)('%s: row t records −∇f(θₜ₋₁) (+ wd·θₜ₋₁ when coupled), on every path', (_name, optimizer, coupled) => {
    const config = run(optimizer);
    const { trace } = runStepByStep(config);
    expect(trace.steps.length).toBe(13);
    expect(Number.isNaN(trace.grad[0]) && Number.isNaN(trace.grad[1])).toBe(true);
    for (let t = 1; t <= 12; t++) {
      const [w, b] = [trace.theta[2 * (t - 1)], trace.theta[2 * (t - 1) + 1]];
      const expected = [-(2 * w), -(20 * b)].map((g, i) => (coupled ? g + wd * [w, b][i] : g));
      expect([trace.grad[2 * t], trace.grad[2 * t + 1]]).toEqual(expected);
    }
    // The same bits from the fast paths: executeRun (AdaGrad: a WebAssembly lane of its own), a batch of lanes with a
    // run that does not maximize beside it, and the JavaScript lanes.
    expect(executeRun(config)).toEqual(runStepByStep(config));
    const ascending = { ...config, id: 's:000001', index: 1 };
    const descending = { ...config, id: 's:000002', index: 2, optimizer: { ...optimizer, maximize: false } };
    expect(executeBatch([ascending, descending])).toEqual([runStepByStep(ascending), runStepByStep(descending)]);
    if (optimizer.kind === 'adagrad') {
      const f = createObjective(objective);
      const lanes = executeLanes(
        [ascending, descending],
        f,
        [Float64Array.from(start), Float64Array.from(start)],
        null,
      );
      expect(lanes).toEqual([runStepByStep(ascending), runStepByStep(descending)]);
    }
  });

  it('is the chain order of PyTorch: negated first, so the decay is added to −∇f, not subtracted', () => {
    const { trace } = runStepByStep(adagradRun({ lr: 0.1, weightDecay: wd, maximize: true }, { steps: 1 }));
    // x² from 4: g₁ = −8 + 0.1·4.
    expect(trace.grad[1]).toBe(-8 + 0.4);
    expect(trace.accum[1]).toBe((-8 + 0.4) ** 2);
  });
});
