/**
 * A value as a refusal message shows it: numbers as JavaScript prints them (NaN, Infinity, -1e-8), booleans and
 * undefined by name, short text quoted, anything else by its kind. Text past MAX_SHOWN is described by its length and
 * never sliced: slicing a huge string (a 2²⁹-character rope arrives in 0.1 MB) makes V8 flatten it, which costs the
 * full 0.5–1 GB the refusal exists to avoid.
 */
const MAX_SHOWN = 40;
const MAX_SLICED = 10_000;

/** Invisible format characters (U+202E and the like) shown as \u escapes: a message must not reorder itself. */
const quoted = (text: string): string =>
  JSON.stringify(text).replace(/\p{Cf}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function show(value: unknown): string {
  if (typeof value === 'string') {
    if (value.length <= MAX_SHOWN) return quoted(value);
    return value.length <= MAX_SLICED ? quoted(`${value.slice(0, MAX_SHOWN)}…`) : `text of ${value.length} characters`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
}
