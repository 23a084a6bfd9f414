/**
 * AdaGrad's lazy sparse update: the step of adagrad.ts's kernel on the coordinates a sparse gradient touches, and
 * nothing on the others. It is exact, not an approximation, whenever the dense step would leave an untouched coordinate
 * (gradient +0) as it is: G + 0·0 = G, (−clr·0)/(√G + eps) = −0 when the denominator is > 0 (or no update at all
 * where Optax's guard sees G = 0), and θ + (−0) = θ.
 * `lazyUpdateIsExact` says when that holds; otherwise a run must take dense steps (src-core/run/stochastic.ts).
 */
import type { OptimizerConfig } from '../contract/engine';
import type { AdagradHyperparameters } from './adagrad';

/**
 * True for AdaGrad without weight decay or maximize whose denominator cannot be 0 unguarded. Weight decay (coupled or
 * decoupled) moves every coordinate every step (g = 0 + wd·θ), so it needs the dense step; so does eps = 0 with G₀ = 0
 * outside Optax's guard, where the dense step divides 0 by 0 on every coordinate no gradient has touched yet, and
 * PyTorch's dense AdaGrad turns them into NaN. Maximize negates the untouched coordinates' +0 into −0, and the dense
 * step then adds +0, which turns a θ of −0 into +0: the lazy step would keep its sign.
 */
export function lazyUpdateIsExact(config: OptimizerConfig): boolean {
  return (
    config.kind === 'adagrad' &&
    config.weightDecay === 0 &&
    config.maximize !== true &&
    (config.eps > 0 || config.initialAccumulator > 0 || config.epsPlacement === 'inside-guarded')
  );
}

/**
 * One AdaGrad step t on the nnz coordinates `indices[0…nnz−1]` (distinct) with gradient `values`, in place on θ and
 * G = `accum`, in the dense kernel's order of operations. Weight decay is not applied (see lazyUpdateIsExact). Returns
 * whether every touched θ and G is still finite: the untouched ones have not changed, so that is the divergence test.
 */
export function adagradSparseKernel(
  theta: Float64Array,
  accum: Float64Array,
  indices: Int32Array,
  values: Float64Array,
  nnz: number,
  t: number,
  h: AdagradHyperparameters,
): boolean {
  const eps = h.eps;
  const inside = h.epsPlacement !== 'outside';
  const guarded = h.epsPlacement === 'inside-guarded';
  const negativeRate = -(h.lr / (1 + (t - 1) * h.lrDecay));
  // x − x is 0 for every finite x and NaN for ±∞ and NaN, so one sum tells whether all were finite.
  let check = 0;
  for (let j = 0; j < nnz; j++) {
    const i = indices[j];
    const g = values[j];
    const newAccum = accum[i] + g * g;
    accum[i] = newAccum;
    const p =
      guarded && !(newAccum > 0)
        ? theta[i]
        : theta[i] + (negativeRate * g) / (inside ? Math.sqrt(newAccum + eps) : Math.sqrt(newAccum) + eps);
    theta[i] = p;
    check += p - p + (newAccum - newAccum);
  }
  return check === 0;
}
