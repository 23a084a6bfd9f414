import { ObjectiveLimits } from '../contract/objective-schema';
import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'rastrigin'>;

const A = 10;
const TWO_PI = 2 * Math.PI;
/** ∂/∂x of −A·cos(2πx) is 2πA·sin(2πx). */
const RIPPLE_SLOPE = TWO_PI * A;

export const rastriginInfo: ObjectiveInfo<Config> = {
  id: 'rastrigin',
  label: 'Rastrigin',
  formula: 'f(x) = 10d + Σᵢ [xᵢ² − 10 cos(2πxᵢ)],  ∂f/∂xᵢ = 2xᵢ + 20π sin(2πxᵢ)',
  description: 'A bowl covered in local minima near every integer point; the global one is at 0.',
  parameters: [
    {
      key: 'dim',
      label: 'Dimension',
      description: 'Number of coordinates.',
      default: 2,
      integer: true,
      min: 1,
      max: ObjectiveLimits.maxDim,
    },
  ],
  defaultConfig: { id: 'rastrigin', dim: 2 },
  dimension: (config) => config.dim,
};

export function createRastrigin(config: Config): Objective<Config> {
  const d = config.dim;
  const evaluateLanes: LaneEvaluator = (x, g, loss, lanes, stride) => {
    for (let r = 0; r < lanes; r++) {
      let f = A * d;
      for (let i = 0, at = r; i < d; i++, at += stride) {
        const xi = x[at];
        const phase = TWO_PI * xi;
        f += xi * xi - A * Math.cos(phase);
        g[at] = 2 * xi + RIPPLE_SLOPE * Math.sin(phase);
      }
      loss[r] = f;
    }
  };
  const loss = new Float64Array(1);
  return {
    config,
    dim: d,
    // Halfway between the local minima near 2 and 3, close to the ridge between them: the basin a run ends in depends on its steps.
    defaultStart: () => new Float64Array(d).fill(2.5),
    minimum: { value: 0, at: new Array<number>(d).fill(0) },
    evaluate(x, g) {
      evaluateLanes(x, g, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
