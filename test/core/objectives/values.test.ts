import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import { createObjective, objectiveInfo } from '../../../src-core/objectives';

const evaluate = (config: ObjectiveConfig, theta: number[]) => {
  const objective = createObjective(config);
  const grad = new Float64Array(objective.dim);
  const value = objective.evaluate(Float64Array.from(theta), grad);
  return { value, grad: Array.from(grad) };
};

describe('values at known points', () => {
  it.each([
    { desc: 'x² at the seeds’ start 4', config: { id: 'quadratic-1d' }, theta: [4], value: 16, grad: [8] },
    { desc: 'w² + 10b² at (1, 1)', config: { id: 'elliptic-2d' }, theta: [1, 1], value: 11, grad: [2, 20] },
    {
      desc: 'the seeds’ regression at (0, 0): mean(y²) = 30',
      config: { id: 'linear-regression' },
      theta: [0, 0],
      value: 30,
      grad: [-30, -10],
    },
    {
      desc: 'the regression at its minimum (2, 0)',
      config: { id: 'linear-regression' },
      theta: [2, 0],
      value: 0,
      grad: [0, 0],
    },
    {
      desc: 'Rosenbrock at (−1.2, 1)',
      config: { id: 'rosenbrock', dim: 2 },
      theta: [-1.2, 1],
      value: 24.2,
      grad: [-215.6, -88],
    },
    {
      desc: 'Rosenbrock at ones',
      config: { id: 'rosenbrock', dim: 5 },
      theta: [1, 1, 1, 1, 1],
      value: 0,
      grad: [0, 0, 0, 0, 0],
    },
    {
      desc: 'ill-conditioned at ones, κ = 100, d = 3',
      config: { id: 'ill-conditioned', dim: 3, condition: 100 },
      theta: [1, 1, 1],
      value: 55.5,
      grad: [1, 10, 100],
    },
    {
      desc: 'ill-conditioned in one dimension has curvature 1',
      config: { id: 'ill-conditioned', dim: 1, condition: 100 },
      theta: [2],
      value: 2,
      grad: [2],
    },
    { desc: 'Rastrigin at 0', config: { id: 'rastrigin', dim: 3 }, theta: [0, 0, 0], value: 0, grad: [0, 0, 0] },
  ] as const)('$desc', ({ config, theta, value, grad }) => {
    const got = evaluate(config as ObjectiveConfig, [...theta]);
    expect(got.value).toBeCloseTo(value, 10);
    got.grad.forEach((g, i) => expect(g).toBeCloseTo(grad[i], 10));
  });

  it('Rastrigin at its default start (2.5, …) is d·(10 + 6.25 + 10)', () => {
    const objective = createObjective({ id: 'rastrigin', dim: 4 });
    expect(objective.evaluate(objective.defaultStart(), new Float64Array(4))).toBeCloseTo(4 * 26.25, 10);
  });

  it("constant-gradient starts at the seeds' W and always returns their grads", () => {
    const objective = createObjective({ id: 'constant-gradient' });
    const W = [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254];
    const G = [-0.23415337472333597, -0.23413695694918055, 1.5792128155073915, 0.7674347291529088];
    expect(Array.from(objective.defaultStart())).toEqual(W);
    const grad = new Float64Array(4);
    const value = objective.evaluate(Float64Array.from([1, 2, 3, 4]), grad);
    expect(Array.from(grad)).toEqual(G);
    expect(value).toBeCloseTo(G[0] + 2 * G[1] + 3 * G[2] + 4 * G[3], 12);
    expect(objective.minimum).toEqual({ value: -Infinity, at: null });
  });

  it('sparse-logreg is log 2 at its default start 0', () => {
    const objective = createObjective(objectiveInfo['sparse-logreg'].defaultConfig);
    expect(objective.evaluate(objective.defaultStart(), new Float64Array(objective.dim))).toBeCloseTo(Math.LN2, 12);
    expect(objective.minimum).toEqual({ value: null, at: null });
  });

  it.each([
    { config: { id: 'quadratic-1d' }, start: [4] },
    { config: { id: 'elliptic-2d' }, start: [1, 1] },
    { config: { id: 'linear-regression' }, start: [0, 0] },
    { config: { id: 'rosenbrock', dim: 5 }, start: [-1.2, 1, -1.2, 1, -1.2] },
    { config: { id: 'ill-conditioned', dim: 3, condition: 10 }, start: [1, 1, 1] },
    { config: { id: 'rastrigin', dim: 2 }, start: [2.5, 2.5] },
  ] as const)('$config.id starts at $start, a fresh copy each time', ({ config, start }) => {
    const objective = createObjective(config as ObjectiveConfig);
    const a = objective.defaultStart();
    expect(Array.from(a)).toEqual(start);
    a[0] = 99;
    expect(objective.defaultStart()[0]).toBe(start[0]);
  });

  it('every known minimum is a minimum: value there as stated, gradient zero', () => {
    for (const info of Object.values(objectiveInfo)) {
      const objective = createObjective(info.defaultConfig);
      const { value, at } = objective.minimum;
      if (at === null) continue;
      const grad = new Float64Array(objective.dim);
      expect(objective.evaluate(Float64Array.from(at), grad), info.id).toBe(value);
      expect(
        grad.every((g) => g === 0),
        info.id,
      ).toBe(true);
    }
  });
});

describe('evaluate writes the whole gradient', () => {
  const configs: ObjectiveConfig[] = [
    ...Object.values(objectiveInfo).map((info) => info.defaultConfig),
    { id: 'sparse-logreg', samples: 5, features: 40, nonZerosPerSample: 2, zipfExponent: 2, seed: 1 },
  ];
  it.each(configs.map((config) => ({ id: config.id, config })))(
    '$id: no stale entries from an earlier call',
    ({ config }) => {
      const objective = createObjective(config);
      const thetas = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
        minLength: objective.dim,
        maxLength: objective.dim,
      });
      fc.assert(
        fc.property(thetas, thetas, (first, second) => {
          const reused = new Float64Array(objective.dim).fill(NaN);
          objective.evaluate(Float64Array.from(first), reused);
          const value = objective.evaluate(Float64Array.from(second), reused);
          const fresh = new Float64Array(objective.dim);
          expect(objective.evaluate(Float64Array.from(second), fresh)).toBe(value);
          expect(reused).toEqual(fresh);
        }),
        { numRuns: 10 },
      );
    },
  );
});
