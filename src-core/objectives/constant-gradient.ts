import { ObjectiveLimits } from '../contract/objective-schema';
import { RandomState } from './random';
import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'constant-gradient'>;

/**
 * The seeds' NumPy demos, `np.random.seed(42); W = np.random.randn(2, 2); grads = np.random.randn(2, 2)` (and, for the
 * learning-rate comparison, `W_1`, `W_2`, then `grads`), reproduced from the same stream: draw k is the k-th
 * randn(2, 2) call, flattened row-major. The start is one draw and the gradient, which never changes, another.
 */
const stream = new RandomState(42);
const draws = Array.from({ length: ObjectiveLimits.maxDraw }, () => stream.fillRandn(new Float64Array(4)));
const drawParameter = (key: 'startDraw' | 'gradientDraw', label: string, value: number, description: string) =>
  ({ key, label, description, default: value, integer: true, min: 1, max: ObjectiveLimits.maxDraw }) as const;

export const constantGradientInfo: ObjectiveInfo<Config> = {
  id: 'constant-gradient',
  label: 'f(W) = ⟨G₀, W⟩',
  formula: 'f(W) = Σᵢⱼ G₀ᵢⱼ·Wᵢⱼ,  ∇f = G₀ (np.random.seed(42); W and G₀ are randn(2, 2) draws)',
  description: "The seeds' NumPy demo: the same gradient every step; it has no minimum until weight decay adds one.",
  parameters: [
    drawParameter(
      'startDraw',
      'W from draw',
      1,
      'Which np.random.randn(2, 2) call after np.random.seed(42) gives the start W.',
    ),
    drawParameter('gradientDraw', 'G₀ from draw', 2, 'Which np.random.randn(2, 2) call gives the constant gradient.'),
  ],
  defaultConfig: { id: 'constant-gradient', startDraw: 1, gradientDraw: 2 },
  dimension: () => 4,
};

/** f and ∇f at many points at once (see LaneEvaluator): the gradient is G₀ at every one of them. */
const lanesFor =
  (gradient: Float64Array): LaneEvaluator =>
  (theta, grad, loss, lanes, stride) => {
    for (let r = 0; r < lanes; r++) {
      let f = 0;
      for (let i = 0, at = r; i < 4; i++, at += stride) {
        const g = gradient[i];
        grad[at] = g;
        f += g * theta[at];
      }
      loss[r] = f;
    }
  };

export function createConstantGradient(config: Config): Objective<Config> {
  const start = draws[(config.startDraw ?? 1) - 1];
  const evaluateLanes = lanesFor(draws[(config.gradientDraw ?? 2) - 1]);
  const loss = new Float64Array(1);
  return {
    config,
    dim: constantGradientInfo.dimension(config),
    defaultStart: () => start.slice(),
    // Linear, so unbounded below. With L2 weight decay λ the optimizer sees G₀ + λW, which vanishes at W = −G₀/λ.
    minimum: { value: -Infinity, at: null },
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
