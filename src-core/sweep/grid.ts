/**
 * The points of a grid axis, the doubles NumPy gives: `linear` is np.linspace(from, to, count) and `log` is
 * np.logspace(np.log10(from), np.log10(to), count), so that a sweep here and a sweep in a notebook use the same values.
 *
 * np.linspace computes step = (to − from)/(count − 1) and yᵢ = i·step + from, then sets the last to `to` exactly
 * (numpy/core/function_base.py; i/(count − 1)·(to − from) + from where the step underflows to 0). np.logspace is
 * 10 ** linspace(log10(from), log10(to), count), each power by the C library's pow. V8's `**` is not correctly rounded
 * (10 ** −4 is 0.00009999999999999999), so the power here is computed in double-double arithmetic and rounded once:
 * correctly rounded, which glibc's pow is on every entry of the reference table (test/fixtures/numpy-grids.json,
 * written by scripts/numpy-grids.py), and so is log10 here (V8's Math.log10 is not either: log10(6.88)).
 *
 * The residual: the C library's pow and log10 are not correctly rounded everywhere (glibc's pow errs by up to ~0.502
 * ulp), so on about 0.4% of the reference's values NumPy's double is the neighbour of the correctly rounded one; the
 * fixture lists each (`residual`), and the test holds every other value equal with Object.is.
 *
 * On a CPU with AVX-512, NumPy 1.24 computes power and log10 with SVML's vector routines instead, whose last bit differs
 * from the C library's on some inputs; the reference, and this module, follow the C library (NumPy elsewhere, or with
 * NPY_DISABLE_CPU_FEATURES set to those features).
 */

/** np.linspace(from, to, count), endpoint included: count 1 gives [from]. */
export function linspace(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => linspacePoint(from, to, count, i));
}

/** np.linspace(from, to, count)[i], computed alone: i·step + from, the last point `to` itself; count 1 gives from. */
export function linspacePoint(from: number, to: number, count: number, i: number): number {
  if (count === 1) return from;
  if (i === count - 1) return to;
  const div = count - 1;
  const delta = to - from;
  const step = delta / div;
  return (step === 0 ? (i / div) * delta : i * step) + from;
}

/** np.logspace(np.log10(from), np.log10(to), count): 10 to each point of the linear grid of the exponents. */
export function logspace(from: number, to: number, count: number): number[] {
  const a = log10(from);
  const b = log10(to);
  return Array.from({ length: count }, (_, i) => pow10(linspacePoint(a, b, count, i)));
}

/**
 * The exponents log10(from), log10(to) of the log ranges met lately, by their ends: a sweep asks for the points of the
 * same few axes over and over (a point alone costs one power; its two logarithms would cost twice that again). At most
 * EXPONENT_CACHE_RANGES are kept (all are dropped when one more comes).
 */
const exponentCache = new Map<string, readonly [number, number]>();
const EXPONENT_CACHE_RANGES = 16;

function exponentsOf(from: number, to: number): readonly [number, number] {
  // -0 and 0 kept apart: their logarithms differ (−∞ both, but an end's sign is the caller's to keep).
  const key = `${Object.is(from, -0) ? '-0' : from},${Object.is(to, -0) ? '-0' : to}`;
  let exponents = exponentCache.get(key);
  if (!exponents) {
    if (exponentCache.size >= EXPONENT_CACHE_RANGES) exponentCache.clear();
    exponents = [log10(from), log10(to)];
    exponentCache.set(key, exponents);
  }
  return exponents;
}

/** np.logspace(np.log10(from), np.log10(to), count)[i], computed alone. */
export function logspacePoint(from: number, to: number, count: number, i: number): number {
  const [a, b] = exponentsOf(from, to);
  return pow10(linspacePoint(a, b, count, i));
}

// Double-double arithmetic: a value is hi + lo with |lo| ≤ ulp(hi)/2, about 106 bits (Dekker, Knuth).

type DD = [hi: number, lo: number];

const split = (a: number): DD => {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
};

/** a·b exactly, as hi + lo. */
function twoProduct(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** a + b exactly, as hi + lo. */
function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, a - (s - v) + (b - v)];
}

function add(x: DD, y: DD): DD {
  const [s, e] = twoSum(x[0], y[0]);
  const [t, f] = twoSum(x[1], y[1]);
  const [u, g] = twoSum(s, e + t);
  return twoSum(u, g + f);
}

function multiply(x: DD, y: DD): DD {
  const [p, e] = twoProduct(x[0], y[0]);
  return twoSum(p, e + (x[0] * y[1] + x[1] * y[0]));
}

function divideByInteger(x: DD, n: number): DD {
  const q = x[0] / n;
  const [p, e] = twoProduct(q, n);
  return twoSum(q, (x[0] - p - e + x[1]) / n);
}

const ln10: DD = [2.302585092994046, -2.1707562233822494e-16];
const ln2: DD = [0.6931471805599453, 2.3190468138462996e-17];

/** One double's bytes, for powerOfTwo (a view per call had cost more than the bits it sets). */
const bitsView = new DataView(new ArrayBuffer(8));

/** 2^k for an integer k of the normal exponent range, built from its bits. */
function powerOfTwo(k: number): number {
  bitsView.setUint32(0, (k + 1023) << 20);
  bitsView.setUint32(4, 0);
  return bitsView.getFloat64(0);
}

/** e^x as a double-double, for x whose result is in the normal range: 2^k · e^r, |r| ≤ ln2/2, e^r = (e^(r/1024))^1024. */
function exponential(x: DD): DD {
  const k = Math.round(x[0] / ln2[0]);
  const r = add(x, multiply([-k, 0], ln2));
  const s = divideByInteger(r, 1024);
  let e: DD = [1, 0];
  for (let n = 12; n >= 1; n--) e = add([1, 0], divideByInteger(multiply(s, e), n));
  for (let i = 0; i < 10; i++) e = multiply(e, e);
  const scale = powerOfTwo(k);
  return [e[0] * scale, e[1] * scale];
}

/** Whether 10^y or log10(x) is a normal double a double-double can be scaled to without loss. */
const normal = (x: number): boolean => Math.abs(x) >= 2 ** -1000 && Math.abs(x) <= 2 ** 1000;

/**
 * 10^y rounded once to the nearest double (the ~100 bits kept leave the rounding in doubt only within 2^−90 of a
 * midpoint); V8's `**` outside the normal range, where no grid goes.
 */
export function pow10(y: number): number {
  // Exact in a double, and V8 computes it so. The range is tested first: every call then gives the comparison V8's
  // feedback (tested after isInteger, it ran only for the axis's whole exponents, and code compiled before one came
  // deoptimized on it, in every worker).
  if (y >= 0 && y <= 22 && Number.isInteger(y)) return 10 ** y;
  if (!Number.isFinite(y) || !normal(10 ** y)) return 10 ** y;
  const e = exponential(add(twoProduct(y, ln10[0]), [y * ln10[1], 0]));
  return e[0] + e[1];
}

/** log10(x) rounded once to the nearest double: ln x by one Newton step from Math.log in double-double, over ln 10. */
export function log10(x: number): number {
  if (!(x > 0) || !Number.isFinite(x) || !normal(x)) return Math.log10(x);
  const y0 = Math.log(x);
  const e = exponential([y0, 0]);
  const ln = twoSum(y0, add([x, 0], [-e[0], -e[1]])[0] / e[0]);
  const q = ln[0] / ln10[0];
  const rest = add(ln, multiply([-q, 0], ln10));
  return q + rest[0] / ln10[0];
}
