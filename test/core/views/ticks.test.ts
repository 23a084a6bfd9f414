import { describe, expect, it } from 'vitest';
import { tickLabel } from '../../../src-core/views/ticks';

describe('axis tick labels', () => {
  it('give three significant digits, in exponent form far from 1', () => {
    expect([0.05, 10, 123456, 1e18, 5e-7, 0, -2.5e-5, 1.23456].map((v) => tickLabel(v, false, 0))).toEqual(['0.05', '10', '123000', '1e18', '5e-7', '0', '-2.5e-5', '1.23']);
  });

  it('on a log axis label 1, 2 and 5 × 10ᵏ, and only the decades when it spans many', () => {
    const ticks = [0.001, 0.002, 0.003, 0.005, 0.008, 0.01, 0.02, 0.07, 0.1];
    expect(ticks.map((v) => tickLabel(v, true, 2))).toEqual(['0.001', '0.002', '', '0.005', '', '0.01', '0.02', '', '0.1']);
    expect(ticks.map((v) => tickLabel(v, true, 6))).toEqual(['0.001', '', '', '', '', '0.01', '', '', '0.1']);
    expect([1e-47, 1e44, 3e44].map((v) => tickLabel(v, true, 90))).toEqual(['1e-47', '1e44', '']);
  });

  it('on a log axis within one decade label every tick, so a narrow range still reads', () => {
    // Two runs' final losses, 1.198 and 2.017: Chart.js ticks at the ends and at each mantissa between them.
    expect([1.198, 2, 2.017].map((v) => tickLabel(v, true, Math.log10(2.017 / 1.198)))).toEqual(['1.2', '2', '2.02']);
  });
});
