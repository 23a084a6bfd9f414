import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'quadratic-1d'>;

export const quadratic1dInfo: ObjectiveInfo<Config> = {
  id: 'quadratic-1d',
  label: 'f(x) = x²',
  formula: 'f(x) = x²,  f′(x) = 2x',
  description: "The seeds' worked example: one parameter rolling down a parabola from x = 4.",
  parameters: [],
  defaultConfig: { id: 'quadratic-1d' },
};

const evaluateLanes: LaneEvaluator = (theta, grad, loss, lanes) => {
  for (let r = 0; r < lanes; r++) {
    const x = theta[r];
    grad[r] = 2 * x;
    loss[r] = x * x;
  }
};

export function createQuadratic1d(config: Config): Objective<Config> {
  const loss = new Float64Array(1);
  return {
    config,
    dim: 1,
    // The seeds' hand-worked table starts at x = 4 (4 → 3 → 2.4 → 1.968 with lr 1).
    defaultStart: () => Float64Array.of(4),
    minimum: { value: 0, at: [0] },
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
