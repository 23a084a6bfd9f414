/**
 * CSV (RFC 4180) in which every number is written in shortest round-trip form, so a parser reading it back gets the
 * very doubles that were computed, and text cells cannot be run as spreadsheet formulas.
 */
import type { RunConfig, RunSummary } from './contract/types';
import { hyperparameterNames, optimizerKinds } from './contract/sweep-spec';
import { describeObjective, hyperparameter } from './format';

export type Cell = string | number | null;

/** A leading = + - @ tab or CR makes spreadsheets evaluate a text cell; a leading apostrophe makes it plain text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function formatCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell); // JS prints the shortest string that parses back to the same double
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const formatRow = (cells: readonly Cell[]): string => cells.map(formatCell).join(',');

/** A column of a table: its header and how a record gives its cell. */
export interface Column<T> {
  header: string;
  cell: (record: T) => Cell;
}

export function toCsv<T>(columns: readonly Column<T>[], records: Iterable<T>): string {
  const lines = [formatRow(columns.map((c) => c.header))];
  for (const record of records) lines.push(formatRow(columns.map((c) => c.cell(record))));
  return `${lines.join('\r\n')}\r\n`;
}

export interface RunRow {
  config: RunConfig;
  summary: RunSummary;
}

const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every hyperparameter of every optimizer kind, once, in the engine's order; a kind without one leaves it empty. */
const hyperparameterColumns: Column<RunRow>[] = [...new Set(optimizerKinds.flatMap(hyperparameterNames))].map((name) => ({
  header: snakeCase(name),
  cell: (r) => {
    const value = hyperparameter(r.config, name);
    return value === undefined ? null : typeof value === 'boolean' ? String(value) : value;
  },
}));

/** One row per run: what it ran, every hyperparameter, then every metric. */
export const summaryColumns: readonly Column<RunRow>[] = [
  { header: 'run_id', cell: (r) => r.config.id },
  { header: 'sweep_id', cell: (r) => r.config.sweepId },
  { header: 'objective', cell: (r) => describeObjective(r.config.objective) },
  { header: 'start', cell: (r) => (r.config.start ? r.config.start.join(' ') : 'default') },
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
];

export const summaryCsv = (runs: Iterable<RunRow>): string => toCsv(summaryColumns, runs);
