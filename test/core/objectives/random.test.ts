import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomState, ZipfSampler } from '../../../src-core/objectives/random';

const draw = (rng: RandomState, n: number, next: (r: RandomState) => number) =>
  Array.from({ length: n }, () => next(rng));

describe("RandomState reproduces NumPy's legacy np.random", () => {
  it("gives the seeds' W and grads: np.random.seed(42); randn(2, 2); randn(2, 2)", () => {
    const rng = new RandomState(42);
    // Published doubles; toEqual on numbers is Object.is, so this is bit equality.
    expect(Array.from(rng.fillRandn(new Float64Array(4)))).toEqual([
      0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254,
    ]);
    expect(Array.from(rng.fillRandn(new Float64Array(4)))).toEqual([
      -0.23415337472333597, -0.23413695694918055, 1.5792128155073915, 0.7674347291529088,
    ]);
  });

  it('gives np.random.random() after seed(0) and seed(42)', () => {
    expect(new RandomState(0).random()).toBe(0.5488135039273248);
    expect(new RandomState(42).random()).toBe(0.3745401188473625);
  });

  it("seeds MT19937 with init_genrand: the reference generator's first output for 5489 is 3499211612", () => {
    expect(new RandomState(5489).nextUint32()).toBe(3499211612);
  });

  it('forgets a cached normal when reseeded, as RandomState.seed does', () => {
    const rng = new RandomState(42);
    const first = rng.randn();
    rng.seed(42);
    expect(rng.randn()).toBe(first);
  });

  it('repeats itself for a seed and draws random() in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = draw(new RandomState(seed), 50, (r) => r.random());
        expect(draw(new RandomState(seed), 50, (r) => r.random())).toEqual(a);
        expect(a.every((u) => u >= 0 && u < 1)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it.each([-1, 1.5, 2 ** 32, NaN])('refuses the seed %s as NumPy does', (seed) => {
    expect(() => new RandomState(seed)).toThrow(
      `Invalid seed: ${seed} (must be a whole number from 0 to 4,294,967,295)`,
    );
  });
});

describe('ZipfSampler', () => {
  it.each([
    { count: 6, exponent: 1.1 },
    { count: 6, exponent: 1 },
    { count: 20, exponent: 0.5 },
    { count: 4, exponent: 3 },
  ])('draws ranks 1..$count with P(k) ∝ k^−$exponent', ({ count, exponent }) => {
    const zipf = new ZipfSampler(count, exponent);
    const rng = new RandomState(7);
    const draws = 200_000;
    const seen = new Array<number>(count + 1).fill(0);
    for (let i = 0; i < draws; i++) seen[zipf.sample(rng)]++;
    expect(seen[0]).toBe(0);
    const weights = Array.from({ length: count }, (_, i) => (i + 1) ** -exponent);
    const total = weights.reduce((a, b) => a + b);
    weights.forEach((w, i) => {
      const p = w / total;
      // Five standard errors of a binomial proportion: a wrong law fails, sampling noise does not.
      expect(Math.abs(seen[i + 1] / draws - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / draws));
    });
  });

  it('always gives 1 when there is one rank', () => {
    const zipf = new ZipfSampler(1, 2);
    const rng = new RandomState(0);
    expect(draw(rng, 100, (r) => zipf.sample(r)).every((k) => k === 1)).toBe(true);
  });

  it('refuses a bad count or exponent', () => {
    expect(() => new ZipfSampler(0, 1)).toThrow('Invalid Zipf count: 0 (must be a whole number >= 1)');
    expect(() => new ZipfSampler(10, 0)).toThrow('Invalid Zipf exponent: 0 (must be a finite number > 0)');
  });
});
