/**
 * The effective step: the factor a unit gradient is scaled by at step t, per coordinate, by the optimizer's own
 * rule. One definition, read from live state by `Optimizer.effectiveStep` and from a trace's G column by
 * `traceEffectiveStep` (the trace CSV) and `effectiveStepAt` (the charts and the per-step table), so the formulas live
 * in one place and the derivations cannot drift from them. Momentum is not part of it, and neither is maximize: it
 * flips the gradient's sign, not the size of the step.
 *
 *   AdaGrad  clr/(√G+eps) or clr/√(G+eps), clr = lr/(1+(t−1)·lr_decay); 0 where G = 0 with Optax's guard ('inside-guarded')
 *   RMSProp  lr/(√v+eps), centered lr/(√(v−ḡ²)+eps)
 *   Adam     (lr/(1−β1^t)) / (√v̂/√(1−β2^t) + eps), v̂ = v or, with amsgrad, its running maximum
 *   SGD      lr
 */
import type { OptimizerConfig } from '../contract/engine';
import { exactPow } from './exact-pow';
import { epsInside, guardedAt, rssDenominator } from './transforms';

/**
 * The rule at step t (from 1) given `secondMoment`, the optimizer's second moment of the gradient, the value under the
 * rule's square root: for AdaGrad it is G (the sum of squared gradients, the trace's `accum`), for RMSProp v (v − ḡ²
 * centered), for Adam v̂. Ignored by SGD. The operations are PyTorch's, in its order.
 */
export function effectiveStep(config: OptimizerConfig, t: number, secondMoment: number): number {
  switch (config.kind) {
    case 'adagrad':
      if (guardedAt(config.epsPlacement === 'inside-guarded', secondMoment)) return 0;
      return (
        config.lr /
        (1 + (t - 1) * config.lrDecay) /
        rssDenominator(secondMoment, config.eps, epsInside(config.epsPlacement))
      );
    case 'sgd':
      return config.lr;
    case 'rmsprop':
      return config.lr / (Math.sqrt(secondMoment) + config.eps);
    case 'adam':
      return (
        config.lr /
        (1 - exactPow(config.beta1, t)) /
        (Math.sqrt(secondMoment) / Math.sqrt(1 - exactPow(config.beta2, t)) + config.eps)
      );
  }
}

/**
 * Why a trace's accum does not determine the effective step of `config`, or null when it does. Centered RMSProp
 * divides by √(v − ḡ²) and AMSGrad by √max(v): neither ḡ nor max(v) is in a trace.
 */
export function effectiveStepUnavailable(config: OptimizerConfig): string | null {
  if (config.kind === 'rmsprop' && config.centered)
    return 'centered RMSProp divides by √(v − ḡ²), and a trace does not keep ḡ';
  if (config.kind === 'adam' && config.amsgrad)
    return 'AMSGrad divides by the running maximum of v, which a trace does not keep';
  return null;
}

/**
 * The effective step of trace row `step` (the state after that many steps) from its `accum`, the optimizer's second
 * moment after that step (G for AdaGrad; null when it has none, as SGD): the size step `step` took per unit of gradient. Null at step 0,
 * before any step, and where the rule is unavailable (effectiveStepUnavailable).
 */
export function traceEffectiveStep(config: OptimizerConfig, step: number, accum: number | null): number | null {
  if (step === 0 || effectiveStepUnavailable(config) !== null) return null;
  if (config.kind === 'sgd') return config.lr;
  return accum === null ? null : effectiveStep(config, step, accum);
}

/** Writes the effective step of step `step` (from 1) per coordinate into `out`, from a trace row's accum. */
export type EffectiveStepRule = (step: number, accum: ArrayLike<number>, out: Float64Array) => void;

/**
 * The effective-step rule of `config` for `width` coordinates, row by row (every rule is per coordinate, so the
 * min/median/max columns of a wide model work too), or null when it is unavailable. SGD reads no accum.
 */
export function effectiveStepAt(config: OptimizerConfig, width: number): EffectiveStepRule | null {
  if (effectiveStepUnavailable(config) !== null) return null;
  return (step, accum, out) => {
    for (let i = 0; i < width; i++) out[i] = config.kind === 'sgd' ? config.lr : effectiveStep(config, step, accum[i]);
  };
}
