/** The columns of a trace as named series over steps, for charts and tables. */
import type { RunTrace } from './contract/types';

export type Metric = 'loss' | 'accum' | 'theta' | 'grad' | 'update';

export interface Series {
  /** '' for the loss; the parameter ('θ₀', 'b'…) or the quantile ('median'…) otherwise. */
  name: string;
  values: Float64Array;
}

/** What series are read from: a RunTrace, or a stored one whose columns may be float32. */
export type TraceColumns = Pick<RunTrace, 'steps' | 'layout' | 'width'> & Record<Metric, ArrayLike<number>>;

const subscript = (i: number): string => String(i).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);
const quantiles = ['min', 'median', 'max'] as const;

/** The names of a trace's columns: one per parameter, or min/median/max across parameters. */
export function columnNames(trace: Pick<RunTrace, 'layout' | 'width'>): string[] {
  return trace.layout === 'quantiles' ? [...quantiles] : Array.from({ length: trace.width }, (_, i) => `θ${subscript(i)}`);
}

/** One series per column of a per-parameter metric (none when the optimizer records no accumulator), or the loss. */
export function metricSeries(trace: TraceColumns, metric: Metric): Series[] {
  if (metric === 'loss') return [{ name: '', values: Float64Array.from(trace.loss) }];
  const matrix = trace[metric];
  if (matrix.length === 0) return [];
  const rows = trace.steps.length;
  return columnNames(trace).map((name, column) => {
    const values = new Float64Array(rows);
    for (let row = 0; row < rows; row++) values[row] = matrix[row * trace.width + column];
    return { name, values };
  });
}
