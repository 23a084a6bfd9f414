import { describe, expect, it } from 'vitest';
import { SweepSpecSchema, validate } from '../../src-core/contract/schemas';
import { parseAxis, parseNumberList } from '../../src-core/parse';
import { goodSpec } from '../helpers/in-process-executor';

describe('sweep spec validation', () => {
  it('accepts a good spec', () => {
    expect(validate(SweepSpecSchema, goodSpec)).toEqual({ ok: true, value: goodSpec });
  });

  it.each([
    { desc: 'negative lr', input: { lrs: [-0.1] }, expectedMessage: 'lrs.0: Invalid learning rate: -0.1 (must be a finite number > 0)' },
    { desc: 'zero lr', input: { lrs: [0] }, expectedMessage: 'lrs.0: Invalid learning rate: 0 (must be a finite number > 0)' },
    { desc: 'NaN lr', input: { lrs: [NaN] }, expectedMessage: 'lrs.0: Invalid learning rate: NaN (must be a finite number > 0)' },
    { desc: 'infinite lr', input: { lrs: [Infinity] }, expectedMessage: 'lrs.0: Invalid learning rate: Infinity (must be a finite number > 0)' },
    { desc: 'lr as text', input: { lrs: ['0.1'] }, expectedMessage: 'lrs.0: Invalid learning rate: "0.1" (must be a finite number > 0)' },
    { desc: 'empty lr list', input: { lrs: [] }, expectedMessage: 'lrs: Invalid learning rate list: give at least one value' },
    { desc: 'negative eps', input: { eps: [-1e-8] }, expectedMessage: 'eps.0: Invalid epsilon: -1e-8 (must be a finite number >= 0)' },
    { desc: 'negative weight decay', input: { weightDecays: [-0.01] }, expectedMessage: 'weightDecays.0: Invalid weight decay: -0.01 (must be a finite number >= 0)' },
    { desc: 'fractional steps', input: { steps: 1.5 }, expectedMessage: 'steps: Invalid number of steps: 1.5 (must be a whole number from 1 to 100000)' },
    { desc: 'too many steps', input: { steps: 1e9 }, expectedMessage: 'steps: Invalid number of steps: 1000000000 (must be a whole number from 1 to 100000)' },
    { desc: 'unknown objective', input: { objective: 'sphere' }, expectedMessage: 'objective: Invalid objective: "sphere" (must be one of quadratic-1d)' },
    { desc: 'start of two coordinates', input: { start: [1, 2] }, expectedMessage: 'start: Invalid start point: f(x)=x² takes 1 coordinate' },
    { desc: 'an extra field', input: { extra: 1 }, expectedMessage: 'extra: Unknown field: "extra" is not part of a sweep' },
    { desc: 'a prototype key', input: JSON.parse('{"__proto__": {"polluted": true}}'), expectedMessage: '__proto__: Unknown field: "__proto__" is not part of a sweep' },
    {
      desc: 'a grid over the run limit',
      input: { lrs: Array.from({ length: 200 }, (_, i) => i + 1), eps: Array.from({ length: 100 }, (_, i) => i), weightDecays: [0] },
      expectedMessage: 'Invalid sweep size: 20000 runs (must be at most 10000)',
    },
  ])('refuses $desc', ({ input, expectedMessage }) => {
    expect(validate(SweepSpecSchema, { ...goodSpec, ...input })).toEqual({ ok: false, message: expectedMessage });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a missing field and a non-object', () => {
    const { steps: _steps, ...withoutSteps } = goodSpec;
    expect(validate(SweepSpecSchema, withoutSteps)).toEqual({ ok: false, message: 'steps: Missing field: a sweep needs it' });
    expect(validate(SweepSpecSchema, 'hello')).toEqual({ ok: false, message: 'Invalid sweep: "hello" (must be an object)' });
  });
});

describe('number lists as typed in the form', () => {
  it.each([
    { text: '0.1, 0.05 1e-3', expected: { ok: true, value: [0.1, 0.05, 0.001] } },
    { text: '1;2', expected: { ok: true, value: [1, 2] } },
    { text: '-.5', expected: { ok: true, value: [-0.5] } },
    { text: '  ', expected: { ok: false, message: 'Invalid learning rate: give at least one value' } },
    { text: '0.1, 1O', expected: { ok: false, message: 'Invalid learning rate: "1O" (must be a number)' } },
    { text: '0x10', expected: { ok: false, message: 'Invalid learning rate: "0x10" (must be a number)' } },
  ])('reads "$text"', ({ text, expected }) => {
    expect(parseNumberList('learning rate', text)).toEqual(expected);
  });
});

describe('axes as typed in the form', () => {
  it.each([
    { text: '0.1, 0.2', expected: { ok: true, value: { values: [0.1, 0.2] } } },
    { text: 'log(1e-3, 1, 7)', expected: { ok: true, value: { log: { from: 0.001, to: 1, count: 7 } } } },
    { text: ' LIN(0, 0.1, 5) ', expected: { ok: true, value: { linear: { from: 0, to: 0.1, count: 5 } } } },
    { text: 'log(1e-3, 1)', expected: { ok: false, message: 'Invalid learning rate: log(from, to, count) takes 3 numbers' } },
    { text: 'log(a, 1, 2)', expected: { ok: false, message: 'Invalid learning rate: "a" (must be a number)' } },
  ])('reads "$text"', ({ text, expected }) => {
    expect(parseAxis('learning rate', text)).toEqual(expected);
  });
});
