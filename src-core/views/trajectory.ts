/** The path θ takes through a two-parameter objective, and the view that frames a set of paths. */
import type { Bounds } from './contour';
import type { TraceColumns } from './series';

export interface PathPoint {
  x: number;
  y: number;
  step: number;
}

/** Whether a trace can be drawn as a path in the plane: exactly two parameters, one column each. */
export const isPlanar = (trace: Pick<TraceColumns, 'layout' | 'width'>): boolean => trace.layout === 'parameters' && trace.width === 2;

/** (θ₀, θ₁) at each kept row, in step order; rows with a non-finite coordinate are left out (the run diverged there). */
export function trajectoryPoints(trace: TraceColumns): PathPoint[] {
  if (!isPlanar(trace)) throw new RangeError(`trajectoryPoints: the trace has ${trace.width} ${trace.layout} columns (a path needs 2 parameters)`);
  const points: PathPoint[] = [];
  for (let r = 0; r < trace.steps.length; r++) {
    const x = trace.theta[2 * r];
    const y = trace.theta[2 * r + 1];
    if (Number.isFinite(x) && Number.isFinite(y)) points.push({ x, y, step: trace.steps[r] });
  }
  return points;
}

/**
 * The box holding every point (paths and the objective's minimiser), grown by `pad` of its span on each side; a
 * direction with no span gets ±1 around its value, so a path along one axis still has a plane to lie in.
 */
export function viewBounds(points: Iterable<{ x: number; y: number }>, pad = 0.1): Bounds {
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    xMin = Math.min(xMin, p.x);
    xMax = Math.max(xMax, p.x);
    yMin = Math.min(yMin, p.y);
    yMax = Math.max(yMax, p.y);
  }
  if (!(xMin <= xMax)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const grow = (lo: number, hi: number): [number, number] => (hi > lo ? [lo - pad * (hi - lo), hi + pad * (hi - lo)] : [lo - 1, hi + 1]);
  [xMin, xMax] = grow(xMin, xMax);
  [yMin, yMax] = grow(yMin, yMax);
  return { xMin, xMax, yMin, yMax };
}

/** The index of the point whose step is nearest `step` (points in step order); −1 when there are none. */
export function nearestStep(points: readonly PathPoint[], step: number): number {
  if (points.length === 0) return -1;
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && step - points[lo - 1].step < points[lo].step - step ? lo - 1 : lo;
}
