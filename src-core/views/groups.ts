/**
 * Groups of runs, as W&B's "group by": the runs that differ only by their seed, or the runs that share the values of
 * settings a person chose. The charts draw a group's median or mean per step with a band (min–max or ± one standard
 * deviation); the group table compares their outcomes. Divergences are counted per group, never dropped silently.
 */
import type { RunConfig, RunSummary } from '../contract/types';
import type { Column } from '../export/csv';
import { differingSettings, settingsOf, settingsText, type SettingNamer } from './compare';
import { formatCount, formatMetric } from './format';

/** How runs are grouped: every setting but the run's seed alike, or the chosen settings alike. */
export type Grouping = { kind: 'seeds' } | { kind: 'settings'; names: readonly string[] };

export interface GroupedRun {
  config: RunConfig;
  summary: RunSummary;
}

export interface RunGroup<R extends GroupedRun> {
  /** What the group's runs share that tells the groups apart, name → exact value text, in the settings' order. */
  settings: [string, string][];
  runs: R[];
  diverged: number;
  failed: number;
}

/** The settings two runs must share to be in one group. */
function keySettings(config: RunConfig, grouping: Grouping): [string, string][] {
  const all = settingsOf(config);
  if (grouping.kind === 'seeds') return [...all].filter(([name]) => name !== 'seed');
  return grouping.names.map((name) => [name, all.get(name) ?? '(none)']);
}

/** The runs in groups, in the order of each group's first run. */
export function groupRuns<R extends GroupedRun>(runs: readonly R[], grouping: Grouping): RunGroup<R>[] {
  const groups = new Map<string, RunGroup<R>>();
  // What the groups' labels name: the settings that differ between them (for seed groups every differing one but the
  // seed, which by construction differs only within a group), or the chosen ones.
  const shown =
    grouping.kind === 'seeds'
      ? differingSettings(runs.map((r) => r.config)).filter((name) => name !== 'seed')
      : grouping.names;
  for (const run of runs) {
    const key = JSON.stringify(keySettings(run.config, grouping));
    let group = groups.get(key);
    if (!group) {
      const settings = settingsOf(run.config);
      group = {
        settings: shown.map((name) => [name, settings.get(name) ?? '(none)']),
        runs: [],
        diverged: 0,
        failed: 0,
      };
      groups.set(key, group);
    }
    group.runs.push(run);
    if (run.summary.status === 'diverged') group.diverged++;
    if (run.summary.status === 'failed') group.failed++;
  }
  return [...groups.values()];
}

/**
 * Seed groups when some runs differ only by their seed (there is something to aggregate), else none. Runs alike in
 * every setting, seed included (one run and its re-run), are not seeds of one setting: they alone group nothing.
 */
export function defaultGrouping(runs: readonly GroupedRun[]): Grouping | null {
  const seeded = groupRuns(runs, { kind: 'seeds' }).some((g) => new Set(g.runs.map((r) => r.config.seed)).size > 1);
  return seeded ? { kind: 'seeds' } : null;
}

/** "Learning rate 0.1, Epsilon 1e-8": the group's settings, as legends name them; "all runs" when nothing tells groups apart. */
export function groupName(group: Pick<RunGroup<GroupedRun>, 'settings'>, label: SettingNamer): string {
  return settingsText(group.settings, label) || 'all runs';
}

/** The legend's entry: "Learning rate 0.1 (5 runs, 1 diverged)", divergences and failures always said. */
export function groupLabel(group: RunGroup<GroupedRun>, label: SettingNamer): string {
  const n = group.runs.length;
  const parts = [`${formatCount(n)} run${n === 1 ? '' : 's'}`];
  if (group.diverged > 0) parts.push(`${formatCount(group.diverged)} diverged`);
  if (group.failed > 0) parts.push(`${formatCount(group.failed)} failed`);
  return `${groupName(group, label)} (${parts.join(', ')})`;
}

/** One run's series in a group: its values at its steps, and the last step it may contribute at. */
export interface Member {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  /** A diverged run's divergence step (it contributes nothing after it); Infinity otherwise. */
  until: number;
}

/** Per step of the union of the members' steps: how many runs contribute and their statistics. */
export interface GroupSeries {
  steps: Float64Array;
  count: Uint32Array;
  mean: Float64Array;
  median: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** The sample standard deviation (n − 1); NaN where one run contributes. */
  sd: Float64Array;
}

/**
 * The group's statistics per step.
 *
 * Alignment: runs of one sweep keep the same scheduled steps, but a run also keeps its loss spike and its divergence
 * step off the schedule, and runs of different lengths keep different log-spaced steps. The statistics are taken at
 * every step any run kept (the union), each run contributing its value at steps it kept and, between two of its kept
 * rows, the value its own line is drawn through there (linear between them, as the chart draws it). Taking only the
 * runs that kept a step would make the median jump to one run's spike at its spike's step; taking only the steps every
 * run kept would drop that spike from the band. A run contributes only finite values (a non-finite one is the
 * divergence the label counts) and nothing past its divergence step, nor across a non-finite row.
 *
 * Values at a step are sorted before they are summed, so the result does not depend on the order of the runs.
 */
