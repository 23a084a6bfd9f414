/**
 * Min-max decimation for line charts that must not hide what matters. A series of a million steps is drawn on a few
 * hundred pixel columns; per column this keeps the lowest and highest points (what a column shows is the span between
 * them), so a loss spike always survives; the series' first and last points and the edges of every stretch of
 * non-finite values (drawn as a gap, marked apart) are kept too. It reads typed arrays directly, so a million rows
 * never become a million objects, and Chart.js gets at most two points per pixel column.
 */

export interface Point {
  x: number;
  y: number;
}

export interface DecimateOptions {
  /** Pixel columns to reduce to; a series with at most 2 points per column is returned whole. */
  buckets: number;
  /** The visible x range (a zoomed chart re-decimates its view); default: the whole series. */
  from?: number;
  to?: number;
  /** Columns evenly spaced in log x; points at x ≤ 0 cannot be drawn there and are left out. */
  logX?: boolean;
  /** y ≤ 0 becomes a gap: a log y axis has no place for it (Chart.js would draw it at the axis minimum). */
  logY?: boolean;
}

/** The first index in [lo, n) whose x is > bound, or ≥ bound when `inclusive` (xs ascending). */
function firstAbove(xs: ArrayLike<number>, bound: number, lo: number, n: number, inclusive: boolean): number {
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < bound || (!inclusive && xs[mid] === bound)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The points to draw of (xs, ys), xs ascending: every point when there are few, else per column the lowest and
 * highest, plus the first and last and both sides of every change between finite and non-finite y. One point beyond each end of
 * the range is kept so that lines run to the chart's edges. Non-finite y become NaN: a gap in the line.
 */
export function decimateMinMax(xs: ArrayLike<number>, ys: ArrayLike<number>, options: DecimateOptions): Point[] {
  const n = Math.min(xs.length, ys.length);
  const logX = options.logX ?? false;
  const first = logX ? firstAbove(xs, 0, 0, n, false) : 0;
  if (first >= n) return [];
  const from = Math.max(options.from ?? xs[first], xs[first]);
  const to = Math.min(options.to ?? xs[n - 1], xs[n - 1]);
  // The points in [from, to] and one beyond each end.
  const start = Math.max(first, firstAbove(xs, from, first, n, true) - 1);
  const end = Math.min(n, firstAbove(xs, to, start, n, false) + 1);
  const logY = options.logY ?? false;
  const point = (i: number): Point => ({ x: xs[i], y: Number.isFinite(ys[i]) && !(logY && ys[i] <= 0) ? ys[i] : NaN });
  const buckets = Math.max(1, Math.floor(options.buckets));
  if (end - start <= 2 * buckets || !(to > from)) {
    const all = new Array<Point>(end - start);
    for (let i = start; i < end; i++) all[i - start] = point(i);
    return all;
  }

  const u = logX ? Math.log : (x: number) => x;
  const u0 = u(from);
  const scale = buckets / (u(to) - u0);
  const bucketOf = (i: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((u(xs[i]) - u0) * scale)));
  const kept: number[] = [];
  const keep = (i: number) => {
    if (kept.length === 0 || kept[kept.length - 1] < i) kept.push(i);
  };
  let i = start;
  while (i < end) {
    const bucket = bucketOf(i);
    let last = i;
    let lowest = -1;
    let highest = -1;
    const chosen: number[] = [];
    for (let j = i; j < end && (j === i || bucketOf(j) === bucket); j++) {
      last = j;
      const y = ys[j];
      if (Number.isFinite(y)) {
        if (lowest < 0 || y < ys[lowest]) lowest = j;
        if (highest < 0 || y > ys[highest]) highest = j;
      }
      if (j > start && Number.isFinite(y) !== Number.isFinite(ys[j - 1])) chosen.push(j - 1, j);
    }
    if (lowest >= 0) chosen.push(lowest, highest);
    for (const k of chosen.sort((a, b) => a - b)) keep(k);
    i = last + 1;
  }
  // The ends of the range: where the line starts and stops.
  if (kept[0] !== start) kept.unshift(start);
  if (kept[kept.length - 1] !== end - 1) kept.push(end - 1);
  return kept.map(point);
}

/** The first point whose y is not finite, with its value (NaN, Infinity, −Infinity), or null. */
export function firstNonFinite(xs: ArrayLike<number>, ys: ArrayLike<number>): { x: number; value: number } | null {
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) if (!Number.isFinite(ys[i])) return { x: xs[i], value: ys[i] };
  return null;
}

/** Whether any finite value is ≤ 0: such values have no place on a log axis, and the chart should say so. */
export function hasNonPositive(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] <= 0) return true;
  return false;
}
