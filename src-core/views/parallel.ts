/**
 * Parallel coordinates of a sweep: one vertical axis per swept setting (on its scale, src-core/views/swept-settings.ts)
 * and one each for the final and the best loss; where each run's value sits on each axis; and brushes, ranges in data
 * units (a set of names on a categorical axis) that together (AND) pick runs. Positions are fractions of the axis
 * from its bottom (0) to its top (1), so the drawing and the dragging need no other knowledge of the scale.
 */
import type { SweepSpec } from '../contract/sweep-spec';
import { csvHeader, csvRows, type Column } from '../export/csv';
import { settingText } from './compare';
import type { RunRecord } from './heatmap';
import { settingColumns, spansDecades, type SettingScale } from './swept-settings';
import { axisTicks, type AxisTick } from './ticks';

export interface ParallelAxis {
  name: string;
  scale: SettingScale;
  /** A categorical axis's names, bottom to top; [] otherwise. */
  categories: readonly string[];
  /**
   * Per run: the value (a category's index on a categorical axis); NaN where the run lacks the setting (SGD has no
   * eps); +Infinity on a loss axis for a run that diverged or failed, drawn in the band above the axis.
   */
  values: Float64Array;
  /** The final or best loss axis. */
  loss: boolean;
}

export const LOSS_AXES = { finalLoss: 'final loss', bestLoss: 'best loss' } as const;
export type LossMetric = keyof typeof LOSS_AXES;

const lost = (run: RunRecord): boolean => run.summary.status === 'diverged' || run.summary.status === 'failed';

function lossAxis(runs: readonly RunRecord[], metric: LossMetric): ParallelAxis {
  const values = new Float64Array(runs.length);
  let [negative, positive] = [false, false];
  runs.forEach((run, r) => {
    const value = run.summary[metric];
    values[r] = lost(run) || !Number.isFinite(value) ? Infinity : value;
    if (values[r] < 0) negative = true;
    else if (values[r] > 0 && values[r] < Infinity) positive = true;
  });
  // Losses span decades: a log axis, the runs that reached exactly 0 (AdaGrad lands x² on 0) in a band below it (a
  // linear axis would crush every loss under 1 onto its 0). A loss below 0 (an objective with an offset) cannot be
  // placed on a log axis at all: linear then.
  return {
    name: LOSS_AXES[metric],
    scale: positive && !negative ? 'log' : 'linear',
    categories: [],
    values,
    loss: true,
  };
}

/**
 * A setting's scale on its axis: its own, but log where 0 stands among values spanning decades (weight decay 0, 1e-4
 * … 1e4), 0 then in the band below the axis as a loss of 0 is (on a linear axis every value under 100 crowded at its
 * foot). Not where a run lacks the setting: that band is its "none".
 */
function axisScale(scale: SettingScale, values: Float64Array): SettingScale {
  if (scale !== 'linear') return scale;
  let [low, high, zero] = [Infinity, -Infinity, false];
  for (const v of values) {
    if (!(v >= 0)) return scale;
    if (v === 0) zero = true;
    else [low, high] = [Math.min(low, v), Math.max(high, v)];
  }
  return zero && spansDecades(low, high) ? 'log' : scale;
}

/** The axes of `runs`: what the sweep varied (its `specs` say on which scale), then the final and best loss. */
export function parallelAxes(runs: readonly RunRecord[], specs: readonly SweepSpec[]): ParallelAxis[] {
  const settings = settingColumns(runs, specs).map(({ setting, values }): ParallelAxis => ({
    name: setting.name,
    scale: axisScale(setting.scale, values),
    categories: setting.scale === 'categorical' ? setting.values : [],
    values,
    loss: false,
  }));
  return [...settings, lossAxis(runs, 'finalLoss'), lossAxis(runs, 'bestLoss')];
}

/** A brush: a range in data units, ends included, or a set of categories. */
export type Brush = { kind: 'range'; min: number; max: number } | { kind: 'categories'; categories: readonly string[] };

/** The brushes, by axis name. */
export type Brushes = ReadonlyMap<string, Brush>;

