/**
 * Where two JSON-like values first differ, field by field: what an import compares a run's config with (the config its
 * sweep's spec gives at its index) and a sweep's spec with one already stored. Keys are compared as sets (JSON has no
 * key order), a key holding undefined counts as absent (structured clone keeps such keys, JSON drops them), and
 * numbers compare by value (JSON writes −0 as 0).
 */

export interface Difference {
  /** The dotted path of the first field that differs ('' for the values themselves). */
  path: string;
  /** The value in `a` and in `b` there (undefined where a side has no such field). */
  a: unknown;
  b: unknown;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

const definedKeys = (x: Record<string, unknown>): string[] => Object.keys(x).filter((key) => x[key] !== undefined);

const join = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

export function firstDifference(a: unknown, b: unknown, path = ''): Difference | null {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || (Number.isNaN(a) && Number.isNaN(b)) ? null : { path, a, b };
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return { path, a, b };
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const difference = firstDifference(a[i], b[i], join(path, i));
      if (difference) return difference;
    }
    return null;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...definedKeys(a), ...definedKeys(b)])) {
      const difference = firstDifference(a[key], b[key], join(path, key));
      if (difference) return difference;
    }
    return null;
  }
  return a === b ? null : { path, a, b };
}
