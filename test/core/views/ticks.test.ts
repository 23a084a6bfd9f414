import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { axisTicks, labelsFit, type AxisTicks } from '../../../src-core/views/ticks';

describe('axis ticks', () => {
  /** A vertical axis: 12 px text, 14.4 px lines, labels 1.5 line heights apart at least (centre to centre 2.5). */
  const vertical = { extent: () => 14.4, gap: 21.6 };
  /** A horizontal axis: ~7 px a character. */
  const horizontal = { extent: (label: string) => 7 * label.length, gap: 30 };
  const labelled = (result: AxisTicks) => result.ticks.filter((t) => t.label !== '');
  const labels = (result: AxisTicks) => labelled(result).map((t) => t.label);
  const exponent = (value: number) => Math.round(Math.log10(value));
  const isDecade = (value: number) => Math.abs(value / 10 ** exponent(value) - 1) < 1e-9;

  it('label every k-th decade, evenly spaced on multiples of k, the axis widened to the ones beyond the data', () => {
    // The weight-decay loss of the issue: from 11 down to 1.3e-73 on a 200 px plot.
    const small = axisTicks({ min: 1.3e-73, max: 11, log: true, pixels: 200, ...vertical });
    expect([small.min, small.max]).toEqual([1e-80, 1e20]);
    expect(labels(small)).toEqual(['1e-80', '1e-60', '1e-40', '1e-20', '1', '1e20']);
    // The walk's loss chart: 1e9 down to 1e-19 read 1e9, 1, 1e-10, 1e-19 (steps of 9, 10 and 9 decades).
    const loss = axisTicks({ min: 2e-19, max: 3e8, log: true, pixels: 130, ...vertical });
    expect(labels(loss)).toEqual(['1e-20', '1e-10', '1', '1e10']);
    // A zoom keeps its range: only the multiples of k inside are labelled.
    const zoomed = axisTicks({ ...{ min: 2e-19, max: 3e8, log: true, pixels: 130, ...vertical }, extendMax: false });
    expect(zoomed.max).toBe(3e8);
    expect(labels(zoomed)).toEqual(['1e-20', '1e-10', '1']);
  });

  it('label 1, 2 and 5 within each decade when the range is short, and evenly spaced values within one decade', () => {
    expect(labels(axisTicks({ min: 0.0013, max: 0.9, log: true, pixels: 400, ...vertical }))).toEqual([
      '0.001',
      '0.002',
      '0.005',
      '0.01',
      '0.02',
      '0.05',
      '0.1',
      '0.2',
      '0.5',
      '1',
    ]);
    expect(labels(axisTicks({ min: 0.0013, max: 0.9, log: true, pixels: 200, ...vertical }))).toEqual([
      '0.001',
      '0.01',
      '0.1',
      '1',
    ]);
    expect(labels(axisTicks({ min: 11, max: 13, log: true, pixels: 200, ...vertical }))).toEqual([
      '11',
      '11.5',
      '12',
      '12.5',
      '13',
    ]);
    // Two runs' final losses, 1.198 and 2.017.
    expect(labels(axisTicks({ min: 1.198, max: 2.017, log: true, pixels: 200, ...vertical }))).toEqual([
      '1',
      '1.5',
      '2',
      '2.5',
    ]);
    expect(labels(axisTicks({ min: 1.198, max: 2.017, log: true, pixels: 120, ...vertical }))).toEqual(['1', '2', '3']);
  });

  it('keep the grid lines of the decades or mantissas between labels where there is room for them', () => {
    const decades = axisTicks({ min: 1e-3, max: 1e3, log: true, pixels: 400, ...vertical });
    expect(labels(decades)).toEqual(['0.001', '0.01', '0.1', '1', '10', '100', '1000']);
    const tall = axisTicks({ min: 1e-3, max: 1e3, log: true, pixels: 1200, ...vertical });
    expect(labels(tall).slice(0, 4)).toEqual(['0.001', '0.002', '0.005', '0.01']);
    expect(tall.ticks.filter((t) => t.label === '').map((t) => t.value)).toContain(0.003);
    const long = axisTicks({ min: 1e-60, max: 1, log: true, pixels: 400, ...vertical });
    expect(long.ticks.filter((t) => t.label === '').map((t) => t.value)).toContain(1e-59);
  });

  it('on a step axis show whole steps only', () => {
    expect(labels(axisTicks({ min: 0, max: 3, log: false, pixels: 800, integer: true, ...horizontal }))).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    expect(labels(axisTicks({ min: 1, max: 2, log: false, pixels: 800, integer: true, ...horizontal }))).toEqual([
      '1',
      '2',
    ]);
    expect(labels(axisTicks({ min: 1, max: 3, log: true, pixels: 800, integer: true, ...horizontal }))).toEqual([
      '1',
      '2',
      '3',
    ]);
    expect(
      labels(axisTicks({ min: 0, max: 3, log: false, pixels: 800, ...horizontal })).some(
        (l) => !Number.isInteger(Number(l)),
      ),
    ).toBe(true);
  });

  it('leave a zoomed end where the zoom put it', () => {
    const result = axisTicks({
      min: 2e-5,
      max: 3e-3,
      log: true,
      pixels: 200,
      ...vertical,
      extendMin: false,
      extendMax: false,
    });
    expect([result.min, result.max]).toEqual([2e-5, 3e-3]);
    expect(labelled(result).every((t) => t.value >= 2e-5 && t.value <= 3e-3)).toBe(true);
    const linear = axisTicks({
      min: 1000.1,
      max: 1000.5,
      log: false,
      pixels: 200,
      ...vertical,
      extendMin: false,
      extendMax: false,
    });
    expect(labels(linear)).toEqual(['1000.1', '1000.2', '1000.3', '1000.4', '1000.5']);
  });

  it('draw something for ranges Chart.js can hand over: one value, zeros, nothing', () => {
    expect(labels(axisTicks({ min: 5, max: 5, log: false, pixels: 200, ...vertical })).length).toBeGreaterThan(1);
    expect(labels(axisTicks({ min: 10, max: 10, log: true, pixels: 200, ...vertical }))).toEqual(['1', '10', '100']);
    expect(labels(axisTicks({ min: 0, max: 0, log: true, pixels: 200, ...vertical })).length).toBeGreaterThan(1);
  });

  /** Random data ranges and plot sizes; on a log axis from within one decade to a few hundred. */
  const logRanges = fc.record({
    low: fc.double({ min: -300, max: 300, noNaN: true }),
    decades: fc.double({ min: 0.01, max: 300, noNaN: true }),
    pixels: fc.integer({ min: 80, max: 2000 }),
    vertical: fc.boolean(),
  });

  it('never overlap, label the ends of the axis, and step a long log axis evenly through decades on one stride', () => {
    fc.assert(
      fc.property(logRanges, ({ low, decades, pixels, vertical: isVertical }) => {
        const high = Math.min(307, low + decades);
        const [min, max] = [10 ** low, 10 ** high];
        fc.pre(min > 0 && Number.isFinite(max) && max > min);
        const axis = isVertical ? vertical : horizontal;
        const result = axisTicks({ min, max, log: true, pixels, ...axis });
        expect(labelsFit(result.ticks, { ...result, log: true, pixels, ...axis })).toBe(true);
        const shown = labelled(result);
        expect(shown.length).toBeGreaterThanOrEqual(2);
        // The axis covers the data, and its ends are labelled.
        expect(result.min).toBeLessThanOrEqual(min);
        expect(result.max).toBeGreaterThanOrEqual(max);
        const decadesOnly = high - low >= 1 && shown.every((t) => isDecade(t.value));
        const exponents = shown.map((t) => exponent(t.value));
        const stride = decadesOnly && exponents.length > 1 ? exponents[1] - exponents[0] : 1;
        // An end is labelled unless the stride's next multiple beyond it is no normal double (1e310, 1e-320).
        if (Math.floor(Math.log10(result.min) / stride) * stride >= -307) {
          expect(shown[0].value / result.min).toBeCloseTo(1, 6);
        }
        if (Math.ceil(Math.log10(result.max) / stride) * stride <= 307) {
          expect(shown.at(-1)!.value / result.max).toBeCloseTo(1, 6);
        }
        const mantissa = (value: number) => Number((value / 10 ** Math.floor(Math.log10(value) + 1e-9)).toPrecision(6));
        // Over a decade or more: 1–9 × 10ᵏ; where a decade gets under 100 px (too little for 1, 2, 5), decades only.
        if (high - low >= 1) expect(shown.every((t) => Number.isInteger(mantissa(t.value)))).toBe(true);
        if (high - low >= 1 && pixels / (high - low) < 100) expect(shown.every((t) => isDecade(t.value))).toBe(true);
        if (decadesOnly) {
          // Evenly spaced (never 1e-19, 1e-10, 1, 1e9): multiples of one stride, or the two ends alone where no stride
          // fits (a tiny axis, or one near 1e±307 whose ends cannot be widened to a stride's multiples).
          expect(exponents.every((e, i) => i === 0 || e - exponents[i - 1] === stride)).toBe(true);
          if (exponents.length > 2) {
            expect([1, 2, 5, 10, 20, 50, 100, 200]).toContain(stride);
            expect(exponents.every((e) => e % stride === 0)).toBe(true);
          }
        }
      }),
      { numRuns: 400, endOnFailure: true },
    );
  });

  it('never overlap on a linear axis either, and count whole steps on a step axis', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
        fc.integer({ min: 80, max: 2000 }),
        fc.boolean(),
        (low, span, pixels, steps) => {
          const [min, max] = steps
            ? [Math.max(0, Math.round(low)), Math.max(0, Math.round(low)) + Math.max(1, Math.round(span))]
            : [low, low + span];
          fc.pre(max > min);
          const result = axisTicks({ min, max, log: false, pixels, integer: steps, ...horizontal });
          expect(labelsFit(result.ticks, { ...result, log: false, pixels, ...horizontal })).toBe(true);
          expect(result.min).toBeLessThanOrEqual(min);
          expect(result.max).toBeGreaterThanOrEqual(max);
          const values = labelled(result).map((t) => t.value);
          expect(values.length).toBeGreaterThanOrEqual(1);
          if (steps) expect(values.every(Number.isInteger)).toBe(true);
          // Distinct values keep distinct labels.
          expect(new Set(labels(result)).size).toBe(values.length);
        },
      ),
      { numRuns: 400, endOnFailure: true },
    );
  });

  it('ends on ranges a few ulps wide (two lrs 1e-15 apart), on linear and log axes', () => {
    for (const [min, max] of [
      [1, 1.000000000000001],
      [1e-3, 1e-3 * (1 + 4e-16)],
      [123456.789, 123456.78900000002],
    ])
      for (const log of [false, true]) {
        const result = axisTicks({ min, max, log, pixels: 400, ...horizontal });
        expect(result.min).toBeLessThanOrEqual(min);
        expect(result.max).toBeGreaterThanOrEqual(max);
        expect(labelled(result).length).toBeGreaterThanOrEqual(1);
      }
  });

  it('keep a log axis inside the doubles when the data reaches their ends (a loss of 5e-324 or 1e-323, 1.7e308)', () => {
    // A best loss of 5e-324 (the smallest double) made the axis start at 1e-324, which is 0: Chart.js then drew nothing.
    for (const [min, max] of [
      [5e-324, 3.1e-6],
      [1e-323, 0.5],
      [4e-323, 1],
      [1e-300, 1.7e308],
    ])
      for (const pixels of [146, 400]) {
        const result = axisTicks({ min, max, log: true, pixels, ...vertical });
        expect(result.min).toBeGreaterThan(0);
        expect(result.min).toBeLessThanOrEqual(min);
        expect(result.max).toBeLessThan(Infinity);
        expect(result.max).toBeGreaterThanOrEqual(max);
        expect(result.ticks.every((t) => t.value > 0 && t.value < Infinity)).toBe(true);
        expect(labelled(result).length).toBeGreaterThanOrEqual(2);
      }
  });
});
