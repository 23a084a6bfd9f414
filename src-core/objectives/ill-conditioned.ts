import { ObjectiveLimits } from '../contract/objective-schema';
import { diagonalQuadraticObjective } from './diagonal-quadratic';
import type { ConfigOf, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'ill-conditioned'>;

export const illConditionedInfo: ObjectiveInfo<Config> = {
  id: 'ill-conditioned',
  label: 'Ill-conditioned quadratic',
  formula: 'f(x) = ½ Σᵢ κ^(i/(d−1)) xᵢ²,  i = 0…d−1;  ∂f/∂xᵢ = κ^(i/(d−1)) xᵢ',
  description: 'Curvatures spread evenly in log scale from 1 to κ: where a per-coordinate step size pays off.',
  parameters: [
    {
      key: 'dim',
      label: 'Dimension',
      description: 'Number of coordinates, up to a million for throughput tests.',
      default: 100,
      integer: true,
      min: 1,
      max: ObjectiveLimits.maxDim,
    },
    {
      key: 'condition',
      label: 'Condition number κ',
      description: 'Ratio of the largest curvature to the smallest.',
      default: 1000,
      integer: false,
      min: 1,
      max: null,
    },
  ],
  defaultConfig: { id: 'ill-conditioned', dim: 100, condition: 1000 },
  dimension: (config) => config.dim,
};

export function createIllConditioned(config: Config): Objective<Config> {
  const { dim: d, condition } = config;
  // Made once so that a step is a multiply-add over three arrays, bound by memory bandwidth. One coordinate has curvature 1.
  const curvature = new Float64Array(d);
  for (let i = 0; i < d; i++) curvature[i] = d === 1 ? 1 : Math.pow(condition, i / (d - 1));
  return {
    config,
    defaultStart: () => new Float64Array(d).fill(1),
    minimum: { value: 0, at: new Array<number>(d).fill(0) },
    // ½ Σ (κᵢxᵢ)·xᵢ: the gradient κᵢxᵢ times xᵢ, summed, halved.
    ...diagonalQuadraticObjective({ gradient: curvature, loss: curvature, scale: 0.5 }),
  };
}