/** Which runs lie inside every brush (1) or not (0); a brush on an axis not in `axes` leaves the runs be. */
export function inBrushes(axes: readonly ParallelAxis[], brushes: Brushes, runs = axes[0]?.values.length ?? 0) {
  const mask = new Uint8Array(runs).fill(1);
  for (const axis of axes) {
    const brush = brushes.get(axis.name);
    if (!brush) continue;
    const { values } = axis;
    if (brush.kind === 'range') {
      const { min, max } = brush;
      // NaN and +Infinity (no value, diverged) fail both comparisons or the second.
      for (let r = 0; r < runs; r++) if (!(values[r] >= min && values[r] <= max)) mask[r] = 0;
    } else {
      const chosen = new Uint8Array(axis.categories.length);
      for (const name of brush.categories) {
        const index = axis.categories.indexOf(name);
        if (index >= 0) chosen[index] = 1;
      }
      for (let r = 0; r < runs; r++) if (!(chosen[values[r]] === 1)) mask[r] = 0;
    }
  }
  return mask;
}

/** An axis placed on `pixels` of height: its range, ticks, and value ↔ position. */
export interface AxisLayout {
  axis: ParallelAxis;
  /** The range drawn (the data's, widened to the labels beyond it); categories: -0.5 … k − 0.5. */
  min: number;
  max: number;
  /** Categorical: one per category, at its index. */
  ticks: AxisTick[];
  /** Diverged or failed runs on this axis (a loss axis): its band above the top is drawn. */
  diverged: number;
  /** Runs without this setting: its "none" band below the bottom is drawn. */
  missing: number;
  /** Runs whose value is exactly 0 on a log axis (a loss, or a setting such as weight decay): its "0" band below the bottom is drawn. */
  zeros: number;
}

export interface LayoutRequest {
  pixels: number;
  /** The pixels a label takes along the axis (its line height). */
  extent: (label: string) => number;
  gap: number;
}

/** The range of the finite values (above 0 only, for a log scale), [NaN, NaN] when there are none. */
function finiteRange(values: Float64Array, log = false): [number, number] {
  let [min, max] = [Infinity, -Infinity];
  for (const v of values)
    if (Number.isFinite(v) && (!log || v > 0)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return min <= max ? [min, max] : [NaN, NaN];
}

export function axisLayout(axis: ParallelAxis, request: LayoutRequest): AxisLayout {
  let [diverged, missing, zeros] = [0, 0, 0];
  for (const v of axis.values) {
    if (v === Infinity) diverged++;
    else if (Number.isNaN(v)) missing++;
    else if (v === 0) zeros++;
  }
  if (axis.scale === 'categorical') {
    // Named as the form names them (AdaGrad, not adagrad); brushes and the CSV keep the ids.
    const ticks = axis.categories.map((category, value) => ({ value, label: settingText(axis.name, category) }));
    return { axis, min: -0.5, max: axis.categories.length - 0.5, ticks, diverged, missing, zeros: 0 };
  }
  const isLog = axis.scale === 'log';
  const [low, high] = finiteRange(axis.values, isLog);
  const placed = axisTicks({ min: low, max: high, log: isLog, ...request });
  return { axis, min: placed.min, max: placed.max, ticks: placed.ticks, diverged, missing, zeros: isLog ? zeros : 0 };
}

const log = (layout: AxisLayout): boolean => layout.axis.scale === 'log';

/**
 * Where `value` sits: 0 at the bottom, 1 at the top; NaN for no value, +Infinity for the diverged band, −Infinity for
 * the band of losses of exactly 0 below a log axis.
 */
export function positionOf(layout: AxisLayout, value: number): number {
  if (Number.isNaN(value) || value === Infinity) return value;
  if (log(layout) && value <= 0) return -Infinity;
  // Differences of logs, never the log of a ratio: losses from 1e-320 to 16 span a ratio past the largest double.
  if (log(layout))
    return (Math.log10(value) - Math.log10(layout.min)) / (Math.log10(layout.max) - Math.log10(layout.min) || 1);
  return (value - layout.min) / (layout.max - layout.min || 1);
}

/** The value at a position, clamped to the axis; on a categorical axis, the nearest category's index. */
export function valueAt(layout: AxisLayout, position: number): number {
  const p = Math.min(1, Math.max(0, position));
  if (layout.axis.scale === 'categorical') {
    const last = layout.axis.categories.length - 1;
    return Math.min(last, Math.max(0, Math.round(layout.min + p * (layout.max - layout.min))));
  }
  if (log(layout)) return 10 ** (Math.log10(layout.min) + p * (Math.log10(layout.max) - Math.log10(layout.min)));
  return layout.min + p * (layout.max - layout.min);
}

/** Three significant digits: a dragged brush reads 0.00123, not 0.0012304718. */
const rounded = (x: number): number => Number(x.toPrecision(3));

/**
 * The brush a drag from position `a` to `b` makes: the range between the values there (rounded to three significant
 * digits), or on a categorical axis the categories within it (the nearest one when it spans none).
 */
export function brushBetween(layout: AxisLayout, a: number, b: number): Brush {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  if (layout.axis.scale === 'categorical') {
    const names = layout.axis.categories.filter((_, i) => {
      const p = positionOf(layout, i);
      return p >= lo && p <= hi;
    });
    return { kind: 'categories', categories: names.length > 0 ? names : [layout.axis.categories[valueAt(layout, b)]] };
  }
  // A drag from the bottom of a log axis takes in its band of zeros: on a loss axis those are the best runs.
  const min = layout.zeros > 0 && lo <= 0 ? 0 : rounded(valueAt(layout, lo));
  return { kind: 'range', min, max: rounded(valueAt(layout, hi)) };
}

/** The spans [bottom, top] a brush covers on its axis: one per range, one per chosen category (its slot). */
export function brushSpans(layout: AxisLayout, brush: Brush): [number, number][] {
  if (brush.kind === 'range') {
    const clamp = (p: number) => Math.min(1, Math.max(0, p));
    return [[clamp(positionOf(layout, brush.min)), clamp(positionOf(layout, brush.max))]];
  }
  const half = 0.5 / layout.axis.categories.length;
  return brush.categories
    .map((name) => layout.axis.categories.indexOf(name))
    .filter((i) => i >= 0)
    .map((i) => [positionOf(layout, i) - half, positionOf(layout, i) + half]);
}

/** `x` to three significant digits, rounded away from the inside of a range: down for its low end, up for its high. */
function roundedOutward(x: number, end: 'low' | 'high'): number {
  const near = rounded(x);
  if (end === 'low' ? near <= x : near >= x) return near;
  // One unit of the third digit further out: 15.735879502690734 → 15.8 as a high end, 0.0009996 → 0.000999 as a low.
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(x))) - 2);
  return rounded(end === 'low' ? near - unit : near + unit);
}

