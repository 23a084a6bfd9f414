/**
 * Reads what people type into the form's value fields, and writes specs back as text the same reader accepts:
 *   "0.1, 0.05 1e-3"          → a list of values
 *   "log(1e-3, 1, 7)"         → 7 values spaced evenly in log space from 1e-3 to 1
 *   "lin(0, 0.1, 5)"          → 5 values spaced evenly from 0 to 0.1
 *   "uniform(0, 0.1)"         → drawn uniformly from [0, 0.1) (random search)
 *   "loguniform(1e-4, 1)"     → drawn log-uniformly from [1e-4, 1) (random search)
 * Anything that is not a number literal is refused here, by name; range rules (> 0, finite…) are the schema's, so the
 * form and the main process say the same thing.
 */
import type { Axis, HyperparameterValue } from '../contract/sweep-spec';
import { numberRules } from '../optim/rules';

const NUMBER_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?Infinity$|^NaN$/i;
const NON_FINITE_LITERAL = /^[+-]?Infinity$|^NaN$/i;
const RANGE = /^(lin|log|uniform|loguniform)\s*\(([^)]*)\)$/i;
const SEPARATORS = /[\s,;]+/;
/** A whole number with its thousands grouped by commas, as the app writes counts ("1,000,000"). */
const GROUPED_THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export interface Range {
  from: number;
  to: number;
  count: number;
}
export interface Interval {
  from: number;
  to: number;
}
export type ParsedAxis =
  { values: number[] } | { linear: Range } | { log: Range } | { uniform: Interval } | { logUniform: Interval };

const tokensOf = (text: string): string[] => text.split(SEPARATORS).filter((t) => t !== '');

/**
 * A range typed where only numbers are taken (seeds, a start point, steps), refused whole and by name: split at its
 * commas it was refused by its first fragment ("lin(0"), which said nothing. Null for anything else.
 */
function rangeRefused(label: string, text: string, allowed: string): { ok: false; message: string } | null {
  const range = RANGE.exec(text.trim());
  return range
    ? {
        ok: false,
        message: `Invalid ${label}: "${text.trim()}" (must be ${allowed}: ${range[1]}(…) is for hyperparameters)`,
      }
    : null;
}

/**
 * What a field's rule says of one value of its list: null when the value is allowed, else what is allowed ("must be a
 * finite number > 0"). The schema checks the same rules once the list can be read; given here, a list that cannot be
 * read names its values that break the rule too.
 */
export type ValueRule = (x: number) => string | null;

/**
 * A plain list of numbers: "0.1, 0.05 1e-3". Every value that cannot be read is named in one message, in the order
 * typed, and then also every value `rule` refuses: `Invalid learning rate: -1 (must be a finite number > 0); "abc"
 * (must be a number)` ("-1, abc" had named only "abc"). A list read whole is left to the schema's checks, which name
 * each of its bad values too.
 */
export function parseNumberList(label: string, text: string, rule?: ValueRule): Parsed<number[]> {
  const refused = rangeRefused(label, text, 'a list of numbers such as 0, 1, 2');
  if (refused) return refused;
  const tokens = tokensOf(text);
  if (tokens.length === 0) return { ok: false, message: `Invalid ${label}: give at least one value` };
  const read = tokens.map(literalValue);
  if (read.every((value) => value.ok)) return { ok: true, value: read.map((value) => value.value) };
  const problems = read.flatMap((value) => {
    if (!value.ok) return [value.message];
    const broken = rule?.(value.value) ?? null;
    return broken === null ? [] : [`${value.value} (${broken})`];
  });
  return { ok: false, message: `Invalid ${label}: ${problems.join('; ')}` };
}

/** The rule of a hyperparameter's values (the schema's, src-core/optim/rules.ts) as parseAxis takes it; none for a flag. */
export function hyperparameterRule(key: string): ValueRule | undefined {
  if (!(key in numberRules)) return undefined;
  const { test, rule } = numberRules[key as keyof typeof numberRules];
  return (x) => (test(x) ? null : `must be ${rule}`);
}

/**
 * Refusals of one field as one message: "Invalid seed: 1.5 (…)" and "Invalid seed: -1 (…)" read "Invalid seed: 1.5
 * (…); -1 (…)". Messages that do not share their "Invalid <label>: " stay whole, joined the same way.
 */
export function joinRefusals(messages: readonly string[]): string {
  const head = /^Invalid [^:]+: /.exec(messages[0] ?? '')?.[0];
  return head !== undefined && messages.every((m) => m.startsWith(head))
    ? head + messages.map((m) => m.slice(head.length)).join('; ')
    : messages.join('; ');
}

