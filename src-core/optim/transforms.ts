/**
 * Optimizers as chains of small gradient transformations, after Optax (optax/_src/transform.py), over flat
 * Float64Arrays. A transform rewrites the update u in place; at the head of a chain u is a copy of the gradient, and
 * the optimizer finally applies θ ← θ + u. Each transform's state is a plain object of Float64Arrays, so a state
 * survives structuredClone, postMessage and IndexedDB; the step count lives with the optimizer and is passed in.
 *
 * Arithmetic follows PyTorch's _single_tensor_* loops (torch/optim/{adagrad,sgd,rmsprop,adam}.py) operation for
 * operation, as ATen's CPU kernels compute them without FMA: addcmul computes self + value·t1·t2 left to right, lerp_
 * uses ATen's two-branch formula, and addcdiv(self, t1, t2, value) computes self + (value·t1)/t2. That last one is why a
 * preconditioner that ends in PyTorch's `param.addcdiv_(g, denominator, value=-lr)` takes the step size itself
 * (`rate`): u ← (−η_t·u)/denominator, and its chain has no scaleByLearningRate after it.
 */
import type { EpsPlacement } from '../contract/engine';
import { exactPow } from './exact-pow';
import { checkEpsPlacement, checkFlag, checkNumber, nesterovMessage } from './rules';

/** A transform's state: named Float64Arrays, nothing else. */
export type Slots = Record<string, Float64Array>;

export interface Transform<S = Slots> {
  init(dim: number): S;
  /** Rewrites `u` in place. `theta` is θ before this step (read only); `t` is the step number, from 1. */
  update(u: Float64Array, state: S, theta: Float64Array, t: number): void;
}

/** A step size per step number: PyTorch's lr, or lr with its built-in decay (AdaGrad) or bias correction (Adam). */
export type Schedule = (t: number) => number;

/** Runs transforms in order, each on the previous one's output; the state is the list of their states. */
export function chain(...transforms: Transform[]): Transform<Slots[]> {
  return {
    init: (dim) => transforms.map((transform) => transform.init(dim)),
    update(u, states, theta, t) {
      if (states.length !== transforms.length) {
        throw new RangeError(
          `chain: ${transforms.length} transforms but ${states.length} states (use a state made by this chain's init)`,
        );
      }
      for (let k = 0; k < transforms.length; k++) transforms[k].update(u, states[k], theta, t);
    },
  };
}

/** u ← −u: PyTorch's maximize, the gradient negated before anything else (weight decay included). */
export function negate(): Transform {
  return {
    init: () => ({}),
    update(u) {
      for (let i = 0; i < u.length; i++) u[i] = -u[i];
    },
  };
}

/**
 * u ← u + wd·θ. At the head of a chain this is PyTorch's weight_decay (L2 added to the gradient); placed after the
 * preconditioner and before the learning rate it is decoupled weight decay, as optax.adamw places add_decayed_weights.
 */
export function addWeightDecay(weightDecay: number): Transform {
  const wd = checkNumber('weightDecay', weightDecay);
  return {
    init: () => ({}),
    update(u, _state, theta) {
      // PyTorch adds only when weight_decay != 0; u + 0·θ would turn -0 into +0, and θ = ±∞ into NaN.
      if (wd === 0) return;
      for (let i = 0; i < u.length; i++) u[i] = u[i] + wd * theta[i];
    },
  };
}

/**
 * Keeps a copy of u as it passes, and changes nothing: placed in a chain just before the transform that reads the
 * gradient into the optimizer's statistics (G, v, the momentum buffer), its `gradient` slot is the gradient step t used
 * after every transform before it (coupled weight decay, and any other placed ahead): what entered G. NaN before the
 * first step. One object for every chain, so that an optimizer finds it in its own (index.ts).
 */
export const enteringGradient: Transform<{ gradient: Float64Array }> = {
  init: (dim) => ({ gradient: new Float64Array(dim).fill(NaN) }),
  update(u, { gradient }) {
    gradient.set(u);
  },
};

/** √G + eps (PyTorch, the seeds' code) or √(G + eps) (Keras, Optax, the seeds' formula); G is `accum`. */
export const rssDenominator = (accum: number, eps: number, inside: boolean): number =>
  inside ? Math.sqrt(accum + eps) : Math.sqrt(accum) + eps;

