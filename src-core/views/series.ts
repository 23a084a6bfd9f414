/** The columns of a trace as named series over steps, for charts and tables. */
import type { OptimizerConfig } from '../contract/engine';
import type { RunSummary, RunTrace } from '../contract/types';
import { effectiveStepAt } from '../optim/effective-step';

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
  return trace.layout === 'quantiles' ? [...quantiles] : Array.from({ length: trace.width }, (_, i) => `θ${subscript(i)}`);
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
  // Row 0 is the start: no step has been taken, so it has no update (its zeros would draw a false V down to 0).
  const from = metric === 'update' && rows > 0 && trace.steps[0] === 0 ? 1 : 0;
  const steps = from === 0 ? trace.steps : Array.from({ length: rows - from }, (_, r) => trace.steps[r + from]);
  return columnNames(trace).map((name, i) => ({ name, steps, values: column(matrix, trace.width, i, from, rows) }));
}

export interface Divergence {
  step: number;
  /** "diverged at step 7: loss = NaN", naming what went non-finite first and its value. */
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
  if (summary.divergedIn === 'loss' || summary.divergedIn === null) return { step, text: `${prefix}: loss = ${trace.loss[row]}` };
  const [matrix, symbol] = summary.divergedIn === 'accumulator' ? [trace.accum, 'G'] : [trace.theta, 'θ'];
  const names = columnNames(trace);
  for (let i = 0; i < trace.width; i++) {
    const value = matrix[row * trace.width + i];
    if (!Number.isFinite(value)) {
      const name = trace.layout === 'quantiles' ? `${symbol} ${names[i]}` : symbol === 'θ' ? names[i] : `G${names[i].slice(1)}`;
      return { step, text: `${prefix}: ${name} = ${value}` };
    }
  }
  return { step, text: prefix };
}
