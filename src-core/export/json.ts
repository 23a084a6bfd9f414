/**
 * JSON as the app's files write it: JSON has no NaN or ±Infinity (JSON.stringify would write null and lose them), so
 * a diverged run's losses are written as the strings "NaN", "Infinity" and "-Infinity", and read back from them. The
 * command line's `--json` (src-main/cli/outputs.ts) and the Runs JSON export (./runs-json.ts) share it, and the import
 * (src-core/import/cli-json.ts) reads both.
 */

export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** The number a non-finite string stands for; anything else as given (then checked by the schema that reads it). */
export const fromNonFinite = (x: unknown): unknown =>
  typeof x === 'string' && Object.hasOwn(NON_FINITE, x) ? NON_FINITE[x] : x;