/** Whether eps goes inside the root ('inside' and 'inside-guarded'). */
export const epsInside = (placement: EpsPlacement): boolean => placement !== 'outside';

/**
 * Whether a coordinate with accumulator G gets no update at all: with Optax's guard ('inside-guarded') where G is not
 * > 0, as `where(G > 0, rsqrt(G + eps), 0)` leaves it.
 */
export const guardedAt = (guarded: boolean, accum: number): boolean => guarded && !(accum > 0);

export interface RssOptions {
  initialAccumulator: number;
  eps: number;
  epsPlacement: EpsPlacement;
}

/**
 * AdaGrad's preconditioner: G ← G + u², u ← u / (√G + eps) or u / √(G + eps); with the guard, u ← −0 where G = 0 (no
 * update: θ + (−0) is θ). G starts at initialAccumulator and is the state's `accum` (PyTorch's state['sum']). With a
 * `rate`, the step size too, in PyTorch's order: u ← (−η_t·u) / denominator (`param.addcdiv_(g, std, value=-clr)`).
 */
export function scaleByRss(options: RssOptions, rate?: Schedule): Transform<{ accum: Float64Array }> {
  const initial = checkNumber('initialAccumulator', options.initialAccumulator);
  const eps = checkNumber('eps', options.eps);
  const placement = checkEpsPlacement(options.epsPlacement);
  const inside = epsInside(placement);
  const guarded = placement === 'inside-guarded';
  return {
    init: (dim) => ({ accum: new Float64Array(dim).fill(initial) }),
    update(u, { accum }, _theta, t) {
      const value = rate ? -rate(t) : 1;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const newAccum = accum[i] + g * g;
        accum[i] = newAccum;
        // value·g is g itself when there is no rate (1·g = g, NaN and ±0 included).
        u[i] = guardedAt(guarded, newAccum) ? -0 : (value * g) / rssDenominator(newAccum, eps, inside);
      }
    },
  };
}

/** ATen's lerp (torch.lerp_): self + w·(end − self) for |w| < 0.5, else end − (end − self)·(1 − w), exact at w = 1. */
const lerp = (self: number, end: number, weight: number): number =>
  Math.abs(weight) < 0.5 ? self + weight * (end - self) : end - (end - self) * (1 - weight);

export interface RmsOptions {
  alpha: number;
  eps: number;
  centered: boolean;
}

/**
 * RMSProp's preconditioner: v ← α·v + (1−α)·u², and u ← u / (√v + eps); centered, also ḡ ← lerp(ḡ, u, 1−α) and
 * u ← u / (√(v − ḡ²) + eps). Like PyTorch, eps goes outside the root, and rounding can make v − ḡ² slightly negative
 * (then the step is NaN) when α^t is below the rounding error of v. With a `rate` (no momentum), the step size too:
 * u ← (−lr·u) / (√v + eps), PyTorch's `param.addcdiv_(grad, avg, value=-lr)`. The centered average is a lerp_ as in
 * current PyTorch; 1.13 computed ḡ·α + (1−α)·u.
 */
export function scaleByRms(
  options: RmsOptions,
  rate?: Schedule,
): Transform<{ squareAvg: Float64Array; gradAvg?: Float64Array }> {
  const alpha = checkNumber('alpha', options.alpha);
  const eps = checkNumber('eps', options.eps);
  const centered = checkFlag('centered', options.centered);
  const w = 1 - alpha;
  return {
    init: (dim) =>
      centered
        ? { squareAvg: new Float64Array(dim), gradAvg: new Float64Array(dim) }
        : { squareAvg: new Float64Array(dim) },
    update(u, { squareAvg, gradAvg }, _theta, t) {
      const value = rate ? -rate(t) : 1;
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const v = squareAvg[i] * alpha + w * g * g;
        squareAvg[i] = v;
        let avg: number;
        if (gradAvg) {
          const m = lerp(gradAvg[i], g, w);
          gradAvg[i] = m;
          avg = Math.sqrt(v - m * m);
        } else {
          avg = Math.sqrt(v);
        }
        u[i] = (value * g) / (avg + eps);
      }
    },
  };
}

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
  amsgrad: boolean;
}

