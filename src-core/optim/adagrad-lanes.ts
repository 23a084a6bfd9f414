/**
 * AdaGrad on many runs side by side: one step of every lane, over coordinate-major arrays (coordinate d of lane r at
 * d·stride + r), so the inner loop walks contiguous memory and the lanes' independent arithmetic overlaps. Every lane
 * performs exactly adagradKernel's operations in its order (adagrad.ts), so a lane's numbers are its run's numbers
 * (test/core/run-lanes.test.ts). What must be the same for all lanes is fixed per group: eps placement, and whether
 * weight decay is off, coupled or decoupled (PyTorch skips a zero weight decay, which keeps −0 and ±∞ as they are).
 */
import type { AdagradConfig } from '../contract/engine';

export type WeightDecayMode = 'none' | 'coupled' | 'decoupled';

export const weightDecayMode = (c: AdagradConfig): WeightDecayMode =>
  c.weightDecay === 0 ? 'none' : c.decoupledWeightDecay ? 'decoupled' : 'coupled';

export interface AdagradLanes {
  readonly dim: number;
  /** The number of lanes. */
  readonly stride: number;
  readonly inside: boolean;
  readonly decay: WeightDecayMode;
  theta: Float64Array;
  /** θ before the last step, for the trace's update column. */
  previous: Float64Array;
  grad: Float64Array;
  sum: Float64Array;
  lr: Float64Array;
  lrDecay: Float64Array;
  eps: Float64Array;
  weightDecay: Float64Array;
  /** −clr of each lane at the current step. */
  rate: Float64Array;
  /** Whether any lane has an lr decay, so that its rate changes from step to step. */
  readonly decays: boolean;
}

/** Lanes for `configs` (one group: same eps placement and weight-decay mode), θ and the gradient left at zero. */
export function createAdagradLanes(configs: readonly AdagradConfig[], dim: number): AdagradLanes {
  const stride = configs.length;
  const column = (pick: (c: AdagradConfig) => number) => Float64Array.from(configs, pick);
  const sum = new Float64Array(dim * stride);
  for (let d = 0; d < dim; d++) configs.forEach((c, r) => (sum[d * stride + r] = c.initialAccumulator));
  return {
    dim,
    stride,
    inside: configs[0].epsPlacement === 'inside',
    decay: weightDecayMode(configs[0]),
    theta: new Float64Array(dim * stride),
    previous: new Float64Array(dim * stride),
    grad: new Float64Array(dim * stride),
    sum,
    lr: column((c) => c.lr),
    lrDecay: column((c) => c.lrDecay),
    eps: column((c) => c.eps),
    weightDecay: column((c) => c.weightDecay),
    rate: new Float64Array(stride),
    decays: configs.some((c) => c.lrDecay !== 0),
  };
}

/** Step t (from 1) of every lane, on `grad`, in place. */
export function stepAdagradLanes(l: AdagradLanes, t: number): void {
  const { stride, rate } = l;
  // lr/(1 + (t−1)·0) is lr exactly: without decay the rate is the same every step, and costs no division per lane.
  if (t === 1 || l.decays) for (let r = 0; r < stride; r++) rate[r] = -(l.lr[r] / (1 + (t - 1) * l.lrDecay[r]));
  if (l.decay === 'none') stepWithoutDecay(l);
  else stepWithDecay(l, l.decay === 'coupled');
}

// Two loops rather than one with a weight-decay branch per coordinate: V8 does not hoist loop-invariant branches. One
// flat loop over every (coordinate, lane) with the lane counted alongside, so that a single run of a million
// coordinates and ten thousand runs of two both stream through memory without an inner loop's overhead.

function stepWithoutDecay({ stride, dim, inside, theta, previous, grad, sum, eps, rate }: AdagradLanes): void {
  for (let i = 0, r = 0, n = dim * stride; i < n; i++) {
    const p = theta[i];
    const g = grad[i];
    const G = sum[i] + g * g;
    sum[i] = G;
    previous[i] = p;
    theta[i] = p + rate[r] * (g / (inside ? Math.sqrt(G + eps[r]) : Math.sqrt(G) + eps[r]));
    if (++r === stride) r = 0;
  }
}

function stepWithDecay({ stride, dim, inside, theta, previous, grad, sum, eps, weightDecay: wd, rate }: AdagradLanes, coupled: boolean): void {
  for (let i = 0, r = 0, n = dim * stride; i < n; i++) {
    const p = theta[i];
    const g = coupled ? grad[i] + wd[r] * p : grad[i];
    const G = sum[i] + g * g;
    sum[i] = G;
    const q = g / (inside ? Math.sqrt(G + eps[r]) : Math.sqrt(G) + eps[r]);
    previous[i] = p;
    theta[i] = p + rate[r] * (coupled ? q : q + wd[r] * p);
    if (++r === stride) r = 0;
  }
}
