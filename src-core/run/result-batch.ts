/**
 * Results as columns: how a batch of runs travels from a worker to the main process, on to the window, and waits
 * there until it is stored. Structured cloning costs microseconds per object: at a run of a 2-parameter objective
 * (~10 µs of computing) a result cloned across costs more than the run itself, and the main process, which receives
 * every result, would run out of time before the workers did. So a batch is one Float64Array of summaries, one of
 * shapes and one buffer holding every trace, transferred; the main process keeps, splits and forwards it without ever
 * making an object per run, and the window (or the command line, from its own configs) reads the runs back.
 *
 * A trace is laid out as compact-trace.ts lays one out (steps, then loss, θ, ∇, G, update, each 8-byte aligned), each
 * value column in float64 as computed, or — for the window (`compact`) — in float32 where that keeps every value
 * (fitsFloat32), narrowed here in the worker so that neither the main process nor the window spends time on it.
 * Results computed without traces carry no shapes and an empty buffer; each run read back then has the shared empty
 * `noTrace`.
 */
import type {
  CompactRunResult,
  CompactTrace,
  ResultBatch,
  ResultColumns,
  RunConfig,
  RunResult,
  RunStatus,
  RunSummary,
  RunTrace,
} from '../contract/types';
import {
  compactOffsets,
  compactTraceOver,
  compactViews,
  float32Mask,
  shapeOfTrace,
  traceValueColumns,
  writeCompactTrace,
  type CompactOffsets,
  type CompactShape,
  type Float32Mask,
} from './compact-trace';
import { executeBatch } from './execute';
import { noTrace, withReusedTraceMemory } from './trace';

/** Per run: status, final loss, best loss, best step, steps to tolerance, diverged at, diverged in; NaN for null. */
export const SUMMARY_WIDTH = 7;
/** Per run: byte offset of its trace, rows, dim, width, layout, whether it has an accumulator column, float32 mask. */
export const SHAPE_WIDTH = 7;

const statuses: readonly RunStatus[] = ['completed', 'converged', 'diverged', 'failed'];
const divergedIns: readonly (RunSummary['divergedIn'] & string)[] = ['accumulator', 'parameters', 'loss'];
const layouts: readonly RunTrace['layout'][] = ['parameters', 'quantiles'];

const orNaN = (value: number | null): number => (value === null ? NaN : value);
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
export interface EncodeOptions {
  /** false: the summaries alone (the results' traces are not looked at). */
  traces?: boolean;
  /** Narrow each value column to float32 where that is faithful (the window's form); otherwise float64 as computed. */
  compact?: boolean;
}

/** The results as columns, in order. */
export function encodeResults(
  results: readonly Pick<CompactRunResult, 'summary' | 'trace'>[],
  options: EncodeOptions = {},
): ResultColumns {
  const plan = planColumns(results, options);
  const { summaries, errors, shapes } = plan;
  return { summaries, errors, shapes, traces: traceBytes(results, plan, 0, results.length) };
}

/**
 * The results as consecutive batches, runs from index `from` of the sweep, each ending with the run that brings its
 * traces to `maxBytes` (at least one run each): splitBatch of encodeResults, the same arrays (test/core/run/
 * result-batch.test.ts), each trace written once, straight into its part, where splitting the encoded batch copied
 * every byte a second time. `memory`: where the parts' traces are written (PartBuffers: memory written before);
 * by default a fresh buffer each, of the part's size.
 */
export function encodeParts(
  results: readonly Pick<CompactRunResult, 'summary' | 'trace'>[],
  options: EncodeOptions,
  from: number,
  maxBytes: number,
  memory?: PartBuffers,
): ResultBatch[] {
  const plan = planColumns(results, options);
  return partBounds(plan.shapes, plan.bytes, results.length, maxBytes).map(([first, end]) => ({
    from: from + first,
    to: from + end,
    ...sliceColumns(plan, first, end, first < end && plan.shapes.length > 0 ? plan.shapes[first * SHAPE_WIDTH] : 0),
    traces: traceBytes(results, plan, first, end, memory),
  }));
}