/**
 * Adam's moments: m ← lerp(m, u, 1−β1), v ← β2·v + (1−β2)·u², v̂ = v or, with amsgrad, its running maximum, and
 * u ← (−s_t·m) / (√v̂ / √(1−β2^t) + eps), s_t = `rate` (adamSchedule: PyTorch folds the first moment's bias correction
 * into the step size, lr / (1 − β1^t)), as `param.addcdiv_(exp_avg, denom, value=-step_size)` computes it. The first
 * moment is a lerp_ as in current PyTorch; 1.13 computed m·β1 + (1−β1)·u, which rounds differently.
 */
export function scaleByAdam(
  options: AdamOptions,
  rate: Schedule,
): Transform<{ expAvg: Float64Array; expAvgSq: Float64Array; maxExpAvgSq?: Float64Array }> {
  const beta1 = checkNumber('beta1', options.beta1);
  const beta2 = checkNumber('beta2', options.beta2);
  const eps = checkNumber('eps', options.eps);
  const amsgrad = checkFlag('amsgrad', options.amsgrad);
  const w1 = 1 - beta1;
  const w2 = 1 - beta2;
  return {
    init: (dim) => {
      const moments = { expAvg: new Float64Array(dim), expAvgSq: new Float64Array(dim) };
      return amsgrad ? { ...moments, maxExpAvgSq: new Float64Array(dim) } : moments;
    },
    update(u, { expAvg, expAvgSq, maxExpAvgSq }, _theta, t) {
      const bias2Sqrt = Math.sqrt(1 - exactPow(beta2, t));
      const value = -rate(t);
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const m = lerp(expAvg[i], g, w1);
        expAvg[i] = m;
        let v = expAvgSq[i] * beta2 + w2 * g * g;
        expAvgSq[i] = v;
        if (maxExpAvgSq) v = maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], v);
        u[i] = (value * m) / (Math.sqrt(v) / bias2Sqrt + eps);
      }
    },
  };
}

export interface MomentumOptions {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

/**
 * Momentum as PyTorch's SGD keeps it: b ← u at the first step, then b ← μ·b + (1−τ)·u; u ← b, or u + μ·b with Nesterov.
 * (PyTorch skips momentum entirely when μ = 0; leave this transform out of the chain then.) Optax calls this transform
 * `trace`; here a trace is a run's recorded rows (src-core/run/trace.ts), so it is named for what it does.
 */
export function momentum(options: MomentumOptions): Transform<{ momentumBuffer: Float64Array }> {
  const mu = checkNumber('momentum', options.momentum);
  const tau = checkNumber('dampening', options.dampening);
  const nesterov = checkFlag('nesterov', options.nesterov);
  if (nesterov && !(mu > 0 && tau === 0)) throw new RangeError(nesterovMessage);
  const w = 1 - tau;
  return {
    init: (dim) => ({ momentumBuffer: new Float64Array(dim) }),
    update(u, { momentumBuffer }, _theta, t) {
      for (let i = 0; i < u.length; i++) {
        const g = u[i];
        const b = t === 1 ? g : momentumBuffer[i] * mu + w * g;
        momentumBuffer[i] = b;
        u[i] = nesterov ? g + mu * b : b;
      }
    },
  };
}

/** u ← −η_t·u: the last transform of every chain, so that applying θ ← θ + u is PyTorch's param.add_(u, alpha=−lr). */
export function scaleByLearningRate(schedule: Schedule): Transform {
  return {
    init: () => ({}),
    update(u, _state, _theta, t) {
      const negative = -schedule(t);
      for (let i = 0; i < u.length; i++) u[i] = negative * u[i];
    },
  };
}

export function constantSchedule(lr: number): Schedule {
  const rate = checkNumber('lr', lr);
  return () => rate;
}

/** PyTorch's AdaGrad: clr = lr / (1 + (t − 1)·lr_decay); exactly lr when lr_decay = 0. */
export function adagradSchedule(lr: number, lrDecay: number): Schedule {
  const rate = checkNumber('lr', lr);
  const decay = checkNumber('lrDecay', lrDecay);
  return (t) => rate / (1 + (t - 1) * decay);
}

/** PyTorch's Adam: step_size = lr / (1 − β1^t), the first moment's bias correction (see scaleByAdam), β1^t as C's pow. */
export function adamSchedule(lr: number, beta1: number): Schedule {
  const rate = checkNumber('lr', lr);
  const b1 = checkNumber('beta1', beta1);
  return (t) => rate / (1 - exactPow(b1, t));
}
