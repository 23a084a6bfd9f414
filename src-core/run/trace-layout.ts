/**
 * Where a lane group's scheduled rows are recorded and how each run's trace is laid out from them
 * (trace.ts TraceRecorder.finishLanes): the rows, step-major as the lanes hold their state, in the memory of this
 * thread's WebAssembly module (wasm/trace-layout.ts, SIMD, two values a few instructions), or in plain arrays with
 * the same loops in JavaScript where WebAssembly cannot be compiled (the renderer's CSP): the same bytes either way
 * (test/core/run/trace.test.ts). A JavaScript pass over every value of W1t's traces (18 million) cost 60–140 ms here,
 * as much as W1's whole computation.
 */
import { outsideFloat32 } from './compact-trace';
import { traceLayoutWasm } from './trace-layout.wasm';

interface LayoutExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  finishRow(row: number, stride: number, cells: number, rowLength: number, bad: number, check: boolean): void;
  layLanes(
    rows: number,
    rowLength: number,
    stride: number,
    lanes: number,
    dim: number,
    count: number,
    out: number,
    to: number,
    kind: number,
  ): void;
}

/**
 * Where column c (0 the loss, 1–4 θ, ∇, G and the update) of lane r's first row is in a group's rows: the losses
 * (stride), then each other column (dim·stride, lane r's coordinate d at d·stride + r).
 */
export const rowColumnAt = (stride: number, dim: number, c: number, r: number): number =>
  (c === 0 ? 0 : stride * (1 + (c - 1) * dim)) + r;

/** The values column c holds a row: one loss, `dim` of the others. */
export const rowColumnWidth = (dim: number, c: number): number => (c === 0 ? 1 : dim);

/** Column c of lane r over the first `count` rows, row after row, into `out` from index `o`. */
export function gatherColumn(
  rows: Float64Array,
  rowLength: number,
  stride: number,
  dim: number,
  c: number,
  r: number,
  count: number,
  out: Float64Array | Float32Array,
  o: number,
): void {
  const width = rowColumnWidth(dim, c);
  for (let k = 0, row = rowColumnAt(stride, dim, c, r); k < count; k++, row += rowLength)
    for (let d = 0, i = row; d < width; d++, i += stride) out[o++] = rows[i];
}

/** A column's kind in a layout's table: laid out in float32, in float64, or not at all (a run laid out elsewhere). */
export const FLOAT32 = 0;
export const FLOAT64 = 1;
export const SKIP = 2;

/**
 * The regions of one lane group: `rows` (row k of every lane at k·rowLength), per lane and column (loss, θ, ∇, G,
 * update: 5r + c) the byte at which lay() puts it and its kind, and room for `outBytes` of laid-out traces.
 */
export interface LaneLayout {
  readonly rows: Float64Array;
  readonly to: Int32Array;
  readonly kind: Uint8Array;
  /**
   * Finishes the row just recorded from index `at` of `rows`, whose update cells hold θ before the step: they become
   * θ − θ before (θ: the `cells` values from `at + stride`), and, for a layout made to `check`, its values' range goes
   * into `outside`, while the row is still in the cache.
   */
  finishRow(at: number, stride: number, cells: number): void;
  /** Whether value j (j < rowLength) of some row finished so far is outside float32's range (outsideFloat32). */
  outside(j: number): boolean;
  /** The first `count` rows of every lane, as `to` and `kind` say, into `bytes` bytes at `at` of `buffer`. */
  lay(stride: number, dim: number, count: number, buffer: ArrayBuffer, at: number, bytes: number): void;
}

const PAGE = 65536;
/** Past this a group's regions are plain arrays of its own: a WebAssembly memory never shrinks. */
const keptBytes = 16 << 20;
const align16 = (n: number): number => (n + 15) & ~15;

