import { ObjectiveLimits } from '../contract/objective-schema';
import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'rosenbrock'>;

export const rosenbrockInfo: ObjectiveInfo<Config> = {
  id: 'rosenbrock',
  label: 'Rosenbrock',
  formula: 'f(x) = Σᵢ₌₁ᵈ⁻¹ [100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²]',
  description: 'A curved, narrow valley: easy to find, slow to follow to its minimum at (1, …, 1).',
  parameters: [
    {
      key: 'dim',
      label: 'Dimension',
      description: 'Number of coordinates; the chained (sum) form couples each with the next.',
      default: 2,
      integer: true,
      min: ObjectiveLimits.minRosenbrockDim,
      max: ObjectiveLimits.maxDim,
    },
  ],
  defaultConfig: { id: 'rosenbrock', dim: 2 },
  dimension: (config) => config.dim,
};

export function createRosenbrock(config: Config): Objective<Config> {
  const d = config.dim;
  const evaluateLanes: LaneEvaluator = (x, g, loss, lanes, stride) => {
    for (let r = 0; r < lanes; r++) {
      let f = 0;
      // PyTorch's `100 * (y - x**2)**2 + (1 - x)**2` and what autograd makes of it: ∂/∂xᵢ gets 200(xᵢ − xᵢ₋₁²) (as
      // 100·(2t)) from the pair before, and −(200t)·(2xᵢ) − 2u from its own pair (t = xᵢ₊₁ − xᵢ², u = 1 − xᵢ), the two
      // terms of its own pair added first. For d = 2 that is PyTorch's gradient to the bit.
      let fromPrevious = 0;
      let at = r;
      for (let i = 0; i < d - 1; i++, at += stride) {
        const xi = x[at];
        const t = x[at + stride] - xi * xi;
        const u = 1 - xi;
        f += 100 * (t * t) + u * u;
        const own = -(200 * t) * (2 * xi) - 2 * u;
        g[at] = i === 0 ? own : fromPrevious + own;
        fromPrevious = 200 * t;
      }
      g[at] = fromPrevious;
      loss[r] = f;
    }
  };
  const loss = new Float64Array(1);
  return {
    config,
    dim: d,
    // The classic start (−1.2, 1), repeated: far round the valley's bend from (1, 1).
    defaultStart: () => Float64Array.from({ length: d }, (_, i) => (i % 2 === 0 ? -1.2 : 1)),
    minimum: { value: 0, at: new Array<number>(d).fill(1) },
    evaluate(x, g) {
      evaluateLanes(x, g, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
