/**
 * Bounded traces: a run of a million steps keeps at most `maxPoints` rows, chosen so that the charts still show what
 * matters: every early step (where the loss moves most), log-spaced steps after that (the x axis of a long run is
 * usually logarithmic), the last step, the step of the highest loss (a spike must never vanish from a chart) and the
 * step at which a run diverged.
 *
 * The recorder is fed by the run loop; it allocates its rows once and copies into them, so a step costs no allocation.
 */
import type { CompactTrace, RunTrace } from '../contract/types';
import {
  compactTrace,
  compactOffsets,
  compactTraceOver,
  copyTrace,
  float32Mask,
  shapeOfTrace,
  traceValueColumns,
  type CompactOffsets,
  type CompactShape,
} from './compact-trace';
import {
  FLOAT32,
  FLOAT64,
  gatherColumn,
  laneLayout,
  rowColumnAt,
  rowColumnWidth,
  SKIP,
  type LaneLayout,
} from './trace-layout';
import { summarizeInto } from './quantiles';

const defaultTraceMaxPoints = 1000;
export const defaultPerParameterLimit = 16;

/**
 * The steps a trace keeps, ascending and unique: every step when all `steps + 1` fit in `maxPoints`; otherwise the
 * first quarter of the budget dense from 0, then log-spaced to `steps`, in at most `maxPoints − 1` entries so that one
 * row is left for the loss spike. Always contains 0 and `steps`.
 *
 * Each log-spaced point is placed geometrically between the previous one and `steps` given the slots left, so rounding
 * to whole steps never runs out of room or repeats a step.
 */
export function traceSchedule(steps: number, maxPoints: number = defaultTraceMaxPoints): Uint32Array {
  if (!(Number.isInteger(steps) && steps >= 0 && steps <= 0xffffffff))
    throw new RangeError(`traceSchedule: steps ${steps}`);
  // The start, the end and the spike need three rows.
  if (!(Number.isInteger(maxPoints) && maxPoints >= 3))
    throw new RangeError(`traceSchedule: maxPoints ${maxPoints} (must be >= 3)`);
  if (steps + 1 <= maxPoints) return Uint32Array.from({ length: steps + 1 }, (_, i) => i);

  const budget = maxPoints - 1;
  const dense = Math.max(1, Math.floor(budget / 4));
  const out = new Uint32Array(budget);
  for (let i = 0; i < dense; i++) out[i] = i;
  let prev = dense - 1;
  for (let i = dense; i < budget; i++) {
    const left = budget - i; // slots left, this one included; the last one is `steps`
    const ideal = Math.round(Math.max(prev, 1) * Math.pow(steps / Math.max(prev, 1), 1 / left));
    prev = Math.min(Math.max(prev + 1, ideal), steps - (left - 1));
    out[i] = prev;
  }
  return out;
}

/**
 * An estimate from a trace's shape, before anything runs: the bytes of a run's trace at most, as TraceRecorder keeps it: per row a step number (4 bytes) and the loss, θ, ∇, G
 * and update (8 bytes a value; θ and the others `dim` wide, or min, median and max above the per-parameter limit).
 */
export function maxTraceBytes(
  dim: number,
  steps: number,
  maxPoints: number,
  perParameterLimit: number = defaultPerParameterLimit,
): number {
  const width = dim <= perParameterLimit ? dim : 3;
  const rows = Math.min(steps + 1, maxPoints);
  return rows * (4 + 8 * (1 + 4 * width));
}

const align8 = (n: number): number => (n + 7) & ~7;

/** The runs of a batch mostly share a schedule: the last one computed is kept (recorders only read it). */
let lastSchedule: { steps: number; maxPoints: number; schedule: Uint32Array } | null = null;
function sharedSchedule(steps: number, maxPoints: number): Uint32Array {
  if (lastSchedule?.steps !== steps || lastSchedule.maxPoints !== maxPoints)
    lastSchedule = { steps, maxPoints, schedule: traceSchedule(steps, maxPoints) };
  return lastSchedule.schedule;
}

