import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'elliptic-2d'>;

export const elliptic2dInfo: ObjectiveInfo<Config> = {
  id: 'elliptic-2d',
  label: 'f(w, b) = w² + 10b²',
  formula: 'f(w, b) = w² + 10b²,  ∇f = (2w, 20b)',
  description: "The seeds' 2-D toy: b is ten times steeper, so AdaGrad shrinks its step faster than w's.",
  parameters: [],
  defaultConfig: { id: 'elliptic-2d' },
};

const evaluateLanes: LaneEvaluator = (theta, grad, loss, lanes, stride) => {
  for (let r = 0; r < lanes; r++) {
    const w = theta[r];
    const b = theta[stride + r];
    grad[r] = 2 * w;
    grad[stride + r] = 20 * b;
    loss[r] = w * w + 10 * b * b;
  }
};

export function createElliptic2d(config: Config): Objective<Config> {
  const loss = new Float64Array(1);
  return {
    config,
    dim: 2,
    // The seeds give no start; (1, 1) puts both coordinates equally far from 0 so only the curvature differs.
    defaultStart: () => Float64Array.of(1, 1),
    minimum: { value: 0, at: [0, 0] },
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
