/**
 * continueAfterNonFinite: a run that meets a non-finite loss, θ or accumulator goes on to its last step, as a PyTorch
 * loop would (the numbers after it are what IEEE arithmetic makes of them), and its summary still names the first
 * divergence. Without it (the default) the run stops there.
 */
import { describe, expect, it } from 'vitest';
import { executeBatch, executeRun, runStepByStep } from '../../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { RunConfigSchema } from '../../../src-core/contract/sweep-spec';
import * as v from 'valibot';
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
    expect(result.summary).toMatchObject({ status: 'diverged', divergedAt: 1, divergedIn: 'loss', bestLoss: 16, bestStep: 0 });
    expect(result.trace.steps[0]).toBe(0);
    expect(Array.from(result.trace.steps)).toContain(1);
    expect(result.trace.steps[result.trace.steps.length - 1]).toBe(12);
    expect(result.summary.finalLoss).toBe(result.trace.loss[result.trace.loss.length - 1]);
    // No fast path keeps going: every way of running it gives the step-by-step loop's result.
    expect(result).toEqual(runStepByStep(config));
    expect(executeBatch([config, blowUp])).toEqual([runStepByStep(config), runStepByStep(blowUp)]);
  });

  it('keeps going in stochastic runs too, with dense steps', () => {
    const objective = { id: 'sparse-logreg' as const, samples: 30, features: 12, nonZerosPerSample: 3, zipfExponent: 1.1, seed: 1, batchSize: 1 };
    const config = adagradRun({ lr: 1.7e308 }, { objective, start: null, steps: 40, traceMaxPoints: 5, continueAfterNonFinite: true });
    const { summary, trace } = executeRun(config);
    expect(summary.status).toBe('diverged');
    expect(summary.divergedAt).toBeGreaterThan(0);
    expect(trace.steps[trace.steps.length - 1]).toBe(40);
    const stopped = executeRun({ ...config, continueAfterNonFinite: undefined });
    expect(stopped.summary.divergedAt).toBe(summary.divergedAt);
    expect(stopped.trace.steps[stopped.trace.steps.length - 1]).toBe(summary.divergedAt);
  });

  it('crosses from a sweep spec to its runs, and only when asked for', () => {
    const spec = { name: 'x', objectives: [{ id: 'quadratic-1d' }], optimizers: [{ kind: 'adagrad', fixed: {}, axes: {} }], steps: 3 };
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