/** Parts' buffers are sized in steps of this many bytes, so that one handed back fits most parts of the next tasks. */
const PART_STEP = 16 * 1024;
/**
 * At most this many bytes of buffers are kept for reuse, per thread: twice the most a task's parts hold (tasks are
 * sized to 16 MB of traces, src-main/batch-sizer.ts; W1t's send ~9 MB compact).
 */
const keptPartBytes = 32 << 20;

/**
 * Buffers of parts sent before and handed back once nothing reads them any more (the SweepService's `recycleParts`:
 * the window stored their runs and every listener copied them), for the next parts' traces. Fresh memory was the
 * costliest pass left over W1t's values: a new buffer a part (of 256 kB then), first touched page by page (up to
 * 15,000 page faults a W1t batch, by the allocator's state) and its external memory driving the collector; the
 * bench's W1t took 0.74× the time with its parts written into buffers handed back (docs/performance.md, "W1t, fourth
 * pass"). A part's traces are then a view of the first bytes of its buffer: the rest, up to the next PART_STEP, is
 * zeroed, as a part's buffer is sent whole by structured cloning (Electron's IPC).
 */
export class PartBuffers {
  /** By byte length. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  private kept = 0;

  /** Buffers nothing else holds or will read again, for parts to come; beyond keptPartBytes they are let go of. */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      const bytes = buffer.byteLength;
      if (bytes === 0 || bytes % PART_STEP !== 0 || this.kept + bytes > keptPartBytes) continue;
      const list = this.free.get(bytes) ?? [];
      this.free.set(bytes, list);
      list.push(buffer);
      this.kept += bytes;
    }
  }

  /** A buffer for a part of `bytes`: one given back, of the same size in steps, or a fresh one; and which it is. */
  take(bytes: number): { buffer: ArrayBuffer; reused: boolean } {
    const size = Math.ceil(bytes / PART_STEP) * PART_STEP;
    const buffer = this.free.get(size)?.pop();
    if (buffer === undefined) return { buffer: new ArrayBuffer(size), reused: false };
    this.kept -= size;
    return { buffer, reused: true };
  }
}

/** The columns but the traces' bytes, and where each trace goes among them (its compactOffsets) and their total. */
interface ColumnPlan extends Omit<ResultColumns, 'traces'> {
  readonly placed: readonly CompactOffsets[];
  readonly bytes: number;
}

function planColumns(
  results: readonly Pick<CompactRunResult, 'summary' | 'trace'>[],
  { traces = true, compact = false }: EncodeOptions,
): ColumnPlan {
  const summaries = new Float64Array(results.length * SUMMARY_WIDTH);
  const shapes = new Int32Array(traces ? results.length * SHAPE_WIDTH : 0);
  const errors: [number, string][] = [];
  // Per run, where its columns lie, kept for the copy (a W1 run's whole encoding is ~1 µs: each step counts).
  const placed: CompactOffsets[] = traces ? new Array<CompactOffsets>(results.length) : [];
  const offsetsOf = lastOffsets();
  let bytes = 0;
  results.forEach(({ summary: s, trace }, r) => {
    const at = r * SUMMARY_WIDTH;
    summaries[at] = statuses.indexOf(s.status);
    summaries[at + 1] = s.finalLoss;
    summaries[at + 2] = s.bestLoss;
    summaries[at + 3] = s.bestStep;
    summaries[at + 4] = orNaN(s.stepsToTolerance);
    summaries[at + 5] = orNaN(s.divergedAt);
    summaries[at + 6] = s.divergedIn ? divergedIns.indexOf(s.divergedIn) : NaN;
    if (s.error !== undefined) errors.push([r, s.error]);
    if (!traces) return;
    const shape = shapeOfTrace(trace);
    const mask = compact ? float32Mask(trace) : 0;
    const h = r * SHAPE_WIDTH;
    shapes[h] = bytes;
    shapes[h + 1] = shape.rows;
    shapes[h + 2] = shape.dim;
    shapes[h + 3] = shape.width;
    shapes[h + 4] = layouts.indexOf(shape.layout);
    shapes[h + 5] = shape.hasAccumulator ? 1 : 0;
    shapes[h + 6] = mask;
    placed[r] = offsetsOf(shape, mask);
    bytes += placed[r].bytes;
  });
  return { summaries, errors, shapes, placed, bytes };
}

