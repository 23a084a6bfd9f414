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

/** 1000000 → "1,000,000", for rules a person reads (as every count in the window reads). */
export const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** A whole number from `min` to `max`, its bounds grouped: "(must be a whole number from 1 to 1,000,000)". */
export const wholeNumber = (label: string, min: number, max: number) =>
  numberField(
    label,
    `a whole number from ${grouped(min)} to ${grouped(max)}`,
    (x) => Number.isInteger(x) && x >= min && x <= max,
  );
