/** What tells runs apart, for legends and comparison tables: only the settings that differ between them. */
import type { ObjectiveConfig } from '../contract/engine';
import type { RunConfig, RunSummary } from '../contract/types';
import { createObjective, objectiveDimension } from '../objectives';
import { describeStatus, formatCount, formatMetric, formatOutcome, numberText } from './format';
import { kindLabel } from './names';

/** The names a run's settings use besides its objective's own (hyperparameters come from the optimizer). */
const runLevelNames = new Set(['objective', 'start', 'optimizer', 'kind', 'steps', 'seed', 'tolerance']);

/**
 * A run's settings as flat name → text pairs: the objective and each of its settings, start, optimizer, each
 * hyperparameter, steps, seed, tolerance. Values are exact (String(x)), so two different doubles never read alike.
 * An objective setting is named by its key, or `<objective>.<key>` where the key is also a run-level name
 * (sparse-logreg's seed makes its data set; the run's seed is another thing).
 */
export function settingsOf(config: RunConfig): Map<string, string> {
  const { id, ...objectiveSettings } = config.objective as { id: string } & Record<string, unknown>;
  const settings = new Map<string, string>([['objective', id]]);
  for (const [key, value] of Object.entries(objectiveSettings))
    settings.set(runLevelNames.has(key) ? `${id}.${key}` : key, String(value));
  settings.set('start', config.start ? config.start.join(' ') : 'default');
  settings.set('optimizer', config.optimizer.kind);
  for (const [name, value] of Object.entries(config.optimizer)) if (name !== 'kind') settings.set(name, String(value));
  settings.set('steps', String(config.steps));
  settings.set('seed', String(config.seed));
  settings.set('tolerance', config.tolerance === null ? 'none' : String(config.tolerance));
  return settings;
}

/** True when the values present (undefined: the run lacks the setting) take more than one value. */
const varies = (values: readonly (string | undefined)[]): boolean =>
  new Set(values.filter((x) => x !== undefined)).size > 1;

/**
 * The setting names whose values differ among the runs that have them. A setting only one optimizer has (SGD's
 * momentum beside AdaGrad) is not a difference by itself: the optimizer name already says so.
 */
export function differingSettings(configs: readonly RunConfig[]): string[] {
  const all = configs.map(settingsOf);
  const names = [...new Set(all.flatMap((s) => [...s.keys()]))];
  return names.filter((name) => varies(all.map((s) => s.get(name))));
}

/**
 * A value of settingsOf for reading: an objective or optimizer by the name the form gives it ("AdaGrad"), a number
 * by `number` (6 significant digits unless told), anything else as it is.
 */
export function settingText(name: string, value: string, number: (x: number) => string = formatMetric): string {
  if (name === 'objective' || name === 'optimizer') return kindLabel(name, value);
  const x = Number(value);
  return value.trim() !== '' && Number.isFinite(x) ? number(x) : value;
}

/**
 * How a view names a setting of settingsOf for people: as the form labels its field ("Learning rate" for lr), which
 * the renderer knows (src-renderer/lib/state/labels.ts settingLabel). The spec's own names ("weightDecay=0") are for files.
 */
export type SettingNamer = (name: string) => string;

/**
 * Settings of settingsOf for reading, as a legend or a list names them: "Learning rate 0.1, Weight decay 0", an
 * objective or an optimizer by its name alone ("AdaGrad", "f(x) = x²"), which says what it is.
 */
export function settingsText(settings: Iterable<readonly [string, string]>, label: SettingNamer): string {
  return [...settings]
    .map(([name, value]) =>
      name === 'objective' || name === 'optimizer'
        ? settingText(name, value)
        : `${label(name)} ${settingText(name, value)}`,
    )
    .join(', ');
}

/**
 * A legend label naming only what differs and this run has: "Learning rate 0.1, Epsilon 1e-8"; a lone run gets its
 * optimizer and learning rate ("AdaGrad, Learning rate 1").
 */
