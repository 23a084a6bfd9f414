/**
 * β^t for Adam's bias corrections as PyTorch computes them: `1 - beta1 ** step` in Python floats, that is C's pow,
 * which glibc rounds correctly. V8's `**` does not (0.9 ** 4 is 0.6561000000000001 there, 0.6561 in Python), so the
 * power is taken here by squaring in double-double arithmetic (about 104 bits) and rounded once at the end:
 * correctly rounded unless the exact power lies within ~2⁻⁹⁵ (relative) of a halfway point, which no fixture value
 * does (test/core/optim/pytorch-fixtures.test.ts checks Python's values for the betas and steps it lists).
 */

const SPLIT = 134217729; // 2²⁷ + 1: Veltkamp's splitter for doubles

/** a·b as hi + lo exactly (Dekker's product; no FMA in JavaScript). Finite a, b of moderate size. */
function twoProduct(a: number, b: number, out: Float64Array): void {
  const p = a * b;
  let t = SPLIT * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLIT * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  out[0] = p;
  out[1] = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

const scratch = new Float64Array(2);

/** (xHi + xLo)·(yHi + yLo) in double-double, normalised, into out. */
function multiply(xHi: number, xLo: number, yHi: number, yLo: number, out: Float64Array): void {
  twoProduct(xHi, yHi, scratch);
  const lo = scratch[1] + (xHi * yLo + xLo * yHi);
  const hi = scratch[0] + lo;
  out[0] = hi;
  out[1] = lo - (hi - scratch[0]);
}

const acc = new Float64Array(2);
const sq = new Float64Array(2);

/**
 * base^n, correctly rounded, for a base in [0, 1) and a whole n ≥ 0 (the betas and step counts of Adam); other
 * arguments take Math.pow. Below ~1e-290 the low parts underflow and the result may be off by an ulp; 1 − β^t is 1 there
 * anyway.
 */
export function exactPow(base: number, n: number): number {
  if (!(base > 0 && base < 1) || !Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) return Math.pow(base, n);
  acc[0] = 1;
  acc[1] = 0;
  sq[0] = base;
  sq[1] = 0;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) multiply(acc[0], acc[1], sq[0], sq[1], acc);
    if (k > 1) multiply(sq[0], sq[1], sq[0], sq[1], sq);
    if (acc[0] === 0) return 0;
  }
  return acc[0] + acc[1];
}
