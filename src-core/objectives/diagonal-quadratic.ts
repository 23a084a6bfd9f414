/**
 * The one formula of the objectives that are diagonal quadratics (quadratic-1d, elliptic-2d, ill-conditioned):
 *
 *   f(θ) = scale · Σ_d c_d·(θ_d·θ_d),   ∂f/∂θ_d = a_d·θ_d
 *
 * computed in exactly this order, the sum from 0 in coordinate order: PyTorch's order for `w**2 + 10 * b**2` (the square
 * first, then its coefficient; autograd's 10·(2·b) is 20·b to the bit, both being the rounded 20b). Written once as a lane evaluator; the WebAssembly
 * lane kernel (wasm/adagrad.ts, stepQuadratic*) performs the same operations fused into the AdaGrad step, and
 * test/core/run/lanes.test.ts proves the two equal bit for bit.
 */
import type { DiagonalQuadratic, LaneEvaluator, Objective } from './types';

export function diagonalQuadraticLanes({ gradient: a, loss: c, scale }: DiagonalQuadratic): LaneEvaluator {
  const dim = a.length;
  return (theta, grad, loss, lanes, stride) => {
    for (let r = 0; r < lanes; r++) {
      let f = 0;
      for (let d = 0, i = r; d < dim; d++, i += stride) {
        const x = theta[i];
        grad[i] = a[d] * x;
        f += c[d] * (x * x);
      }
      loss[r] = scale * f;
    }
  };
}

/** The evaluation part of an objective that is a diagonal quadratic: `evaluate` is one lane of `evaluateLanes`. */
export function diagonalQuadraticObjective(
  quadratic: DiagonalQuadratic,
): Pick<Objective, 'dim' | 'evaluate' | 'evaluateLanes' | 'quadratic'> {
  const evaluateLanes = diagonalQuadraticLanes(quadratic);
  const loss = new Float64Array(1);
  return {
    dim: quadratic.gradient.length,
    evaluate(theta, gradOut) {
      evaluateLanes(theta, gradOut, loss, 1, 1);
      return loss[0];
    },
    evaluateLanes,
    quadratic,
  };
}
