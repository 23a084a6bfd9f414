/**
 * AdaGrad as the seeds' NumPy class and PyTorch write it, over flat Float64Arrays, in place:
 *
 *   g ← g + weight_decay·θ          (L2 added to the gradient before it is accumulated)
 *   G ← G + g²
 *   θ ← θ − lr·(g / (√G + eps))     (eps outside the square root)
 *
 * The last line is evaluated in PyTorch's order (addcdiv: the quotient first, then the scale); the seeds' loops group
 * it differently and agree with it to within a few ulps.
 */
export interface AdagradOptions {
  lr: number;
  eps: number;
  weightDecay: number;
}

export interface AdagradState {
  /** G: the running sum of squared gradients, one per parameter. */
  accum: Float64Array;
}

export function initAdagrad(dim: number): AdagradState {
  return { accum: new Float64Array(dim) };
}

/** lr/(√G+eps): the step size a unit gradient would get; what the seeds call the adjusted learning rate. */
export function effectiveStep(options: AdagradOptions, accum: number): number {
  return options.lr / (Math.sqrt(accum) + options.eps);
}

/** One AdaGrad step: updates `theta` and `state.accum` in place; `grad` is read, not changed. */
export function adagradStep(theta: Float64Array, grad: Float64Array, state: AdagradState, options: AdagradOptions): void {
  const { lr, eps, weightDecay } = options;
  const accum = state.accum;
  for (let i = 0; i < theta.length; i++) {
    const g = grad[i] + weightDecay * theta[i];
    const G = accum[i] + g * g;
    accum[i] = G;
    theta[i] -= lr * (g / (Math.sqrt(G) + eps));
  }
}
