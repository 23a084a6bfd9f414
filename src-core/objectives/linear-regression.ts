import type { ConfigOf, LaneEvaluator, Objective, ObjectiveInfo } from './types';

type Config = ConfigOf<'linear-regression'>;

/** The seeds' PyTorch data: X = [[1],[2],[3],[4]], y = 2X. */
const xs = Float64Array.of(1, 2, 3, 4);
const ys = Float64Array.of(2, 4, 6, 8);

export const linearRegressionInfo: ObjectiveInfo<Config> = {
  id: 'linear-regression',
  label: 'Linear regression (MSE)',
  formula: 'L(w, b) = ¼ Σᵢ (w·xᵢ + b − yᵢ)²,  x = [1, 2, 3, 4], y = 2x;  ∇L = (½ Σ rᵢxᵢ, ½ Σ rᵢ)',
  description: "The seeds' PyTorch toy: nn.Linear(1, 1) fitted to y = 2x with nn.MSELoss; θ = [w, b].",
  parameters: [],
  defaultConfig: { id: 'linear-regression' },
  dimension: () => 2,
};

const evaluateLanes: LaneEvaluator = (theta, grad, loss, lanes, stride) => {
  const n = xs.length;
  for (let lane = 0; lane < lanes; lane++) {
    const w = theta[lane];
    const b = theta[stride + lane];
    let sum = 0;
    let gw = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const r = w * xs[i] + b - ys[i];
      sum += r * r;
      gw += r * xs[i];
      gb += r;
    }
    // nn.MSELoss averages (reduction='mean'): L = Σr²/n, ∂L/∂w = 2Σ r·x/n, ∂L/∂b = 2Σ r/n.
    grad[lane] = (2 * gw) / n;
    grad[stride + lane] = (2 * gb) / n;
    loss[lane] = sum / n;
  }
};

export function createLinearRegression(config: Config): Objective<Config> {
  const loss = new Float64Array(1);
  return {
    config,
    dim: linearRegressionInfo.dimension(config),
    // nn.Linear starts from random weights; a fixed (0, 0) makes runs comparable (L = mean(y²) = 30 there).
    defaultStart: () => new Float64Array(2),
    minimum: { value: 0, at: [2, 0] },
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
  };
}
