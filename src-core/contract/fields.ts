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
export const formatCount = (count: number): string => count.toLocaleString('en-US');

/** A whole number from `min` to `max`, its bounds grouped: "(must be a whole number from 1 to 1,000,000)". */
export const wholeNumber = (label: string, min: number, max: number) =>
  numberField(
    label,
    `a whole number from ${formatCount(min)} to ${formatCount(max)}`,
    (x) => Number.isInteger(x) && x >= min && x <= max,
  );