/**
 * The double a number literal names. One past the doubles' range would read silently as ±Infinity (the refusal then
 * named a value nobody typed) and one below it as 0 ("1e-400" had run with eps 0): both are refused as typed.
 * "Infinity" and "NaN" themselves are left to the schema's rules. A refusal is the token and what is allowed.
 */
function literalValue(token: string): Parsed<number> {
  if (!NUMBER_LITERAL.test(token)) return { ok: false, message: `"${token}" (must be a number)` };
  const value = Number(token);
  const overflows = !Number.isFinite(value) && !NON_FINITE_LITERAL.test(token);
  const underflows = value === 0 && /[1-9]/.test(token.split(/e/i)[0]);
  if (!overflows && !underflows) return { ok: true, value };
  return {
    ok: false,
    message: `"${token}" (must be a number a double can hold: at most 1.7976931348623157e308 and, unless 0, at least 5e-324 in size)`,
  };
}

/**
 * Exactly one number: "1000", or "1,000" as the app writes counts (the placeholders of the run limit and the threshold
 * do): where one number is taken, commas between groups of three digits cannot be a list.
 */
export function parseNumber(label: string, text: string): Parsed<number> {
  if (GROUPED_THOUSANDS.test(text.trim())) return { ok: true, value: Number(text.replaceAll(',', '')) };
  const list = rangeRefused(label, text, 'one number') ?? parseNumberList(label, text);
  if (!list.ok) return list;
  return list.value.length === 1
    ? { ok: true, value: list.value[0] }
    : { ok: false, message: `Invalid ${label}: "${text.trim()}" (must be one number)` };
}

/**
 * A list, a lin(from, to, count) / log(from, to, count) range, or a uniform(from, to) / loguniform(from, to) interval.
 * `rule` checks a list's values (a range's numbers are ends and a count: the schema checks them).
 */
export function parseAxis(label: string, text: string, rule?: ValueRule): Parsed<ParsedAxis> {
  const range = RANGE.exec(text.trim());
  if (!range) {
    const list = parseNumberList(label, text, rule);
    return list.ok ? { ok: true, value: { values: list.value } } : list;
  }
  const kind = range[1].toLowerCase() as 'lin' | 'log' | 'uniform' | 'loguniform';
  const args = parseNumberList(label, range[2]);
  if (!args.ok) return args;
  const continuous = kind === 'uniform' || kind === 'loguniform';
  const arity = continuous ? 2 : 3;
  if (args.value.length !== arity) {
    return {
      ok: false,
      message: `Invalid ${label}: ${kind}(from, to${continuous ? '' : ', count'}) takes ${arity} numbers`,
    };
  }
  const [from, to, count] = args.value;
  switch (kind) {
    case 'lin':
      return { ok: true, value: { linear: { from, to, count } } };
    case 'log':
      return { ok: true, value: { log: { from, to, count } } };
    case 'uniform':
      return { ok: true, value: { uniform: { from, to } } };
    case 'loguniform':
      return { ok: true, value: { logUniform: { from, to } } };
  }
}

/** A list of choices ("false, true"; "inside"), each one of `allowed`, read back as the values they name. */
export function parseChoices<T extends HyperparameterValue>(
  label: string,
  text: string,
  allowed: readonly T[],
): Parsed<T[]> {
  const tokens = tokensOf(text);
  if (tokens.length === 0) return { ok: false, message: `Invalid ${label}: give at least one value` };
  const values: T[] = [];
  for (const token of tokens) {
    const value = allowed.find((choice) => String(choice) === token);
    if (value === undefined)
      return { ok: false, message: `Invalid ${label}: "${token}" (must be ${allowed.join(' or ')})` };
    values.push(value);
  }
  return { ok: true, value: values };
}

/** Values as the form shows them: shortest round-trip numbers, so reading the text back gives the same doubles. */
export const formatValues = (values: readonly HyperparameterValue[]): string => values.map(String).join(', ');

/** An axis as text that parseAxis (or parseChoices, for a list of flags or words) reads back to the same axis. */
export function formatAxis(axis: Axis): string {
  if ('values' in axis) return formatValues(axis.values);
  if ('linear' in axis) return `lin(${formatValues([axis.linear.from, axis.linear.to, axis.linear.count])})`;
  if ('log' in axis) return `log(${formatValues([axis.log.from, axis.log.to, axis.log.count])})`;
  if ('uniform' in axis) return `uniform(${formatValues([axis.uniform.from, axis.uniform.to])})`;
  return `loguniform(${formatValues([axis.logUniform.from, axis.logUniform.to])})`;
}
