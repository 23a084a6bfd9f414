import { RandomState } from '../random';
import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'constant-gradient'>;

/**
 * The seeds' NumPy demo, `np.random.seed(42); W = np.random.randn(2, 2); grads = np.random.randn(2, 2)`, reproduced
 * from the same stream: W (flattened row-major) is the start and grads is a gradient that never changes.
 */
const stream = new RandomState(42);
const seededW = stream.fillRandn(new Float64Array(4));
const seededGrads = stream.fillRandn(new Float64Array(4));

export const constantGradientInfo: ObjectiveInfo<Config> = {
  id: 'constant-gradient',
  label: 'f(W) = ⟨G₀, W⟩',
  formula: 'f(W) = Σᵢⱼ G₀ᵢⱼ·Wᵢⱼ,  ∇f = G₀ (np.random.seed(42), second randn(2, 2))',
  description: "The seeds' NumPy demo: the same gradient every step; it has no minimum until weight decay adds one.",
  parameters: [],
  defaultConfig: { id: 'constant-gradient' },
};

const evaluateLanes: LaneEvaluator = (theta, grad, loss, lanes, stride) => {
  for (let r = 0; r < lanes; r++) {
    let f = 0;
    for (let i = 0, at = r; i < 4; i++, at += stride) {
      const g = seededGrads[i];
      grad[at] = g;
      f += g * theta[at];
    }
    loss[r] = f;
  }
};

export function createConstantGradient(config: Config): Objective<Config> {
  const loss = new Float64Array(1);
  return {
    config,
    dim: 4,
    defaultStart: () => seededW.slice(),
    // Linear, so unbounded below. With L2 weight decay λ the optimizer sees G₀ + λW, which vanishes at W = −G₀/λ.
    minimum: { value: -Infinity, at: null },
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
