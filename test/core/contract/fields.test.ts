import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from '../../../src-core/contract/fields';

describe('formatCount: a count as a person reads it', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [10_000, '10,000'],
    [100_000, '100,000'],
    [1_000_000, '1,000,000'],
    [Number.MAX_SAFE_INTEGER, '9,007,199,254,740,991'],
    [1.5, '1.5'],
    [-1234, '-1,234'],
    [1e21, '1,000,000,000,000,000,000,000'],
  ])('%d reads "%s"', (count, text) => expect(formatCount(count)).toBe(text));

  it('writes every whole count as en-US grouping does, whatever its digits', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (n) => formatCount(n) === n.toLocaleString('en-US')));
    fc.assert(fc.property(fc.nat({ max: 10_000_000 }), (n) => formatCount(n) === n.toLocaleString('en-US')));
  });
});
