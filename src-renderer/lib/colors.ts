/** A perceptually ordered colour scale (viridis, 5 stops) for heatmaps: t = 0 is the best value, 1 the worst. */
const stops = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
].reverse();

export function scaleColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, t));
  const at = clamped * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(at));
  const f = at - i;
  const [r, g, b] = stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * f));
  return `rgb(${r}, ${g}, ${b})`;
}

/** Cells where every run diverged. */
export const DIVERGED_COLOR = 'rgb(180, 35, 24)';
