/**
 * The per-step table: the seeds' printout (step | x | gradient | G | learning rate | update) for any run, in exact
 * doubles. Row t holds what a trace's row t holds (docs/architecture.md, Glossary): θ after step t, the gradient step t
 * used (what entered G: after weight decay), G after step t, the step size of step t, its update θₜ₋₁ − θₜ (what it
 * subtracted) and the loss at θₜ; so G_t − G_{t−1} = g_t² row by row for AdaGrad. For f(x) = x² from 4 with lr 1 the
 * first rows are x 3, 2.4, 1.9672…; g 8, 6, 4.8; G 64, 100, 123.04; step size 1/(√G+ε); update 1, 0.6, 0.4327….
 *
 * A stored trace keeps a bounded, possibly rounded, selection of rows, so the table recomputes the run from its config
 * (executeRun is a pure function of it) with every step kept.
 */
import type { OptimizerConfig } from '../contract/engine';
import type { RunConfig, RunTrace } from '../contract/types';
import { errorMessage } from '../contract/result';
import { effectiveStepAt } from '../optim/effective-step';
import { createObjective, type Objective } from '../objectives';
import { executeRun } from '../run/execute';
import { columnNames, stepUpdate, type TraceColumns } from './series';
import { defaultPerParameterLimit } from '../run/trace';
import { csvHeader, csvRows, type Column } from '../export/csv';
import { accumParts, accumPartsMissing, type AccumParts } from './accum-parts';

export interface PerStepTable {
  /** The column group names: one per parameter (θ₀, θ₁…), or min/median/max across a wide model's parameters. */
  names: string[];
  width: number;
  /** 1, 2, …: one row per step taken. */
  steps: Uint32Array;
  /** f(θₜ). */
  loss: Float64Array;
  /** The rest are rows × width, row-major. θₜ. */
  theta: Float64Array;
  /** The gradient step t used, what entered G: ∇f(θₜ₋₁), plus wd·θₜ₋₁ under coupled weight decay. */
  grad: Float64Array;
  /** G after step t; empty when the optimizer keeps no accumulator. */
  accum: Float64Array;
  /** The effective step of step t, by the optimizer's rule; empty when a trace cannot determine it. */
  effectiveStep: Float64Array;
  /** θₜ₋₁ − θₜ: what step t subtracted, the seeds' "update" (lr·g/(√G+ε) for plain AdaGrad): stepUpdate. */
  update: Float64Array;
  /** G's parts under weight decay (accum-parts.ts), rows × width: G = G₀ + gradSquares + crossTerm + decayTerm. */
  gradSquares: Float64Array;
  crossTerm: Float64Array;
  decayTerm: Float64Array;
  /** Why the three parts are empty (no G to split, decoupled decay, …); null when they are filled. */
  partsMissing: string | null;
  /**
   * Whether the table's columns and CSV include the parts: only where weight decay entered G. Without it they are
   * G, 0 and 0, three columns that would say nothing in the seeds' printout (the G parts chart still shows them).
   */
  partsShown: boolean;
}

/** Maps a trace that kept every step (row k is step k) to the table's rows. */
export function perStepRows(
  trace: TraceColumns,
  optimizer: OptimizerConfig,
  parts: AccumParts | string = 'G is split only where the run is recomputed from its config',
): PerStepTable {
  const rows = trace.steps.length;
  for (let k = 0; k < rows; k++) {
    if (trace.steps[k] !== k)
      throw new RangeError(`perStepRows: the trace must keep every step (row ${k} is step ${trace.steps[k]})`);
  }
  const w = trace.width;
  const n = Math.max(0, rows - 1);
  const hasAccum = trace.accum.length > 0;
  const rule = effectiveStepAt(optimizer, w);
  const withSteps = rule !== null && (hasAccum || optimizer.kind === 'sgd');
  const table: PerStepTable = {
    names: columnNames(trace),
    width: w,
    steps: Uint32Array.from({ length: n }, (_, i) => i + 1),
    loss: Float64Array.from({ length: n }, (_, i) => trace.loss[i + 1]),
    theta: new Float64Array(n * w),
    grad: new Float64Array(n * w),
    accum: new Float64Array(hasAccum ? n * w : 0),
    effectiveStep: new Float64Array(withSteps ? n * w : 0),
    update: new Float64Array(n * w),
    ...(typeof parts === 'string'
      ? { gradSquares: empty(), crossTerm: empty(), decayTerm: empty(), partsMissing: parts, partsShown: false }
      : { ...parts, partsMissing: null, partsShown: optimizer.weightDecay !== 0 }),
  };
  const accum = new Float64Array(w);
  const out = new Float64Array(w);
  for (let t = 1; t <= n; t++) {
    const at = (t - 1) * w;
    for (let i = 0; i < w; i++) {
      table.theta[at + i] = trace.theta[t * w + i];
      table.grad[at + i] = trace.grad[t * w + i];
      table.update[at + i] = stepUpdate(trace, t, i);
      if (hasAccum) table.accum[at + i] = accum[i] = trace.accum[t * w + i];
    }
    if (withSteps) {
      rule(t, accum, out);
      table.effectiveStep.set(out, at);
    }
  }
  return table;
}

const empty = () => new Float64Array(0);

/** Values per column the table holds at most (8 MB per column): a longer or wider run shows its first steps. */
const perStepCellBudget = 1_000_000;

export interface ComputedPerStepTable {
  table: PerStepTable;
  /** The steps the run has; the table holds min(totalSteps, what fits the budget), up to where the run stopped. */
  totalSteps: number;
}

/**
 * Recomputes a run with every step kept and maps it to the table. A run's first N steps do not depend on how many
 * steps follow, so when the run is too long for the budget the table holds exactly its first steps.
 */
