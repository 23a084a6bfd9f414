import { ObjectiveLimits } from '../contract/objective-schema';
import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

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
};

export function createIllConditioned(config: Config): Objective<Config> {
  const { dim: d, condition } = config;
  // Made once so evaluate is a multiply-add over three arrays, bound by memory bandwidth. One coordinate has curvature 1.
  const curvature = new Float64Array(d);
  for (let i = 0; i < d; i++) curvature[i] = d === 1 ? 1 : Math.pow(condition, i / (d - 1));
  const evaluateLanes: LaneEvaluator = (x, g, loss, lanes, stride) => {
    for (let r = 0; r < lanes; r++) {
      let twiceF = 0;
      for (let i = 0, at = r; i < d; i++, at += stride) {
        const xi = x[at];
        const gi = curvature[i] * xi;
        g[at] = gi;
        twiceF += gi * xi;
      }
      loss[r] = 0.5 * twiceF;
    }
  };
  const loss = new Float64Array(1);
  return {
    config,
    dim: d,
    defaultStart: () => new Float64Array(d).fill(1),
    minimum: { value: 0, at: new Array<number>(d).fill(0) },
    evaluate(x, g) {
      evaluateLanes(x, g, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
