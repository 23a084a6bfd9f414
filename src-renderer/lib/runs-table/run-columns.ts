/**
 * Every column the runs table can show: the run's place, every hyperparameter of every optimizer, every metric, and
 * what a person attached. A column gives the value it sorts and filters on (a number, NaN when the run has none, or
 * text) and the text it shows.
 */
import type { StoredRun } from '../storage/records';
import { hyperparameterNames, optimizerKinds } from '../../../src-core/contract/sweep-spec';
import { describeObjective, describeStatus, formatMetric, hyperparameter } from '../../../src-core/views/format';
import { optimizerDefaults } from '../../../src-core/optim';

export type ColumnKind = 'number' | 'text' | 'flag';
export type ColumnGroup = 'run' | 'hyperparameter' | 'metric' | 'annotation';

export interface RunColumn {
  /** Stable: chosen columns are saved by id. */
  id: string;
  label: string;
  group: ColumnGroup;
  /** 'number': compared as numbers (NaN, "none", sorts last); 'text': compared as text; 'flag': yes or no. */
  kind: ColumnKind;
  value: (run: StoredRun) => number | string;
  text: (run: StoredRun) => string;
}

const numberText = (x: number): string => (Number.isNaN(x) ? '—' : formatMetric(x));
const countText = (x: number): string => (Number.isNaN(x) ? '—' : String(x));
const orNaN = (x: number | null): number => x ?? NaN;

function numberColumn(id: string, label: string, group: ColumnGroup, value: (run: StoredRun) => number, text = (run: StoredRun) => numberText(value(run))): RunColumn {
  return { id, label, group, kind: 'number', value, text };
}

/** A count (steps, a seed): shown whole, never rounded to 6 digits. */
const countColumn = (id: string, label: string, group: ColumnGroup, value: (run: StoredRun) => number): RunColumn =>
  numberColumn(id, label, group, value, (run) => countText(value(run)));

function textColumn(id: string, label: string, group: ColumnGroup, text: (run: StoredRun) => string): RunColumn {
  return { id, label, group, kind: 'text', value: text, text };
}

/** "weightDecay" → "weight decay". */
const words = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** One column per hyperparameter name across every optimizer kind, in the engine's order; "—" where a kind has none. */
function hyperparameterColumns(): RunColumn[] {
  const names = [...new Set(optimizerKinds.flatMap((kind) => hyperparameterNames(kind)))];
  return names.map((name) => {
    const numeric = optimizerKinds.some((kind) => typeof (optimizerDefaults[kind] as Record<string, unknown>)[name] === 'number');
    const id = `hp.${name}`;
    if (numeric) {
      return numberColumn(id, words(name), 'hyperparameter', (run) => {
        const value = hyperparameter(run.config, name);
        return typeof value === 'number' ? value : NaN;
      });
    }
    return textColumn(id, words(name), 'hyperparameter', (run) => {
      const value = hyperparameter(run.config, name);
      return value === undefined ? '—' : String(value);
    });
  });
}

/** Every column, in the order the table shows them. `sweepName` names a sweep by id. */
export function runColumns(sweepName: (sweepId: string) => string): RunColumn[] {
  return [
    { id: 'starred', label: '★', group: 'annotation', kind: 'flag', value: (r) => (r.starred ? 1 : 0), text: (r) => (r.starred ? '★' : '') },
    textColumn('sweep', 'Sweep', 'run', (r) => sweepName(r.sweepId)),
    numberColumn('index', '#', 'run', (r) => r.index + 1, (r) => String(r.index + 1)),
    textColumn('objective', 'objective', 'run', (r) => describeObjective(r.config.objective)),
    textColumn('start', 'start', 'run', (r) => (r.config.start ? r.config.start.join(', ') : 'default')),
    textColumn('optimizer', 'optimizer', 'run', (r) => r.config.optimizer.kind),
    ...hyperparameterColumns(),
    countColumn('steps', 'steps', 'run', (r) => r.config.steps),
    countColumn('seed', 'seed', 'run', (r) => r.config.seed),
    numberColumn('finalLoss', 'final loss', 'metric', (r) => r.summary.finalLoss),
    numberColumn('bestLoss', 'best loss', 'metric', (r) => r.summary.bestLoss),
    countColumn('bestStep', 'best step', 'metric', (r) => r.summary.bestStep),
    countColumn('stepsToTolerance', 'steps to tolerance', 'metric', (r) => orNaN(r.summary.stepsToTolerance)),
    countColumn('divergedAt', 'diverged at step', 'metric', (r) => orNaN(r.summary.divergedAt)),
    textColumn('divergedIn', 'diverged in', 'metric', (r) => r.summary.divergedIn ?? '—'),
    textColumn('status', 'status', 'metric', (r) => describeStatus(r.summary)),
    textColumn('tags', 'tags', 'annotation', (r) => r.tags.join(', ')),
    textColumn('note', 'note', 'annotation', (r) => r.note),
  ];
}

/** What a new table shows: the columns this app always showed, the star and the tags. */
export const defaultColumnIds: readonly string[] = ['starred', 'sweep', 'index', 'objective', 'optimizer', 'hp.lr', 'hp.eps', 'hp.weightDecay', 'steps', 'seed', 'finalLoss', 'bestLoss', 'status', 'tags'];