let exports: LayoutExports | null | undefined;
function layoutModule(): LayoutExports | null {
  if (exports !== undefined) return exports;
  try {
    const bytes = Uint8Array.from(atob(traceLayoutWasm), (c) => c.charCodeAt(0));
    exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as LayoutExports;
  } catch {
    exports = null;
  }
  return exports;
}

/**
 * The regions of a lane group of `lanes` lanes, `rows` rows of `rowLength` doubles, at most `outBytes` laid out: in
 * this thread's module's memory (replacing the previous group's), or plain arrays (`wasm` false, or too large).
 * `check`: whether its rows' range is checked as they are finished (for traces laid out in float32 where faithful).
 */
export function laneLayout(
  lanes: number,
  rowLength: number,
  rows: number,
  outBytes: number,
  wasm: boolean,
  check: boolean,
): LaneLayout {
  const module = wasm ? layoutModule() : null;
  const sizes = [rows * rowLength * 8, rowLength * 8, lanes * 5 * 4, lanes * 5, outBytes].map(align16);
  const total = sizes.reduce((sum, n) => sum + n, 0);
  return module && total <= keptBytes
    ? wasmLayout(module, sizes, lanes, rowLength, check)
    : jsLayout(lanes, rows, rowLength, check);
}

function wasmLayout(
  module: LayoutExports,
  sizes: number[],
  lanes: number,
  rowLength: number,
  check: boolean,
): LaneLayout {
  const { memory } = module;
  const start = align16(module.heapBase());
  const missing = start + sizes.reduce((sum, n) => sum + n, 0) - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
  const [rowsAt, badAt, toAt, kindAt, outAt] = sizes.map(
    (_, i) => start + sizes.slice(0, i).reduce((a, n) => a + n, 0),
  );
  const { buffer } = memory; // after any growth, which replaces it
  const rows = new Float64Array(buffer, rowsAt, (badAt - rowsAt) / 8);
  const bad = new Int32Array(buffer, badAt, rowLength * 2);
  bad.fill(0);
  return {
    rows,
    to: new Int32Array(buffer, toAt, lanes * 5),
    kind: new Uint8Array(buffer, kindAt, lanes * 5),
    finishRow: (at, stride, cells) => module.finishRow(rowsAt + at * 8, stride, cells, rowLength, badAt, check),
    outside: (j) => bad[2 * j] !== 0,
    lay(stride, dim, count, target, at, bytes) {
      module.layLanes(rowsAt, rowLength, stride, lanes, dim, count, outAt, toAt, kindAt);
      new Uint8Array(target, at, bytes).set(new Uint8Array(buffer, outAt, bytes));
    },
  };
}

/** The same in JavaScript, the traces laid out straight into their buffer. */
function jsLayout(lanes: number, rowCount: number, rowLength: number, check: boolean): LaneLayout {
  const rows = new Float64Array(rowCount * rowLength);
  const bad = new Uint8Array(rowLength);
  const to = new Int32Array(lanes * 5);
  const kind = new Uint8Array(lanes * 5);
  return {
    rows,
    to,
    kind,
    finishRow(at, stride, cells) {
      for (let i = at + stride, u = i + 3 * cells, end = i + cells; i < end; i++, u++) rows[u] = rows[i] - rows[u];
      if (check) for (let j = 0; j < rowLength; j++) if (outsideFloat32(rows[at + j])) bad[j] = 1;
    },
    outside: (j) => bad[j] !== 0,
    lay(stride, dim, count, buffer, at) {
      const narrow = new Float32Array(buffer);
      const wide = new Float64Array(buffer);
      for (let r = 0; r < lanes; r++)
        for (let c = 0; c < 5; c++) {
          const k = kind[5 * r + c];
          if (k === SKIP) continue;
          const out = k === FLOAT32 ? narrow : wide;
          gatherColumn(rows, rowLength, stride, dim, c, r, count, out, (at + to[5 * r + c]) / out.BYTES_PER_ELEMENT);
        }
    },
  };
}
