/**
 * The columns of a trace as named series over steps, for charts and tables. What row t of each holds is defined once,
 * in docs/architecture.md's glossary; the per-step table (per-step.ts) and the trace CSV (export/trace-table.ts) show
 * the same quantities. The gradient, the step size and the update belong to a step, so their series start at step 1.
 */
import type { OptimizerConfig } from '../contract/engine';
import type { RunSummary, RunTrace } from '../contract/types';
import { effectiveStepAt } from '../optim/effective-step';
import { formatOutcome } from './format';

/**
 * A trace as the views read it: every column any array of numbers, because stored traces may keep Float32Array
 * columns where a fresh run has Float64Array ones.
 */
export type TraceColumns = Pick<RunTrace, 'layout' | 'width'> & {
  [K in 'steps' | 'loss' | 'theta' | 'grad' | 'accum' | 'update']: ArrayLike<number>;
};

/**
 * 'stepSize' is the effective step, derived from the accum column by the optimizer's rule (src-core/optim/effective-step.ts).
 * The metric keeps its old name because it names an exported file: a chart's PNG is saved as adagrad-lab-<metric>.png.
 */
export type Metric = 'loss' | 'accum' | 'stepSize' | 'theta' | 'grad' | 'update';

export interface Series {
  /** '' for the loss; the parameter ('θ₀', 'θ₁'…) or the quantile ('median'…) otherwise. */
  name: string;
  /** The step of each value, ascending. */
  steps: ArrayLike<number>;
  values: Float64Array;
}

const subscript = (i: number): string => String(i).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
const quantiles = ['min', 'median', 'max'] as const;

/** The names of a trace's columns: one per parameter, or min/median/max across parameters. */
export function columnNames(trace: Pick<TraceColumns, 'layout' | 'width'>): string[] {
  return trace.layout === 'quantiles'
    ? [...quantiles]
    : Array.from({ length: trace.width }, (_, i) => `θ${subscript(i)}`);
}

/**
 * The update of step t as every view shows it, θₜ₋₁ − θₜ (what the step subtracted: lr·g/(√G+ε) for AdaGrad), at row
 * `row` and column `j` of a trace, whose update column keeps θₜ − θₜ₋₁ (the Optax sign, as stored): 0 − x is −x
 * exactly (+0 for ±0), and in the 'quantiles' layout the min of one sign is the max of the other.
 */
export function stepUpdate(trace: Pick<TraceColumns, 'layout' | 'width' | 'update'>, row: number, j: number): number {
  const w = trace.width;
  return 0 - trace.update[row * w + (trace.layout === 'quantiles' ? w - 1 - j : j)];
}

function column(matrix: ArrayLike<number>, width: number, index: number, fromRow: number, rows: number): Float64Array {
  const values = new Float64Array(rows - fromRow);
  for (let row = fromRow; row < rows; row++) values[row - fromRow] = matrix[row * width + index];
  return values;
}

/**
 * The effective steps of rows 1… (row 0 has taken no step, so it has none), one series per column; none when the optimizer
 * keeps no accumulator its rule needs or the rule is not derivable from a trace (see effectiveStepUnavailable).
 */
function effectiveStepSeries(trace: TraceColumns, optimizer: OptimizerConfig): Series[] {
  const rule = effectiveStepAt(optimizer, trace.width);
  const rows = trace.steps.length;
  // SGD's rule needs no accum (its effective step is lr); every other rule reads one.
  const hasAccum = trace.accum.length > 0;
  if (!rule || rows < 2 || (optimizer.kind !== 'sgd' && !hasAccum)) return [];
  const effective = new Float64Array((rows - 1) * trace.width);
  const out = new Float64Array(trace.width);
  const row = new Float64Array(trace.width);
  for (let r = 1; r < rows; r++) {
    if (hasAccum) for (let i = 0; i < trace.width; i++) row[i] = trace.accum[r * trace.width + i];
    rule(trace.steps[r], row, out);
    effective.set(out, (r - 1) * trace.width);
  }
  const steps = Array.from({ length: rows - 1 }, (_, r) => trace.steps[r + 1]);
  return columnNames(trace).map((name, i) => ({ name, steps, values: column(effective, trace.width, i, 0, rows - 1) }));
}

/**
 * One series per column of a per-parameter metric (none when the optimizer records no accumulator), or the loss; the
 * update's from step 1, the first step taken. `optimizer` is the run's, needed for the step size.
 */
export function metricSeries(trace: TraceColumns, metric: Metric, optimizer: OptimizerConfig): Series[] {
  const rows = trace.steps.length;
  if (metric === 'loss') return [{ name: '', steps: trace.steps, values: column(trace.loss, 1, 0, 0, rows) }];
  if (metric === 'stepSize') return effectiveStepSeries(trace, optimizer);
  const matrix = trace[metric];
  if (matrix.length === 0) return [];
  // A step's quantities start at row 1: row 0 has taken no step (its gradient is NaN, its update 0).
  const from = metric === 'grad' || metric === 'update' ? Math.min(1, rows) : 0;
  const steps = from === 0 ? trace.steps : Array.from({ length: rows - from }, (_, r) => trace.steps[r + from]);
  return columnNames(trace).map((name, i) => {
    const values = column(matrix, trace.width, i, from, rows);
    if (metric === 'update') values.forEach((_, k) => (values[k] = stepUpdate(trace, k + from, i)));
    return { name, steps, values };
  });
}

export interface Divergence {
  step: number;
  /** "diverged at step 7: loss = NaN", naming what went non-finite first and its value, as the runs table writes it. */
  text: string;
}

/** Where a diverged run stopped and what went non-finite there (its trace always keeps that row); null otherwise. */
export function divergenceOf(summary: RunSummary, trace: TraceColumns): Divergence | null {
  const step = summary.divergedAt;
  if (step === null) return null;
  const prefix = `diverged at step ${step}`;
  let row = -1;
  for (let r = trace.steps.length - 1; r >= 0 && row < 0; r--) if (trace.steps[r] === step) row = r;
  if (row < 0) return { step, text: prefix };
  if (summary.divergedIn === 'loss' || summary.divergedIn === null) {
    // The loss there is the run's final loss: a finite one (a blow-up) from the summary, which keeps it exactly where a
    // stored trace may keep it in float32; a non-finite one from the trace (a stored summary may hold it as null).
    const final: unknown = summary.finalLoss;
    return {
      step,
      text: `${prefix}: loss = ${formatOutcome(typeof final === 'number' && Number.isFinite(final) ? final : trace.loss[row])}`,
    };
  }
  const [matrix, symbol] = summary.divergedIn === 'accumulator' ? [trace.accum, 'G'] : [trace.theta, 'θ'];
  const names = columnNames(trace);
  for (let i = 0; i < trace.width; i++) {
    const value = matrix[row * trace.width + i];
    if (!Number.isFinite(value)) {
      const name =
        trace.layout === 'quantiles' ? `${symbol} ${names[i]}` : symbol === 'θ' ? names[i] : `G${names[i].slice(1)}`;
      return { step, text: `${prefix}: ${name} = ${formatOutcome(value)}` };
    }
  }
  return { step, text: prefix };
}
