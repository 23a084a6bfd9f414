/** The summary table: one row per run, with what it ran, every hyperparameter of every optimizer, then every metric. */
import type { ExportRun } from '../contract/api';
import { hyperparameterNames, optimizerKinds } from '../contract/sweep-spec';
import { formatCell, type Cell, type Column } from './csv';
import { describeObjective, hyperparameter } from '../views/format';

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every hyperparameter of every optimizer kind, once, in the engine's order; a kind without one leaves it empty. */
const hyperparameterColumns: Column<ExportRun>[] = [...new Set(optimizerKinds.flatMap(hyperparameterNames))].map(
  (name) => ({
    header: snakeCase(name),
    cell: (r) => {
      const value = hyperparameter(r.config, name);
      return value === undefined ? null : typeof value === 'boolean' ? String(value) : value;
    },
  }),
);

/**
 * A 1-D start is a number cell; a longer one is its coordinates in brackets, `[-0.5 2]`, text that cannot start a
 * formula, so it is never prefixed (a 1-D start of −0.5 was written `'-0.5`, kept as text by a spreadsheet).
 */
const startCell = (start: number[] | null): Cell =>
  start === null ? 'default' : start.length === 1 ? start[0] : `[${start.map(formatCell).join(' ')}]`;

export const summaryColumns: readonly Column<ExportRun>[] = [
  { header: 'run_id', cell: (r) => r.config.id },
  { header: 'sweep_id', cell: (r) => r.config.sweepId },
  { header: 'sweep_name', cell: (r) => r.sweepName },
  { header: 'objective', cell: (r) => describeObjective(r.config.objective) },
  { header: 'start', cell: (r) => startCell(r.config.start) },
  { header: 'optimizer', cell: (r) => r.config.optimizer.kind },
  ...hyperparameterColumns,
  { header: 'steps', cell: (r) => r.config.steps },
  { header: 'seed', cell: (r) => r.config.seed },
  { header: 'tolerance', cell: (r) => r.config.tolerance },
  { header: 'status', cell: (r) => r.summary.status },
  { header: 'final_loss', cell: (r) => r.summary.finalLoss },
  { header: 'best_loss', cell: (r) => r.summary.bestLoss },
  { header: 'best_step', cell: (r) => r.summary.bestStep },
  { header: 'steps_to_tolerance', cell: (r) => r.summary.stepsToTolerance },
  { header: 'diverged_at', cell: (r) => r.summary.divergedAt },
  { header: 'diverged_in', cell: (r) => r.summary.divergedIn },
  { header: 'error', cell: (r) => r.summary.error ?? null },
  // What a person attached to the run; empty where runs carry none (the command line).
  { header: 'starred', cell: (r) => (r.annotations ? String(r.annotations.starred) : null) },
  { header: 'tags', cell: (r) => (r.annotations ? r.annotations.tags.join('; ') : null) },
  { header: 'note', cell: (r) => r.annotations?.note ?? null },
];
