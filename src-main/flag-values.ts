/**
 * The command lines' flag values (`npm run cli`, `npm run serve`, the agent), read and refused with the same words:
 * whole numbers, and a flag given twice.
 */
import { Limits } from '../src-core/contract/schemas';

/** The most worker threads a command line may ask for: the transports' own limit. */
export const maxThreads = Limits.maxWorkerThreads;

/**
 * `text`, the value given for `flag` (as `--threads`), as a whole number from min to max; otherwise throws what
 * `refuse` makes of the message that names the flag, the value and what is allowed.
 */
export function parseWholeNumber(
  flag: string,
  text: string,
  min: number,
  max: number,
  refuse: (message: string) => Error,
): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw refuse(`Invalid value for ${flag}: ${JSON.stringify(text)} (must be a whole number from ${min} to ${max})`);
  }
  return n;
}

/** A flag that takes a value, given twice: the last would win silently, dropping what the first said. */
export function givenTwice(flag: string, first: string, second: string): string {
  return `Invalid value for ${flag}: given twice, ${JSON.stringify(first)} then ${JSON.stringify(second)} (must be given once)`;
}
