/**
 * The effective step size, lr/(√G+eps) for AdaGrad: the step a unit gradient gets, the quantity the seeds watch shrink
 * as G accumulates. It is derived from a stored accumulator, never stored itself, and derived by the optimizer's own
 * rule (`Optimizer.effectiveStep`): a throwaway optimizer state is given the stored accumulator and step number, so the
 * formulas live in one place (src-core/optim/index.ts) and the derivation cannot drift from them.
 */
import type { OptimizerConfig } from './contract/engine';
import { createOptimizer } from './optim';

/** Writes the step size of step `step` (from 1) per coordinate into `out`, from the accumulator after that step. */
export type EffectiveStepRule = (step: number, accum: ArrayLike<number>, out: Float64Array) => void;

/**
 * Why the stored accumulator does not determine the step size of `config`, or null when it does. Centered RMSProp
 * divides by √(v − ḡ²) and AMSGrad by √max(v): neither ḡ nor max(v) is in a trace.
 */
export function effectiveStepUnavailable(config: OptimizerConfig): string | null {
  if (config.kind === 'rmsprop' && config.centered) return 'centered RMSProp divides by √(v − ḡ²), and a trace does not keep ḡ';
  if (config.kind === 'adam' && config.amsgrad) return 'AMSGrad divides by the running maximum of v, which a trace does not keep';
  return null;
}

/**
 * The step-size rule of `config` for `width` coordinates (every rule is per coordinate, so the min/median/max columns
 * of a wide model work too), or null when it is unavailable (see effectiveStepUnavailable). Build it once per run:
 * each call only copies the accumulator into the rule's state.
 */
export function effectiveStepAt(config: OptimizerConfig, width: number): EffectiveStepRule | null {
  if (effectiveStepUnavailable(config) !== null) return null;
  const optimizer = createOptimizer(config);
  const state = optimizer.init(width);
  const accumulator = optimizer.accumulator(state);
  return (step, accum, out) => {
    if (accumulator) for (let i = 0; i < width; i++) accumulator[i] = accum[i];
    state.t = step;
    optimizer.effectiveStep(state, out);
  };
}
