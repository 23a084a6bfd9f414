import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import { createComposedOptimizer, createOptimizer, type Optimizer, type OptimizerState } from '../../../src-core/optim';
import { adagradConfig, zeroOr } from '../../helpers/arbitraries';

const runs = { numRuns: 300 };

/** Doubles from `min` to `max` in magnitude, either sign. */
const magnitude = (min: number, max: number) =>
  fc.tuple(fc.double({ min, max, noNaN: true }), fc.boolean()).map(([x, negative]) => (negative ? -x : x));
const unit = fc.double({ min: 0, max: 0.99, noNaN: true });
const anyConfig: fc.Arbitrary<OptimizerConfig> = fc.oneof(
  adagradConfig({ eps: fc.double({ min: 1e-12, max: 1, noNaN: true }) }),
  fc
    .record({
      kind: fc.constant('sgd' as const),
      lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
      momentum: zeroOr(unit),
      dampening: fc.double({ min: 0, max: 1, noNaN: true }),
      nesterov: fc.boolean(),
      weightDecay: zeroOr(fc.double({ min: 1e-4, max: 1, noNaN: true })),
    })
    .map((c) => (c.nesterov && c.momentum > 0 ? { ...c, dampening: 0 } : { ...c, nesterov: false })),
  fc.record({
    kind: fc.constant('rmsprop' as const),
    lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    alpha: unit,
    eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
    momentum: zeroOr(unit),
    // Centered RMSProp can round v − ḡ² below zero (NaN, as in PyTorch); that is tested for where it matters, not here.
    centered: fc.constant(false),
    weightDecay: zeroOr(fc.double({ min: 1e-4, max: 1, noNaN: true })),
  }),
  fc.record({
    kind: fc.constant('adam' as const),
    lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
    beta1: unit,
    beta2: unit,
    eps: fc.double({ min: 1e-12, max: 1, noNaN: true }),
    weightDecay: zeroOr(fc.double({ min: 1e-4, max: 1, noNaN: true })),
    amsgrad: fc.boolean(),
  }),
);

