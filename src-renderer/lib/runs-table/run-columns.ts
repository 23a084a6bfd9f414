/**
 * Every column the runs table can show: the run's place, every hyperparameter of every optimizer, every metric, and
 * what a person attached. A column gives the value it sorts and filters on (a number, null when the run has none, or
 * text) and the text it shows. A loss keeps what the run ended on: ∞, −∞ or NaN for a diverged run (numbers, not
 * "none": they sort past every finite loss and filters match them).
 */
import type { StoredRun } from '../storage/records';
import type { RunSummary } from '../../../src-core/contract/types';
import { hyperparameterNames, optimizerKinds } from '../../../src-core/contract/sweep-spec';
import {
  describeObjective,
  describeStatus,
  formatMetric,
  formatOutcome,
  hyperparameter,
} from '../../../src-core/views/format';
import { objectiveLabel, optimizerLabels } from '../../../src-core/views/names';
import { optimizerDefaults } from '../../../src-core/optim';
import { settingLabel } from '../state/labels';
import { summaryField } from '../state/run-list.svelte';

export type ColumnKind = 'number' | 'text' | 'flag';
export type ColumnGroup = 'run' | 'hyperparameter' | 'metric' | 'annotation';

export interface RunColumn {
  /** Stable: chosen columns are saved by id. */
  id: string;
  label: string;
  group: ColumnGroup;
  /**
   * 'number': compared as numbers (null, "none", sorts last either way; ∞, −∞ and NaN past every finite value);
   * 'text': compared as text; 'flag': yes or no.
   */
  kind: ColumnKind;
  value: (run: StoredRun) => number | string | null;
  text: (run: StoredRun) => string;
  /** Other text a filter finds the run by: the id a text column showed before its name ("sgd" beside "SGD"). */
  alias?: (run: StoredRun) => string;
}

const numberText = (x: number | null): string => (x === null ? '—' : formatMetric(x));
const countText = (x: number | null): string => (x === null ? '—' : String(x));

function numberColumn(
  id: string,
  label: string,
  group: ColumnGroup,
  value: (run: StoredRun) => number | null,
  text = (run: StoredRun) => numberText(value(run)),
): RunColumn {
  return { id, label, group, kind: 'number', value, text };
}

/** A count (steps, a seed): shown whole, never rounded to 6 digits. */
const countColumn = (
  id: string,
  label: string,
  group: ColumnGroup,
  value: (run: StoredRun) => number | null,
): RunColumn => numberColumn(id, label, group, value, (run) => countText(value(run)));

/** A stored loss: runs stored over serve mode before its frames kept non-finite numbers have null there (read as NaN). */
const lossOf = (x: number | null): number => x ?? NaN;

/** A loss as the table shows it: "∞ (diverged at step 12)" where the run ended on a value that is not finite. */
function lossText(x: number, summary: RunSummary): string {
  const text = formatOutcome(x);
  return !Number.isFinite(x) && summary.divergedAt !== null ? `${text} (diverged at step ${summary.divergedAt})` : text;
}

const lossColumn = (id: string, label: string, loss: 'finalLoss' | 'bestLoss'): RunColumn =>
  numberColumn(
    id,
    label,
    'metric',
    (r) => lossOf(summaryField(r, loss)),
    (r) => lossText(lossOf(summaryField(r, loss)), r.summary),
  );

function textColumn(
  id: string,
  label: string,
  group: ColumnGroup,
  text: (run: StoredRun) => string,
  alias?: (run: StoredRun) => string,
): RunColumn {
  return { id, label, group, kind: 'text', value: text, text, alias };
}

/** One column per hyperparameter name across every optimizer kind, in the engine's order; "—" where a kind has none. */
function hyperparameterColumns(): RunColumn[] {
  const names = [...new Set(optimizerKinds.flatMap((kind) => hyperparameterNames(kind)))];
  return names.map((name) => {
    const numeric = optimizerKinds.some(
      (kind) => typeof (optimizerDefaults[kind] as Record<string, unknown>)[name] === 'number',
    );
    const id = `hp.${name}`;
    if (numeric) {
      return numberColumn(id, settingLabel(name), 'hyperparameter', (run) => {
        const value = hyperparameter(run.config, name);
        return typeof value === 'number' ? value : null;
      });
    }
    return textColumn(id, settingLabel(name), 'hyperparameter', (run) => {
      const value = hyperparameter(run.config, name);
      return value === undefined ? '—' : String(value);
    });
  });
}

