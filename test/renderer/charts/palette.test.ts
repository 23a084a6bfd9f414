/**
 * The chart palette: ten colours per theme that tell apart at a glance (CIEDE2000 ΔE between every two), the fallback
 * equal to the light theme's, and a line style per series that repeats neither colour nor dash before it must.
 * Contrast on the panel (3:1) is held by test/renderer/state/theme-contrast.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { darkTheme, lightTheme, linearRgb } from '../../helpers/theme-css';
import { dashPatterns, fallbackPalette, lineStyle } from '../../../src-renderer/lib/charts/colors';

/** CIELAB (D65) of `#rrggbb`. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = linearRgb(hex);
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIEDE2000 colour difference (Sharma, Wu and Dalal's formulation). */
function deltaE2000(first: string, second: string): number {
  const [l1, a1, b1] = lab(first);
  const [l2, a2, b2] = lab(second);
  const deg = Math.PI / 180;
  const cMean = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cMean ** 7 / (cMean ** 7 + 25 ** 7)));
  const [ap1, ap2] = [(1 + g) * a1, (1 + g) * a2];
  const [cp1, cp2] = [Math.hypot(ap1, b1), Math.hypot(ap2, b2)];
  const hue = (a: number, b: number) => (a === 0 && b === 0 ? 0 : (Math.atan2(b, a) / deg + 360) % 360);
  const [hp1, hp2] = [hue(ap1, b1), hue(ap2, b2)];
  let dh = 0;
  if (cp1 * cp2 !== 0) dh = hp2 - hp1 > 180 ? hp2 - hp1 - 360 : hp2 - hp1 < -180 ? hp2 - hp1 + 360 : hp2 - hp1;
  const dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin((dh / 2) * deg);
  const [lMean, cpMean] = [(l1 + l2) / 2, (cp1 + cp2) / 2];
  let hMean = hp1 + hp2;
  if (cp1 * cp2 !== 0) hMean = (Math.abs(hp1 - hp2) > 180 ? hMean + (hMean < 360 ? 360 : -360) : hMean) / 2;
  const t =
    1 -
    0.17 * Math.cos((hMean - 30) * deg) +
    0.24 * Math.cos(2 * hMean * deg) +
    0.32 * Math.cos((3 * hMean + 6) * deg) -
    0.2 * Math.cos((4 * hMean - 63) * deg);
  const rotation =
    -Math.sin(60 * Math.exp(-(((hMean - 275) / 25) ** 2)) * deg) * 2 * Math.sqrt(cpMean ** 7 / (cpMean ** 7 + 25 ** 7));
  const sl = 1 + (0.015 * (lMean - 50) ** 2) / Math.sqrt(20 + (lMean - 50) ** 2);
  const [sc, sh] = [1 + 0.045 * cpMean, 1 + 0.015 * cpMean * t];
  const [dl, dc, dhScaled] = [(l2 - l1) / sl, (cp2 - cp1) / sc, dH / sh];
  return Math.sqrt(dl ** 2 + dc ** 2 + dhScaled ** 2 + rotation * dc * dhScaled);
}

const seriesOf = (theme: Map<string, string>) => Array.from({ length: 10 }, (_, i) => theme.get(`--series-${i + 1}`)!);

describe('the chart palette', () => {
  it('computes CIEDE2000 as its authors’ test data do', () => {
    // Sharma, Wu and Dalal's pairs are given in Lab; these sRGB pairs check the whole path against known values.
    expect(deltaE2000('#000000', '#ffffff')).toBeCloseTo(100, 0);
    expect(deltaE2000('#ff0000', '#ff0000')).toBe(0);
    expect(deltaE2000('#ff0000', '#0000ff')).toBeCloseTo(52.88, 1);
  });

  it.each([
    ['light', lightTheme],
    ['dark', darkTheme],
  ])(
    'in the %s theme has ten colours, every two at least 15 ΔE00 apart (no two greens, no two purples)',
    (_name, theme) => {
      const colors = seriesOf(theme);
      expect(new Set(colors).size).toBe(10);
      for (let i = 0; i < colors.length; i++) {
        for (let j = i + 1; j < colors.length; j++)
          expect(deltaE2000(colors[i], colors[j]), `${colors[i]} vs ${colors[j]}`).toBeGreaterThanOrEqual(15);
      }
    },
  );

  it("falls back to the light theme's colours", () => {
    expect(fallbackPalette).toEqual(seriesOf(lightTheme));
  });

  it('gives every line in view its own colour, then the colours again with the next dash: no repeat before 40 lines', () => {
    const styles = Array.from({ length: 40 }, (_, i) => lineStyle(i));
    expect(styles.slice(0, 10).map((s) => s.colorIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(styles.slice(0, 10).every((s) => s.dash.length === 0)).toBe(true);
    expect(styles[10]).toEqual({ colorIndex: 0, dash: [...dashPatterns[1]] });
    expect(new Set(styles.map((s) => `${s.colorIndex}:${s.dash.join()}`)).size).toBe(40);
    expect(new Set(dashPatterns.map((d) => d.join())).size).toBe(dashPatterns.length);
  });
});
