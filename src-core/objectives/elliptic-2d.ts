import type { ConfigOf, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'elliptic-2d'>;

export const elliptic2dInfo: ObjectiveInfo<Config> = {
  id: 'elliptic-2d',
  label: 'f(w, b) = w² + 10b²',
  formula: 'f(w, b) = w² + 10b²,  ∇f = (2w, 20b)',
  description: "The seeds' 2-D toy: b is ten times steeper, so AdaGrad shrinks its step faster than w's.",
  parameters: [],
  defaultConfig: { id: 'elliptic-2d' },
};

export function createElliptic2d(config: Config): Objective<Config> {
  return {
    config,
    dim: 2,
    // The seeds give no start; (1, 1) puts both coordinates equally far from 0 so only the curvature differs.
    defaultStart: () => Float64Array.of(1, 1),
    minimum: { value: 0, at: [0, 0] },
    evaluate(theta, gradOut) {
      const w = theta[0];
      const b = theta[1];
      gradOut[0] = 2 * w;
      gradOut[1] = 20 * b;
      return w * w + 10 * b * b;
    },
  };
}
