/**
 * WCAG 2.2 contrast of the themes' colours, computed from the custom properties in app.css: text needs 4.5:1 (AA,
 * 1.4.3), the boundaries of controls, the focus ring and chart lines 3:1 (1.4.11), in the light and the dark theme.
 */
import { describe, expect, it } from 'vitest';
import { darkTheme as dark, lightTheme as light, linearRgb } from '../../helpers/theme-css';

/** Relative luminance of an sRGB colour (WCAG 2.2). */
function luminance(hex: string): number {
  const [r, g, b] = linearRgb(hex);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** [foreground, background] pairs the app paints text with. */
const textPairs = [
  ['--fg', '--bg'],
  ['--fg', '--panel'],
  ['--muted', '--bg'],
  ['--muted', '--panel'],
  ['--muted', '--selected'],
  ['--accent', '--bg'],
  ['--accent', '--panel'],
  ['--accent', '--selected'],
  ['--accent-fg', '--accent'],
  ['--danger', '--bg'],
  ['--danger', '--panel'],
  ['--fg', '--selected'],
  ['--fg', '--diff-bg'],
  ['--fg', '--warn-bg'],
] as const;

const graphicPairs = [
  ['--control', '--panel'],
  ['--accent', '--panel'],
  ['--accent', '--bg'],
  ['--danger', '--panel'],
  ...Array.from({ length: 10 }, (_, i) => [`--series-${i + 1}`, '--panel'] as const),
] as const;

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s theme', (_name, theme) => {
  const color = (name: string) => {
    const value = theme.get(name);
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };

  it('defines every documented colour', () => {
    for (const name of [
      '--bg',
      '--panel',
      '--fg',
      '--muted',
      '--border',
      '--control',
      '--grid',
      '--accent',
      '--accent-fg',
      '--danger',
      '--selected',
      '--diff-bg',
      '--warn-bg',
    ]) {
      expect(theme.has(name), name).toBe(true);
    }
  });

  it.each(textPairs)('text %s on %s reaches 4.5:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(graphicPairs)('%s on %s reaches 3:1', (fg, bg) => {
    expect(contrast(color(fg), color(bg))).toBeGreaterThanOrEqual(3);
  });
});

describe('the contrast formula', () => {
  it('gives WCAG’s own extremes and a known pair', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrast('#ffffff', '#ffffff')).toBe(1);
    // #767676 on white is the classic lightest AA grey: 4.54:1.
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
