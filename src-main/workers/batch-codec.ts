/**
 * How a batch crosses between the main thread and a pool worker. Structured cloning costs microseconds per object:
 * at a run of a 2-parameter objective (~10 µs of computing) a config and a result cloned across cost more than the run
 * itself, and the main thread, which receives every result, ran out of time before the workers did. So the configs go
 * as columns (a value the batch shares once, a number that differs as one Float64Array), and the results as one
 * Float64Array of summaries and one buffer holding every trace, transferred; the main thread cuts each run's trace
 * back into a buffer of its own (one copy, as the trace contract promises: a run's columns share one buffer).
 * A batch sent with `traces` false (the command line writing summaries only) is computed without traces and comes back
 * as the summaries alone: no shapes, no trace buffer, and each decoded result's trace is the shared empty `noTrace`.
 */
import type { RunConfig, RunResult, RunStatus, RunSummary } from '../../src-core/contract/types';
import { noTrace, traceLayoutBytes, traceOver, type TraceShape } from '../../src-core/run/trace';

// Configs as columns.

/** One field of every row: the value they all share, one number each, the fields of an object each, or as they are. */
type Column =
  | { readonly same: unknown }
  | { readonly numbers: Float64Array }
  | { readonly fields: readonly string[]; readonly columns: readonly Column[] }
  | { readonly values: readonly unknown[] };

