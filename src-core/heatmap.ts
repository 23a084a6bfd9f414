/**
 * A sweep's results over two of its axes: one cell per pair of values, holding the best final (or best) loss of the
 * runs there (other axes and seeds may put several runs in one cell). What a sweep varied is read from its runs.
 */
import type { RunConfig, RunSummary } from './contract/types';
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

export interface HeatmapCell {
  x: number;
  y: number;
  /** The lowest finite loss among the cell's runs; NaN when none is finite. */
  value: number;
  /** How many of the cell's runs diverged, and how many it has. */
  diverged: number;
  runs: number;
  /** The run with the lowest loss, to open from the cell. */
  bestRunId: string;
}

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

export function heatmapCells(runs: readonly RunRecord[], x: SweepAxis, y: SweepAxis, metric: HeatmapMetric): HeatmapCell[] {
  const cells = new Map<string, HeatmapCell>();
  for (const run of runs) {
    const settings = settingsOf(run.config);
    const xi = x.values.indexOf(settings.get(x.name) ?? '');
    const yi = y.values.indexOf(settings.get(y.name) ?? '');
    if (xi < 0 || yi < 0) continue; // the run lacks one of the axes (e.g. SGD has no eps)
    const key = `${xi}:${yi}`;
    const cell = cells.get(key) ?? { x: xi, y: yi, value: NaN, diverged: 0, runs: 0, bestRunId: run.config.id };
    const loss = run.summary[metric];
    cell.runs++;
    if (run.summary.status === 'diverged') cell.diverged++;
    if (Number.isFinite(loss) && !(loss >= cell.value)) {
      cell.value = loss;
      cell.bestRunId = run.config.id;
    }
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/** The default pair of axes: lr × eps when the sweep varied both, else the first two it varied. */
export function defaultAxes(axes: readonly SweepAxis[]): [SweepAxis, SweepAxis] | null {
  if (axes.length < 2) return null;
  const lr = axes.find((a) => a.name === 'lr');
  const eps = axes.find((a) => a.name === 'eps');
  if (lr && eps) return [lr, eps];
  return [axes[0], axes[1]];
}
