/**
 * The points of a sweep's scatter views, from settingColumns: loss against one setting, or one setting against another
 * (coloured by loss). One point per run, as typed columns so 10,000 runs cost a few arrays. A run that diverged or
 * failed has no loss to draw: it goes apart (the view pins it to the plot's edge and counts it), never dropped; a run
 * without the setting (SGD has no eps) is counted as missing.
 *
 * A categorical setting (the optimizer) reads as its index into the setting's names, jittered within ±JITTER so the
 * runs of one category spread out instead of piling on one x; the jitter is a hash of the run's id, so a run stays
 * where it was from one draw (and one session) to the next.
 */
import type { RunStatus } from '../contract/types';
import { csvHeader, csvRows, type Cell, type Column } from '../export/csv';
import type { HeatmapMetric, RunRecord } from './heatmap';
import type { SettingColumn } from './swept-settings';

/** Points as columns; point k is run `run[k]` of the runs given. */
export interface PointColumns {
  x: Float64Array;
  y: Float64Array;
  /** The metric asked for: for loss against a setting, the same numbers as `y`. */
  loss: Float64Array;
  run: Uint32Array;
}

export interface ScatterPoints {
  /** Runs with a finite loss. */
  points: PointColumns;
  /** Runs that diverged or failed (or ended without a finite loss), at their settings; `loss` as they ended. */
  apart: PointColumns;
  /** Runs lacking one of the settings drawn. */
  missing: number;
}

/** Half the width a category's runs spread over, in category widths: neighbouring categories stay apart. */
export const JITTER = 0.3;

/** FNV-1a of the id, mapped to [-JITTER, JITTER]: the same run lands at the same place every time. */
export function categoryJitter(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return ((hash >>> 0) / 0xffffffff - 0.5) * 2 * JITTER;
}

/** Whether a run has no loss to draw: it diverged or failed, or its metric is not finite. */
export const isApart = (status: RunStatus, loss: number): boolean =>
  status === 'diverged' || status === 'failed' || !Number.isFinite(loss);

/** A setting's value for run r on the plot: the number, or the category's index jittered. */
function plotted(column: SettingColumn, r: number, id: string): number {
  const value = column.values[r];
  return column.setting.scale === 'categorical' && !Number.isNaN(value) ? value + categoryJitter(id) : value;
}

class ColumnsBuilder {
  private readonly columns: PointColumns;
  private size = 0;
  constructor(capacity: number) {
    this.columns = {
      x: new Float64Array(capacity),
      y: new Float64Array(capacity),
      loss: new Float64Array(capacity),
      run: new Uint32Array(capacity),
    };
  }
  push(x: number, y: number, loss: number, run: number): void {
    const k = this.size++;
    [this.columns.x[k], this.columns.y[k], this.columns.loss[k], this.columns.run[k]] = [x, y, loss, run];
  }
  build(): PointColumns {
    const { x, y, loss, run } = this.columns;
    return {
      x: x.slice(0, this.size),
      y: y.slice(0, this.size),
      loss: loss.slice(0, this.size),
      run: run.slice(0, this.size),
    };
  }
}

/**
 * One point per run at (setting x, setting y), or (setting x, loss) when `y` is null; `runs` in the order the columns
 * were built from.
 */
export function scatterPoints(
  runs: readonly RunRecord[],
  x: SettingColumn,
  y: SettingColumn | null,
  metric: HeatmapMetric,
): ScatterPoints {
  const points = new ColumnsBuilder(runs.length);
  const apart = new ColumnsBuilder(runs.length);
  let missing = 0;
  runs.forEach((run, r) => {
    const px = plotted(x, r, run.config.id);
    const loss = run.summary[metric];
    const py = y ? plotted(y, r, run.config.id) : loss;
    if (Number.isNaN(px) || (y && Number.isNaN(py))) {
      missing++;
      return;
    }
    (isApart(run.summary.status, loss) ? apart : points).push(px, py, loss, r);
  });
  return { points: points.build(), apart: apart.build(), missing };
}

/** The lowest and highest positive finite value of `values` (for a log colour scale); null when there is none. */
export function positiveRange(values: Float64Array): { low: number; high: number } | null {
  let [low, high] = [Infinity, -Infinity];
  for (const v of values) {
    if (!(v > 0) || v === Infinity) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return low <= high ? { low, high } : null;
}

/**
 * Where a loss sits on a log colour scale from `low` to `high`: 0 at low (the best colour), 1 at high. Values ≤ 0 take
 * the best colour (a loss of exactly 0 is the best there is).
 */
export function logPosition(value: number, low: number, high: number): number {
  if (!(value > 0)) return 0;
  const [a, b] = [Math.log10(low), Math.log10(high)];
  return b > a ? Math.min(1, Math.max(0, (Math.log10(value) - a) / (b - a))) : 0;
}

/** The setting the loss is drawn against by default: lr, else the first numeric setting swept, else the first. */
export function defaultSetting(columns: readonly SettingColumn[]): SettingColumn | undefined {
  return (
    columns.find((c) => c.setting.name === 'lr') ?? columns.find((c) => c.setting.scale !== 'categorical') ?? columns[0]
  );
}

/** A metric's column name in CSV files, as the summary CSV names it. */
export const metricHeader: Record<HeatmapMetric, string> = { finalLoss: 'final_loss', bestLoss: 'best_loss' };

/** A setting's value in run r, as a CSV cell: the number, or a categorical setting's name; empty where it lacks it. */
export function settingCell(column: SettingColumn, r: number): Cell {
  const value = column.values[r];
  if (Number.isNaN(value)) return null;
  return column.setting.scale === 'categorical' ? column.setting.values[value] : value;
}

/**
 * The runs of a scatter as CSV, in the runs' order, diverged and failed ones included: run_id, the settings drawn (the
 * exact values, not a category's jitter), the metric as the run ended (Infinity, NaN too) and the status.
 */
export function* scatterCsv(
  runs: readonly RunRecord[],
  scatter: ScatterPoints,
  x: SettingColumn,
  y: SettingColumn | null,
  metric: HeatmapMetric,
): Generator<string> {
  const columns: Column<number>[] = [
    { header: 'run_id', cell: (r) => runs[r].config.id },
    ...[x, ...(y ? [y] : [])].map((c) => ({ header: c.setting.name, cell: (r: number) => settingCell(c, r) })),
    { header: metricHeader[metric], cell: (r) => runs[r].summary[metric] },
    { header: 'status', cell: (r) => runs[r].summary.status },
  ];
  yield csvHeader(columns);
  yield* csvRows(columns, Uint32Array.from([...scatter.points.run, ...scatter.apart.run]).sort());
}
