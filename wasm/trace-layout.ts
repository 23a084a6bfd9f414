// The traces of runs stepped side by side, laid out per run in WebAssembly SIMD (src-core/run/trace-layout.ts, for
// src-core/run/trace.ts TraceRecorder.finishLanes). A lane group records its scheduled rows step-major, as the lanes
// hold their state: row k at rows + 8·k·rowLength, the losses (stride doubles), then θ, ∇, G and the update (dim·stride
// each, lane r's coordinate d at d·stride + r). Each run's trace is laid out column by column; a JavaScript pass over
// these values cost 3–7 ns a value (bounds checks, the float32 range check, a store per value), two values a few
// instructions here. AssemblyScript, built by `npm run build:wasm` into src-core/run/trace-layout.wasm.ts. A module
// of its own, beside the AdaGrad kernels (wasm/adagrad.ts), with its own memory: the rows are copied into it.

/** Where the caller's arrays may start: after this module's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** The smallest positive normal float32 (2⁻¹²⁶) and the largest finite one: compact-trace.ts outsideFloat32's bounds. */
const MIN_NORMAL: f64 = 1.1754943508222875e-38;
const MAX_FLOAT32: f64 = 3.4028234663852886e38;

/** All ones in each half holding a value float32 would not keep (compact-trace.ts outsideFloat32), else zeros. */
function outside(v: v128): v128 {
  const m = f64x2.abs(v);
  const zero = f64x2.splat(0);
  const tiny = v128.and(f64x2.lt(m, f64x2.splat(MIN_NORMAL)), f64x2.ne(m, zero));
  const huge = v128.and(f64x2.gt(m, f64x2.splat(MAX_FLOAT32)), f64x2.ne(m, f64x2.splat(Infinity)));
  return v128.or(tiny, huge);
}

/**
 * Finishes row `row` (a byte address) just recorded (src-core/run/trace.ts recordLanes): its update cells, which hold θ
 * before the step on entry, become θ − θ before (θ being the `cells` values from `stride` doubles in); with `check`, ORs
 * into `bad` (rowLength doubles' worth of masks, 16-byte aligned, zeroed when the group began) whether each value of
 * the row is outside float32's range: bad[j] is all ones once some row's value j is. Here, while the row is in the
 * cache, rather than in a pass of its own over every row at the end (4 MB for a block of W1t's runs).
 */
export function finishRow(row: usize, stride: i32, cells: i32, rowLength: i32, bad: usize, check: bool): void {
  const theta = row + ((<usize>stride) << 3);
  const update = theta + ((<usize>(3 * cells)) << 3);
  const pairs = (<usize>(cells & ~1)) << 3;
  for (let o: usize = 0; o < pairs; o += 16)
    v128.store(update + o, f64x2.sub(v128.load(theta + o), v128.load(update + o)));
  if (cells & 1) store<f64>(update + pairs, load<f64>(theta + pairs) - load<f64>(update + pairs));
  if (!check) return;
  const whole = (<usize>(rowLength & ~1)) << 3;
  for (let o: usize = 0; o < whole; o += 16)
    v128.store(bad + o, v128.or(v128.load(bad + o), outside(v128.load(row + o))));
  if (rowLength & 1 && v128.any_true(outside(f64x2.splat(load<f64>(row + whole))))) store<i64>(bad + whole, -1);
}

/** A column's kind in layLanes' table: float32, float64, or nothing to lay out (a run laid out elsewhere). */
const FLOAT32: u8 = 0;
const FLOAT64: u8 = 1;

/**
 * Lays out `count` rows of column c (0 the loss, 1–4 θ, ∇, G and the update) of every lane: lane r's at byte
 * to[5r + c] of `out` (a table of i32), row after row (`width` values a row), in float32 or float64 as kind[5r + c]
 * (a table of u8; any other kind: not laid out). A float32 column must hold only values float32 keeps (finishRow's
 * check): converting one outside its range takes x86 a microcode assist. Eight lanes at a time where they are all of
 * one kind: each 64-byte line of a row is then read once (two lanes at a time read each line four times, and a block's
 * 4 MB of rows had left the cache before the next two came: 13 % of W1t's time), else two at a time.
 */
export function layLanes(
  rows: usize,
  rowLength: i32,
  stride: i32,
  lanes: i32,
  dim: i32,
  count: i32,
  out: usize,
  to: usize,
  kind: usize,
): void {
  const row = (<usize>rowLength) << 3;
  for (let c = 0; c < 5; c++) {
    const width = c == 0 ? 1 : dim;
    const column = c == 0 ? 0 : stride * (1 + (c - 1) * dim);
    let r = 0;
    for (; r + 7 < lanes; r += 8) {
      const first = load<u8>(kind + 5 * r + c);
      let same = first == FLOAT32 || first == FLOAT64;
      for (let j = 1; j < 8; j++) same = same && load<u8>(kind + 5 * (r + j) + c) == first;
      const from = rows + ((<usize>(column + r)) << 3);
      const at = to + ((<usize>(5 * r + c)) << 2);
      if (same) octet(from, row, stride, width, count, out, at, first == FLOAT32);
      else
        for (let j = 0; j < 8; j += 2)
          pair(from + ((<usize>j) << 3), row, stride, width, count, out, at + 20 * j, kind + 5 * (r + j) + c);
    }
    for (; r + 1 < lanes; r += 2)
      pair(
        rows + ((<usize>(column + r)) << 3),
        row,
        stride,
        width,
        count,
        out,
        to + ((<usize>(5 * r + c)) << 2),
        kind + 5 * r + c,
      );
    if (r < lanes) {
      const a = out + <usize>load<i32>(to + ((<usize>(5 * r + c)) << 2));
      lane(rows + ((<usize>(column + r)) << 3), row, stride, width, count, a, load<u8>(kind + 5 * r + c));
    }
  }
}