/**
 * Trace columns for `capacity` rows of `width` values; the accumulator column is empty without an accumulator. All
 * six are views of one buffer (a new one, or `buffer` from byte `at`): a run's trace is one allocation and, between
 * threads, one transfer.
 */
class Rows {
  readonly steps: Uint32Array;
  readonly loss: Float64Array;
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly accum: Float64Array;
  readonly update: Float64Array;
  /** Where θ's cells start, in doubles from the loss column's start: the columns follow each other. */
  readonly thetaAt: number;

  /** The bytes of the buffer. The steps (4 bytes each) go last, so that every Float64Array view starts 8-byte aligned. */
  static bytes(capacity: number, width: number, hasAccumulator: boolean): number {
    const cells = capacity * width;
    return (capacity + 3 * cells + (hasAccumulator ? cells : 0)) * 8 + capacity * 4;
  }

  constructor(
    capacity: number,
    width: number,
    hasAccumulator: boolean,
    buffer = new ArrayBuffer(Rows.bytes(capacity, width, hasAccumulator)),
    at = 0,
  ) {
    const cells = capacity * width;
    const accumCells = hasAccumulator ? cells : 0;
    const doubles = capacity + 3 * cells + accumCells;
    // Offsets in doubles, written out: a helper closure per trace cost more than the arithmetic (one per run).
    this.loss = new Float64Array(buffer, at, capacity);
    this.theta = new Float64Array(buffer, at + capacity * 8, cells);
    this.grad = new Float64Array(buffer, at + (capacity + cells) * 8, cells);
    this.accum = new Float64Array(buffer, at + (capacity + 2 * cells) * 8, accumCells);
    this.update = new Float64Array(buffer, at + (capacity + 2 * cells + accumCells) * 8, cells);
    this.steps = new Uint32Array(buffer, at + doubles * 8, capacity);
    this.thetaAt = capacity;
  }

  /** The RunTrace these rows are. */
  trace(dim: number, layout: RunTrace['layout'], width: number): RunTrace {
    const { steps, loss, theta, grad, accum, update } = this;
    return { steps, loss, dim, layout, width, theta, grad, accum, update };
  }
}

/**
 * The traces a batch computes: true the engine's (float64, the RunTrace contract), false none (noTrace), 'compact' as
 * the window keeps them (compact-trace.ts: each value column in float32 where faithful), for traces copied out at once
 * (result-batch.ts executeEncoded).
 */
export type TraceKind = boolean | 'compact';

/**
 * The trace of a run computed without one (executeBatch with `traces` false: the command line writing summaries only):
 * no rows. One object shared by every such result, never transferred; its buffer is empty.
 */
export const noTrace: RunTrace = Object.freeze({
  steps: new Uint32Array(0),
  loss: new Float64Array(0),
  dim: 0,
  layout: 'parameters',
  width: 0,
  theta: new Float64Array(0),
  grad: new Float64Array(0),
  accum: new Float64Array(0),
  update: new Float64Array(0),
});

/**
 * Trace memory this thread reuses from batch to batch (withReusedTraceMemory): lane blocks take their buffers from it,
 * one after another, while a batch runs. Fresh memory is what traces cost most: writing a W1t batch's 152 MB of rows
 * into new buffers took ~4× as long as writing them into memory written before (the first touch of every page), and
 * its allocation and the garbage collector's sweep came on top. Only a caller that has finished with the traces before
 * the next batch runs may reuse it (result-batch.ts executeEncoded: they are copied into the batch's columns at once).
 */
const reuse = { active: false, memory: new ArrayBuffer(0), used: 0, wanted: 0 };
/**
 * At most this much is kept between batches, per thread: twice what a task of the app or the command line holds (they
 * are sized to at most 16 MB of traces, src-main/batch-sizer.ts), so theirs always fit; a larger batch (the bench's
 * 10,000-run W1t) records what does not fit in buffers of its own.
 */
const reusedBytesLimit = 32 << 20;

