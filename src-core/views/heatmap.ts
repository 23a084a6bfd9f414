/**
 * A sweep's results over its axes, for the sweep summary: a heatmap over two axes (one cell per pair of values, holding
 * the best final or best loss of the runs there: other axes and seeds may put several runs in one cell) and loss
 * curves over one numeric axis, one per value of another. What a sweep varied is read from its runs.
 */
import type { RunConfig, RunSummary } from '../contract/types';
import { settingsOf } from './compare';

export interface RunRecord {
  config: RunConfig;
  summary: RunSummary;
}

export interface SweepAxis {
  name: string;
  /** Distinct values, numeric ones in ascending order. */
  values: string[];
}

export type HeatmapMetric = 'finalLoss' | 'bestLoss';

export type HeatmapCell = Omit<RunGroup, 'at'> & { x: number; y: number };

const byValue = (a: string, b: string): number => {
  const [x, y] = [Number(a), Number(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? a.localeCompare(b) : x - y;
};

/** The settings that take more than one value across the runs: the sweep's axes. */
export function sweepAxes(runs: readonly RunRecord[]): SweepAxis[] {
  const values = new Map<string, Set<string>>();
  for (const run of runs) {
    for (const [name, value] of settingsOf(run.config)) {
      if (!values.has(name)) values.set(name, new Set());
      values.get(name)!.add(value);
    }
  }
  return [...values].filter(([, set]) => set.size > 1).map(([name, set]) => ({ name, values: [...set].sort(byValue) }));
}

/** What the runs sharing some axis values come to: the lowest finite loss among them and how many diverged. */
export interface RunGroup {
  /** The position of the group on each axis asked for: an index into that axis's values. */
  at: number[];
  /** The lowest finite loss among the group's runs; NaN when none is finite. */
  value: number;
  /** How many of the group's runs diverged, and how many it has. */
  diverged: number;
  runs: number;
  /** The run with the lowest loss, to open from the group. */
  bestRunId: string;
}

/**
 * The runs grouped by their values on `axes` (other axes and seeds may put several runs in one group); a run lacking
 * one of the axes (SGD has no eps) is in no group.
 */
export function groupRuns(runs: readonly RunRecord[], axes: readonly SweepAxis[], metric: HeatmapMetric): RunGroup[] {
  const groups = new Map<string, RunGroup>();
  for (const run of runs) {
    const settings = settingsOf(run.config);
    const at = axes.map((axis) => axis.values.indexOf(settings.get(axis.name) ?? ''));
    if (at.some((i) => i < 0)) continue;
    const key = at.join(':');
    const group = groups.get(key) ?? { at, value: NaN, diverged: 0, runs: 0, bestRunId: run.config.id };
    const loss = run.summary[metric];
    group.runs++;
    if (run.summary.status === 'diverged') group.diverged++;
    if (Number.isFinite(loss) && !(loss >= group.value)) {
      group.value = loss;
      group.bestRunId = run.config.id;
    }
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function heatmapCells(
  runs: readonly RunRecord[],
  x: SweepAxis,
  y: SweepAxis,
  metric: HeatmapMetric,
): HeatmapCell[] {
  return groupRuns(runs, [x, y], metric).map(({ at, ...group }) => ({ x: at[0], y: at[1], ...group }));
}

/** Axes whose every value is a number, so they can be an x axis (lr, eps…; not the optimizer's name). */
export const numericAxes = (axes: readonly SweepAxis[]): SweepAxis[] =>
  axes.filter((axis) => axis.values.every((v) => v.trim() !== '' && Number.isFinite(Number(v))));

export interface LossCurve {
  /** The value of the line axis this curve is for; '' when there is no line axis. */
  label: string;
  /** Ascending x; y is NaN where no run of the point had a finite loss (all diverged or failed). */
  points: { x: number; y: number; runs: number; diverged: number; bestRunId: string }[];
}

/** Loss against a numeric axis (lr by default), one curve per value of `line` (or one curve): the best run at each point. */
export function lossCurves(
  runs: readonly RunRecord[],
  x: SweepAxis,
  line: SweepAxis | null,
  metric: HeatmapMetric,
): LossCurve[] {
  const groups = groupRuns(runs, line ? [x, line] : [x], metric);
  const labels = line ? line.values : [''];
  return labels
    .map((label, l) => ({
      label,
      points: groups
        .filter((g) => (line ? g.at[1] === l : true))
        .sort((a, b) => a.at[0] - b.at[0])
        .map(({ at, value, runs: count, diverged, bestRunId }) => ({
          x: Number(x.values[at[0]]),
          y: value,
          runs: count,
          diverged,
          bestRunId,
        })),
    }))
    .filter((curve) => curve.points.length > 0);
}

/** The default pair of axes: lr × eps when the sweep varied both, else the first two it varied. */
export function defaultAxes(axes: readonly SweepAxis[]): [SweepAxis, SweepAxis] | null {
  if (axes.length < 2) return null;
  const lr = axes.find((a) => a.name === 'lr');
  const eps = axes.find((a) => a.name === 'eps');
  if (lr && eps) return [lr, eps];
  return [axes[0], axes[1]];
}

/**
 * The most distinct values a setting may take to be a heatmap axis: a grid's axis of up to 40 values keeps its cells
 * readable across the summary, while random search draws a new value for every run, which would make a column per
 * run. Such settings are read on the sweep's scatter view instead.
 */
export const MAX_MAP_VALUES = 40;

/** The most values a setting may take to be drawn as one line per value: a longer legend is no longer read. */
export const MAX_LINES = 12;

/** The axes with at most `limit` values (MAX_MAP_VALUES or MAX_LINES): those a categorical view can show. */
export const fewValuedAxes = (axes: readonly SweepAxis[], limit: number): SweepAxis[] =>
  axes.filter((axis) => axis.values.length <= limit);
