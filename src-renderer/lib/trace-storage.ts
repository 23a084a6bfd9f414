/**
 * What a trace becomes on disk: the one place where the wire's Float64Array columns are narrowed for IndexedDB.
 *
 * Traces are for charts, and storage is what a large sweep costs, so a column is stored as float32 (half the bytes)
 * whenever that keeps every value to float32's relative precision (2⁻²⁴ ≈ 6e-8, beyond the 6 digits anything shows):
 * that holds for 0, ±Infinity, NaN and every magnitude in float32's normal range. A column with a value outside it
 * (a diverging loss of 1e300 would become Infinity, a loss converged to 1e-50 would become 0 and vanish from a log
 * chart) stays float64, so what a chart shows is never a different number class than what was computed. Exact values
 * for export and per-step tables are recomputed from the run's config, not read from here.
 */
import type { RunTrace } from '../../src-core/contract/types';

export type StoredColumn = Float32Array | Float64Array;

/** A run's trace as stored: the same columns as RunTrace, each float32 where that is faithful. */
export interface StoredTrace extends Omit<RunTrace, 'loss' | 'theta' | 'grad' | 'accum' | 'update'> {
  runId: string;
  loss: StoredColumn;
  theta: StoredColumn;
  grad: StoredColumn;
  accum: StoredColumn;
  update: StoredColumn;
}

/** The smallest positive normal float32; below it float32 loses precision, then flushes to 0. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** The largest finite float32; above it (after rounding) a value becomes Infinity. */
const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;

/** True when float32 keeps this value to its relative precision (or keeps it exactly: 0, ±Infinity, NaN). */
function fitsFloat32(x: number): boolean {
  const magnitude = Math.abs(x);
  return magnitude === 0 || !Number.isFinite(x) || (magnitude >= FLOAT32_MIN_NORMAL && magnitude <= FLOAT32_MAX);
}

/**
 * A column narrowed to float32 when every value fits, else kept in float64; a fresh array either way. The columns of
 * a trace from the engine are views of one buffer, and IndexedDB stores a view with its whole buffer: a view kept
 * as it is would store every column again with it.
 */
export function storedColumn(values: Float64Array): StoredColumn {
  for (let i = 0; i < values.length; i++) if (!fitsFloat32(values[i])) return values.slice();
  return Float32Array.from(values);
}

/** The record a run's trace is stored as. */
export function toStoredTrace(runId: string, trace: RunTrace): StoredTrace {
  return {
    runId,
    steps: trace.steps.slice(),
    dim: trace.dim,
    layout: trace.layout,
    width: trace.width,
    loss: storedColumn(trace.loss),
    theta: storedColumn(trace.theta),
    grad: storedColumn(trace.grad),
    accum: storedColumn(trace.accum),
    update: storedColumn(trace.update),
  };
}
