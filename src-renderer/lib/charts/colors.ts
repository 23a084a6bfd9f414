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

/** Line colours, one per run (parameters of one run share it, dashed), used where the theme's are not defined. */
const fallbackPalette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#64748b', '#65a30d'];

/** The theme's i-th series colour (app.css --series-1 … --series-10, distinct on its background). */
export function seriesColor(i: number): string {
  const k = i % fallbackPalette.length;
  const themed = typeof document === 'undefined' ? '' : getComputedStyle(document.documentElement).getPropertyValue(`--series-${k + 1}`).trim();
  return themed || fallbackPalette[k];
}
