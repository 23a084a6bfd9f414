// The grid's points against NumPy's own doubles (test/fixtures/numpy-grids.json, written by scripts/numpy-grids.py
// with /usr/bin/python3 and NumPy): equal with Object.is, every value of every case.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linspace, logspace, logspacePoint, pow10 } from '../../../src-core/sweep/grid';
import { rangePoints } from '../../../src-core/sweep/expand';

interface Case {
  from: number;
  to: number;
  count: number;
  linear: number[];
  log?: number[];
  /** Where NumPy's value is not the correctly rounded 10^exponent (the C library's log10 or pow erred by a last bit). */
  residual?: number[];
}
const reference = JSON.parse(readFileSync(new URL('../../fixtures/numpy-grids.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

/** The indices where two lists of doubles differ (Object.is: -0 and NaN count). */
const differences = (got: number[], want: number[]) =>
  want.flatMap((w, i) => (Object.is(got[i], w) ? [] : [{ i, got: got[i], want: w }]));

describe('linspace and logspace: NumPy’s doubles', () => {
  it('holds a reference table of hundreds of (a, b, n)', () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(400);
    expect(reference.cases.filter((c) => c.log).length).toBeGreaterThanOrEqual(400);
  });

  it('np.linspace(a, b, n), value for value', () => {
    for (const c of reference.cases)
      expect(differences(linspace(c.from, c.to, c.count), c.linear), `${c.from} ${c.to} ${c.count}`).toEqual([]);
  });

  it('np.logspace(np.log10(a), np.log10(b), n), value for value but the residual the fixture names', () => {
    const logCases = reference.cases.filter((c) => c.log);
    for (const c of logCases) {
      const residual = new Set(c.residual);
      const got = logspace(c.from, c.to, c.count);
      const off = differences(got, c.log!);
      expect(
        off.filter(({ i }) => !residual.has(i)),
        `${c.from} ${c.to} ${c.count}`,
      ).toEqual([]);
      // Where glibc's pow is not correctly rounded NumPy's value is the neighbouring double; where its log10 is not, the
      // exponent moves by an ulp, and the power by ln 10 · |exponent| ulps at most.
      for (const { got: x, want } of off) expect(Math.abs(x - want) / want).toBeLessThan(32 * Number.EPSILON);
    }
    const values = logCases.reduce((n, c) => n + c.count, 0);
    const residuals = logCases.reduce((n, c) => n + c.residual!.length, 0);
    // The residual, documented in src-core/sweep/grid.ts: about half a percent of the values.
    expect(residuals / values).toBeLessThan(0.01);
  });

  it('the value the issue names: log(0.001, 0.01, 4)', () => {
    expect(logspace(0.001, 0.01, 4)).toEqual([0.001, 0.0021544346900318843, 0.004641588833612777, 0.01]);
    // V8's ** alone is not correctly rounded: the reason pow10 exists.
    expect(10 ** -4).not.toBe(1e-4);
    expect(pow10(-4)).toBe(1e-4);
  });

  it('the sweep grid uses them', () => {
    const c = reference.cases.find((e) => e.log && e.count > 5)!;
    expect(rangePoints('log', c.from, c.to, c.count)).toEqual(c.log);
    expect(rangePoints('linear', c.from, c.to, c.count)).toEqual(c.linear);
    expect(rangePoints('linear', 0, 1, 11)).toEqual([
      0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1,
    ]);
  });

  it('a point alone is the listed point, whichever ranges were asked for in between (their exponents are kept)', () => {
    const range = fc.record({
      from: fc.double({ min: 1e-12, max: 1e3, noNaN: true }),
      to: fc.double({ min: 1e-12, max: 1e3, noNaN: true }),
      count: fc.integer({ min: 2, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 24 }), fc.nat(), (ranges, seed) => {
        const listed = ranges.map(({ from, to, count }) => logspace(from, to, count));
        // Interleaved, as a grid of several log axes asks for them; more ranges than the cache keeps.
        for (let k = 0; k < 3 * ranges.length; k++) {
          const r = (seed + k * 7) % ranges.length;
          const { from, to, count } = ranges[r];
          const i = (seed + k) % count;
          expect(Object.is(logspacePoint(from, to, count, i), listed[r][i])).toBe(true);
        }
      }),
    );
  });

  it('pow10 stays within a few ulps of V8’s power everywhere', () => {
    fc.assert(
      fc.property(fc.double({ min: -300, max: 300, noNaN: true }), (y) => {
        const a = pow10(y);
        const b = 10 ** y;
        // V8's power is within a few ulps; a correctly rounded one is never further than that from it.
        expect(Math.abs(a - b) / b).toBeLessThan(4 * Number.EPSILON);
      }),
    );
  });
});
