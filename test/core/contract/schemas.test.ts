import { describe, expect, it } from 'vitest';
import { parseAxis, parseNumberList } from '../../../src-core/sweep/parse';

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
    {
      text: 'log(1e-3, 1)',
      expected: { ok: false, message: 'Invalid learning rate: log(from, to, count) takes 3 numbers' },
    },
    { text: 'log(a, 1, 2)', expected: { ok: false, message: 'Invalid learning rate: "a" (must be a number)' } },
  ])('reads "$text"', ({ text, expected }) => {
    expect(parseAxis('learning rate', text)).toEqual(expected);
  });
});