/** Two lanes' column from `from`, their entries of the `to` table at `at` and of the kind table at `kinds`. */
function pair(from: usize, row: usize, stride: i32, width: i32, count: i32, out: usize, at: usize, kinds: usize): void {
  const a = out + <usize>load<i32>(at);
  const b = out + <usize>load<i32>(at + 20);
  const ka = load<u8>(kinds);
  const kb = load<u8>(kinds + 5);
  if (ka == FLOAT32 && kb == FLOAT32) pairs32(from, row, stride, width, count, a, b);
  else if (ka == FLOAT64 && kb == FLOAT64) pairs64(from, row, stride, width, count, a, b);
  else {
    lane(from, row, stride, width, count, a, ka);
    lane(from + 8, row, stride, width, count, b, kb);
  }
}

/** Eight lanes' column, all float32 (`narrow`) or all float64, their entries of the `to` table from `at`. */
function octet(
  from: usize,
  row: usize,
  stride: i32,
  width: i32,
  count: i32,
  out: usize,
  at: usize,
  narrow: bool,
): void {
  const a0 = out + <usize>load<i32>(at);
  const a1 = out + <usize>load<i32>(at + 20);
  const a2 = out + <usize>load<i32>(at + 40);
  const a3 = out + <usize>load<i32>(at + 60);
  const a4 = out + <usize>load<i32>(at + 80);
  const a5 = out + <usize>load<i32>(at + 100);
  const a6 = out + <usize>load<i32>(at + 120);
  const a7 = out + <usize>load<i32>(at + 140);
  const step = (<usize>stride) << 3;
  if (narrow) {
    for (let k = 0, line = from, o: usize = 0; k < count; k++, line += row)
      for (let d = 0, i = line; d < width; d++, i += step, o += 4) {
        const n0 = f32x4.demote_f64x2_zero(v128.load(i));
        const n1 = f32x4.demote_f64x2_zero(v128.load(i + 16));
        const n2 = f32x4.demote_f64x2_zero(v128.load(i + 32));
        const n3 = f32x4.demote_f64x2_zero(v128.load(i + 48));
        v128.store32_lane(a0 + o, n0, 0);
        v128.store32_lane(a1 + o, n0, 1);
        v128.store32_lane(a2 + o, n1, 0);
        v128.store32_lane(a3 + o, n1, 1);
        v128.store32_lane(a4 + o, n2, 0);
        v128.store32_lane(a5 + o, n2, 1);
        v128.store32_lane(a6 + o, n3, 0);
        v128.store32_lane(a7 + o, n3, 1);
      }
  } else {
    for (let k = 0, line = from, o: usize = 0; k < count; k++, line += row)
      for (let d = 0, i = line; d < width; d++, i += step, o += 8) {
        const v0 = v128.load(i);
        const v1 = v128.load(i + 16);
        const v2 = v128.load(i + 32);
        const v3 = v128.load(i + 48);
        v128.store64_lane(a0 + o, v0, 0);
        v128.store64_lane(a1 + o, v0, 1);
        v128.store64_lane(a2 + o, v1, 0);
        v128.store64_lane(a3 + o, v1, 1);
        v128.store64_lane(a4 + o, v2, 0);
        v128.store64_lane(a5 + o, v2, 1);
        v128.store64_lane(a6 + o, v3, 0);
        v128.store64_lane(a7 + o, v3, 1);
      }
  }
}

/** Two lanes' column, both float32: lane r's values to `a`, lane r + 1's to `b`. */
function pairs32(from: usize, row: usize, stride: i32, width: i32, count: i32, a: usize, b: usize): void {
  const step = (<usize>stride) << 3;
  for (let k = 0, at = from, o: usize = 0; k < count; k++, at += row)
    for (let d = 0, i = at; d < width; d++, i += step, o += 4) {
      const narrow = f32x4.demote_f64x2_zero(v128.load(i));
      v128.store32_lane(a + o, narrow, 0);
      v128.store32_lane(b + o, narrow, 1);
    }
}

/** Two lanes' column, both float64. */
function pairs64(from: usize, row: usize, stride: i32, width: i32, count: i32, a: usize, b: usize): void {
  const step = (<usize>stride) << 3;
  for (let k = 0, at = from, o: usize = 0; k < count; k++, at += row)
    for (let d = 0, i = at; d < width; d++, i += step, o += 8) {
      const v = v128.load(i);
      v128.store64_lane(a + o, v, 0);
      v128.store64_lane(b + o, v, 1);
    }
}

/** One lane's column, of kind `k`. */
function lane(from: usize, row: usize, stride: i32, width: i32, count: i32, a: usize, k: u8): void {
  const step = (<usize>stride) << 3;
  if (k == FLOAT32) {
    for (let j = 0, at = from, o: usize = 0; j < count; j++, at += row)
      for (let d = 0, i = at; d < width; d++, i += step, o += 4) store<f32>(a + o, <f32>load<f64>(i));
  } else if (k == FLOAT64) {
    for (let j = 0, at = from, o: usize = 0; j < count; j++, at += row)
      for (let d = 0, i = at; d < width; d++, i += step, o += 8) store<f64>(a + o, load<f64>(i));
  }
}
