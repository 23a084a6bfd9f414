import { diagonalQuadraticObjective } from './diagonal-quadratic';
import type { ConfigOf, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'elliptic-2d'>;

export const elliptic2dInfo: ObjectiveInfo<Config> = {
  id: 'elliptic-2d',
  label: 'f(w, b) = w² + 10b²',
  formula: 'f(w, b) = w² + 10b²,  ∇f = (2w, 20b)',
  description: "The seeds' 2-D toy: b is ten times steeper, so AdaGrad shrinks its step faster than w's.",
  parameters: [],
  defaultConfig: { id: 'elliptic-2d' },
  dimension: () => 2,
};

export function createElliptic2d(config: Config): Objective<Config> {
  return {
    config,
    // The seeds give no start; (1, 1) puts both coordinates equally far from 0 so only the curvature differs.
    defaultStart: () => Float64Array.of(1, 1),
    minimum: { value: 0, at: [0, 0] },
    // f = 1·(1·(w·w) + 10·(b·b)) is PyTorch's w**2 + 10 * b**2 to the bit: multiplying by 1 and adding to 0 change no square.
    ...diagonalQuadraticObjective({ gradient: Float64Array.of(2, 20), loss: Float64Array.of(1, 10), scale: 1 }),
  };
}
