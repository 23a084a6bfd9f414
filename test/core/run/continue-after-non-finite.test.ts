/**
 * continueAfterNonFinite: a run that meets a non-finite loss, θ or accumulator goes on to its last step, as a PyTorch
 * loop would (the numbers after it are what IEEE arithmetic makes of them), and its summary still names the first
 * divergence. Without it (the default) the run stops there. A loss above the divergence threshold is a divergence like
 * the others: with continueAfterNonFinite the run steps on past it as well, and the summary reports the first crossing.
 */
import { describe, expect, it } from 'vitest';
import { executeBatch, executeRun, runStepByStep } from '../../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { RunConfigSchema } from '../../../src-core/contract/sweep-spec';
import * as v from 'valibot';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';

// lr 1e300 from x = 4: θ₁ ≈ −1e300, whose square overflows (the loss diverges at step 1); G then overflows at step 2.
const blowUp = adagradRun({ lr: 1e300 }, { steps: 12, traceMaxPoints: 4 });

describe('continueAfterNonFinite', () => {
  it('is off by default: the run stops at the first non-finite value', () => {
    const { summary, trace } = executeRun(blowUp);
    expect(summary).toMatchObject({ status: 'diverged', divergedAt: 1, divergedIn: 'loss' });
    expect(Array.from(trace.steps)).toEqual([0, 1]);
  });

  it('goes on to the last step, keeps the divergence row and the scheduled ones, and reports the first divergence', () => {
    const config = { ...blowUp, continueAfterNonFinite: true };
    const result = executeRun(config);
    expect(result.summary).toMatchObject({
      status: 'diverged',
      divergedAt: 1,
      divergedIn: 'loss',
      bestLoss: 16,
      bestStep: 0,
    });
    expect(result.trace.steps[0]).toBe(0);
    expect(Array.from(result.trace.steps)).toContain(1);
    expect(result.trace.steps[result.trace.steps.length - 1]).toBe(12);
    expect(result.summary.finalLoss).toBe(result.trace.loss[result.trace.loss.length - 1]);
    // No fast path keeps going: every way of running it gives the step-by-step loop's result.
    expect(result).toEqual(runStepByStep(config));
    expect(executeBatch([config, blowUp])).toEqual([runStepByStep(config), runStepByStep(blowUp)]);
  });

  it('keeps going in stochastic runs too, with dense steps', () => {
    const objective = {
      id: 'sparse-logreg' as const,
      samples: 30,
      features: 12,
      nonZerosPerSample: 3,
      zipfExponent: 1.1,
      seed: 1,
      batchSize: 1,
    };
    const config = adagradRun(
      { lr: 1.7e308 },
      { objective, start: null, steps: 40, traceMaxPoints: 5, continueAfterNonFinite: true },
    );
    const { summary, trace } = executeRun(config);
    expect(summary.status).toBe('diverged');
    expect(summary.divergedAt).toBeGreaterThan(0);
    expect(trace.steps[trace.steps.length - 1]).toBe(40);
    const stopped = executeRun({ ...config, continueAfterNonFinite: undefined });
    expect(stopped.summary.divergedAt).toBe(summary.divergedAt);
    expect(stopped.trace.steps[stopped.trace.steps.length - 1]).toBe(summary.divergedAt);
  });

  it('steps on past the divergence threshold too, reporting the first crossing', () => {
    // SGD with lr 2 on w² + 10b² from (1, 1): w ← −3w, b ← −39b; f₀ = 11 and the loss is 23 134 491 > 10⁶·11 at step 2,
    // every later one above it too, all finite to step 10.
    const sgd = {
      ...adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 10, traceMaxPoints: 4 }),
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
    };
    const stopped = executeRun(sgd);
    expect(stopped.summary).toMatchObject({
      status: 'diverged',
      divergedAt: 2,
      divergedIn: 'loss',
      finalLoss: 23134491,
    });
    const config = { ...sgd, continueAfterNonFinite: true };
    const going = executeRun(config);
    expect(going.summary).toMatchObject({
      status: 'diverged',
      divergedAt: 2,
      divergedIn: 'loss',
      bestLoss: 11,
      bestStep: 0,
    });
    expect(going.summary.finalLoss).toBe(9 ** 10 + 10 * 39 ** 20);
    expect(Array.from(going.trace.steps)).toContain(2);
    expect(going.trace.steps[going.trace.steps.length - 1]).toBe(10);
    expect(going).toEqual(runStepByStep(config));
    // And then into non-finite values: the summary still names the threshold's step, not the overflow's.
    const far = executeRun({ ...config, steps: 200 });
    expect(far.summary).toMatchObject({ divergedAt: 2, divergedIn: 'loss' });
    expect(Number.isFinite(far.summary.finalLoss)).toBe(false);
  });

  it('with a threshold, an AdaGrad run that would take the lanes steps alone, to the end', () => {
    // Maximizing x² from 4 with lr 1: θ climbs by about 1 a step, and the loss passes 10 × 16 at step 9 (θ ≈ 12.7).
    const climb = adagradRun({ maximize: true }, { steps: 20, divergenceThreshold: 10 });
    const stopped = executeRun(climb);
    expect(stopped.summary).toMatchObject({ status: 'diverged', divergedIn: 'loss' });
    expect(stopped).toEqual(runStepByStep(climb));
    const config = { ...climb, continueAfterNonFinite: true };
    const going = executeRun(config);
    expect(going.summary.divergedAt).toBe(stopped.summary.divergedAt);
    expect(going.trace.steps[going.trace.steps.length - 1]).toBe(20);
    expect(going.summary.finalLoss).toBeGreaterThan(stopped.summary.finalLoss);
    expect(executeBatch([config, climb])).toEqual([runStepByStep(config), runStepByStep(climb)]);
  });

  it('with a threshold in stochastic runs: dense steps on past the first crossing at a kept row', () => {
    // Gradient ascent on the logistic loss (maximize) from 0: the loss grows; 1.5 × ln 2 is soon passed.
    const objective = {
      id: 'sparse-logreg' as const,
      samples: 30,
      features: 12,
      nonZerosPerSample: 3,
      zipfExponent: 1.1,
      seed: 1,
      batchSize: 1,
    };
    const config = adagradRun(
      { lr: 0.5, maximize: true },
      { objective, start: null, steps: 60, traceMaxPoints: 8, divergenceThreshold: 1.5 },
    );
    const stopped = executeRun(config);
    expect(stopped.summary).toMatchObject({ status: 'diverged', divergedIn: 'loss' });
    const k = stopped.summary.divergedAt!;
    expect(stopped.trace.steps[stopped.trace.steps.length - 1]).toBe(k);
    const going = executeRun({ ...config, continueAfterNonFinite: true });
    expect(going.summary).toMatchObject({ status: 'diverged', divergedAt: k, divergedIn: 'loss' });
    expect(going.trace.steps[going.trace.steps.length - 1]).toBe(60);
  });

  it('crosses from a sweep spec to its runs, and only when asked for', () => {
    const spec = {
      name: 'x',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: {} }],
      steps: 3,
    };
    const on = validateSweepSpec({ ...spec, continueAfterNonFinite: true });
    const off = validateSweepSpec(spec);
    if (!on.ok || !off.ok) throw new Error('valid specs refused');
    expect(expandSweep('s', on.value)[0].continueAfterNonFinite).toBe(true);
    expect('continueAfterNonFinite' in expandSweep('s', off.value)[0]).toBe(false);
    expect(validateSweepSpec({ ...spec, continueAfterNonFinite: 'yes' })).toMatchObject({ ok: false });
    expect(v.safeParse(RunConfigSchema, { ...blowUp, continueAfterNonFinite: 1 }).issues?.[0].message).toBe(
      'Invalid continue after non-finite: 1 (must be true or false)',
    );
  });
});
