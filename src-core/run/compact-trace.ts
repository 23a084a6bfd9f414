/**
 * Traces as the window receives and stores them: each value column in float32 (half the bytes) whenever that keeps
 * every value to float32's relative precision (2⁻²⁴ ≈ 6e-8, beyond the 6 digits anything shows). That holds for 0,
 * ±Infinity, NaN and every magnitude in float32's normal range. A column with a value outside it (a diverging loss of
 * 1e300 would become Infinity, a loss converged to 1e-50 would become 0 and vanish from a log chart) stays float64, so
 * what a chart shows is never a different number class than what was computed. Exact values for export and the
 * per-step table are recomputed from the run's config, not read from a trace.
 *
 * The main process compacts what it sends to the window (SweepService), so the window receives, decodes and keeps up
 * to half as many bytes; the worker pool and the CLI keep the engine's float64 traces.
 */
import type { CompactRunResult, CompactTrace, RunResult, RunTrace, TraceColumn } from '../contract/types';

/** The value columns of a trace, in the order they are laid out. */
export const traceValueColumns = ['loss', 'theta', 'grad', 'accum', 'update'] as const;

/** The smallest positive normal float32; below it float32 loses precision, then flushes to 0. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** The largest finite float32; above it (after rounding) a value becomes Infinity. */
const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;

/** True when float32 keeps every value to its relative precision (or exactly: 0, ±Infinity, NaN). */
export function fitsFloat32(values: TraceColumn): boolean {
  if (values instanceof Float32Array) return true;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude !== 0 && Number.isFinite(magnitude) && (magnitude < FLOAT32_MIN_NORMAL || magnitude > FLOAT32_MAX))
      return false;
  }
  return true;
}

/** A column narrowed to float32 when every value fits, else kept in float64; a fresh array either way. */
export function compactColumn(values: TraceColumn): TraceColumn {
  return fitsFloat32(values) ? new Float32Array(values) : values.slice();
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * The trace with each value column narrowed where that is faithful, in one buffer of its own (steps, then the
 * columns, each 8-byte aligned), as the trace contract wants a run's columns.
 */
export function compactTrace(trace: RunTrace): CompactTrace {
  const kinds = traceValueColumns.map((name) => (fitsFloat32(trace[name]) ? Float32Array : Float64Array));
  let size = align8(trace.steps.byteLength);
  const offsets = traceValueColumns.map((name, i) => {
    const at = size;
    size += align8(trace[name].length * kinds[i].BYTES_PER_ELEMENT);
    return at;
  });
  const buffer = new ArrayBuffer(size);
  const steps = new Uint32Array(buffer, 0, trace.steps.length);
  steps.set(trace.steps);
  const [loss, theta, grad, accum, update] = traceValueColumns.map((name, i) => {
    const column = new kinds[i](buffer, offsets[i], trace[name].length);
    column.set(trace[name]);
    return column;
  });
  return { steps, dim: trace.dim, layout: trace.layout, width: trace.width, loss, theta, grad, accum, update };
}

/** The result as the window gets it: the same config and summary, the trace compacted. */
export const compactResult = ({ config, summary, trace }: RunResult): CompactRunResult => ({
  config,
  summary,
  trace: compactTrace(trace),
});
