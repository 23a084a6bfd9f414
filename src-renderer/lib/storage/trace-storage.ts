/**
 * What a trace becomes on disk: a page of traces packed into one buffer, each value column float32 where that keeps
 * every value (the rule and why: src-core/run/compact-trace.ts; the main process sends traces already compacted).
 *
 * Packing: IndexedDB serialises every typed array of a record on the main thread when it is put, one by one; a page
 * of traces would have six per trace. A page instead keeps one ArrayBuffer with every column of its traces back to
 * back (each 8-byte aligned), and for each trace where its columns are: putting a page is one copy of its bytes, and
 * the float64 → float32 narrowing is a native conversion straight into them. Read back, a column is a view of them.
 */
import { compactColumn, fitsFloat32, traceValueColumns as valueColumns } from '../../../src-core/run/compact-trace';
import type { CompactTrace, TraceColumn } from '../../../src-core/contract/types';

export type StoredColumn = TraceColumn;

/** A run's trace as stored: the same columns as RunTrace, each float32 where that is faithful. */
export interface StoredTrace extends CompactTrace {
  runId: string;
}

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

/** A run's trace with each column narrowed where that is faithful, and a buffer of its own. */
export function toStoredTrace(runId: string, trace: CompactTrace): StoredTrace {
  return {
    runId,
    steps: trace.steps.slice(),
    dim: trace.dim,
    layout: trace.layout,
    width: trace.width,
    loss: compactColumn(trace.loss),
    theta: compactColumn(trace.theta),
    grad: compactColumn(trace.grad),
    accum: compactColumn(trace.accum),
    update: compactColumn(trace.update),
  };
}

const align8 = (n: number): number => (n + 7) & ~7;

/** True when two step columns hold the same steps. */
function sameSteps(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * True when a trace's value columns lie in one buffer exactly as `columns` places them, relative to the first (as a
 * batch from the main process lays a trace out: src-core/run/compact-trace.ts), so that one copy takes them all.
 */
function laidOutAsPacked(values: readonly TraceColumn[], columns: readonly PackedColumn[]): boolean {
  const [first] = values;
  return values.every(
    (column, c) =>
      column.buffer === first.buffer &&
      column instanceof arrays[columns[c][0]] &&
      column.byteOffset - first.byteOffset === columns[c][1] - columns[0][1],
  );
}

/**
 * Packs traces into one buffer, each float column narrowed where that is faithful. A trace may come from the wire
 * (compacted by the main process) or from a page read back (views): the same rule gives the same kind. Two costs are
 * cut, both measured on a 10,000-run sweep (docs/performance-ui.md): a trace whose steps are those of the trace before
 * it (runs of one sweep that ran to the end keep the same steps) points at that trace's step column instead of a copy,
 * bytes IndexedDB would serialise and store again (6 % of a 10,000-run sweep's); and a trace from the wire, its value
 * columns already laid out as here, is copied in one piece rather than column by column.
 */
export function packTraces(traces: readonly StoredTrace[]): PackedTraces {
  let size = 0;
  const place = (kind: ColumnKind, length: number): PackedColumn => {
    const column: PackedColumn = [kind, size, length];
    size += align8(length * arrays[kind].BYTES_PER_ELEMENT);
    return column;
  };
  // Whether each trace's steps are those of the trace before it: then it points at that trace's step column.
  const sharesSteps = traces.map((trace, i) => i > 0 && sameSteps(trace.steps, traces[i - 1].steps));
  const packed: PackedTrace[] = [];
  traces.forEach(({ runId, dim, layout, width, steps, ...columns }, i) =>
    packed.push({
      runId,
      dim,
      layout,
      width,
      columns: [
        sharesSteps[i] ? packed[i - 1].columns[0] : place('u32', steps.length),
        ...valueColumns.map((name) => place(fitsFloat32(columns[name]) ? 'f32' : 'f64', columns[name].length)),
      ],
    }),
  );
  const bytes = new ArrayBuffer(size);
  // One view of each kind over the whole buffer (offsets are 8-byte aligned): no array allocated per column.
  const views: Record<ColumnKind, Uint32Array | StoredColumn> = {
    u32: new Uint32Array(bytes),
    f32: new Float32Array(bytes),
    f64: new Float64Array(bytes, 0, size / 8),
  };
  const octets = new Uint8Array(bytes);
  traces.forEach((trace, i) => {
    const [steps, ...values] = packed[i].columns;
    if (!sharesSteps[i]) views.u32.set(trace.steps, steps[1] / 4);
    const sources = valueColumns.map((name) => trace[name]);
    if (laidOutAsPacked(sources, values)) {
      const [kind, end, length] = values[values.length - 1];
      const span = end + length * arrays[kind].BYTES_PER_ELEMENT - values[0][1];
      octets.set(new Uint8Array(sources[0].buffer, sources[0].byteOffset, span), values[0][1]);
    } else {
      values.forEach(([kind, at], c) => views[kind].set(sources[c], at / arrays[kind].BYTES_PER_ELEMENT));
    }
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
  return {
    ...trace,
    steps: trace.steps.slice(),
    loss: trace.loss.slice(),
    theta: trace.theta.slice(),
    grad: trace.grad.slice(),
    accum: trace.accum.slice(),
    update: trace.update.slice(),
  };
}
