/** fast-check arbitraries of engine configs, shared by the property tests of the optimizers and of the run paths. */
import fc from 'fast-check';
import type { AdagradConfig } from '../../src-core/contract/engine';

/** 0 half of the time (an option left off), else a value of `arb`. */
export const zeroOr = (arb: fc.Arbitrary<number>): fc.Arbitrary<number> => fc.oneof(fc.constant(0), arb);

/** Any valid AdagradConfig, every option on or off; `over` replaces the arbitrary of a field. */
export const adagradConfig = (
  over: Partial<Record<keyof AdagradConfig, fc.Arbitrary<unknown>>> = {},
): fc.Arbitrary<AdagradConfig> =>
  fc.record({
    kind: fc.constant('adagrad' as const),
    lr: fc.double({ min: 1e-4, max: 10, noNaN: true }),
    eps: zeroOr(fc.double({ min: 1e-12, max: 1, noNaN: true })),
    epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
    weightDecay: zeroOr(fc.double({ min: 1e-4, max: 1, noNaN: true })),
    decoupledWeightDecay: fc.boolean(),
    initialAccumulator: zeroOr(fc.double({ min: 0, max: 1, noNaN: true })),
    lrDecay: zeroOr(fc.double({ min: 0, max: 1, noNaN: true })),
    maximize: fc.boolean(),
    ...over,
  }) as fc.Arbitrary<AdagradConfig>;