/** A start point and a sequence of gradients, all of one dimension. */
const problem = (coordinate: fc.Arbitrary<number>, gradient: fc.Arbitrary<number>, maxSteps = 40) =>
  fc.integer({ min: 1, max: 6 }).chain((dim) =>
    fc.record({
      theta: fc.array(coordinate, { minLength: dim, maxLength: dim }),
      grads: fc.array(fc.array(gradient, { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: maxSteps }),
    }),
  );
const moderate = fc.double({ min: -1e3, max: 1e3, noNaN: true });

const bits = (xs: Float64Array) => Array.from(new BigUint64Array(Float64Array.from(xs).buffer));

describe('AdaGrad, fused', () => {
  it('equals the composed chain bit for bit, for every option and any input, at every step', () => {
    const special = fc.constantFrom(0, -0, 1e-320, -1e300, Infinity, -Infinity, NaN);
    fc.assert(
      fc.property(
        adagradConfig(),
        problem(fc.oneof(moderate, special), fc.oneof(moderate, moderate, special)),
        (config, { theta, grads }) => {
          const fused = createOptimizer(config);
          const composed = createComposedOptimizer(config);
          const a = Float64Array.from(theta);
          const b = Float64Array.from(theta);
          const sa = fused.init(a.length);
          const sb = composed.init(b.length);
          for (const g of grads) {
            const grad = Float64Array.from(g);
            fused.step(a, grad, sa);
            composed.step(b, grad, sb);
            expect(bits(a)).toEqual(bits(b));
            expect(bits(fused.accum(sa)!)).toEqual(bits(composed.accum(sb)!));
            expect(bits(grad)).toEqual(bits(Float64Array.from(g))); // the gradient is read, not changed
          }
          expect(sa).toEqual(sb);
        },
      ),
      runs,
    );
  });

  it('never decreases G (eps > 0: with eps = 0, see the NaN case below)', () => {
    fc.assert(
      fc.property(
        adagradConfig({ eps: fc.double({ min: 1e-12, max: 1, noNaN: true }) }),
        problem(moderate, moderate),
        (config, { theta, grads }) => {
          const optimizer = createOptimizer(config);
          const x = Float64Array.from(theta);
          const state = optimizer.init(x.length);
          let before = Float64Array.from(optimizer.accum(state)!);
          for (const g of grads) {
            optimizer.step(x, Float64Array.from(g), state);
            const after = optimizer.accum(state)!;
            after.forEach((G, i) => expect(G).toBeGreaterThanOrEqual(before[i]));
            before = Float64Array.from(after);
          }
        },
      ),
      runs,
    );
  });

  it('with G₀ = 0 and no weight decay, never moves a coordinate by more than lr (eps ≥ 0, either placement)', () => {
    // |g|/√G ≤ 1 needs g² not to underflow, so gradients stay away from 0 and subnormals; θ + u then rounds once.
    const config = adagradConfig({ weightDecay: fc.constant(0), initialAccumulator: fc.constant(0) });
    fc.assert(
      fc.property(config, problem(moderate, magnitude(1e-100, 1e100)), (c, { theta, grads }) => {
        const optimizer = createOptimizer(c);
        const x = Float64Array.from(theta);
        const state = optimizer.init(x.length);
        for (const g of grads) {
          const before = Float64Array.from(x);
          optimizer.step(x, Float64Array.from(g), state);
          x.forEach((after, i) =>
            expect(Math.abs(after - before[i])).toBeLessThanOrEqual(c.lr + (Math.abs(before[i]) + c.lr) * 2 ** -52),
          );
        }
      }),
      runs,
    );
  });

  it('gives NaN for a zero gradient on a zero accumulator with eps = 0, as PyTorch does (0/0)', () => {
    const optimizer = createOptimizer({
      kind: 'adagrad',
      lr: 0.1,
      eps: 0,
      epsPlacement: 'outside',
      weightDecay: 0,
      decoupledWeightDecay: false,
      initialAccumulator: 0,
      lrDecay: 0,
    });
    const theta = Float64Array.of(1, 1);
    optimizer.step(theta, Float64Array.of(0, 2), optimizer.init(2));
    expect(Array.from(theta)).toEqual([NaN, 0.9]);
  });
});

describe('every optimizer', () => {
  it('keeps finite θ and state finite for finite gradients (eps > 0)', () => {
    fc.assert(
      fc.property(anyConfig, problem(moderate, moderate, 30), (config, { theta, grads }) => {
        const optimizer = createOptimizer(config);
        const x = Float64Array.from(theta);
        const state = optimizer.init(x.length);
        const step = new Float64Array(x.length);
        for (const g of grads) {
          optimizer.step(x, Float64Array.from(g), state);
          optimizer.effectiveStep(state, step);
          for (const xs of [x, step, ...state.inner.flatMap((s) => Object.values(s))])
            expect(xs.every(Number.isFinite)).toBe(true);
        }
      }),
      runs,
    );
  });

  it('continues from a structuredClone of its state exactly as from the state itself', () => {
    fc.assert(
      fc.property(anyConfig, problem(moderate, moderate, 30), fc.nat(), (config, { theta, grads }, cut) => {
        const optimizer: Optimizer = createOptimizer(config);
        const split = cut % (grads.length + 1);
        const x = Float64Array.from(theta);
        const state = optimizer.init(x.length);
        for (const g of grads.slice(0, split)) optimizer.step(x, Float64Array.from(g), state);
        const y = Float64Array.from(x);
        const clone: OptimizerState = structuredClone(state);
        expect(clone).toEqual(state);
        for (const g of grads.slice(split)) {
          optimizer.step(x, Float64Array.from(g), state);
          optimizer.step(y, Float64Array.from(g), clone);
        }
        expect(bits(y)).toEqual(bits(x));
        expect(clone).toEqual(state);
      }),
      runs,
    );
  });
});
