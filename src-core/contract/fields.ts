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
