/**
 * The effective step size: the factor a unit gradient is scaled by at step t, per coordinate, by the optimizer's own
 * rule. One definition, read from live state by `Optimizer.effectiveStep` and from a trace's G column by
 * `traceEffectiveStep` (the trace CSV, the charts). Momentum is not part of it.
 *
 *   AdaGrad  clr/(√G+eps) or clr/√(G+eps), clr = lr/(1+(t−1)·lr_decay)
 *   RMSProp  lr/(√v+eps), centered lr/(√(v−ḡ²)+eps)
 *   Adam     (lr/(1−β1^t)) / (√v̂/√(1−β2^t) + eps), v̂ = v or, with amsgrad, its running maximum
 *   SGD      lr
 */
import type { OptimizerConfig } from '../contract/engine';
import { rssDenominator } from './transforms';

/**
 * The rule at step t (from 1) given `secondMoment`, the value under the rule's square root: AdaGrad's G, RMSProp's v
 * (v − ḡ² centered), Adam's v̂. Ignored by SGD. The operations are PyTorch's, in its order.
 */
export function effectiveStepSize(config: OptimizerConfig, t: number, secondMoment: number): number {
  switch (config.kind) {
    case 'adagrad':
      return config.lr / (1 + (t - 1) * config.lrDecay) / rssDenominator(secondMoment, config.eps, config.epsPlacement === 'inside');
    case 'sgd':
      return config.lr;
    case 'rmsprop':
      return config.lr / (Math.sqrt(secondMoment) + config.eps);
    case 'adam':
      return config.lr / (1 - config.beta1 ** t) / (Math.sqrt(secondMoment) / Math.sqrt(1 - config.beta2 ** t) + config.eps);
  }
}

/**
 * The effective step of trace row `step` (the state after that many steps) from its G, the optimizer's accumulator
 * after that step (null when it has none, as SGD): the size step `step` took per unit of gradient. Null at step 0,
 * before any step, and where the rule also reads state a trace does not keep: centered RMSProp's ḡ and AMSGrad's
 * running maximum of v.
 */
export function traceEffectiveStep(config: OptimizerConfig, step: number, G: number | null): number | null {
  if (step === 0 || (config.kind === 'rmsprop' && config.centered) || (config.kind === 'adam' && config.amsgrad)) return null;
  if (config.kind === 'sgd') return config.lr;
  return G === null ? null : effectiveStepSize(config, step, G);
}
