/**
 * AdaGrad as PyTorch's _single_tensor_adagrad computes it, fused into one pass over Float64Arrays with no allocation:
 *
 *   g ← g + wd·θ                      (only when wd ≠ 0, as PyTorch; skipped when the decay is decoupled)
 *   clr = lr / (1 + (t − 1)·lr_decay)
 *   G ← G + g²
 *   q = g / (√G + eps)  or  g / √(G + eps)
 *   q ← q + wd·θ                      (decoupled weight decay only)
 *   θ ← θ + (−clr)·q
 *
 * It performs exactly the operations of the composed chain in index.ts (addWeightDecay, scaleByRss,
 * scaleByLearningRate), in the same order, so the two agree bit for bit (test/core/optim/properties.test.ts).
 */
import type { AdagradConfig } from '../contract/engine';

export type AdagradHyperparameters = Omit<AdagradConfig, 'kind'>;

/** One AdaGrad step t (from 1) on θ and G = `accum`, in place; `grad` is read, not changed. Hyperparameters are not checked here. */
export function adagradKernel(theta: Float64Array, grad: Float64Array, accum: Float64Array, t: number, h: AdagradHyperparameters): void {
  const { eps, weightDecay: wd } = h;
  const coupled = wd !== 0 && !h.decoupledWeightDecay;
  const decoupled = wd !== 0 && h.decoupledWeightDecay;
  const inside = h.epsPlacement === 'inside';
  const negativeRate = -(h.lr / (1 + (t - 1) * h.lrDecay));
  for (let i = 0; i < theta.length; i++) {
    const p = theta[i];
    const g = coupled ? grad[i] + wd * p : grad[i];
    const newAccum = accum[i] + g * g;
    accum[i] = newAccum;
    // transforms.ts's rssDenominator written out: through an imported binding the loop ran 4× slower (vitest, V8).
    const q = g / (inside ? Math.sqrt(newAccum + eps) : Math.sqrt(newAccum) + eps);
    theta[i] = p + negativeRate * (decoupled ? q + wd * p : q);
  }
}