/**
 * The traces of runs [first, end) in a buffer of their own (from `memory`, else a fresh one), as the plan places them
 * (from the first one's byte). A run of traces that already lie one after another in one buffer as placed, each its
 * columns' bytes as placed (a lane block's, laid out compact: trace.ts finishLanes, padding zeroed), is copied at
 * once; any other trace column by column (writeCompactTrace), narrowed where its mask says, into bytes zeroed first
 * where the buffer held an earlier part (the padding after a column of odd length is not written).
 */
function traceBytes(
  results: readonly Pick<CompactRunResult, 'trace'>[],
  { shapes, placed, bytes }: ColumnPlan,
  first: number,
  end: number,
  memory?: PartBuffers,
): Uint8Array {
  if (shapes.length === 0) return new Uint8Array(0);
  const start = first < end ? shapes[first * SHAPE_WIDTH] : 0;
  const size = (end < results.length ? shapes[end * SHAPE_WIDTH] : bytes) - start;
  const { buffer, reused } = memory ? memory.take(size) : { buffer: new ArrayBuffer(size), reused: false };
  const part = new Uint8Array(buffer, 0, size);
  if (reused) new Uint8Array(buffer, size).fill(0);
  const views = compactViews(buffer);
  for (let r = first; r < end;) {
    const { trace } = results[r];
    const mask = shapes[r * SHAPE_WIDTH + 6];
    let last = r;
    if (laidAsPlaced(trace, placed[r], mask)) {
      // The runs after it whose traces follow on in the same buffer, as placed.
      const source = trace.steps.buffer;
      let next = trace.steps.byteOffset + placed[r].bytes;
      while (last + 1 < end) {
        const following = results[last + 1].trace;
        const followingMask = shapes[(last + 1) * SHAPE_WIDTH + 6];
        if (following.steps.buffer !== source || following.steps.byteOffset !== next) break;
        if (!laidAsPlaced(following, placed[last + 1], followingMask)) break;
        next += placed[++last].bytes;
      }
      const from = trace.steps.byteOffset;
      part.set(new Uint8Array(source as ArrayBuffer, from, next - from), shapes[r * SHAPE_WIDTH] - start);
    } else {
      const at = shapes[r * SHAPE_WIDTH] - start;
      if (reused) part.fill(0, at, at + placed[r].bytes);
      writeCompactTrace(trace, views, at, placed[r], mask);
    }
    r = last + 1;
  }
  return part;
}

/** Whether a trace's columns lie in one buffer from its steps' byte as compactOffsets places them for its mask. */
function laidAsPlaced(trace: RunTrace | CompactTrace, { offsets }: CompactOffsets, mask: Float32Mask): boolean {
  const { buffer, byteOffset } = trace.steps;
  for (let i = 0; i < traceValueColumns.length; i++) {
    const column = trace[traceValueColumns[i]];
    if (column.buffer !== buffer || column.byteOffset !== byteOffset + offsets[i]) return false;
    if (column instanceof Float32Array !== ((mask & (1 << i)) !== 0)) return false;
  }
  return true;
}

/**
 * compactOffsets, computed again only when the shape or the mask changes (they depend on rows, width, whether there is
 * an accumulator, and the mask): a batch's runs mostly share one, and two computations a run had made six arrays.
 */
function lastOffsets(): (shape: CompactShape, mask: Float32Mask) => CompactOffsets {
  let last: { shape: CompactShape; mask: Float32Mask; offsets: CompactOffsets } | null = null;
  return (shape, mask) => {
    if (
      last === null ||
      last.mask !== mask ||
      last.shape.rows !== shape.rows ||
      last.shape.width !== shape.width ||
      last.shape.hasAccumulator !== shape.hasAccumulator
    )
      last = { shape, mask, offsets: compactOffsets(shape, mask) };
    return last.offsets;
  };
}

/**
 * executeBatch's results as columns (encodeResults), their traces recorded in memory this thread reuses from batch to
 * batch (trace.ts withReusedTraceMemory): they are copied into the columns here and never seen again, so a worker
 * writes its batch's rows into memory it has written before, and only the columns it sends away are new. With
 * `compact` the lanes lay traces of many rows out narrowed already (executeBatch 'compact'), each value read once: the
 * columns are then copies of the same type; shorter ones are narrowed here.
 */