/**
 * Runs `fn` with lane blocks' traces recorded in this thread's reused memory, grown after a batch to what it wanted
 * (up to reusedBytesLimit; what does not fit gets buffers of its own). Every trace made inside `fn` must be done with
 * when it returns: the next call overwrites them.
 */
export function withReusedTraceMemory<T>(fn: () => T): T {
  if (reuse.active) throw new Error('withReusedTraceMemory: already inside a call');
  Object.assign(reuse, { active: true, used: 0, wanted: 0 });
  try {
    return fn();
  } finally {
    reuse.active = false;
    if (reuse.wanted > reuse.memory.byteLength && reuse.wanted <= reusedBytesLimit)
      reuse.memory = new ArrayBuffer(reuse.wanted);
  }
}

/** `bytes` (a multiple of 8) for a lane block's traces: from the reused memory while a batch runs there, else fresh. */
function blockMemory(bytes: number): { buffer: ArrayBuffer; at: number } {
  if (!reuse.active) return { buffer: new ArrayBuffer(bytes), at: 0 };
  const at = reuse.used;
  reuse.wanted += bytes;
  if (at + bytes > reuse.memory.byteLength) return { buffer: new ArrayBuffer(bytes), at: 0 };
  reuse.used += bytes;
  return { buffer: reuse.memory, at };
}

/**
 * summarizeInto's scratch, for every recorder of this thread (they record one at a time), grown to the widest vector:
 * a wide run's recorders do not each make (and the system zero) one of their own, 8 MB at a million parameters.
 */
let quantileScratch = new Float64Array(0);

/**
 * The recorders of a group of lanes (TraceRecorder.forLanes) and, for the 'parameters' layout, the scheduled rows they
 * keep in common while the lanes run: row k of every lane at k·rowLength of `rows`, as the lanes hold their state —
 * the losses (stride), then θ, ∇, G and the update (dim·stride each, lane r's coordinate d at d·stride + r) — so that
 * recording a row is a few block copies whatever the lanes, and each run's trace is laid out once, at the end
 * (finishLanes), reading the rows while the cache still holds them. (Written into each run's trace as they came, a
 * row's dozen numbers went to six places 15 KB apart per lane: 77 ms of W1t's 10,000 runs, against ~5 ms of copies.)
 */
export interface LaneRecorders {
  readonly recorders: readonly TraceRecorder[];
  readonly dim: number;
  readonly stride: number;
  readonly schedule: Uint32Array;
  /** Null for the 'quantiles' layout, whose recorders keep their rows themselves. */
  readonly layout: LaneLayout | null;
  readonly rowLength: number;
  /** The scheduled rows recorded so far. */
  recorded: number;
  /** Per lane, the scheduled rows it kept when it stopped (stopLane), −1 while it keeps them all. */
  readonly keptRows: Int32Array;
}

/** The state of runs stepped side by side, coordinate-major, as TraceRecorder.recordLanes reads it. */
export interface LaneRows {
  /** Per lane (stride). */
  readonly loss: Float64Array;
  /** Lane r's coordinate d at d·stride + r (dim·stride). */
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly accum: Float64Array;
  /** θ before the last step. */
  readonly previous: Float64Array;
}

const laneShape = ({ schedule, dim }: LaneRecorders): CompactShape => ({
  rows: schedule.length,
  dim,
  layout: 'parameters',
  width: dim,
  hasAccumulator: true,
});

/**
 * Chooses and copies the rows of a RunTrace while a run goes.
 *
 * Protocol, per step k = 0, 1, …: if the run diverged at k, call `recordFinal` and stop; otherwise, if `wants(k, loss)`,
 * call `record`. Steps must come in ascending order. `finish()` once at the end.
 */
