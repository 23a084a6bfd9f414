/**
 * Bounded traces: a run of a million steps keeps at most `maxPoints` rows, chosen so that the charts still show what
 * matters: every early step (where the loss moves most), log-spaced steps after that (the x axis of a long run is
 * usually logarithmic), the last step, the step of the highest loss (a spike must never vanish from a chart) and the
 * step at which a run diverged.
 *
 * The recorder is fed by the run loop; it allocates its rows once and copies into them, so a step costs no allocation.
 */
import type { RunTrace } from '../contract/types';
import { summarizeInto } from './quantiles';

export const defaultTraceMaxPoints = 1000;
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

/** The shape of a trace: what laying one out in a buffer takes (traceLayoutBytes, traceOver). */
export type TraceShape = Pick<RunTrace, 'dim' | 'layout' | 'width'> & { rows: number; hasAccumulator: boolean };

/** The bytes of a trace of this shape laid out as TraceRecorder lays one out: loss, θ, ∇, G and update, then steps. */
export const traceLayoutBytes = ({ rows, width, hasAccumulator }: TraceShape): number =>
  Rows.bytes(rows, width, hasAccumulator);

/** A trace of this shape over `buffer` from byte `at` (8-byte aligned), laid out as TraceRecorder lays one out. */
export function traceOver(buffer: ArrayBuffer, at: number, shape: TraceShape): RunTrace {
  return new Rows(shape.rows, shape.width, shape.hasAccumulator, buffer, at).trace(
    shape.dim,
    shape.layout,
    shape.width,
  );
}

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
 * The recorders of a group of lanes and their traces' memory (TraceRecorder.forLanes): lane r's trace is `runDoubles`
 * doubles of `doubles` from r·runDoubles (loss, θ, ∇, G, update), and its steps `steps` from r·runSteps + stepsAt.
 */
export interface LaneRecorders {
  readonly recorders: readonly TraceRecorder[];
  readonly doubles: Float64Array;
  readonly steps: Uint32Array;
  readonly runDoubles: number;
  readonly runSteps: number;
  readonly stepsAt: number;
  /** Where θ starts in a trace's doubles, and how many cells a column holds (the same for every lane). */
  readonly thetaAt: number;
  readonly cells: number;
}

/** The state of runs stepped side by side, coordinate-major, as TraceRecorder.recordLanes reads it. */
export interface LaneRows {
  readonly stride: number;
  /** Per lane. */
  readonly loss: Float64Array;
  /** Lane r's coordinate d at d·stride + r. */
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly accum: Float64Array;
  /** θ before the last step. */
  readonly previous: Float64Array;
}

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
   * The scheduled rows in order, sized to the schedule: a run that records exactly its schedule (most do) finishes by
   * handing these arrays over, without a copy.
   */
  private readonly scheduled: Rows;
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
    place?: { buffer: ArrayBuffer; at: number },
  ) {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`TraceRecorder: dim ${dim}`);
    this.schedule = sharedSchedule(totalSteps, maxPoints);
    this.layout = dim <= perParameterLimit ? 'parameters' : 'quantiles';
    this.width = this.layout === 'parameters' ? dim : 3;
    this.scheduled = place
      ? new Rows(this.schedule.length, this.width, hasAccumulator, place.buffer, place.at)
      : new Rows(this.schedule.length, this.width, hasAccumulator);
    this.hasAccumulator = hasAccumulator;
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
   * The recorders of `lanes` runs stepped side by side (lanes.ts), with an accumulator column, gathered for
   * `recordLanes`. Their scheduled rows are laid out one run after another in one block of memory (blockMemory): a
   * run's trace is views of its own bytes, which no other run's trace overlaps, and its buffer is the block's.
   */
  static forLanes(lanes: number, dim: number, totalSteps: number, maxPoints: number): LaneRecorders {
    const capacity = sharedSchedule(totalSteps, maxPoints).length;
    const width = dim <= defaultPerParameterLimit ? dim : 3;
    const bytes = align8(Rows.bytes(capacity, width, true));
    const { buffer, at } = blockMemory(lanes * bytes);
    const recorders = Array.from(
      { length: lanes },
      (_, r) => new TraceRecorder(dim, totalSteps, maxPoints, undefined, true, { buffer, at: at + r * bytes }),
    );
    const first = recorders[0].scheduled;
    return {
      recorders,
      doubles: new Float64Array(buffer, at, (lanes * bytes) / 8),
      steps: new Uint32Array(buffer, at, (lanes * bytes) / 4),
      runDoubles: bytes / 8,
      runSteps: bytes / 4,
      stepsAt: (first.steps.byteOffset - at) / 4,
      thetaAt: first.thetaAt,
      cells: first.theta.length,
    };
  }

  /**
   * `record` of scheduled step `step` for every lane r whose skip[r] is 0, from the coordinate-major state of runs
   * stepped side by side (lane r's coordinate d at d·stride + r; the update is θ − θ before): one pass over the lanes,
   * the same rows. Every lane still running keeps every scheduled row, so each writes its next one, through the
   * block views `forLanes` made: looking a lane's arrays up per row (through its recorder, or in an array of views)
   * cost more than the row's dozen numbers.
   */
  static recordLanes(group: LaneRecorders, step: number, lanes: LaneRows, skip: Uint8Array): void {
    const { recorders, doubles: out, steps, runDoubles, runSteps, stepsAt, thetaAt, cells } = group;
    const { loss, theta, grad, accum, previous, stride } = lanes;
    for (let r = 0; r < recorders.length; r++) {
      if (skip[r]) continue;
      const recorder = recorders[r];
      const row = recorder.scheduledRows++;
      if (recorder.schedule[row] !== step)
        throw new RangeError(`TraceRecorder.recordLanes: step ${step} is not the next scheduled one`);
      recorder.cursor = row + 1;
      const f = loss[r];
      if (f > recorder.maxLoss) recorder.maxLoss = f;
      steps[r * runSteps + stepsAt + row] = step;
      const base = r * runDoubles;
      out[base + row] = f;
      const dim = recorder.dim;
      for (let d = 0, at = base + thetaAt + row * dim, i = r; d < dim; d++, at++, i += stride) {
        const x = theta[i];
        out[at] = x;
        out[at + cells] = grad[i];
        out[at + 2 * cells] = accum[i];
        out[at + 3 * cells] = x - previous[i];
      }
    }
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
