/**
 * What the selection's step charts draw beyond one line per run: a line and a band per group of runs (grouping on),
 * and smoothed loss curves with their raw curves faint behind them.
 */
import type { ChartLine } from '../../lib/charts/chart-line';
import type { StepMarker } from '../../lib/charts/chart-marks';
import type { StoredRun, StoredTrace } from '../../lib/storage/records';
import { seriesLine } from '../../lib/charts/colors';
import { groupLabel, groupName, groupSeries, type Member, type RunGroup } from '../../../src-core/views/groups';
import { settingLabel } from '../../lib/state/labels';
import { settingsText } from '../../../src-core/views/compare';
import { divergenceOf, metricSeries, type Metric } from '../../../src-core/views/series';
import { smoothOverSteps } from '../../../src-core/views/smoothing';

/** Grouping as the charts draw it: the groups, the line each gets and the band around it. */
export interface ChartGrouping {
  groups: RunGroup<StoredRun>[];
  /** The group's line: the median of its runs per step, or their mean. */
  center: 'median' | 'mean';
  /** Its band: from the lowest run to the highest, or the mean ± one sample standard deviation. */
  band: 'minmax' | 'sd';
}

/**
 * Per group and per series of `metric` (one for the loss; one per parameter otherwise), the group's line and band in
 * the group's colour (group g takes the g-th line style), labelled "lr=0.1 (4 runs, 1 diverged)"; each diverged run
 * is marked at its divergence step in its group's colour. Runs whose traces are not loaded yet are left out of the
 * lines until they are (the label counts every run of the group).
 */
export function addGroupLines(
  { groups, center, band }: ChartGrouping,
  traces: ReadonlyMap<string, StoredTrace>,
  metric: Metric,
  lines: ChartLine[],
  markers: StepMarker[],
): void {
  groups.forEach((group, g) => {
    const style = seriesLine(g);
    const members = new Map<string, Member[]>();
    for (const run of group.runs) {
      const trace = traces.get(run.id);
      if (!trace) continue;
      const divergence = divergenceOf(run.summary, trace);
      if (divergence)
        markers.push({
          x: divergence.step,
          color: style.color,
          label: `${groupName(group, settingLabel)}, ${settingsText([['seed', String(run.config.seed)]], settingLabel)}: ${divergence.text}`,
        });
      const until = run.summary.divergedAt ?? Infinity;
      for (const series of metricSeries(trace, metric, run.config.optimizer)) {
        const list = members.get(series.name) ?? [];
        list.push({ steps: series.steps, values: series.values, until });
        members.set(series.name, list);
      }
    }
    const label = groupLabel(group, settingLabel);
    for (const [name, list] of members) {
      const stats = groupSeries(list);
      // One run has no spread: its band is its line (the table says "—" for its sd).
      const spread = stats.sd.map((sd, i) => (stats.count[i] > 1 ? sd : 0));
      lines.push({
        label: members.size > 1 ? `${label} ${name}` : label,
        steps: stats.steps,
        values: stats[center],
        color: style.color,
        dash: style.dash,
        band:
          band === 'minmax'
            ? { lower: stats.min, upper: stats.max }
            : { lower: stats.mean.map((m, i) => m - spread[i]), upper: stats.mean.map((m, i) => m + spread[i]) },
      });
    }
  });
}

/**
 * Each line smoothed over steps with weight `alpha` (src-core/views/smoothing.ts), its band's edges too, and its raw
 * curve drawn faint behind it; the lines as they are for α = 0.
 */
export function smoothLines(lines: readonly ChartLine[], alpha: number): ChartLine[] {
  if (alpha === 0) return [...lines];
  const smooth = (values: ArrayLike<number>, steps: ArrayLike<number>) => smoothOverSteps(steps, values, alpha);
  return lines.flatMap((line) => [
    { ...line, label: `${line.label} (raw)`, band: undefined, faint: true },
    {
      ...line,
      values: smooth(line.values, line.steps),
      band: line.band && { lower: smooth(line.band.lower, line.steps), upper: smooth(line.band.upper, line.steps) },
    },
  ]);
}
