/** Reads what people type into list fields: "0.1, 0.05 1e-3" → [0.1, 0.05, 0.001]. */

const NUMBER_LITERAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$|^[+-]?Infinity$|^NaN$/i;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Splits on commas, semicolons and white space. Anything that is not a number literal is refused here, by name;
 * the range rules (> 0, finite…) are the schema's, so that the form and the main process say the same thing.
 */
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
