/** A perceptually ordered colour scale (viridis, 5 stops) for heatmaps: t = 0 is the best value, 1 the worst. */
const stops = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
].reverse();

/** The scale's colour at t as [r, g, b] (0–255), for painting pixels. */
export function scaleRgb(t: number): number[] {
  const clamped = Math.min(1, Math.max(0, t));
  const at = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const f = at - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
}

export function scaleColor(t: number): string {
  const [r, g, b] = scaleRgb(t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Cells where every run diverged. */
export const DIVERGED_COLOR = 'rgb(180, 35, 24)';

/** Line colours where the theme's are not defined: the light theme's --series-1 … --series-10 (app.css). */
export const fallbackPalette = [
  '#1f5fd1',
  '#d2570b',
  '#15803d',
  '#b3141b',
  '#7b3fc4',
  '#7a4b1c',
  '#d0388f',
  '#525252',
  '#7a7d00',
  '#0a7c99',
];

/** Dash patterns taken in turn once every colour of the palette is in use: solid first. */
export const dashPatterns: readonly (readonly number[])[] = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

export interface LineStyle {
  /** Index into the palette (app.css --series-<k + 1>). */
  colorIndex: number;
  /** The canvas's setLineDash pattern; [] is solid. */
  dash: number[];
}

/**
 * The style of the i-th line of a chart: each line its own colour while the palette lasts, then the colours again with
 * the next dash pattern, so no two of the first palette × patterns lines look alike.
 */
export function lineStyle(i: number, paletteSize = fallbackPalette.length): LineStyle {
  const round = Math.floor(i / paletteSize);
  return { colorIndex: i % paletteSize, dash: [...dashPatterns[round % dashPatterns.length]] };
}

/** The theme's i-th series colour (app.css --series-1 … --series-10, distinct on its background). */
export function seriesColor(i: number): string {
  const k = i % fallbackPalette.length;
  const themed =
    typeof document === 'undefined'
      ? ''
      : getComputedStyle(document.documentElement)
          .getPropertyValue(`--series-${k + 1}`)
          .trim();
  return themed || fallbackPalette[k];
}

/** The i-th line's colour in the theme, and its dash. */
export function seriesLine(i: number): { color: string; dash: number[] } {
  const style = lineStyle(i);
  return { color: seriesColor(style.colorIndex), dash: style.dash };
}
