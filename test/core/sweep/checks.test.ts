import { describe, expect, it } from 'vitest';
import { checkSweepSpec } from '../../../src-core/sweep/checks';
import { validateSweepSpec } from '../../../src-core/sweep/expand';
import { goodSpec } from '../../helpers/configs';

describe('checkSweepSpec', () => {
  it('returns every refusal across fields at once, in the order validateSweepSpec answers with the first', () => {
    const spec = {
      ...goodSpec,
      objectives: [{ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 3 }],
      start: [1, 2],
      optimizers: [
        {
          kind: 'adagrad',
          fixed: { eps: -1, lr: 0.1 },
          axes: { lr: { values: [1] }, weightDecay: { uniform: { from: 0, to: 1 } } },
        },
        { kind: 'sgd', fixed: { momentum: -0.5 }, axes: { lr: { values: [0.1, -2] }, dampening: { values: [0, 3] } } },
      ],
      maxRuns: 1,
    };
    // The grid's size is infinite only through the random axis, refused already: no "Infinity runs" beside it.
    const checked = checkSweepSpec(spec);
    expect(checked).toEqual({
      ok: false,
      messages: [
        'optimizers.0.axes.lr: Invalid axis: lr is also fixed (give it in fixed or in axes, not both)',
        'optimizers.0.axes.weightDecay: Invalid weight decay: uniform(0, 1) draws values at random, so it needs a random search (a grid takes a list, lin(from, to, count) or log(from, to, count))',
        'start: Invalid start point: 2 coordinates (must be 1, the dimension of objectives.0, quadratic-1d; leave start null to use each objective’s default)',
        'start: Invalid start point: 2 coordinates (must be 3, the dimension of objectives.1, rosenbrock; leave start null to use each objective’s default)',
        'optimizers.0.fixed.eps: Invalid epsilon: -1 (must be a finite number >= 0)',
        'optimizers.1.fixed.momentum: Invalid momentum: -0.5 (must be a number in [0, 1))',
        'optimizers.1.axes.dampening: Invalid dampening: 3 (must be a number in [0, 1])',
        'optimizers.1.axes.lr: Invalid learning rate: -2 (must be a finite number > 0)',
      ],
    });
    expect(validateSweepSpec(spec)).toEqual({ ok: false, message: !checked.ok && checked.messages[0] });
    const tooLarge = { ...goodSpec, maxRuns: 5, start: [1, 2] };
    expect(checkSweepSpec(tooLarge)).toEqual({
      ok: false,
      messages: [
        expect.stringMatching(/^start: Invalid start point: 2 coordinates/),
        'Invalid sweep size: 6 runs (must be at most 5; raise maxRuns up to 1,000,000 to allow more)',
      ],
    });
  });

  it('says a bad fixed value once, not again on each axis whose other points are checked beside it', () => {
    const spec = {
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', fixed: { eps: -1 }, axes: { lr: { values: [1, 0.5] } } }],
    };
    expect(checkSweepSpec(spec)).toEqual({
      ok: false,
      messages: ['optimizers.0.fixed.eps: Invalid epsilon: -1 (must be a finite number >= 0)'],
    });
  });

  it('answers a spec the schema refuses with its first complaint, and a valid one with the spec', () => {
    expect(checkSweepSpec({ ...goodSpec, steps: 0, seeds: [-1] })).toEqual({
      ok: false,
      messages: ['steps: Invalid number of steps: 0 (must be a whole number from 1 to 1,000,000)'],
    });
    expect(checkSweepSpec(goodSpec)).toEqual(validateSweepSpec(goodSpec));
    expect(checkSweepSpec(goodSpec).ok).toBe(true);
  });
});