export function legendLabel(config: RunConfig, differing: readonly string[], label: SettingNamer): string {
  const settings = settingsOf(config);
  const names = differing.length > 0 ? differing : ['optimizer', 'lr'];
  return settingsText(
    names.flatMap((name) => (settings.has(name) ? [[name, settings.get(name)!] as const] : [])),
    label,
  );
}

export interface ComparedRun {
  config: RunConfig;
  summary: RunSummary;
}

/** One row of the comparison table: a setting (what the run was asked to do) or an outcome (what it did). */
export interface ComparisonRow {
  name: string;
  kind: 'setting' | 'outcome';
  /** One cell per run, in the runs' order; undefined where a run has no such setting (SGD has no eps). */
  cells: (string | undefined)[];
  /**
   * Settings: the values differ among the runs that have them (as for legends). Outcomes: any two cells differ, an
   * empty one included (one run diverged, the other did not).
   */
  differs: boolean;
}

/** What a run did, as the table reads it; rows that mean nothing for any of the runs are left out. */
const outcomes: { name: string; cell: (s: RunSummary) => string | undefined }[] = [
  { name: 'status', cell: (s) => describeStatus(s) },
  { name: 'final loss', cell: (s) => formatOutcome(s.finalLoss) },
  { name: 'best loss', cell: (s) => formatOutcome(s.bestLoss) },
  { name: 'best step', cell: (s) => String(s.bestStep) },
  { name: 'steps to tolerance', cell: (s) => (s.stepsToTolerance === null ? undefined : String(s.stepsToTolerance)) },
  { name: 'diverged at', cell: (s) => (s.divergedAt === null ? undefined : `step ${s.divergedAt} (${s.divergedIn})`) },
];

/** The most coordinates of a default start the table writes out; past them it counts them. */
const MAX_START_SHOWN = 4;

/**
 * A default start as the table reads it: "default (4)", "default (0.496714, -0.138264, …)" to six digits (the seeds'
 * 2×2 start is NumPy's normal draws: written exactly they make the column three times as wide, and the objective row
 * already tells two defaults apart), or "default (1,000 coordinates)" past MAX_START_SHOWN (the objective is built
 * only for a small one, which builds in no time).
 */
function defaultStartText(objective: ObjectiveConfig): string {
  const dim = objectiveDimension(objective);
  return dim > MAX_START_SHOWN
    ? `default (${formatCount(dim)} coordinates)`
    : `default (${Array.from(createObjective(objective).defaultStart(), formatMetric).join(', ')})`;
}

/**
 * The comparison table of some runs: every setting any of them has (objective, its settings, start, optimizer, every
 * hyperparameter, steps, seed, tolerance), then their outcomes, each row marked when its values differ.
 */
export function comparisonRows(runs: readonly ComparedRun[]): ComparisonRow[] {
  const all = runs.map((run) => settingsOf(run.config));
  const names = [...new Set(all.flatMap((s) => [...s.keys()]))];
  const settingRows = names.map((name): ComparisonRow => {
    const exact = all.map((s) => s.get(name));
    // Every digit, since the row says whether they differ, in the style every view writes numbers: 1e7, not 10000000.
    const cells = exact.map((cell, i) =>
      cell === undefined
        ? undefined
        : name === 'start' && cell === 'default'
          ? defaultStartText(runs[i].config.objective)
          : settingText(name, cell, numberText),
    );
    return { name, kind: 'setting', cells, differs: varies(exact) };
  });
  const outcomeRows = outcomes.flatMap(({ name, cell }): ComparisonRow[] => {
    const cells = runs.map((run) => cell(run.summary));
    return cells.every((c) => c === undefined)
      ? []
      : [{ name, kind: 'outcome', cells, differs: new Set(cells).size > 1 }];
  });
  return [...settingRows, ...outcomeRows];
}
