/** Field schemas shared by the contract's schemas, in the house style `Invalid <label>: <value> (must be <rule>)`. */
import * as v from 'valibot';
import { show } from './show';

/** A number passing `allowed` (written as a positive test, so NaN fails), else `Invalid <label>: <value> (must be <rule>)`. */
export const numberField = (label: string, rule: string, allowed: (x: number) => boolean) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => typeof x === 'number' && allowed(x),
      (issue) => `Invalid ${label}: ${show(issue.input)} (must be ${rule})`,
    ),
    v.transform((x) => x as number),
  );

/**
 * A count as a person reads it, "10,000" not "10000", whatever the locale: in the rules' messages here and in every
 * count the window shows (src-core/views/format.ts passes this on).
 */
export function formatCount(count: number): string {
  // A whole count is grouped here: the first toLocaleString of a thread loads ICU's number formatting (~17 ms in Node
  // 20), which every thread paid while evaluating this module, whose schemas put counts in their rules. Anything
  // else (a fraction, beyond 2⁵³, negative) is as toLocaleString writes it.
  if (!(Number.isSafeInteger(count) && count >= 0)) return count.toLocaleString('en-US');
  const digits = String(count);
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return grouped;
}

/** A whole number from `min` to `max`, its bounds grouped: "(must be a whole number from 1 to 1,000,000)". */
export const wholeNumber = (label: string, min: number, max: number) =>
  numberField(
    label,
    `a whole number from ${formatCount(min)} to ${formatCount(max)}`,
    (x) => Number.isInteger(x) && x >= min && x <= max,
  );