export interface EncodedConfigs {
  readonly count: number;
  readonly column: Column;
  /** false: compute the summaries only (executeBatch without traces); absent: with traces. */
  readonly traces?: false;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The column of `values`, one a row. Plain loops: through accessor closures, encoding cost ~2 µs a config. */
function encodeColumn(values: readonly unknown[]): Column {
  const n = values.length;
  const first = values[0];
  let same = first === null || typeof first !== 'object';
  let numbers = true;
  for (let i = 0; i < n && (same || numbers); i++) {
    const value = values[i];
    same &&= Object.is(value, first);
    numbers &&= typeof value === 'number';
  }
  if (same) return { same: first };
  if (numbers) return { numbers: Float64Array.from(values as number[]) };
  if (isRecord(first)) {
    // Objects with the same keys in the same order become a column per key; the order is kept, as JSON keys depend on it.
    const fields = Object.keys(first);
    let alike = true;
    for (let i = 0; i < n && alike; i++) alike = hasKeys(values[i], fields);
    if (alike) {
      const columns = fields.map((key) => {
        const column = new Array<unknown>(n);
        for (let i = 0; i < n; i++) column[i] = (values[i] as Record<string, unknown>)[key];
        return encodeColumn(column);
      });
      return { fields, columns };
    }
  }
  return { values };
}

/** Whether `value` is an object whose own keys are `fields`, in that order. */
function hasKeys(value: unknown, fields: readonly string[]): boolean {
  if (!isRecord(value)) return false;
  let i = 0;
  for (const key in value) if (key !== fields[i++]) return false;
  return i === fields.length;
}

function decodeColumn(column: Column, count: number): unknown[] {
  if ('same' in column) return new Array<unknown>(count).fill(column.same);
  if ('numbers' in column) return Array.from(column.numbers);
  if ('values' in column) return column.values as unknown[];
  const rows = new Array<Record<string, unknown>>(count);
  for (let r = 0; r < count; r++) rows[r] = {};
  column.fields.forEach((key, k) => {
    const values = decodeColumn(column.columns[k], count);
    for (let r = 0; r < count; r++) rows[r][key] = values[r];
  });
  return rows;
}

export const encodeConfigs = (configs: readonly RunConfig[], traces = true): EncodedConfigs => ({
  count: configs.length,
  column: configs.length > 0 ? encodeColumn(configs) : { values: [] },
  ...(traces ? {} : { traces: false as const }),
});

export const decodeConfigs = ({ count, column }: Pick<EncodedConfigs, 'count' | 'column'>): RunConfig[] =>
  decodeColumn(column, count) as RunConfig[];

// Results as typed arrays.

/** Per run: status, final loss, best loss, best step, steps to tolerance, diverged at, diverged in; NaN for null. */
const SUMMARY_WIDTH = 7;
/** Per run: byte offset of its trace, rows, dim, width, layout, whether it has an accumulator column. */
const SHAPE_WIDTH = 6;

const statuses: readonly RunStatus[] = ['completed', 'converged', 'diverged', 'failed'];
const divergedIns: readonly (RunSummary['divergedIn'] & string)[] = ['accumulator', 'parameters', 'loss'];
const layouts: readonly TraceShape['layout'][] = ['parameters', 'quantiles'];

/** What a worker sends back for a batch: its results without their configs, which the pool holds. */
export interface EncodedResults {
  readonly summaries: Float64Array;
  /** [run, message] of each failed run. */
  readonly errors: readonly (readonly [number, string])[];
  /** Empty for a batch without traces. */
  readonly shapes: Int32Array;
  /** Every run's trace, laid out as TraceRecorder lays one out, each from an 8-byte aligned offset; empty without. */
  readonly traces: ArrayBuffer;
  /** A range task's summary CSV rows, when it asked for them (range-task.ts). */
  readonly summaryCsv?: readonly string[];
}

const orNaN = (value: number | null): number => (value === null ? NaN : value);
const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
const align8 = (n: number): number => (n + 7) & ~7;

const shapeOf = ({ trace }: Pick<RunResult, 'trace'>): TraceShape => ({
  rows: trace.steps.length,
  dim: trace.dim,
  width: trace.width,
  layout: trace.layout,
  hasAccumulator: trace.accum.length > 0,
});

/** `traces` false: the summaries alone (the results' traces are not looked at). */
export function encodeResults(results: readonly Pick<RunResult, 'summary' | 'trace'>[], traces = true): EncodedResults {
  const summaries = new Float64Array(results.length * SUMMARY_WIDTH);
  const shapes = new Int32Array(traces ? results.length * SHAPE_WIDTH : 0);
  const errors: [number, string][] = [];
  let bytes = 0;
  results.forEach((result, r) => {
    const s = result.summary;
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
    const shape = shapeOf(result);
    shapes.set(
      [bytes, shape.rows, shape.dim, shape.width, layouts.indexOf(shape.layout), shape.hasAccumulator ? 1 : 0],
      r * SHAPE_WIDTH,
    );
    bytes += align8(traceLayoutBytes(shape));
  });
  const buffer = new ArrayBuffer(bytes);
  if (traces)
    results.forEach(({ trace }, r) => {
      const target = traceOver(buffer, shapes[r * SHAPE_WIDTH], shapeOf({ trace }));
      target.steps.set(trace.steps);
      target.loss.set(trace.loss);
      target.theta.set(trace.theta);
      target.grad.set(trace.grad);
      target.accum.set(trace.accum);
      target.update.set(trace.update);
    });
  return { summaries, errors, shapes, traces: buffer };
}

/** The buffers to transfer rather than copy. */
export const transferablesOfResults = ({ summaries, shapes, traces }: EncodedResults): ArrayBuffer[] => [
  summaries.buffer as ArrayBuffer,
  shapes.buffer as ArrayBuffer,
  traces,
];

/** Run `r`'s summary as decodeResults gives it; `messages`: the batch's errors by run. */
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

/** The summaries of a batch as decodeResults gives them, without configs or traces. */
export function decodeSummaries({ summaries, errors }: Pick<EncodedResults, 'summaries' | 'errors'>): RunSummary[] {
  const messages = new Map(errors);
  return Array.from({ length: summaries.length / SUMMARY_WIDTH }, (_, r) => summaryAt(summaries, r, messages));
}

/** How many runs a batch holds, and how many of them diverged or failed, read from its summaries alone. */
export function countStatuses({ summaries }: Pick<EncodedResults, 'summaries'>): {
  runs: number;
  diverged: number;
  failed: number;
} {
  const runs = summaries.length / SUMMARY_WIDTH;
  const diverged = statuses.indexOf('diverged');
  const failed = statuses.indexOf('failed');
  const counts = { runs, diverged: 0, failed: 0 };
  for (let r = 0; r < runs; r++) {
    const status = summaries[r * SUMMARY_WIDTH];
    if (status === diverged) counts.diverged++;
    else if (status === failed) counts.failed++;
  }
  return counts;
}

/**
 * The results of `configs`, in order, from what their worker sent; each trace in a buffer of its own, or `noTrace`
 * for a batch sent without traces.
 */
export function decodeResults(
  { summaries, errors, shapes, traces }: EncodedResults,
  configs: readonly RunConfig[],
): RunResult[] {
  const messages = new Map(errors);
  const withTraces = shapes.length > 0 || configs.length === 0;
  return configs.map((config, r) => {
    const summary = summaryAt(summaries, r, messages);
    if (!withTraces) return { config, summary, trace: noTrace };
    const h = r * SHAPE_WIDTH;
    const shape: TraceShape = {
      rows: shapes[h + 1],
      dim: shapes[h + 2],
      width: shapes[h + 3],
      layout: layouts[shapes[h + 4]],
      hasAccumulator: shapes[h + 5] === 1,
    };
    const at = shapes[h];
    return { config, summary, trace: traceOver(traces.slice(at, at + traceLayoutBytes(shape)), 0, shape) };
  });
}
