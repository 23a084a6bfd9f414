/**
 * Where two JSON-like values first differ, field by field: what an import compares a run's config with (the config its
 * sweep's spec gives at its index) and a sweep's spec with one already stored. Keys are compared as sets (JSON has no
 * key order), a key holding undefined counts as absent (structured clone keeps such keys, JSON drops them), and
 * numbers compare by value (JSON writes −0 as 0). Equal values, the common case of an import, cost no allocation: the
 * path is built only on the way back from a difference.
 */

export interface Difference {
  /** The dotted path of the first field that differs ('' for the values themselves). */
  path: string;
  /** The value in `a` and in `b` there (undefined where a side has no such field). */
  a: unknown;
  b: unknown;
}

/** A difference with its path's keys innermost first. */
interface Found {
  keys: (string | number)[];
  a: unknown;
  b: unknown;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function find(a: unknown, b: unknown): Found | null {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) ? null : { keys: [], a, b };
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return { keys: [], a, b };
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = find(a[i], b[i]);
      if (found) return (found.keys.push(i), found);
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    for (const key in a) {
      if (a[key] === undefined) continue;
      const found = find(a[key], b[key]);
      if (found) return (found.keys.push(key), found);
    }
    for (const key in b)
      if (b[key] !== undefined && a[key] === undefined) return { keys: [key], a: undefined, b: b[key] };
    return null;
  }
  return a === b ? null : { keys: [], a, b };
}

export function firstDifference(a: unknown, b: unknown): Difference | null {
  const found = find(a, b);
  return found && { path: found.keys.reverse().join('.'), a: found.a, b: found.b };
}
