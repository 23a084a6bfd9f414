/**
 * CSV (RFC 4180) in which every number is written in shortest round-trip form, so a parser reading it back gets the
 * very doubles that were computed, and text cells cannot be run as spreadsheet formulas.
 */
import type { RunConfig, RunSummary } from './contract/types';

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

/** One row per run: every hyperparameter, then every metric. */
export const summaryColumns: readonly Column<RunRow>[] = [
  { header: 'run_id', cell: (r) => r.config.id },
  { header: 'sweep_id', cell: (r) => r.config.sweepId },
  { header: 'objective', cell: (r) => r.config.objective },
  { header: 'optimizer', cell: (r) => r.config.optimizer },
  { header: 'start', cell: (r) => r.config.start.join(' ') },
  { header: 'lr', cell: (r) => r.config.lr },
  { header: 'eps', cell: (r) => r.config.eps },
  { header: 'weight_decay', cell: (r) => r.config.weightDecay },
  { header: 'steps', cell: (r) => r.config.steps },
  { header: 'status', cell: (r) => r.summary.status },
  { header: 'final_loss', cell: (r) => r.summary.finalLoss },
  { header: 'best_loss', cell: (r) => r.summary.bestLoss },
  { header: 'best_step', cell: (r) => r.summary.bestStep },
  { header: 'diverged_at', cell: (r) => r.summary.divergedAt },
  { header: 'error', cell: (r) => r.summary.error ?? null },
];

export const summaryCsv = (runs: Iterable<RunRow>): string => toCsv(summaryColumns, runs);
