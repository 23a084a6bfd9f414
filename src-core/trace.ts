/**
 * Bounded traces: a run of a million steps keeps at most `maxPoints` rows, chosen so that the charts still show what
 * matters: every early step (where the loss moves most), log-spaced steps after that (the x axis of a long run is
 * usually logarithmic), the last step, the step of the highest loss (a spike must never vanish from a chart) and the
 * step at which a run diverged.
 *
 * The recorder is fed by the run loop; it allocates its rows once and copies into them, so a step costs no allocation.
 */
import type { RunTrace } from './contract/types';

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
  if (!(Number.isInteger(steps) && steps >= 0 && steps <= 0xffffffff)) throw new RangeError(`traceSchedule: steps ${steps}`);
  // The start, the end and the spike need three rows.
  if (!(Number.isInteger(maxPoints) && maxPoints >= 3)) throw new RangeError(`traceSchedule: maxPoints ${maxPoints} (must be >= 3)`);
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
  /** Rows 0..capacity−3 hold scheduled steps in order; the last two are the spike row and the final row. */
  private readonly capacity: number;
  private scheduledRows = 0;
  private readonly spikeRow: number;
  private readonly finalRow: number;
  private spikeSet = false;
  private finalSet = false;
  /** The highest loss recorded so far; unrecorded steps never exceed it (else `wants` would have said yes). */
  private maxLoss = -Infinity;
  private readonly steps: Uint32Array;
  private readonly loss: Float64Array;
  private readonly theta: Float64Array;
  private readonly grad: Float64Array;
  private readonly accum: Float64Array;
  private readonly update: Float64Array;
  /** Scratch for quickselect in the 'quantiles' layout, reused by every call. */
  private readonly scratch: Float64Array;

  constructor(
    readonly dim: number,
    totalSteps: number,
    maxPoints: number = defaultTraceMaxPoints,
    perParameterLimit: number = defaultPerParameterLimit,
    hasAccumulator = true,
  ) {
    if (!(Number.isInteger(dim) && dim >= 1)) throw new RangeError(`TraceRecorder: dim ${dim}`);
    this.schedule = traceSchedule(totalSteps, maxPoints);
    this.layout = dim <= perParameterLimit ? 'parameters' : 'quantiles';
    this.width = this.layout === 'parameters' ? dim : 3;
    this.capacity = this.schedule.length + 2;
    this.spikeRow = this.capacity - 2;
    this.finalRow = this.capacity - 1;
    const cells = this.capacity * this.width;
    this.steps = new Uint32Array(this.capacity);
    this.loss = new Float64Array(this.capacity);
    this.theta = new Float64Array(cells);
    this.grad = new Float64Array(cells);
    this.accum = new Float64Array(hasAccumulator ? cells : 0);
    this.update = new Float64Array(cells);
    this.scratch = new Float64Array(this.layout === 'quantiles' ? dim : 0);
  }

  /** Whether step `step` must be recorded: it is scheduled, its loss beats every loss so far, or its loss is not finite. O(1) amortized; records nothing. */
  wants(step: number, loss: number): boolean {
    return this.isScheduled(step) || loss > this.maxLoss || !Number.isFinite(loss);
  }

  /** Copies one row. Call it only when `wants(step, loss)` said yes. `accum` is ignored when there is no accumulator. */
  record(step: number, loss: number, theta: Float64Array, grad: Float64Array, accum: Float64Array | null, update: Float64Array): void {
    let row: number;
    if (this.isScheduled(step)) {
      row = this.scheduledRows++;
      this.cursor++;
    } else if (loss > this.maxLoss) {
      // A new maximum between scheduled steps replaces the previous spike: only the highest one must survive.
      row = this.spikeRow;
      this.spikeSet = true;
    } else {
      // A non-finite loss off the schedule: the divergence step, which is the run's last.
      row = this.finalRow;
      this.finalSet = true;
    }
    if (loss > this.maxLoss) this.maxLoss = loss;
    this.write(row, step, loss, theta, grad, accum, update);
  }

  /** Records the step at which a run stopped early (it diverged); always kept, whatever its loss. */
  recordFinal(step: number, loss: number, theta: Float64Array, grad: Float64Array, accum: Float64Array | null, update: Float64Array): void {
    this.finalSet = true;
    this.write(this.finalRow, step, loss, theta, grad, accum, update);
  }

  /** The recorded rows in step order, in fresh arrays sized exactly (so their buffers can be transferred). */
  finish(): RunTrace {
    const order: number[] = [];
    for (let r = 0; r < this.scheduledRows; r++) order.push(r);
    if (this.spikeSet) order.push(this.spikeRow);
    if (this.finalSet) order.push(this.finalRow);
    order.sort((a, b) => this.steps[a] - this.steps[b]);
    // The final step may also have been recorded as scheduled or as the spike: keep one row per step.
    const rows = order.filter((r, i) => i === 0 || this.steps[r] !== this.steps[order[i - 1]]);

    const w = this.width;
    const pick = (src: Float64Array): Float64Array => {
      if (src.length === 0) return new Float64Array(0);
      const out = new Float64Array(rows.length * w);
      rows.forEach((r, i) => out.set(src.subarray(r * w, r * w + w), i * w));
      return out;
    };
    return {
      steps: Uint32Array.from(rows, (r) => this.steps[r]),
      loss: Float64Array.from(rows, (r) => this.loss[r]),
      dim: this.dim,
      layout: this.layout,
      width: w,
      theta: pick(this.theta),
      grad: pick(this.grad),
      accum: pick(this.accum),
      update: pick(this.update),
    };
  }

  /** Whether `step` is one of the schedule's steps. Steps must be asked about in ascending order. */
  isScheduled(step: number): boolean {
    while (this.cursor < this.schedule.length && this.schedule[this.cursor] < step) this.cursor++;
    return this.schedule[this.cursor] === step;
  }

  private write(row: number, step: number, loss: number, theta: Float64Array, grad: Float64Array, accum: Float64Array | null, update: Float64Array): void {
    this.steps[row] = step;
    this.loss[row] = loss;
    this.put(this.theta, row, theta);
    this.put(this.grad, row, grad);
    if (this.accum.length > 0 && accum) this.put(this.accum, row, accum);
    this.put(this.update, row, update);
  }

  private put(column: Float64Array, row: number, values: Float64Array): void {
    const at = row * this.width;
    if (this.layout === 'parameters') column.set(values, at);
    else summarizeInto(values, this.scratch, column, at);
  }
}

/**
 * Writes min, median and max of `values` to out[at..at+2] using `scratch` (length ≥ values.length) and quickselect, in
 * O(n) without allocating. The median of an even count is the mean of the two middle values. A vector holding NaN
 * summarizes as NaN, NaN, NaN: it has no order, and a diverged row should look diverged.
 */
export function summarizeInto(values: Float64Array, scratch: Float64Array, out: Float64Array, at: number): void {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (Number.isNaN(x)) {
      out[at] = out[at + 1] = out[at + 2] = NaN;
      return;
    }
    scratch[i] = x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const k = (n - 1) >> 1;
  const lower = quickselect(scratch, n, k);
  let median = lower;
  if (n % 2 === 0) {
    // After selecting k, everything right of k is ≥ scratch[k]: the upper middle value is their minimum.
    let upper = Infinity;
    for (let i = k + 1; i < n; i++) if (scratch[i] < upper) upper = scratch[i];
    median = (lower + upper) / 2;
  }
  out[at] = min;
  out[at + 1] = median;
  out[at + 2] = max;
}

/** Hoare's selection over a[0..n−1]: reorders it so a[k] is the k-th smallest, smaller ones before it, larger after. */
function quickselect(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}