/**
 * The brush spanning the whole axis: every value, or every category; the start of a brush typed in. Its ends are the
 * data's, rounded outward to three significant digits as the axis labels them ("0 to 15.8", not 15.735879502690734):
 * every run stays inside.
 */
export function wholeAxis(axis: ParallelAxis): Brush {
  if (axis.scale === 'categorical') return { kind: 'categories', categories: [...axis.categories] };
  const [min, max] = finiteRange(axis.values);
  return { kind: 'range', min: roundedOutward(min, 'low'), max: roundedOutward(max, 'high') };
}

/** The CSV of the runs inside the brushes: run id, each setting, the final and best loss, the status. */
export function brushedCsv(runs: readonly RunRecord[], axes: readonly ParallelAxis[], mask: Uint8Array): string {
  const indexes = runs.map((_, r) => r).filter((r) => mask[r] === 1);
  const settings = axes.filter((axis) => !axis.loss);
  const columns: Column<number>[] = [
    { header: 'run_id', cell: (r) => runs[r].config.id },
    ...settings.map((axis): Column<number> => ({
      header: axis.name,
      cell: (r) => {
        const v = axis.values[r];
        if (Number.isNaN(v)) return null;
        return axis.scale === 'categorical' ? axis.categories[v] : v;
      },
    })),
    { header: 'final_loss', cell: (r) => runs[r].summary.finalLoss },
    { header: 'best_loss', cell: (r) => runs[r].summary.bestLoss },
    { header: 'status', cell: (r) => runs[r].summary.status },
  ];
  return csvHeader(columns) + [...csvRows(columns, indexes)].join('');
}

/** The colour of each run as one of `buckets` steps of the scale, lost runs (diverged, failed) as `buckets`. */
export interface ColorBuckets {
  bucket: Uint8Array;
  /** The lowest and highest value coloured (of the runs not lost); NaN when every run was lost. */
  low: number;
  high: number;
  /** Spaced in log10 of the value (losses span decades), else linearly (a loss that reached 0). */
  log: boolean;
}

/** Buckets by a loss axis's values: 0 the lowest (the scale's best end), `buckets - 1` the highest. */
export function colorBuckets(axis: ParallelAxis, buckets: number): ColorBuckets {
  const log = axis.scale === 'log';
  const [low, high] = finiteRange(axis.values, log);
  const t = (v: number) =>
    log ? (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : (v - low) / (high - low);
  const bucket = new Uint8Array(axis.values.length);
  axis.values.forEach((v, r) => {
    // A loss of 0 on a log scale is below its lowest: the best colour.
    const at = high > low ? Math.max(0, t(v)) : 0;
    bucket[r] = Number.isFinite(v) ? Math.min(buckets - 1, Math.floor(at * buckets)) : buckets;
  });
  return { bucket, low, high, log };
}
