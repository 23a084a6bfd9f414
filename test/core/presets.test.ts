import { describe, expect, it } from 'vitest';
import { presets } from '../../src-core/presets';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep';
import { executeRun } from '../../src-core/run';

describe('seed presets', () => {
  it.each(presets.map((p) => [p.id, p] as const))('%s is a valid sweep whose runs all complete', (_id, preset) => {
    const checked = validateSweepSpec(preset.spec);
    if (!checked.ok) throw new Error(checked.message);
    const runs = expandSweep('p', checked.value).map((c) => executeRun(c));
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) expect(run.summary.status).toBe('completed');
  });

  it('x² from 4 with lr 1 passes through 3, 2.4 and 1.967', () => {
    const checked = validateSweepSpec(presets.find((p) => p.id === 'x2-from-4')!.spec);
    if (!checked.ok) throw new Error(checked.message);
    const [run] = expandSweep('p', checked.value).map((c) => executeRun(c));
    expect(Array.from(run.trace.theta.slice(0, 4), (x) => x.toFixed(3))).toEqual(['4.000', '3.000', '2.400', '1.967']);
  });

  it("AdaGrad's G keeps growing while RMSProp's average levels off", () => {
    const checked = validateSweepSpec(presets.find((p) => p.id === 'adagrad-vs-rmsprop')!.spec);
    if (!checked.ok) throw new Error(checked.message);
    const [adagrad, rmsprop] = expandSweep('p', checked.value).map((c) => executeRun(c));
    const accumAt = (run: typeof adagrad, step: number) => {
      const row = run.trace.steps.indexOf(step);
      expect(row, `step ${step} is in the trace`).toBeGreaterThanOrEqual(0);
      return run.trace.accum[row * run.trace.width];
    };
    expect(accumAt(adagrad, 1000)).toBeGreaterThan(1.99 * accumAt(adagrad, 500));
    expect(accumAt(rmsprop, 1000)).toBeLessThan(1.01 * accumAt(rmsprop, 500));
  });
});
