/**
 * The filters a person types above each column of the runs table:
 *   numbers:  <0.1   <=0.1   >1e-3   >=1e-3   =12   12   1e-4..1e-2 (both ends included); ∞ is above every
 *             bound (">1e6" matches a loss that overflowed), NaN passes no comparison; a word is looked for in the
 *             cell's text ("diverged", "NaN"; "inf" or "infinity" reads as ∞, "-inf" as −∞)
 *   text:     any part of it, in any case ("diverged at step 12" in the status column), or of the id the column
 *             names by its name ("sgd" finds SGD, "quadratic-1d" f(x) = x²)
 *   a flag:   on or off (the star)
 * "=" compares at the 6 significant digits the table shows, so what one reads is what one can type.
 */
import type { Parsed } from '../../../src-core/sweep/parse';
import type { RunColumn } from './run-columns';
import type { StoredRun } from '../storage/records';

export type RunPredicate = (run: StoredRun) => boolean;

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?`;
const COMPARISON = new RegExp(String.raw`^(<=|>=|≤|≥|<|>|=)?\s*(${NUMBER})$`, 'i');
const RANGE = new RegExp(String.raw`^(${NUMBER})\s*\.\.\s*(${NUMBER})$`, 'i');

const sixDigits = (x: number): number => Number(x.toPrecision(6));

function numberTest(text: string): ((x: number) => boolean) | null {
  const range = RANGE.exec(text);
  if (range) {
    const [low, high] = [Number(range[1]), Number(range[2])].sort((a, b) => a - b);
    return (x) => x >= low && x <= high;
  }
  const comparison = COMPARISON.exec(text);
  if (!comparison) return null;
  const bound = Number(comparison[2]);
  switch (comparison[1]) {
    case '<':
      return (x) => x < bound;
    case '<=':
    case '≤':
      return (x) => x <= bound;
    case '>':
      return (x) => x > bound;
    case '>=':
    case '≥':
      return (x) => x >= bound;
    default:
      return (x) => sixDigits(x) === sixDigits(bound);
  }
}

/** Words typed for the values that are not finite, as the table writes them. */
const INFINITY = /^([-+−]?)\s*(?:inf|infinity|∞)$/i;

/** What a typed word looks for in a cell's lower-cased text: "inf" is written ∞ there, "-inf" −∞. */
export function searchedText(needle: string): string {
  const infinity = INFINITY.exec(needle.trim());
  if (infinity) return infinity[1] === '-' || infinity[1] === '−' ? '−∞' : '∞';
  return needle.trim().toLowerCase();
}

/** A number column's filter made of words, not a comparison: letters, ∞, signs and spaces only. */
const WORDS = /^[\p{L}∞+\-−\s]+$/u;

/** The predicate a column's filter text means; null when the text is empty (no filter). */
export function parseColumnFilter(column: RunColumn, input: string): Parsed<RunPredicate | null> {
  const text = input.trim();
  if (text === '') return { ok: true, value: null };
  if (column.kind === 'number') {
    const test = numberTest(text);
    if (test) {
      // A run without this value (null) passes no comparison, nor does NaN.
      return {
        ok: true,
        value: (run) => {
          const x = column.value(run);
          return x !== null && test(x as number);
        },
      };
    }
    if (!WORDS.test(text)) {
      return {
        ok: false,
        message: `Invalid filter for ${column.label}: "${text}" (use <x, <=x, >x, >=x, =x or a..b, with numbers such as 0.1 or 1e-3, or a word: inf, NaN, diverged)`,
      };
    }
  }
  if (column.kind === 'flag') return { ok: true, value: (run) => column.value(run) === 1 };
  const needle = searchedText(text);
  const { alias } = column;
  const found = (text: string) => text.toLowerCase().includes(needle);
  return { ok: true, value: (run) => found(column.text(run)) || (alias !== undefined && found(alias(run))) };
}
