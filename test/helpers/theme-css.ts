/** The themes' colours as app.css declares them, for tests that check contrast and distinctness without a browser. */
import { readFileSync } from 'node:fs';

const css = readFileSync(new URL('../../src-renderer/app.css', import.meta.url), 'utf8');

/** The custom properties declared in the first block that `selector` opens. */
function themeOf(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`app.css has no ${selector} block`);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map([...block.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2]]));
}

export const lightTheme = themeOf(':root');
export const darkTheme = new Map([...lightTheme, ...themeOf(":root[data-theme='dark']")]);

/** Each channel of `#rrggbb` linearised (sRGB, with the standard's 0.04045 threshold). */
export function linearRgb(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return [r, g, b];
}
