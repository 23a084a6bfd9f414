/**
 * Reads what people type into the form's value fields:
 *   "0.1, 0.05 1e-3"    → a list of values
 *   "log(1e-3, 1, 7)"   → 7 values spaced evenly in log space from 1e-3 to 1
 *   "lin(0, 0.1, 5)"    → 5 values spaced evenly from 0 to 0.1
 * Anything that is not a number literal is refused here, by name; range rules (> 0, finite…) are the schema's, so the
 * form and the main process say the same thing.
 */

const NUMBER_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?Infinity$|^NaN$/i;
const RANGE = /^(lin|log)\s*\(([^)]*)\)$/i;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export type ParsedAxis = { values: number[] } | { linear: Range } | { log: Range };
export interface Range {
  from: number;
  to: number;
  count: number;
}

/** A plain list of numbers: "0.1, 0.05 1e-3". */
export function parseNumberList(label: string, text: string): Parsed<number[]> {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  if (tokens.length === 0) return { ok: false, message: `Invalid ${label}: give at least one value` };
  const values: number[] = [];
  for (const token of tokens) {
    if (!NUMBER_LITERAL.test(token)) return { ok: false, message: `Invalid ${label}: "${token}" (must be a number)` };
    values.push(Number(token));
  }
  return { ok: true, value: values };
}

/** A list, or a lin(from, to, count) / log(from, to, count) range. */
export function parseAxis(label: string, text: string): Parsed<ParsedAxis> {
  const range = RANGE.exec(text.trim());
  if (!range) {
    const list = parseNumberList(label, text);
    return list.ok ? { ok: true, value: { values: list.value } } : list;
  }
  const kind = range[1].toLowerCase() as 'lin' | 'log';
  const args = parseNumberList(label, range[2]);
  if (!args.ok) return args;
  if (args.value.length !== 3) return { ok: false, message: `Invalid ${label}: ${kind}(from, to, count) takes 3 numbers` };
  const [from, to, count] = args.value;
  const value = { from, to, count };
  return { ok: true, value: kind === 'lin' ? { linear: value } : { log: value } };
}
