/**
 * How a batch of configs crosses from the main thread to a pool worker. Structured cloning costs microseconds per
 * object: at a run of a 2-parameter objective (~10 µs of computing) a config cloned across costs about as much as the
 * run itself. So the configs go as columns: a value the batch shares once, a number that differs as one Float64Array.
 * The results come back as columns too (src-core/run/result-batch.ts). Sweeps send no configs at all: a worker expands
 * its range of the sweep itself (range-task.ts); configs go this way for exports, whose runs come from anywhere.
 */
import type { ResultBatch, RunConfig } from '../../src-core/contract/types';

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

/**
 * What a worker sends back for a range task: its results as columns, in consecutive parts (one, unless the task asked
 * for parts of bounded bytes), and the summary CSV rows when it asked.
 */
export interface EncodedResults {
  readonly parts: readonly ResultBatch[];
  readonly summaryCsv?: readonly string[];
}