export const executeEncoded = (configs: readonly RunConfig[], options: EncodeOptions = {}): ResultColumns =>
  withReusedTraceMemory(() => encodeResults(executeForEncoding(configs, options), options));

/**
 * executeEncoded cut into parts as splitBatch cuts them (encodeParts: each trace written once, into its part, in
 * `memory` if given), runs from index `from` of the sweep: a range task's results for the window
 * (src-main/workers/range-task.ts).
 */
export const executeParts = (
  configs: readonly RunConfig[],
  options: EncodeOptions,
  from: number,
  maxBytes: number,
  memory?: PartBuffers,
): ResultBatch[] =>
  withReusedTraceMemory(() => encodeParts(executeForEncoding(configs, options), options, from, maxBytes, memory));

function executeForEncoding(configs: readonly RunConfig[], options: EncodeOptions): CompactRunResult[] {
  const traces = options.traces ?? true;
  return executeBatch(configs, traces && options.compact ? 'compact' : traces);
}

/** The buffers to transfer rather than copy. */
export const transferablesOfColumns = ({ summaries, shapes, traces }: ResultColumns): ArrayBuffer[] => [
  summaries.buffer as ArrayBuffer,
  shapes.buffer as ArrayBuffer,
  traces.buffer as ArrayBuffer,
];

/** How many runs the columns hold. */
const runsIn = ({ summaries }: Pick<ResultColumns, 'summaries'>): number => summaries.length / SUMMARY_WIDTH;

/** Run `r`'s summary; `messages`: the batch's errors by run. */
function summaryAt(summaries: Float64Array, r: number, messages: ReadonlyMap<number, string>): RunSummary {
  const s = r * SUMMARY_WIDTH;
  const divergedIn = summaries[s + 6];
  const summary: RunSummary = {
    status: statuses[summaries[s]],
    finalLoss: summaries[s + 1],
    bestLoss: summaries[s + 2],
    bestStep: summaries[s + 3],
    stepsToTolerance: orNull(summaries[s + 4]),
    divergedAt: orNull(summaries[s + 5]),
    divergedIn: Number.isNaN(divergedIn) ? null : divergedIns[divergedIn],
  };
  const error = messages.get(r);
  if (error !== undefined) summary.error = error;
  return summary;
}

/** The summaries of a batch, without configs or traces. */
export function decodeSummaries({ summaries, errors }: Pick<ResultColumns, 'summaries' | 'errors'>): RunSummary[] {
  const messages = new Map(errors);
  return Array.from({ length: runsIn({ summaries }) }, (_, r) => summaryAt(summaries, r, messages));
}

/** How many runs a batch holds, and how many of them converged, diverged or failed, read from its summaries alone. */
export function countStatuses({ summaries }: Pick<ResultColumns, 'summaries'>): {
  runs: number;
  converged: number;
  diverged: number;
  failed: number;
} {
  const counts = { runs: runsIn({ summaries }), converged: 0, diverged: 0, failed: 0 };
  for (let r = 0; r < counts.runs; r++) {
    const status = statuses[summaries[r * SUMMARY_WIDTH]];
    if (status !== 'completed') counts[status]++;
  }
  return counts;
}

/** Run `r`'s trace shape as the shapes column holds it. */
export function shapeAt(shapes: Int32Array, r: number): CompactShape {
  const h = r * SHAPE_WIDTH;
  return {
    rows: shapes[h + 1],
    dim: shapes[h + 2],
    width: shapes[h + 3],
    layout: layouts[shapes[h + 4]],
    hasAccumulator: shapes[h + 5] === 1,
  };
}

/** Run `r`'s trace in `buffer`, where the shapes place it, `shift` bytes further (where the batch starts in it). */
function traceAt(buffer: ArrayBuffer, shapes: Int32Array, r: number, shift: number): CompactTrace {
  const h = r * SHAPE_WIDTH;
  return compactTraceOver(buffer, shapes[h] + shift, shapeAt(shapes, r), shapes[h + 6]);
}

