/**
 * A seeded random stream that reproduces NumPy's legacy `np.random` (RandomState) bit for bit, so the seeds'
 * `np.random.seed(42); np.random.randn(2, 2)` gives the same doubles here. Only the parts the objectives need:
 * MT19937 seeded from an integer, `random()` and `randn()`. Plus a Zipf sampler of our own on the same stream.
 *
 * Sources followed (numpy/random): `_mt19937.pyx::_legacy_seeding` (an int seed goes to `mt19937_seed`, Matsumoto's
 * `init_genrand`, not `init_by_array`), `src/mt19937/mt19937.c` (the twist and tempering), `mt19937_next_double`
 * (genrand_res53) and `src/legacy/legacy-distributions.c::legacy_gauss` (the polar method that keeps its second value).
 */

import { formatCount } from '../contract/fields';

/** Refuses a seed MT19937 cannot take (a whole number from 0 to 2³² − 1), its bound written as the schema's rules are. */
export function checkSeed(seed: number): void {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new RangeError(`Invalid seed: ${seed} (must be a whole number from 0 to ${formatCount(0xffffffff)})`);
  }
}

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;
  /** legacy_gauss makes normals in pairs and hands out the second one on the next call. */
  private hasGauss = false;
  private gauss = 0;

  /** As `np.random.RandomState(seed)`; `seed` is a whole number from 0 to 2³²−1, as NumPy requires. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** As `np.random.seed(seed)`: init_genrand, and any cached normal is dropped (RandomState._reset_gauss). */
  seed(seed: number): void {
    checkSeed(seed);
    const key = this.key;
    key[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = key[i - 1];
      // 1812433253·(prev ⊕ prev>>30) + i, modulo 2³²: Math.imul keeps the low 32 bits that C's unsigned product keeps.
      key[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.pos === N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** As `np.random.random()`: a double in [0, 1) from 53 random bits (27 of one draw, 26 of the next). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** As one element of `np.random.randn(...)`: a standard normal by the polar method, the second of each pair cached. */
  randn(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      const cached = this.gauss;
      this.gauss = 0;
      return cached;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Fills `out` in order, as `np.random.randn(*shape)` fills its array in C order. */
  fillRandn(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.randn();
    return out;
  }

  private twist(): void {
    const key = this.key;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[i + M - N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (key[N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[N - 1] = key[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }
}

/**
 * Ranks 1..count with P(k) ∝ 1/k^exponent (a bounded Zipf law, any exponent > 0), drawn by rejection-inversion
 * (Hörmann & Derflinger 1996, as in Apache Commons RNG's RejectionInversionZipfSampler): O(1) memory and time per draw,
 * so ten million features need no cumulative table. Not NumPy's `zipf`, which is unbounded and needs exponent > 1.
 *
 * The idea: H is an antiderivative of h(x) = x^−exponent; a uniform u between H(count+½) and H(1.5)−1 inverted through
 * H lands near an integer k, which is accepted when u falls inside the area that h(k) owns, so k has mass h(k) exactly.
 */
export class ZipfSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralCount: number;
  /** Points this close below k are always inside k's area: a cheap test that skips most exact ones. */
  private readonly squeeze: number;

  constructor(
    readonly count: number,
    readonly exponent: number,
  ) {
    if (!(Number.isInteger(count) && count >= 1))
      throw new RangeError(`Invalid Zipf count: ${count} (must be a whole number >= 1)`);
    if (!(exponent > 0 && Number.isFinite(exponent)))
      throw new RangeError(`Invalid Zipf exponent: ${exponent} (must be a finite number > 0)`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralCount = this.hIntegral(count + 0.5);
    this.squeeze = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank from 1 to count. */
  sample(rng: RandomState): number {
    for (;;) {
      const u = this.hIntegralCount + rng.random() * (this.hIntegralX1 - this.hIntegralCount);
      const x = this.hIntegralInverse(u);
      const k = Math.min(this.count, Math.max(1, Math.floor(x + 0.5)));
      if (k - x <= this.squeeze || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** H(x) = (x^(1−s) − 1)/(1 − s), which tends to log x as s → 1; written so both cases are accurate. */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.exponent) * logX) * logX;
  }

  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  private hIntegralInverse(x: number): number {
    // Clamped at −1 because rounding may push t just past it, where log1p is undefined.
    const t = Math.max(-1, x * (1 - this.exponent));
    return Math.exp(log1pOverX(t) * x);
  }
}

/** log(1+x)/x, with its Taylor series near 0 where the quotient loses precision. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** (eˣ−1)/x, with its Taylor series near 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}