export function computePerStepTable(config: RunConfig, cellBudget: number = perStepCellBudget): ComputedPerStepTable {
  const objective = createObjective(config.objective);
  const width = objective.dim <= defaultPerParameterLimit ? objective.dim : 3;
  const steps = Math.min(config.steps, Math.max(1, Math.floor(cellBudget / width) - 1));
  const { trace } = executeRun({ ...config, steps, traceMaxPoints: Math.max(3, steps + 1) }, objective);
  const missing = accumPartsMissing(config, objective, defaultPerParameterLimit);
  return {
    table: perStepRows(trace, config.optimizer, missing ?? partsOrWhyNot(trace, config, objective)),
    totalSteps: config.steps,
  };
}

/** The parts, or why not: a gradient that does not rebuild the run's costs the table its parts, not its other columns. */
function partsOrWhyNot(trace: RunTrace, config: RunConfig, objective: Objective): AccumParts | string {
  try {
    return accumParts(trace, config, objective);
  } catch (error) {
    return `G could not be split (${errorMessage(error)})`;
  }
}

/** The table's quantities, in the seeds' column order, then the loss. */
export const perStepQuantities = [
  { key: 'theta', label: 'θ', symbol: 'θ' },
  { key: 'grad', label: 'gradient', symbol: 'g' },
  { key: 'accum', label: 'G', symbol: 'G' },
  { key: 'effectiveStep', label: 'step size', symbol: 'step' },
  { key: 'update', label: 'update', symbol: 'update' },
  { key: 'loss', label: 'loss', symbol: 'loss' },
  // G's parts (accum-parts.ts) last, after the seeds' columns.
  { key: 'gradSquares', label: 'Σ∇f²', symbol: 'Σ∇f²' },
  { key: 'crossTerm', label: '2wd·Σ∇f·θ', symbol: '2wd·Σ∇f·θ' },
  { key: 'decayTerm', label: 'wd²·Σθ²', symbol: 'wd²·Σθ²' },
] as const;
export type PerStepQuantity = (typeof perStepQuantities)[number]['key'];

/**
 * A column's header: the quantity's name for a one-parameter run ("gradient"), its symbol and the parameter's
 * subscript for several ("g₁"; a part of G, "Σ∇f² θ₁"), its symbol and the quantile for a wide model ("g median").
 */
export function perStepHeader(
  quantity: (typeof perStepQuantities)[number],
  table: Pick<PerStepTable, 'names' | 'width'>,
  column: number,
): string {
  if (quantity.key === 'loss' || table.width === 1) return quantity.label;
  const name = table.names[column];
  // A part's symbol is a sum already: it names its parameter in full ("Σ∇f² θ₁"), not by a subscript.
  return name.startsWith('θ') && !isPart(quantity.key)
    ? `${quantity.symbol}${name.slice(1)}`
    : `${quantity.symbol} ${name}`;
}

const isPart = (key: PerStepQuantity): boolean => key === 'gradSquares' || key === 'crossTerm' || key === 'decayTerm';

/** Whether the table shows a quantity's columns: the run has it, and for G's parts, weight decay entered G. */
export const perStepShows = (table: PerStepTable, key: PerStepQuantity): boolean =>
  key === 'loss' || (table[key].length > 0 && (!isPart(key) || table.partsShown));

/** 'full': the shortest text that reads back as the same double. 'seeds': the seeds' printout, fixed decimals. */
export type PerStepPrecision = 'full' | 'seeds';

/** One cell: the seeds print the learning rate with 6 decimals and everything else with 4 (`{x:7.4f}`, `{lr:13.6f}`). */
export function formatPerStep(value: number, quantity: PerStepQuantity, precision: PerStepPrecision): string {
  if (precision === 'full' || !Number.isFinite(value)) return String(value);
  return value.toFixed(quantity === 'effectiveStep' ? 6 : 4);
}

/** A quantity's name in a CSV file: the trace CSV's (export/trace-table.ts), since the two hold the same quantities. */
const csvNames: Record<PerStepQuantity, string> = {
  theta: 'theta',
  grad: 'g',
  accum: 'G',
  effectiveStep: 'effective_step',
  update: 'update',
  loss: 'loss',
  gradSquares: 'G_grad_squares',
  crossTerm: 'G_cross_term',
  decayTerm: 'G_decay_term',
};

/**
 * The table's CSV columns, one per column shown (`theta`, `g`, …; `theta_0`, `theta_1` for several parameters,
 * `theta_min` … for a wide model), each record a row index.
 */
export function perStepCsvColumns(table: PerStepTable): Column<number>[] {
  const suffix = (name: string, j: number) => (table.width === 1 ? '' : `_${name.startsWith('θ') ? j : name}`);
  const columns: Column<number>[] = [{ header: 'step', cell: (row) => table.steps[row] }];
  for (const { key } of perStepQuantities) {
    if (key === 'loss') columns.push({ header: 'loss', cell: (row) => table.loss[row] });
    else if (perStepShows(table, key)) {
      const values = table[key];
      table.names.forEach((name, j) =>
        columns.push({ header: csvNames[key] + suffix(name, j), cell: (row) => values[row * table.width + j] }),
      );
    }
  }
  return columns;
}

/**
 * The table as CSV, through the one CSV writer: every value a round-trip double (the exact numbers, whatever digits
 * the table shows), the header first, in chunks.
 */
export function* perStepCsv(table: PerStepTable): Generator<string> {
  const columns = perStepCsvColumns(table);
  yield csvHeader(columns);
  yield* csvRows(columns, table.steps.keys());
}