export class TraceRecorder {
  readonly layout: 'parameters' | 'quantiles';
  readonly width: number;
  private readonly schedule: Uint32Array;
  private cursor = 0;
  /**
   * The scheduled rows in order, sized to the schedule (made when first written, at `place` if given): a run that
   * records exactly its schedule (most do) finishes by handing these arrays over, without a copy.
   */
  private scheduledStore: Rows | null = null;
  private scheduledRows = 0;
  /** Row 0: the loss spike between scheduled steps; row 1: the final row of a run that diverged. Made when needed. */
  private extraRows: Rows | null = null;
  private readonly hasAccumulator: boolean;
  private spikeSet = false;
  private finalSet = false;
  /** The highest loss recorded so far; unrecorded steps never exceed it (else `wants` would have said yes). */
  private maxLoss = -Infinity;

  /** `place`: where the scheduled rows go (forLanes: a block's traces share one buffer); by default a buffer of their own. */
  constructor(
    readonly dim: number,
    totalSteps: number,
    maxPoints: number = defaultTraceMaxPoints,
    perParameterLimit: number = defaultPerParameterLimit,
    hasAccumulator = true,
    private place?: { buffer: ArrayBuffer; at: number },
  ) {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`TraceRecorder: dim ${dim}`);
    this.schedule = sharedSchedule(totalSteps, maxPoints);
    this.layout = dim <= perParameterLimit ? 'parameters' : 'quantiles';
    this.width = this.layout === 'parameters' ? dim : 3;
    this.hasAccumulator = hasAccumulator;
  }

  private get scheduled(): Rows {
    const { place } = this;
    return (this.scheduledStore ??= place
      ? new Rows(this.schedule.length, this.width, this.hasAccumulator, place.buffer, place.at)
      : new Rows(this.schedule.length, this.width, this.hasAccumulator));
  }

  private get extra(): Rows {
    return (this.extraRows ??= new Rows(2, this.width, this.hasAccumulator));
  }

  /** Whether step `step` must be recorded: it is scheduled, its loss beats every loss so far, or its loss is not finite. O(1) amortized; records nothing. */
  wants(step: number, loss: number): boolean {
    return this.isScheduled(step) || loss > this.maxLoss || !Number.isFinite(loss);
  }

  /** Copies one row. Call it only when `wants(step, loss)` said yes. `accum` is ignored when there is no accumulator. */
  record(
    step: number,
    loss: number,
    theta: Float64Array,
    grad: Float64Array,
    accum: Float64Array | null,
    update: Float64Array,
  ): void {
    if (this.isScheduled(step)) {
      this.write(this.scheduled, this.scheduledRows++, step, loss, theta, grad, accum, update);
      this.cursor++;
    } else if (loss > this.maxLoss) {
      // A new maximum between scheduled steps replaces the previous spike: only the highest one must survive.
      this.write(this.extra, 0, step, loss, theta, grad, accum, update);
      this.spikeSet = true;
    } else {
      // A non-finite loss off the schedule: the divergence step, which is the run's last.
      this.write(this.extra, 1, step, loss, theta, grad, accum, update);
      this.finalSet = true;
    }
    if (loss > this.maxLoss) this.maxLoss = loss;
  }

  /**
   * The recorders of `lanes` runs stepped side by side (lanes.ts; `stride` lanes allocated), with an accumulator column,
   * gathered for recordLanes. With the 'parameters' layout their scheduled rows are recorded for all lanes at once into
   * rows they share (LaneRecorders) and laid out at the end (finishLanes); with 'quantiles' each recorder summarizes
   * its rows itself (record), into a block of memory (blockMemory) where the group's traces follow each other.
   * `compact`: the traces will be finished compact (finishLanes), so each row's range is checked as it is recorded.
   */
  static forLanes(
    lanes: number,
    stride: number,
    dim: number,
    totalSteps: number,
    maxPoints: number,
    wasm = true,
    compact = false,
  ): LaneRecorders {
    const schedule = sharedSchedule(totalSteps, maxPoints);
    const whole = dim <= defaultPerParameterLimit;
    const bytes = align8(Rows.bytes(schedule.length, 3, true));
    const block = whole ? null : blockMemory(lanes * bytes);
    const recorders = Array.from(
      { length: lanes },
      (_, r) =>
        new TraceRecorder(
          dim,
          totalSteps,
          maxPoints,
          undefined,
          true,
          block ? { ...block, at: block.at + r * bytes } : undefined,
        ),
    );
    const rowLength = whole ? (1 + 4 * dim) * stride : 0;
    const slot = align8(Rows.bytes(schedule.length, dim, true));
    return {
      recorders,
      dim,
      stride,
      schedule,
      layout: whole ? laneLayout(lanes, rowLength, schedule.length, lanes * slot, wasm, compact) : null,
      rowLength,
      recorded: 0,
      keptRows: new Int32Array(lanes).fill(-1),
    };
  }

  /**
   * `record` of scheduled step `step` for every lane still going (the 'parameters' layout), from the coordinate-major
   * state of runs stepped side by side (the update is θ − θ before: θ before is copied to its place and the layout
   * finishes the row, in WebAssembly where it has it): every lane still running keeps every scheduled row, so the row
   * is copied for all of them at once, and a lane that stopped (stopLane) ignores what is copied for it after. The
   * recorders learn of these rows in finishLanes.
   */
  static recordLanes(group: LaneRecorders, step: number, lanes: LaneRows): void {
    const { schedule, rowLength, stride } = group;
    const layout = group.layout!;
    const { rows } = layout;
    const k = group.recorded++;
    if (schedule[k] !== step)
      throw new RangeError(`TraceRecorder.recordLanes: step ${step} is not the next scheduled one`);
    const { loss, theta, grad, accum, previous } = lanes;
    const cells = theta.length;
    const at = k * rowLength;
    rows.set(loss, at);
    rows.set(theta, at + stride);
    rows.set(grad, at + stride + cells);
    rows.set(accum, at + stride + 2 * cells);
    rows.set(previous, at + stride + 3 * cells);
    layout.finishRow(at, stride, cells);
  }

  /** Lane r of the group stopped (it diverged): the scheduled rows recorded from now on are not its. */
  static stopLane(group: LaneRecorders, r: number): void {
    if (group.keptRows[r] < 0) group.keptRows[r] = group.recorded;
  }

  /**
   * The traces of a lane group once it has run, in order, all in one block of memory (blockMemory): as each recorder's
   * `finish` gives them (float64), or with `compact` as compact-trace.ts compactTrace makes them (each value column in
   * float32 where that is faithful; for traces copied out at once, result-batch.ts executeEncoded). A run that kept
   * exactly the scheduled rows (most do) is laid out straight from the group's rows (trace-layout.ts: in WebAssembly
   * where this thread has it); one with a spike or a divergence goes through its recorder first.
   */
  static finishLanes(group: LaneRecorders, compact: false): RunTrace[];
  static finishLanes(group: LaneRecorders, compact: boolean): CompactTrace[];
  static finishLanes(group: LaneRecorders, compact: boolean): CompactTrace[] {
    const { recorders, layout, schedule, recorded, stride, dim } = group;
    if (layout === null)
      return recorders.map((recorder) => {
        const trace = recorder.finish();
        return compact ? compactTrace(trace) : trace;
      });
    const lanes = recorders.length;
    const capacity = schedule.length;
    const kept = (r: number): number => (group.keptRows[r] < 0 ? recorded : group.keptRows[r]);
    const { to, kind } = layout;
    /** Lane r's columns go where `trace` has them, from `at` (its block's start), in their types. */
    const place = (r: number, trace: CompactTrace, at: number) =>
      traceValueColumns.forEach((name, c) => {
        const column = trace[name];
        to[5 * r + c] = column.byteOffset - at;
        kind[5 * r + c] = column instanceof Float32Array ? FLOAT32 : FLOAT64;
      });
    if (!compact) {
      // Every lane's rows into its recorder's rows (recorded there as they came, a row's dozen numbers went to six
      // places 15 KB apart per lane); each recorder then finishes.
      const slot = align8(Rows.bytes(capacity, dim, true));
      const block = blockMemory(lanes * slot);
      recorders.forEach((recorder, r) => {
        recorder.place = { buffer: block.buffer, at: block.at + r * slot };
        recorder.scheduledRows = kept(r);
        place(r, recorder.scheduled.trace(dim, 'parameters', dim), block.at);
      });
      layout.lay(stride, dim, recorded, block.buffer, block.at, lanes * slot);
      return recorders.map((recorder) => {
        recorder.scheduled.steps.set(schedule.subarray(0, recorded));
        return recorder.finish();
      });
    }
    // Compact: each column in float32 where every value of it fits (compactTrace's mask), the values checked as each
    // row was recorded (recordLanes). A run with a spike or a divergence is finished first and copied in after the
    // others.
    const own = recorders.map((recorder, r) => {
      if (kept(r) === capacity && !recorder.spikeSet && !recorder.finalSet) return null;
      recorder.scheduledRows = kept(r);
      recorder.layRows(group, r);
      return recorder.finish();
    });
    const plain = own.some((trace) => trace === null);
    const shape = laneShape(group);
    const masks = own.map((trace, r) => {
      if (trace) return float32Mask(trace);
      let mask = 0;
      for (let c = 0; c < 5; c++) {
        const from = rowColumnAt(stride, dim, c, r);
        let fits = true;
        for (let d = 0; d < rowColumnWidth(dim, c) && fits; d++) fits = !layout.outside(from + d * stride);
        if (fits) mask |= 1 << c;
      }
      return mask;
    });
    // Where each run's columns go: the plain ones share the group's shape, and so one of a few offsets by mask.
    const offsetsByMask: CompactOffsets[] = [];
    const placed = own.map((trace, r) =>
      trace
        ? compactOffsets(shapeOfTrace(trace), masks[r])
        : (offsetsByMask[masks[r]] ??= compactOffsets(shape, masks[r])),
    );
    const starts = new Int32Array(lanes + 1);
    for (let r = 0; r < lanes; r++) starts[r + 1] = starts[r] + placed[r].bytes;
    const block = blockMemory(starts[lanes]);
    const traces = own.map((trace, r) => {
      const at = block.at + starts[r];
      const laid = compactTraceOver(block.buffer, at, trace ? shapeOfTrace(trace) : shape, masks[r], placed[r]);
      if (trace) kind.fill(SKIP, 5 * r, 5 * r + 5);
      else place(r, laid, block.at);
      return laid;
    });
    if (plain) layout.lay(stride, dim, capacity, block.buffer, block.at, starts[lanes]);
    // The four bytes after a column of odd length are zeroed, as in a fresh buffer (the reused memory and the
    // layout's held other numbers there): a block's traces are then copied out whole (result-batch.ts).
    const words = new Uint32Array(block.buffer, block.at, starts[lanes] >> 2);
    const zeroAfter = (column: CompactTrace['steps'] | CompactTrace['loss']) => {
      const end = column.byteOffset + column.byteLength - block.at;
      if (end & 7) words[end >> 2] = 0;
    };
    traces.forEach((laid, r) => {
      const trace = own[r];
      if (trace) copyTrace(trace, laid);
      else laid.steps.set(schedule);
      zeroAfter(laid.steps);
      for (const name of traceValueColumns) zeroAfter(laid[name]);
    });
    return traces;
  }

  /** Copies lane r's first scheduledRows rows of a group's rows into this recorder's scheduled rows, steps too. */
  private layRows(group: LaneRecorders, r: number): void {
    const { schedule, rowLength, stride, dim } = group;
    const count = this.scheduledRows;
    const rows = group.layout!.rows;
    const out = this.scheduled;
    out.steps.set(schedule.subarray(0, count));
    [out.loss, out.theta, out.grad, out.accum, out.update].forEach((column, c) =>
      gatherColumn(rows, rowLength, stride, dim, c, r, count, column, 0),
    );
  }

  /** Records the step at which a run stopped early (it diverged); always kept, whatever its loss. */
  recordFinal(
    step: number,
    loss: number,
    theta: Float64Array,
    grad: Float64Array,
    accum: Float64Array | null,
    update: Float64Array,
  ): void {
    this.finalSet = true;
    this.write(this.extra, 1, step, loss, theta, grad, accum, update);
  }

  /** The recorded rows in step order, in columns sized exactly, views of one buffer (transfer it once: transferablesOf). */
  finish(): RunTrace {
    const { dim, layout, width } = this;
    if (!this.spikeSet && !this.finalSet && this.scheduledRows === this.schedule.length)
      return this.scheduled.trace(dim, layout, width);
    const rows = this.rowOrder();
    const w = this.width;
    const out = new Rows(rows.length, w, this.scheduled.accum.length > 0);
    rows.forEach(({ store, row }, k) => {
      out.steps[k] = store.steps[row];
      out.loss[k] = store.loss[row];
      for (const column of ['theta', 'grad', 'accum', 'update'] as const) {
        const src = store[column];
        const dst = out[column];
        for (let c = 0; c < w && dst.length > 0; c++) dst[k * w + c] = src[row * w + c];
      }
    });
    return out.trace(dim, layout, width);
  }

  /** Whether `step` is one of the schedule's steps. Steps must be asked about in ascending order. */
  isScheduled(step: number): boolean {
    while (this.cursor < this.schedule.length && this.schedule[this.cursor] < step) this.cursor++;
    return this.schedule[this.cursor] === step;
  }

  /** The rows to keep, in step order: the scheduled ones, then the spike and the final row put in their places. */
  private rowOrder(): { store: Rows; row: number }[] {
    const order = Array.from({ length: this.scheduledRows }, (_, row) => ({ store: this.scheduled, row }));
    if (this.spikeSet) order.push({ store: this.extra, row: 0 });
    if (this.finalSet) order.push({ store: this.extra, row: 1 });
    const stepOf = ({ store, row }: { store: Rows; row: number }) => store.steps[row];
    // A stable sort: where the final step was also recorded as scheduled or as the spike, the first of them is kept.
    order.sort((a, b) => stepOf(a) - stepOf(b));
    return order.filter((entry, i) => i === 0 || stepOf(entry) !== stepOf(order[i - 1]));
  }

  private write(
    store: Rows,
    row: number,
    step: number,
    loss: number,
    theta: Float64Array,
    grad: Float64Array,
    accum: Float64Array | null,
    update: Float64Array,
  ): void {
    store.steps[row] = step;
    store.loss[row] = loss;
    this.put(store.theta, row, theta);
    this.put(store.grad, row, grad);
    if (store.accum.length > 0 && accum) this.put(store.accum, row, accum);
    this.put(store.update, row, update);
  }

  private put(column: Float64Array, row: number, values: Float64Array): void {
    const at = row * this.width;
    if (this.layout === 'parameters') for (let i = 0; i < values.length; i++) column[at + i] = values[i];
    else {
      if (quantileScratch.length < values.length) quantileScratch = new Float64Array(values.length);
      summarizeInto(values, quantileScratch, column, at);
    }
  }
}

/**
 * Which row step `step` keeps, by TraceRecorder's protocol: 'final' for the step a run diverged at (the row it stopped at,
 * or, continuing after it, the divergence row kept off the schedule), 'row' for one `wants` asks for, else 'none'.
 * After a divergence a continuing run keeps its scheduled rows only: its non-finite losses are neither spikes nor a
 * divergence of their own.
 */
export function keptRow(
  recorder: TraceRecorder,
  step: number,
  loss: number,
  going: boolean,
  divergedBefore: boolean,
  divergesHere: boolean,
): 'row' | 'final' | 'none' {
  if (!going) return 'final';
  if (divergedBefore) return recorder.isScheduled(step) ? 'row' : 'none';
  if (divergesHere) return recorder.isScheduled(step) ? 'row' : 'final';
  return recorder.wants(step, loss) ? 'row' : 'none';
}
