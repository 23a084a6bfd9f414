import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  formatAxis,
  hyperparameterRule,
  joinRefusals,
  parseAxis,
  parseChoices,
  parseNumber,
  parseNumberList,
} from '../../../src-core/sweep/parse';
import type { Axis } from '../../../src-core/contract/sweep-spec';
import { formatCount } from '../../../src-core/contract/fields';

describe('random-search intervals and single numbers as typed in the form', () => {
  it.each([
    { text: 'uniform(0, 0.1)', expected: { ok: true, value: { uniform: { from: 0, to: 0.1 } } } },
    { text: 'LogUniform(1e-4, 1)', expected: { ok: true, value: { logUniform: { from: 1e-4, to: 1 } } } },
    {
      text: 'uniform(0, 0.1, 3)',
      expected: { ok: false, message: 'Invalid learning rate: uniform(from, to) takes 2 numbers' },
    },
    {
      text: 'loguniform(1e-4)',
      expected: { ok: false, message: 'Invalid learning rate: loguniform(from, to) takes 2 numbers' },
    },
  ])('reads "$text"', ({ text, expected }) => {
    expect(parseAxis('learning rate', text)).toEqual(expected);
  });

  it.each([
    { text: ' 200 ', expected: { ok: true, value: 200 } },
    { text: '200, 300', expected: { ok: false, message: 'Invalid number of steps: "200, 300" (must be one number)' } },
    { text: ' 1,000,000 ', expected: { ok: true, value: 1_000_000 } },
    { text: '-12,345', expected: { ok: true, value: -12_345 } },
    { text: '1,000, 2', expected: { ok: false, message: 'Invalid number of steps: "1,000, 2" (must be one number)' } },
    { text: '1,00', expected: { ok: false, message: 'Invalid number of steps: "1,00" (must be one number)' } },
    { text: '', expected: { ok: false, message: 'Invalid number of steps: give at least one value' } },
    { text: 'many', expected: { ok: false, message: 'Invalid number of steps: "many" (must be a number)' } },
  ])('reads one number from "$text"', ({ text, expected }) => {
    expect(parseNumber('number of steps', text)).toEqual(expected);
  });

  it.each([
    [
      'seed',
      'lin(0, 5, 6)',
      'Invalid seed: "lin(0, 5, 6)" (must be a list of numbers such as 0, 1, 2: lin(…) is for hyperparameters)',
    ],
    [
      'start point',
      ' log(1, 10, 2) ',
      'Invalid start point: "log(1, 10, 2)" (must be a list of numbers such as 0, 1, 2: log(…) is for hyperparameters)',
    ],
  ])('refuses a range where only numbers are taken (%s), whole and by name', (label, text, message) => {
    expect(parseNumberList(label, text)).toEqual({ ok: false, message });
  });

  const beyondDoubles = (token: string) =>
    `Invalid epsilon: "${token}" (must be a number a double can hold: at most 1.7976931348623157e308 and, unless 0, at least 5e-324 in size)`;

  it.each(['1e400', '-1E309', '1e-400', '-0.0001e-321'])(
    'refuses "%s" as typed, beyond what a double holds (it had read as ±Infinity or 0)',
    (token) => {
      expect(parseAxis('epsilon', `1e-8, ${token}`)).toEqual({ ok: false, message: beyondDoubles(token) });
      expect(parseAxis('epsilon', `log(${token}, 1, 3)`)).toEqual({ ok: false, message: beyondDoubles(token) });
    },
  );

  it.each([
    ['0e-400', 0],
    ['-0.000e999', -0],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['5e-324', Number.MIN_VALUE],
    ['Infinity', Infinity],
    ['NaN', NaN],
  ])('reads "%s" as the double it names (Infinity and NaN left to the schema)', (token, value) => {
    expect(parseNumber('epsilon', token)).toEqual({ ok: true, value });
  });

  test.prop([fc.double({ noNaN: true })])('reads back every double as the form writes it', (x) => {
    // String(-0) is "0": the form writes a zero without its sign.
    expect(parseNumber('epsilon', String(x))).toEqual({ ok: true, value: Object.is(x, -0) ? 0 : x });
  });

  test.prop([fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 })])(
    'reads back every whole number the app writes as a count, grouped or not',
    (n) => {
      expect(parseNumber('run limit', formatCount(n))).toEqual({ ok: true, value: n });
      expect(parseNumber('run limit', String(n))).toEqual({ ok: true, value: n });
    },
  );

  it('names every bad value of a list in one message, in the order typed, each with what is allowed', () => {
    // "-1, abc" had named only "abc"; the -1 came up once "abc" was fixed.
    expect(parseAxis('learning rate', '-1, abc, 0.1, x', hyperparameterRule('lr'))).toEqual({
      ok: false,
      message:
        'Invalid learning rate: -1 (must be a finite number > 0); "abc" (must be a number); "x" (must be a number)',
    });
    // A list read whole is the schema's to check (the form then still counts the sweep's runs).
    expect(parseNumberList('epsilon', '1e-8, -1e-9', hyperparameterRule('eps'))).toEqual({
      ok: true,
      value: [1e-8, -1e-9],
    });
    // A range's numbers are its ends and count, which the schema checks; a flag has no number rule.
    expect(parseAxis('learning rate', 'lin(0, 1, 3)', hyperparameterRule('lr')).ok).toBe(true);
    expect(hyperparameterRule('maximize')).toBeUndefined();
  });

  it('joins refusals of one field under one "Invalid <label>:"', () => {
    expect(joinRefusals(['Invalid seed: 1.5 (must be whole)', 'Invalid seed: -1 (must be >= 0)'])).toBe(
      'Invalid seed: 1.5 (must be whole); -1 (must be >= 0)',
    );
    expect(joinRefusals(['Invalid seed: 1.5 (x)', 'Invalid start point: 2 (y)'])).toBe(
      'Invalid seed: 1.5 (x); Invalid start point: 2 (y)',
    );
  });

  it('refuses a range where one number is taken, saying so', () => {
    expect(parseNumber('number of steps', 'lin(10, 100, 3)')).toEqual({
      ok: false,
      message: 'Invalid number of steps: "lin(10, 100, 3)" (must be one number: lin(…) is for hyperparameters)',
    });
  });
});

