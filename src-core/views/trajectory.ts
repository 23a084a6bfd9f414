/** The path θ takes through a two-parameter objective, and the view that frames a set of paths. */
import type { Bounds } from './contour';
import type { TraceColumns } from './series';

export interface PathPoint {
  x: number;
  y: number;
  step: number;
}

/** Whether a trace can be drawn as a path in the plane: exactly two parameters, one column each. */
export const isPlanar = (trace: Pick<TraceColumns, 'layout' | 'width'>): boolean =>
  trace.layout === 'parameters' && trace.width === 2;

/** (θ₀, θ₁) at each kept row, in step order; rows with a non-finite coordinate are left out (the run diverged there). */
export function trajectoryPoints(trace: TraceColumns): PathPoint[] {
  if (!isPlanar(trace))
    throw new RangeError(
      `trajectoryPoints: the trace has ${trace.width} ${trace.layout} columns (a path needs 2 parameters)`,
    );
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
  const grow = (lo: number, hi: number): [number, number] =>
    hi > lo ? [lo - pad * (hi - lo), hi + pad * (hi - lo)] : [lo - 1, hi + 1];
  [xMin, xMax] = grow(xMin, xMax);
  [yMin, yMax] = grow(yMin, yMax);
  return { xMin, xMax, yMin, yMax };
}

/** Where a path leaves the view: the point on the view's edge, the direction it was heading (a unit vector), the step it reached outside. */
export interface PathExit {
  x: number;
  y: number;
  dx: number;
  dy: number;
  step: number;
}

/** A path as drawn in a view: the parts inside it (a gap, a point with x and y NaN, between parts), and where it left. */
export interface FramedPath {
  points: PathPoint[];
  exits: PathExit[];
}

export interface TrajectoryFrame {
  bounds: Bounds;
  paths: FramedPath[];
}

/** The part [t0, t1] of the segment a → b inside `box` (Liang–Barsky), or null when it misses the box. */
function clipSegment(a: { x: number; y: number }, b: { x: number; y: number }, box: Bounds): [number, number] | null {
  let [t0, t1] = [0, 1];
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const sides: [number, number][] = [
    [-dx, a.x - box.xMin],
    [dx, box.xMax - a.x],
    [-dy, a.y - box.yMin],
    [dy, box.yMax - a.y],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  return [t0, t1];
}

const inside = (p: { x: number; y: number }, box: Bounds): boolean =>
  p.x >= box.xMin && p.x <= box.xMax && p.y >= box.yMin && p.y <= box.yMax;
const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
/** The point at t along a → b; a point on the box's edge is kept inside it (rounding could put it a hair outside). */
const along = (a: PathPoint, b: PathPoint, t: number, box: Bounds): { x: number; y: number } =>
  t === 0
    ? a
    : t === 1
      ? b
      : { x: clamp(a.x + t * (b.x - a.x), box.xMin, box.xMax), y: clamp(a.y + t * (b.y - a.y), box.yMin, box.yMax) };

/** A path cut to `box`: its parts inside, gaps between them, and each place it leaves (heading on to where it went). */
export function clipPath(path: readonly PathPoint[], box: Bounds): FramedPath {
  const points: PathPoint[] = [];
  const exits: PathExit[] = [];
  if (path.length === 1 && inside(path[0], box)) points.push(path[0]);
  for (let i = 1; i < path.length; i++) {
    const [a, b] = [path[i - 1], path[i]];
    const part = clipSegment(a, b, box);
    if (!part) continue;
    const [t0, t1] = part;
    const from = along(a, b, t0, box);
    const last = points.at(-1);
    if (!last || last.x !== from.x || last.y !== from.y || Number.isNaN(last.x)) {
      if (last && !Number.isNaN(last.x)) points.push({ x: NaN, y: NaN, step: a.step });
      points.push({ ...from, step: t0 === 0 ? a.step : b.step });
    }
    const to = along(a, b, t1, box);
    points.push({ ...to, step: b.step });
    if (t1 < 1) {
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      exits.push({ ...to, dx: (b.x - a.x) / length, dy: (b.y - a.y) / length, step: b.step });
    }
  }
  return { points, exits };
}

/**
 * The view over the paths of runs on one objective. Its region is where the paths start and the objective's minimiser
 * lie, widened on each side by `reach` times its size; the view is the box of every path point inside that region,
 * grown by `pad`. A run that diverges (to 1e153, say) then leaves the view instead of stretching the axes until every
 * other path is a dot: each path is cut at the view's edge (clipPath), with where and which way it left.
 */
export function frameTrajectories(
  paths: readonly (readonly PathPoint[])[],
  minimiser: { x: number; y: number } | null,
  { reach = 4, pad = 0.1 } = {},
): TrajectoryFrame {
  const anchors = [...paths.flatMap((path) => path.slice(0, 1)), ...(minimiser ? [minimiser] : [])];
  const core = viewBounds(anchors, 0);
  const size = Math.max(core.xMax - core.xMin, core.yMax - core.yMin);
  const region: Bounds = {
    xMin: core.xMin - reach * size,
    xMax: core.xMax + reach * size,
    yMin: core.yMin - reach * size,
    yMax: core.yMax + reach * size,
  };
  const bounds = viewBounds([...anchors, ...paths.flatMap((path) => path.filter((p) => inside(p, region)))], pad);
  return { bounds, paths: paths.map((path) => clipPath(path, bounds)) };
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