export function groupSeries(members: readonly Member[]): GroupSeries {
  const usable = members.map(({ steps, values, until }) =>
    Uint8Array.from({ length: Math.min(steps.length, values.length) }, (_, r) =>
      Number.isFinite(values[r]) && steps[r] <= until ? 1 : 0,
    ),
  );
  const kept = new Set<number>();
  members.forEach(({ steps }, j) => usable[j].forEach((ok, r) => ok && kept.add(steps[r])));
  const union = Float64Array.from(kept).sort();
  const width = members.length;
  // Per step, the members' values (NaN where a member has none), gathered member by member in one pass each.
  const grid = new Float64Array(union.length * width).fill(NaN);
  members.forEach(({ steps, values }, j) => {
    const ok = usable[j];
    let r = 0;
    union.forEach((step, i) => {
      while (r + 1 < ok.length && steps[r + 1] <= step) r++;
      if (steps[r] === step) {
        if (ok[r]) grid[i * width + j] = values[r];
      } else if (steps[r] < step && r + 1 < ok.length && ok[r] && ok[r + 1]) {
        const f = (step - steps[r]) / (steps[r + 1] - steps[r]);
        grid[i * width + j] = values[r] + f * (values[r + 1] - values[r]);
      }
    });
  });
  const n = union.length;
  const out: GroupSeries = {
    steps: union,
    count: new Uint32Array(n),
    mean: new Float64Array(n),
    median: new Float64Array(n),
    min: new Float64Array(n),
    max: new Float64Array(n),
    sd: new Float64Array(n),
  };
  const at = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = 0; j < width; j++) {
      const v = grid[i * width + j];
      if (!Number.isNaN(v)) at[k++] = v;
    }
    const sorted = at.subarray(0, k).sort();
    const { mean, sd } = meanSd(sorted);
    out.count[i] = k;
    out.min[i] = sorted[0];
    out.max[i] = sorted[k - 1];
    out.median[i] = k % 2 === 1 ? sorted[(k - 1) / 2] : midpoint(sorted[k / 2 - 1], sorted[k / 2]);
    out.mean[i] = mean;
    out.sd[i] = sd;
  }
  return out;
}

/**
 * The midpoint of a ≤ b, within [a, b]. Halving each first cannot overflow, but halving a subnormal rounds (half of
 * −1.5e-323 is −1e-323, to even), and two such halves can sum past b: the result is held inside.
 */
function midpoint(a: number, b: number): number {
  return Math.min(b, Math.max(a, a / 2 + b / 2));
}

export interface MeanSd {
  /** How many values: the mean is NaN for none, the sd NaN for fewer than two. */
  n: number;
  mean: number;
  /** The sample standard deviation, Σ(x − mean)² / (n − 1) under the root. */
  sd: number;
}

/**
 * The mean and sample standard deviation of finite values, in two passes. The exact mean lies within [min, max], but
 * a rounded sum divided by n can land an ulp outside it (three 0.1s give 0.10000000000000002): it is held inside.
 */
export function meanSd(values: ArrayLike<number>): MeanSd {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, sd: NaN };
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const mean = Math.min(hi, Math.max(lo, sum / n));
  if (n === 1) return { n, mean, sd: NaN };
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  return { n, mean, sd: Math.sqrt(squares / (n - 1)) };
}

/** "0.0123 ± 0.004"; "0.0123 ± —" for one value, whose spread is unknown; "—" for none. */
export function formatMeanSd({ n, mean, sd }: MeanSd): string {
  if (n === 0) return '—';
  return `${formatMetric(mean)} ± ${n > 1 ? formatMetric(sd) : '—'}`;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A group's row in the group table. */
export interface GroupOutcome {
  settings: [string, string][];
  runs: number;
  diverged: number;
  failed: number;
  /**
   * Over the runs that ended without diverging or failing: a diverged run's final loss is where it blew up (NaN, ∞ or
   * past the divergence threshold), so it is counted in `diverged` rather than averaged.
   */
  finalLoss: MeanSd;
  /** Over every run that did not fail: a diverged run's best loss is one it reached before it diverged. */
  bestLoss: MeanSd;
}

export function groupOutcome(group: RunGroup<GroupedRun>): GroupOutcome {
  const summaries = group.runs.map((r) => r.summary);
  const ended = summaries.filter((s) => s.status !== 'diverged' && s.status !== 'failed');
  return {
    settings: group.settings,
    runs: group.runs.length,
    diverged: group.diverged,
    failed: group.failed,
    finalLoss: meanSd(ended.map((s) => s.finalLoss).filter(finite)),
    bestLoss: meanSd(
      summaries
        .filter((s) => s.status !== 'failed')
        .map((s) => s.bestLoss)
        .filter(finite),
    ),
  };
}

/**
 * The group table's CSV columns: one per grouping setting (exact values), then runs, diverged, failed and each loss's
 * runs, mean and sd (empty where undefined: no value, or one value's spread).
 */
export function groupCsvColumns(outcomes: readonly GroupOutcome[]): Column<GroupOutcome>[] {
  const names = [...new Set(outcomes.flatMap((o) => o.settings.map(([name]) => name)))];
  const number = (x: number) => (Number.isNaN(x) ? null : x);
  const loss = (key: 'finalLoss' | 'bestLoss', prefix: string): Column<GroupOutcome>[] => [
    { header: `${prefix}_runs`, cell: (o) => o[key].n },
    { header: `${prefix}_mean`, cell: (o) => number(o[key].mean) },
    { header: `${prefix}_sd`, cell: (o) => number(o[key].sd) },
  ];
  return [
    ...names.map((name) => ({
      header: name,
      cell: (o: GroupOutcome) => o.settings.find(([n]) => n === name)?.[1] ?? null,
    })),
    { header: 'runs', cell: (o) => o.runs },
    { header: 'diverged', cell: (o) => o.diverged },
    { header: 'failed', cell: (o) => o.failed },
    ...loss('finalLoss', 'final_loss'),
    ...loss('bestLoss', 'best_loss'),
  ];
}
