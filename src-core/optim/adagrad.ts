/**
 * AdaGrad as PyTorch's _single_tensor_adagrad computes it, fused into one pass over Float64Arrays with no allocation:
 *
 *   g ← −g                            (maximize only)
 *   g ← g + wd·θ                      (only when wd ≠ 0, as PyTorch; skipped when the decay is decoupled)
 *   clr = lr / (1 + (t − 1)·lr_decay)
 *   G ← G + g²
 *   θ ← θ + (−clr·g) / (√G + eps)  or  / √(G + eps)      (ATen's CPU addcdiv_: (value·g)/denominator)
 *   θ unchanged where G = 0            (Optax's guard, 'inside-guarded')
 *
 * Decoupled weight decay (the lab's own, in Optax's adamw order): q = g / denominator (−0 where guarded),
 * θ ← θ + (−clr)·(q + wd·θ).
 *
 * It performs exactly the operations of the composed chain in index.ts (negate, addWeightDecay, scaleByRss,
 * scaleByLearningRate), in the same order, so the two agree bit for bit (test/core/optim/properties.test.ts).
 */
import type { AdagradConfig } from '../contract/engine';

export type AdagradHyperparameters = Omit<AdagradConfig, 'kind'>;

/** One AdaGrad step t (from 1) on θ and G = `accum`, in place; `grad` is read, not changed. Hyperparameters are not checked here. */
export function adagradKernel(
  theta: Float64Array,
  grad: Float64Array,
  accum: Float64Array,
  t: number,
  h: AdagradHyperparameters,
): void {
  const { eps, weightDecay: wd } = h;
  const coupled = wd !== 0 && !h.decoupledWeightDecay;
  const decoupled = wd !== 0 && h.decoupledWeightDecay;
  const inside = h.epsPlacement !== 'outside';
  const guarded = h.epsPlacement === 'inside-guarded';
  const maximize = h.maximize === true;
  const negativeRate = -(h.lr / (1 + (t - 1) * h.lrDecay));
  for (let i = 0; i < theta.length; i++) {
    const p = theta[i];
    // Negated as the composed chain's `negate` does it (a NaN's sign bit flips too).
    const gi = maximize ? -grad[i] : grad[i];
    const g = coupled ? gi + wd * p : gi;
    const newAccum = accum[i] + g * g;
    accum[i] = newAccum;
    // transforms.ts's rssDenominator and guardedAt written out: through an imported binding the loop ran 4× slower (vitest, V8).
    const skip = guarded && !(newAccum > 0);
    const denominator = inside ? Math.sqrt(newAccum + eps) : Math.sqrt(newAccum) + eps;
    theta[i] = decoupled
      ? p + negativeRate * ((skip ? -0 : g / denominator) + wd * p)
      : skip
        ? p
        : p + (negativeRate * g) / denominator;
  }
}