/**
 * The results of `configs` (the batch's runs, in order) from their columns: each trace a view of the batch's buffer,
 * or `noTrace` for results computed without traces. Each config is put in its result as given and nothing of it is
 * read, so a caller that knows its runs only by place (the window: id, sweep and index) gets results naming them so.
 */
export function decodeCompactResults<Config = RunConfig>(
  columns: ResultColumns,
  configs: readonly Config[],
): (Omit<CompactRunResult, 'config'> & { config: Config })[] {
  const messages = new Map(columns.errors);
  const { summaries, shapes, traces } = columns;
  const withTraces = shapes.length > 0;
  // Float64Array views need the batch to start 8-byte aligned in its buffer: encodeResults and splitBatch make one of
  // its own, structured cloning copies into one, wire.ts decodes it at an 8-byte aligned offset of its frame.
  return configs.map((config, r) => ({
    config,
    summary: summaryAt(summaries, r, messages),
    trace: withTraces ? traceAt(traces.buffer as ArrayBuffer, shapes, r, traces.byteOffset) : noTrace,
  }));
}

/** decodeCompactResults of columns encoded without `compact`: every column float64, as the engine computed it. */
export const decodeResults = (columns: ResultColumns, configs: readonly RunConfig[]): RunResult[] =>
  decodeCompactResults(columns, configs) as RunResult[];

/** Runs [from, to) of the batch (indexes of the sweep) as a batch of its own, its arrays copies of its own. */
export function sliceBatch(batch: ResultBatch, from: number, to: number): ResultBatch {
  const first = from - batch.from;
  const end = to - batch.from;
  const { shapes, traces } = batch;
  const withTraces = shapes.length > 0;
  const start = withTraces && first < runsIn(batch) ? shapes[first * SHAPE_WIDTH] : 0;
  const stop = withTraces && end < runsIn(batch) ? shapes[end * SHAPE_WIDTH] : traces.byteLength;
  return { from, to, ...sliceColumns(batch, first, end, start), traces: traces.slice(start, stop) };
}

/** Runs [first, end)'s summaries, errors and shapes, copies of their own, their traces counted from byte `start`. */
function sliceColumns(
  { summaries, errors, shapes }: Omit<ResultColumns, 'traces'>,
  first: number,
  end: number,
  start: number,
): Omit<ResultColumns, 'traces'> {
  const partShapes = shapes.slice(first * SHAPE_WIDTH, shapes.length > 0 ? end * SHAPE_WIDTH : 0);
  for (let h = 0; h < partShapes.length; h += SHAPE_WIDTH) partShapes[h] -= start;
  return {
    summaries: summaries.slice(first * SUMMARY_WIDTH, end * SUMMARY_WIDTH),
    errors: errors.filter(([at]) => at >= first && at < end).map(([at, message]) => [at - first, message]),
    shapes: partShapes,
  };
}

/**
 * The batch cut into consecutive batches that each end with the run that brings their traces to `maxBytes` (at least
 * one run each), for messages the window decodes in one short task. Each part's arrays are copies of its own: a view
 * would carry the whole buffer along when cloned.
 */
export function splitBatch(batch: ResultBatch, maxBytes: number): ResultBatch[] {
  const bounds = partBounds(batch.shapes, batch.traces.byteLength, runsIn(batch), maxBytes);
  if (bounds.length === 1) return [batch];
  return bounds.map(([first, end]) => sliceBatch(batch, batch.from + first, batch.from + end));
}

/**
 * Where a batch of `runs` runs, `bytes` bytes of traces placed as `shapes` says, is cut (splitBatch): [first, end) of
 * each part, the whole batch in one when it has no traces or they fit.
 */
function partBounds(shapes: Int32Array, bytes: number, runs: number, maxBytes: number): [number, number][] {
  if (shapes.length === 0 || bytes <= maxBytes) return [[0, runs]];
  const endOf = (r: number): number => (r + 1 < runs ? shapes[(r + 1) * SHAPE_WIDTH] : bytes);
  const parts: [number, number][] = [];
  let first = 0;
  for (let r = 0; r < runs; r++) {
    if (endOf(r) - shapes[first * SHAPE_WIDTH] < maxBytes && r < runs - 1) continue;
    parts.push([first, r + 1]);
    first = r + 1;
  }
  return parts;
}
