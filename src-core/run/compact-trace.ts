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

/**
 * True when float32 would not keep `x` to its relative precision: a non-zero magnitude below float32's normal range, or
 * a finite one above its largest value (0, ±Infinity and NaN it keeps exactly).
 */
export function outsideFloat32(x: number): boolean {
  // One comparison a value in the common case (NaN fails both): this test runs on every value a batch keeps, and with
  // the three tests of each value written out it took ~1.2× as long (W1t: 18 million values).
  const magnitude = Math.abs(x);
  return magnitude < FLOAT32_MIN_NORMAL ? magnitude !== 0 : magnitude > FLOAT32_MAX && magnitude !== Infinity;
}

/**
 * True when float32 keeps every value to its relative precision (or exactly: 0, ±Infinity, NaN). From the last value
 * back: a column mostly leaves float32's range as its run converges (below 2⁻¹²⁶) or blows up, at its end, so a
 * column that does not fit is told in a few values (W1t: 1,600 of its 10,000 runs have one).
 */
export function fitsFloat32(values: TraceColumn): boolean {
  if (values instanceof Float32Array) return true;
  for (let i = values.length - 1; i >= 0; i--) if (outsideFloat32(values[i])) return false;
  return true;
}

/** A column narrowed to float32 when every value fits, else kept in float64; a fresh array either way. */
export function compactColumn(values: TraceColumn): TraceColumn {
  return fitsFloat32(values) ? new Float32Array(values) : values.slice();
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Which value columns are float32: bit i for traceValueColumns[i]. 0 is every column in float64, as computed. */
export type Float32Mask = number;

/** The columns of `trace` that float32 keeps faithfully (fitsFloat32), as a mask. */
export function float32Mask(trace: RunTrace | CompactTrace): Float32Mask {
  let mask = 0;
  for (let i = 0; i < traceValueColumns.length; i++) if (fitsFloat32(trace[traceValueColumns[i]])) mask |= 1 << i;
  return mask;
}

/** What a compact layout needs of a trace: its rows and values per row, and whether it has an accumulator column. */
export type CompactShape = Pick<RunTrace, 'dim' | 'layout' | 'width'> & { rows: number; hasAccumulator: boolean };

/** Per value column, its length in values for this shape. */
const columnLengths = ({ rows, width, hasAccumulator }: CompactShape): number[] =>
  traceValueColumns.map((name) => (name === 'loss' ? rows : name === 'accum' && !hasAccumulator ? 0 : rows * width));

/** Where a compact trace of one shape and mask lies from its first byte, as compactTraceOver lays it out. */
export interface CompactOffsets {
  /** Each value column's byte offset (the steps are at 0). */
  readonly offsets: readonly number[];
  /** Its bytes: a multiple of 8. */
  readonly bytes: number;
}

/** The byte offset of each column (steps first, then the value columns, each 8-byte aligned) and the total bytes. */
export function compactOffsets(shape: CompactShape, mask: Float32Mask): CompactOffsets {
  let bytes = align8(shape.rows * 4);
  const offsets = columnLengths(shape).map((length, i) => {
    const at = bytes;
    bytes += align8(length * (mask & (1 << i) ? 4 : 8));
    return at;
  });
  return { offsets, bytes };
}

/** The bytes of a compact trace of this shape and mask. */
export const compactTraceBytes = (shape: CompactShape, mask: Float32Mask): number => compactOffsets(shape, mask).bytes;

/**
 * The compact trace of this shape and mask laid out in `buffer` from byte `at` (8-byte aligned), as views. `placed`:
 * compactOffsets of the shape and mask, when the caller has it (a lane block's runs share a few: trace.ts finishLanes).
 * The views are made one by one, without arrays of lengths and offsets: the window reads every run of a batch through
 * this, and a block of W1t's runs makes 275 traces.
 */
export function compactTraceOver(
  buffer: ArrayBuffer,
  at: number,
  shape: CompactShape,
  mask: Float32Mask,
  { offsets }: CompactOffsets = compactOffsets(shape, mask),
): CompactTrace {
  const { rows, width } = shape;
  const cells = rows * width;
  const column = (i: number, length: number): TraceColumn =>
    mask & (1 << i)
      ? new Float32Array(buffer, at + offsets[i], length)
      : new Float64Array(buffer, at + offsets[i], length);
  return {
    steps: new Uint32Array(buffer, at, rows),
    dim: shape.dim,
    layout: shape.layout,
    width,
    loss: column(0, rows),
    theta: column(1, cells),
    grad: column(2, cells),
    accum: column(3, shape.hasAccumulator ? cells : 0),
    update: column(4, cells),
  };
}

/** Views of a whole buffer of compact traces, made once for all of them (writeCompactTrace). */
export interface CompactViews {
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

export const compactViews = (buffer: ArrayBuffer): CompactViews => ({
  u32: new Uint32Array(buffer),
  f32: new Float32Array(buffer),
  f64: new Float64Array(buffer, 0, buffer.byteLength >> 3),
});

/**
 * copyTrace into the layout compactTraceOver gives at byte `at` of the buffer of `views`, through those views: a
 * small trace (W1's three rows) cost more in six views made for it than in its values (~1 µs a run when a worker
 * encodes a batch). The trace's columns must have the lengths of its shape (shapeOfTrace), as they do, and `offsets`
 * be compactOffsets of that shape and its mask.
 */
export function writeCompactTrace(
  trace: RunTrace | CompactTrace,
  views: CompactViews,
  at: number,
  { offsets }: CompactOffsets,
  mask: Float32Mask,
): void {
  views.u32.set(trace.steps, at >> 2);
  for (let i = 0; i < traceValueColumns.length; i++) {
    const values = trace[traceValueColumns[i]];
    if (mask & (1 << i)) views.f32.set(values, (at + offsets[i]) >> 2);
    else views.f64.set(values, (at + offsets[i]) >> 3);
  }
}

/** Copies `trace` into `target`, a layout of its shape (each value narrowed where the target's column is float32). */
export function copyTrace(trace: RunTrace | CompactTrace, target: CompactTrace): void {
  target.steps.set(trace.steps);
  for (const name of traceValueColumns) target[name].set(trace[name]);
}

export const shapeOfTrace = (trace: RunTrace | CompactTrace): CompactShape => ({
  rows: trace.steps.length,
  dim: trace.dim,
  width: trace.width,
  layout: trace.layout,
  hasAccumulator: trace.accum.length > 0,
});

/**
 * The trace with each value column narrowed where that is faithful, in one buffer of its own (steps, then the
 * columns, each 8-byte aligned), as the trace contract wants a run's columns.
 */
export function compactTrace(trace: RunTrace): CompactTrace {
  const shape = shapeOfTrace(trace);
  const mask = float32Mask(trace);
  const compact = compactTraceOver(new ArrayBuffer(compactTraceBytes(shape, mask)), 0, shape, mask);
  copyTrace(trace, compact);
  return compact;
}

/** The result as the window gets it: the same config and summary, the trace compacted. */
export const compactResult = ({ config, summary, trace }: RunResult): CompactRunResult => ({
  config,
  summary,
  trace: compactTrace(trace),
});