/** Every column, in the order the table shows them. `sweepName` names a sweep by id. */
export function runColumns(sweepName: (sweepId: string) => string): RunColumn[] {
  return [
    {
      id: 'starred',
      label: '★',
      group: 'annotation',
      kind: 'flag',
      value: (r) => (r.starred ? 1 : 0),
      text: (r) => (r.starred ? '★' : ''),
    },
    textColumn('sweep', 'Sweep', 'run', (r) => sweepName(r.sweepId)),
    numberColumn(
      'index',
      '#',
      'run',
      (r) => r.index + 1,
      (r) => String(r.index + 1),
    ),
    textColumn(
      'objective',
      'Objective',
      'run',
      (r) => objectiveLabel(r.config.objective),
      (r) => describeObjective(r.config.objective),
    ),
    textColumn('start', 'Start point', 'run', (r) => (r.config.start ? r.config.start.join(', ') : 'default')),
    textColumn(
      'optimizer',
      'Optimizer',
      'run',
      (r) => optimizerLabels[r.config.optimizer.kind],
      (r) => r.config.optimizer.kind,
    ),
    ...hyperparameterColumns(),
    countColumn('steps', 'Steps', 'run', (r) => r.config.steps),
    countColumn('seed', 'Seed', 'run', (r) => r.config.seed),
    lossColumn('finalLoss', 'Final loss', 'finalLoss'),
    lossColumn('bestLoss', 'Best loss', 'bestLoss'),
    countColumn('bestStep', 'Best step', 'metric', (r) => summaryField(r, 'bestStep')),
    countColumn('stepsToTolerance', 'Steps to tolerance', 'metric', (r) => summaryField(r, 'stepsToTolerance')),
    countColumn('divergedAt', 'Diverged at step', 'metric', (r) => summaryField(r, 'divergedAt')),
    textColumn('divergedIn', 'Diverged in', 'metric', (r) => summaryField(r, 'divergedIn') ?? '—'),
    textColumn('status', 'Status', 'metric', (r) => describeStatus(r.summary)),
    textColumn('tags', 'Tags', 'annotation', (r) => r.tags.join(', ')),
    textColumn('note', 'Note', 'annotation', (r) => r.note),
  ];
}

/** What a new table shows: the columns this app always showed, the star and the tags. */
export const defaultColumnIds: readonly string[] = [
  'starred',
  'sweep',
  'index',
  'objective',
  'optimizer',
  'hp.lr',
  'hp.eps',
  'hp.weightDecay',
  'steps',
  'seed',
  'finalLoss',
  'bestLoss',
  'status',
  'tags',
];

/** The columns of what a run was set up with, which show themselves where their values differ (varyingColumnIds). */
const settingColumn = (column: RunColumn): boolean =>
  column.group === 'hyperparameter' || ['objective', 'start', 'optimizer', 'steps', 'seed'].includes(column.id);

/**
 * The setting columns whose values differ among the runs that have them (as settingsOf's differences do for legends):
 * swept eps placements or decoupled weight decay then show without a person choosing them, so swept rows never look
 * identical. A setting only some runs have (SGD's momentum beside AdaGrad) differs only if those runs differ.
 */
export function varyingColumnIds(columns: readonly RunColumn[], runs: readonly StoredRun[]): Set<string> {
  const varying = new Set<string>();
  for (const column of columns) {
    if (!settingColumn(column)) continue;
    let first: number | string | null = null;
    for (const run of runs) {
      const value = column.value(run);
      if (value === null || value === '—') continue;
      if (first === null) first = value;
      else if (value !== first) {
        varying.add(column.id);
        break;
      }
    }
  }
  return varying;
}
