import { diagonalQuadraticObjective } from './diagonal-quadratic';
import type { ConfigOf, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'quadratic-1d'>;

export const quadratic1dInfo: ObjectiveInfo<Config> = {
  id: 'quadratic-1d',
  label: 'f(x) = x²',
  formula: 'f(x) = x²,  f′(x) = 2x',
  description: "The seeds' worked example: one parameter rolling down a parabola from x = 4.",
  parameters: [],
  defaultConfig: { id: 'quadratic-1d' },
  dimension: () => 1,
};

export function createQuadratic1d(config: Config): Objective<Config> {
  return {
    config,
    // The seeds' hand-worked table starts at x = 4 (4 → 3 → 2.4 → 1.968 with lr 1).
    defaultStart: () => Float64Array.of(4),
    minimum: { value: 0, at: [0] },
    ...diagonalQuadraticObjective({ gradient: Float64Array.of(2), loss: Float64Array.of(1), scale: 1 }),
  };
}
