import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import { createObjective } from '../../../src-core/objectives';
import { expectGradientsClose, finiteDifference } from './fd';

const coordinates = (dim: number, size: number) =>
  fc
    .array(fc.double({ min: -size, max: size, noNaN: true }), { minLength: dim, maxLength: dim })
    .map((xs) => Float64Array.from(xs));

/** Each case: a config arbitrary and how far from the origin to sample θ. */
const cases: { desc: string; config: fc.Arbitrary<ObjectiveConfig>; size: number }[] = [
  { desc: 'quadratic-1d', config: fc.constant({ id: 'quadratic-1d' }), size: 10 },
  { desc: 'elliptic-2d', config: fc.constant({ id: 'elliptic-2d' }), size: 10 },
  { desc: 'linear-regression', config: fc.constant({ id: 'linear-regression' }), size: 10 },
  { desc: 'constant-gradient', config: fc.constant({ id: 'constant-gradient' }), size: 10 },
  { desc: 'rosenbrock', config: fc.integer({ min: 2, max: 7 }).map((dim) => ({ id: 'rosenbrock', dim })), size: 2 },
  {
    desc: 'ill-conditioned',
    config: fc
      .record({ dim: fc.integer({ min: 1, max: 7 }), condition: fc.double({ min: 1, max: 1e4, noNaN: true }) })
      .map((c) => ({ id: 'ill-conditioned', ...c })),
    size: 5,
  },
  { desc: 'rastrigin', config: fc.integer({ min: 1, max: 6 }).map((dim) => ({ id: 'rastrigin', dim })), size: 5.12 },
  {
    desc: 'sparse-logreg',
    config: fc
      .record({
        samples: fc.integer({ min: 1, max: 40 }),
        features: fc.integer({ min: 3, max: 25 }),
        nonZerosPerSample: fc.integer({ min: 1, max: 3 }),
        zipfExponent: fc.double({ min: 0.3, max: 3, noNaN: true }),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
      })
      .map((c) => ({ id: 'sparse-logreg', ...c })),
    size: 3,
  },
];

describe('every gradient agrees with central finite differences', () => {
  it.each(cases)('$desc', ({ config, size }) => {
    const withPoint = config.chain((c) => {
      const objective = createObjective(c);
      return coordinates(objective.dim, size).map((theta) => ({ objective, theta }));
    });
    fc.assert(
      fc.property(withPoint, ({ objective, theta }) => {
        const scratch = new Float64Array(objective.dim);
        const grad = new Float64Array(objective.dim);
        const value = objective.evaluate(theta, grad);
        const numeric = finiteDifference((t) => objective.evaluate(t, scratch), theta);
        expectGradientsClose(grad, numeric, Math.abs(value));
      }),
      { numRuns: 60 },
    );
  });
});
