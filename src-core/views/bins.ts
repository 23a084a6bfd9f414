/**
 * A binned heatmap of one setting against another, for random search: each axis cut into bins (evenly in log10 where
 * the setting is read on a log scale, evenly otherwise, one bin per name for a categorical setting), each bin holding
 * the best loss of its runs, how many runs fell in it and how many of those diverged or failed, and the best run to
 * open. A continuous setting has a value per run, so a categorical heatmap would have a column per run; bins give the
 * same picture a grid sweep's map does.
 */
import { csvHeader, csvRows, type Column } from '../export/csv';
import type { HeatmapMetric, RunRecord } from './heatmap';
import type { SettingColumn, SettingScale } from './swept-settings';
import { metricHeader, type ScatterPoints } from './scatter';

/** Bins per axis of a continuous setting: fine enough to show a valley, coarse enough that 200 runs fill some bins. */
export const BINS_PER_AXIS = 14;

/** Bin edges, ascending, one more than the bins. */
export type Edges = Float64Array;

/**
 * `count` bins spanning [min, max]: evenly spaced in log10 on a log scale (min > 0), linearly otherwise. Both ends are
 * exactly min and max. A single value (min = max) gets one bin.
 */
export function binEdges(min: number, max: number, count: number, scale: 'log' | 'linear'): Edges {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max)
    throw new RangeError(`Bin range: from ${min} to ${max} (must be finite numbers, from ≤ to)`);
  if (scale === 'log' && !(min > 0)) throw new RangeError(`Bin range on a log scale: from ${min} (must be > 0)`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`Bin count: ${count} (must be a whole number ≥ 1)`);
  if (min === max) return Float64Array.of(min, max);
  const [a, b] = scale === 'log' ? [Math.log10(min), Math.log10(max)] : [min, max];
  const edges = new Float64Array(count + 1);
  for (let i = 0; i <= count; i++) {
    const t = a + ((b - a) * i) / count;
    edges[i] = scale === 'log' ? 10 ** t : t;
  }
  [edges[0], edges[count]] = [min, max];
  // Over a range a few ulps wide, 10^t rounds the inner edges out of order or past the ends: held in order, within the
  // range (a bin may then be empty, never inverted), so that binOf's search finds every value's one bin.
  for (let i = 1; i < count; i++) edges[i] = Math.min(max, Math.max(edges[i - 1], edges[i]));
  return edges;
}

/**
 * The bin holding `value`: the last i with edges[i] ≤ value, so each bin is [edges[i], edges[i+1]) but the last one
 * closed, keeping the maximum in it; -1 outside [first edge, last edge] or for NaN. Found by comparing against the edges
 * themselves, so a value equal to an edge is in the bin that edge starts, whatever rounding made the edge.
 */
export function binOf(edges: Edges, value: number): number {
  const last = edges.length - 1;
  if (!(value >= edges[0] && value <= edges[last])) return -1;
  let [lo, hi] = [0, last - 1];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How an axis of the binned map is cut. */
export interface BinAxis {
  name: string;
  scale: SettingScale;
  edges: Edges;
  /** The names of a categorical setting's bins (one bin each); empty for a numeric one. */
  labels: string[];
}

/**
 * The bins of a setting: one per name for a categorical setting (edges at k ± ½, where the scatter puts the names),
 * else `count` (at most one per distinct value) over the values the runs took.
 */
export function binAxis(column: SettingColumn, count = BINS_PER_AXIS): BinAxis {
  const { name, scale, values: names } = column.setting;
  if (scale === 'categorical') {
    const edges = Float64Array.from({ length: names.length + 1 }, (_, i) => i - 0.5);
    return { name, scale, edges, labels: names };
  }
  const numbers = names.map(Number);
  const [min, max] = [numbers[0], numbers[numbers.length - 1]];
  // A log setting from a spec always has positive values; one read as log from its values does too (swept-settings).
  const edges = binEdges(min, max, Math.min(count, names.length), scale === 'log' && min > 0 ? 'log' : 'linear');
  return { name, scale, edges, labels: [] };
}

export interface Bin {
  /** Column and row: the bin [x.edges[i], x.edges[i+1]] × [y.edges[j], y.edges[j+1]]. */
  i: number;
  j: number;
  /** The lowest finite loss of the bin's runs; NaN when every one diverged or failed. */
  best: number;
  /** Index (into the runs the points came from) of the run with the best loss, or of its first run when none has one. */
  bestRun: number;
  count: number;
  diverged: number;
}

/**
 * The runs of a scatter of two settings (diverged and failed ones included) in bins; only bins holding runs are listed.
 * Every run of the scatter is in exactly one bin: the axes span the values the runs took. A categorical setting's point
 * carries its jitter, within its bin's ½ either side.
 */
export function binPoints(scatter: ScatterPoints, x: BinAxis, y: BinAxis): Bin[] {
  const columns = x.edges.length - 1;
  const bins = new Map<number, Bin>();
  const add = (px: number, py: number, loss: number, run: number, apart: boolean) => {
    const [i, j] = [binOf(x.edges, px), binOf(y.edges, py)];
    if (i < 0 || j < 0) throw new RangeError(`A run at (${px}, ${py}) lies outside the bins of ${x.name} × ${y.name}`);
    const key = j * columns + i;
    let bin = bins.get(key);
    if (!bin) bins.set(key, (bin = { i, j, best: NaN, bestRun: run, count: 0, diverged: 0 }));
    bin.count++;
    if (apart) bin.diverged++;
    else if (!(loss >= bin.best)) [bin.best, bin.bestRun] = [loss, run];
  };
  for (const [columnsOf, apart] of [
    [scatter.points, false],
    [scatter.apart, true],
  ] as const)
    for (let k = 0; k < columnsOf.run.length; k++)
      add(columnsOf.x[k], columnsOf.y[k], columnsOf.loss[k], columnsOf.run[k], apart);
  return [...bins.values()];
}

/** An axis's columns in the bins' CSV: a categorical setting's name, or a numeric bin's two edges. */
function axisColumns(axis: BinAxis, of: (bin: Bin) => number): Column<Bin>[] {
  if (axis.scale === 'categorical') return [{ header: axis.name, cell: (bin) => axis.labels[of(bin)] }];
  return [
    { header: `${axis.name}_from`, cell: (bin) => axis.edges[of(bin)] },
    { header: `${axis.name}_to`, cell: (bin) => axis.edges[of(bin) + 1] },
  ];
}

/** The bins as CSV, column by column then row by row: where each bin is, its runs, diverged runs, best loss and run. */
export function* binsCsv(
  runs: readonly RunRecord[],
  bins: readonly Bin[],
  x: BinAxis,
  y: BinAxis,
  metric: HeatmapMetric,
): Generator<string> {
  const columns: Column<Bin>[] = [
    ...axisColumns(x, (bin) => bin.i),
    ...axisColumns(y, (bin) => bin.j),
    { header: 'runs', cell: (bin) => bin.count },
    { header: 'diverged', cell: (bin) => bin.diverged },
    { header: `best_${metricHeader[metric]}`, cell: (bin) => (Number.isNaN(bin.best) ? null : bin.best) },
    { header: 'best_run_id', cell: (bin) => (Number.isNaN(bin.best) ? null : runs[bin.bestRun].config.id) },
  ];
  yield csvHeader(columns);
  yield* csvRows(
    columns,
    [...bins].sort((a, b) => a.i - b.i || a.j - b.j),
  );
}
