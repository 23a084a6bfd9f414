/**
 * What a trace becomes on disk: the one place where the wire's Float64Array columns are narrowed for IndexedDB, and
 * where a page of traces is packed into one buffer.
 *
 * Traces are for charts, and storage is what a large sweep costs, so a column is stored as float32 (half the bytes)
 * whenever that keeps every value to float32's relative precision (2⁻²⁴ ≈ 6e-8, beyond the 6 digits anything shows):
 * that holds for 0, ±Infinity, NaN and every magnitude in float32's normal range. A column with a value outside it
 * (a diverging loss of 1e300 would become Infinity, a loss converged to 1e-50 would become 0 and vanish from a log
 * chart) stays float64, so what a chart shows is never a different number class than what was computed. Exact values
 * for export and per-step tables are recomputed from the run's config, not read from here.
 *
 * Packing: IndexedDB serialises every typed array of a record on the main thread when it is put, one by one; a page
 * of traces would have six per trace. A page instead keeps one ArrayBuffer with every column of its traces back to
 * back (each 8-byte aligned), and for each trace where its columns are: putting a page is one copy of its bytes, and
 * the float64 → float32 narrowing is a native conversion straight into them. Read back, a column is a view of them.
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

/** The columns of a trace, in the order they are packed. */
const valueColumns = ['loss', 'theta', 'grad', 'accum', 'update'] as const;
const arrays = { u32: Uint32Array, f32: Float32Array, f64: Float64Array } as const;
export type ColumnKind = keyof typeof arrays;

/** Where one column is in its page's bytes: what it holds, its byte offset, its number of values. */
export type PackedColumn = [kind: ColumnKind, at: number, length: number];

/** A trace in a page: everything but its columns, and where they are (steps, then loss, θ, g, G and update). */
export interface PackedTrace extends Pick<StoredTrace, 'runId' | 'dim' | 'layout' | 'width'> {
  columns: PackedColumn[];
}

export interface PackedTraces {
  traces: PackedTrace[];
  bytes: ArrayBuffer;
}

/** The smallest positive normal float32; below it float32 loses precision, then flushes to 0. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
/** The largest finite float32; above it (after rounding) a value becomes Infinity. */
const FLOAT32_MAX = (2 - 2 ** -23) * 2 ** 127;

/** True when float32 keeps every value to its relative precision (or exactly: 0, ±Infinity, NaN). */
function fitsFloat32(values: StoredColumn): boolean {
  if (values instanceof Float32Array) return true;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude !== 0 && Number.isFinite(magnitude) && (magnitude < FLOAT32_MIN_NORMAL || magnitude > FLOAT32_MAX)) return false;
  }
  return true;
}

/**
 * A column narrowed to float32 when every value fits, else kept in float64; a fresh array either way. The columns of
 * a trace from the engine are views of one buffer, and IndexedDB stores a view with its whole buffer: a view kept
 * as it is would store every column again with it.
 */
export function storedColumn(values: Float64Array): StoredColumn {
  return fitsFloat32(values) ? new Float32Array(values) : values.slice();
}

/** A run's trace with each column narrowed where that is faithful, and a buffer of its own. */
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

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Packs traces into one buffer, each float column narrowed where that is faithful. A trace may come from the wire
 * (float64 columns) or from a page read back (views, float32 where it was narrowed): the same rule gives the same kind.
 */
export function packTraces(traces: readonly StoredTrace[]): PackedTraces {
  let size = 0;
  const place = (kind: ColumnKind, length: number): PackedColumn => {
    const column: PackedColumn = [kind, size, length];
    size += align8(length * arrays[kind].BYTES_PER_ELEMENT);
    return column;
  };
  const packed = traces.map(
    ({ runId, dim, layout, width, steps, ...columns }): PackedTrace => ({
      runId,
      dim,
      layout,
      width,
      columns: [place('u32', steps.length), ...valueColumns.map((name) => place(fitsFloat32(columns[name]) ? 'f32' : 'f64', columns[name].length))],
    }),
  );
  const bytes = new ArrayBuffer(size);
  // One view of each kind over the whole buffer (offsets are 8-byte aligned): no array allocated per column.
  const views: Record<ColumnKind, Uint32Array | StoredColumn> = { u32: new Uint32Array(bytes), f32: new Float32Array(bytes), f64: new Float64Array(bytes, 0, size / 8) };
  traces.forEach((trace, i) => {
    const sources = [trace.steps, ...valueColumns.map((name) => trace[name])];
    packed[i].columns.forEach(([kind, at], c) => views[kind].set(sources[c], at / arrays[kind].BYTES_PER_ELEMENT));
  });
  return { traces: packed, bytes };
}

/** The traces of a page; their columns are views of the page's bytes. */
export function unpackTraces({ traces, bytes }: PackedTraces): StoredTrace[] {
  const view = ([kind, at, length]: PackedColumn) => new arrays[kind](bytes, at, length);
  return traces.map(({ runId, dim, layout, width, columns: [steps, ...values] }) => {
    const [loss, theta, grad, accum, update] = values.map(view) as StoredColumn[];
    return { runId, dim, layout, width, steps: view(steps) as Uint32Array, loss, theta, grad, accum, update };
  });
}

/** A trace with columns of its own (a copy), so that keeping it does not keep the page it was read from. */
export function ownTrace(trace: StoredTrace): StoredTrace {
  return { ...trace, steps: trace.steps.slice(), loss: trace.loss.slice(), theta: trace.theta.slice(), grad: trace.grad.slice(), accum: trace.accum.slice(), update: trace.update.slice() };
}
