import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimateMinMax, firstNonFinite, hasNonPositive } from '../../../src-core/views/decimate';

const steps = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('min-max decimation', () => {
  it('keeps the first, last, highest and lowest points of a million-step loss, in two points per column', () => {
    const n = 1_000_000;
    const loss = Float64Array.from({ length: n }, (_, i) => 1 / (1 + i) + 1e-3 * Math.sin(i));
    loss[654_321] = 50; // one spike
    loss[777_777] = -1; // one dip
    const drawn = decimateMinMax(steps(n), loss, { buckets: 600 });
    expect(drawn.length).toBeLessThanOrEqual(2 * 600 + 2);
    expect(drawn[0]).toEqual({ x: 0, y: loss[0] });
    expect(drawn.at(-1)).toEqual({ x: n - 1, y: loss[n - 1] });
    expect(drawn).toContainEqual({ x: 654_321, y: 50 });
    expect(drawn).toContainEqual({ x: 777_777, y: -1 });
  });

  it('keeps a non-finite value as a gap at its step, with the finite neighbours around it', () => {
    const n = 100_000;
    const ys = Float64Array.from({ length: n }, (_, i) => i);
    ys[40_000] = Infinity;
    ys[40_001] = NaN;
    const drawn = decimateMinMax(steps(n), ys, { buckets: 100 });
    const at = (x: number) => drawn.find((p) => p.x === x);
    expect(at(40_000)?.y).toBeNaN();
    expect(at(40_001)?.y).toBeNaN();
    expect(at(39_999)).toEqual({ x: 39_999, y: 39_999 });
    expect(at(40_002)).toEqual({ x: 40_002, y: 40_002 });
    expect(firstNonFinite(steps(n), ys)).toEqual({ x: 40_000, value: Infinity });
  });

  it('re-decimates a zoomed range, keeping one point beyond each edge so the line reaches them', () => {
    const n = 10_000;
    const ys = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const drawn = decimateMinMax(steps(n), ys, { buckets: 1000, from: 2000.5, to: 2100.5 });
    expect(drawn.map((p) => p.x)).toEqual(Array.from({ length: 102 }, (_, i) => 2000 + i));
  });

  it('on a log x axis leaves out step 0 (it has no place there) and spaces columns by decades', () => {
    const n = 100_001;
    const ys = new Float64Array(n).fill(1);
    const drawn = decimateMinMax(steps(n), ys, { buckets: 50, logX: true });
    expect(drawn[0].x).toBe(1);
    // 10 columns a decade: steps 1–9 fall in columns 0, 3, 4, 6, 6, 7, 8, 9, 9, and a flat line keeps one point in each.
    expect(drawn.filter((p) => p.x < 10).map((p) => p.x)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(drawn.filter((p) => p.x >= 10_000).length).toBeLessThanOrEqual(2 * 10 + 1);
  });

  it('returns input points only, in order, always with the extremes and both ends (property)', () => {
    const series = fc.array(
      fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity)),
      { minLength: 1, maxLength: 3000 },
    );
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 200 }), (values, buckets) => {
        const ys = Float64Array.from(values);
        const xs = steps(ys.length);
        const drawn = decimateMinMax(xs, ys, { buckets });
        const byX = new Map(drawn.map((p) => [p.x, p.y]));
        for (let i = 1; i < drawn.length; i++) expect(drawn[i].x).toBeGreaterThan(drawn[i - 1].x);
        for (const p of drawn) expect(Object.is(p.y, Number.isFinite(ys[p.x]) ? ys[p.x] : NaN)).toBe(true);
        expect(byX.has(0) && byX.has(ys.length - 1)).toBe(true);
        const finite = values.map((v, i) => [v, i] as const).filter(([v]) => Number.isFinite(v));
        if (finite.length > 0) {
          const max = Math.max(...finite.map(([v]) => v));
          const min = Math.min(...finite.map(([v]) => v));
          expect(drawn.some((p) => p.y === max)).toBe(true);
          expect(drawn.some((p) => p.y === min)).toBe(true);
        }
        const firstBad = values.findIndex((v) => !Number.isFinite(v));
        if (firstBad >= 0) expect(byX.has(firstBad)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on a log y axis turns values ≤ 0 into gaps instead of points at the axis minimum', () => {
    const drawn = decimateMinMax([1, 2, 3, 4], [1, 0, -2, 3], { buckets: 10, logY: true });
    expect(drawn.map((p) => p.y)).toEqual([1, NaN, NaN, 3]);
  });

  it('tells when a series has values a log axis cannot show', () => {
    expect(
      [
        [1, 2, 3],
        [1, 0, 3],
        [NaN, -Infinity],
        [NaN, Infinity],
      ].map((v) => hasNonPositive(v)),
    ).toEqual([false, true, true, false]);
  });
});