describe('choices as the selects write them', () => {
  it('reads flags and words back as the values they name, in order', () => {
    expect(parseChoices('nesterov', 'true, false', [false, true])).toEqual({ ok: true, value: [true, false] });
    expect(parseChoices('eps placement', 'inside', ['outside', 'inside'])).toEqual({ ok: true, value: ['inside'] });
    expect(parseChoices('eps placement', 'under', ['outside', 'inside'])).toEqual({
      ok: false,
      message: 'Invalid eps placement: "under" (must be outside or inside)',
    });
  });
});

const number = fc.double({ noNaN: true, noDefaultInfinity: true });
const count = fc.integer({ min: 1, max: 1000 });
const axis: fc.Arbitrary<Axis> = fc.oneof(
  fc.record({ values: fc.array(number, { minLength: 1, maxLength: 8 }) }),
  fc.record({ linear: fc.record({ from: number, to: number, count }) }),
  fc.record({ log: fc.record({ from: number, to: number, count }) }),
  fc.record({ uniform: fc.record({ from: number, to: number }) }),
  fc.record({ logUniform: fc.record({ from: number, to: number }) }),
);

describe('axes written back as text', () => {
  it('writes each kind the way a person would type it', () => {
    expect(formatAxis({ values: [1, 0.5, 1e-8] })).toBe('1, 0.5, 1e-8');
    expect(formatAxis({ log: { from: 1e-3, to: 1, count: 7 } })).toBe('log(0.001, 1, 7)');
    expect(formatAxis({ linear: { from: 0, to: 0.1, count: 5 } })).toBe('lin(0, 0.1, 5)');
    expect(formatAxis({ logUniform: { from: 1e-4, to: 1 } })).toBe('loguniform(0.0001, 1)');
  });

  // -0 prints as "0", the one double the text cannot keep (it is the same point of any axis); JSON drops it alike.
  test.prop([axis])('reads back to the very same axis, every double exact', (original) => {
    expect(parseAxis('x', formatAxis(original))).toEqual({ ok: true, value: JSON.parse(JSON.stringify(original)) });
  });
});
