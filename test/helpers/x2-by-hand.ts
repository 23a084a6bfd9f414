/**
 * Independent expected values for runs on f(θ) = θ² (gradient 2θ) from one start: PyTorch's published update rules
 * (the pseudo-code of torch.optim.Adagrad, RMSprop, Adam, and AdamW's decoupled weight decay) written out here in
 * plain arithmetic, one scalar at a time. Nothing in this file imports src-core: it is the oracle the engine, the
 * trace CSV and the effective-step rule are checked against, so a mistake shared by the engine's pieces (they all call
 * one effectiveStepSize) cannot also be in the expected value.
 */

/**
 * A row of a run on x²: the state after `step` steps, the gradient that step used (what entered G: 2θ before the step,
 * plus λθ with coupled weight decay; NaN at step 0), what it subtracted and the effective step it took (NaN and null at
 * step 0): the glossary's row t (docs/architecture.md).
 */
export interface HandRow {
  step: number;
  theta: number;
  g: number;
  /** θ before the step − θ after it. */
  update: number;
  /** The second moment under the rule's square root: AdaGrad's sum of squares, RMSProp's and Adam's v (not bias-corrected). */
  G: number;
  effectiveStep: number | null;
  loss: number;
}

export type HandOptimizer =
  | {
      kind: 'adagrad';
      lr: number;
      eps: number;
      inside: boolean;
      lrDecay: number;
      weightDecay: number;
      decoupled: boolean;
      initialAccumulator: number;
    }
  | { kind: 'rmsprop'; lr: number; alpha: number; eps: number }
  | { kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number };

/**
 * Rows 0…steps of `optimizer` on x² from `start`.
 *
 * AdaGrad (torch.optim.Adagrad):  clr = lr / (1 + (t−1)·lr_decay); g ← g + λθ (coupled); G ← G + g²;
 *   θ ← θ − clr·g/(√G + ε), or with ε inside the root θ ← θ − clr·g/√(G + ε).
 *   Decoupled weight decay, AdamW's rule: θ ← θ·(1 − clr·λ) first, then the step above on the raw gradient.
 *   Effective step: clr/(√G + ε), or clr/√(G + ε).
 * RMSProp (torch.optim.RMSprop, not centered, no momentum): v ← αv + (1−α)g²; θ ← θ − lr·g/(√v + ε). Effective: lr/(√v + ε).
 * Adam (torch.optim.Adam): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); θ ← θ − lr·m̂/(√v̂ + ε).
 *   Effective: the factor m̂'s numerator m is scaled by, (lr/(1−β₁ᵗ))/(√v̂ + ε).
 */
export function x2ByHand(optimizer: HandOptimizer, start: number, steps: number): HandRow[] {
  let theta = start;
  let G = optimizer.kind === 'adagrad' ? optimizer.initialAccumulator : 0;
  let m = 0;
  const rows: HandRow[] = [{ step: 0, theta, g: NaN, update: NaN, G, effectiveStep: null, loss: theta * theta }];
  for (let t = 1; t <= steps; t++) {
    const before = theta;
    const raw = 2 * theta;
    let entered = raw;
    let effectiveStep: number;
    if (optimizer.kind === 'adagrad') {
      const { lr, eps, inside, lrDecay, weightDecay, decoupled } = optimizer;
      const clr = lr / (1 + (t - 1) * lrDecay);
      const g = weightDecay !== 0 && !decoupled ? raw + weightDecay * theta : raw;
      entered = g;
      if (weightDecay !== 0 && decoupled) theta = theta * (1 - clr * weightDecay);
      G = G + g * g;
      effectiveStep = inside ? clr / Math.sqrt(G + eps) : clr / (Math.sqrt(G) + eps);
      theta = theta - effectiveStep * g;
    } else if (optimizer.kind === 'rmsprop') {
      const { lr, alpha, eps } = optimizer;
      G = alpha * G + (1 - alpha) * raw * raw;
      effectiveStep = lr / (Math.sqrt(G) + eps);
      theta = theta - effectiveStep * raw;
    } else {
      const { lr, beta1, beta2, eps } = optimizer;
      m = beta1 * m + (1 - beta1) * raw;
      G = beta2 * G + (1 - beta2) * raw * raw;
      const mHat = m / (1 - beta1 ** t);
      const vHat = G / (1 - beta2 ** t);
      theta = theta - (lr * mHat) / (Math.sqrt(vHat) + eps);
      effectiveStep = lr / (1 - beta1 ** t) / (Math.sqrt(vHat) + eps);
    }
    rows.push({ step: t, theta, g: entered, update: before - theta, G, effectiveStep, loss: theta * theta });
  }
  return rows;
}

/** |actual − expected| ≤ rel·|expected| for every field of every row; a message naming the row and field otherwise. */
export function rowsDiffer(actual: HandRow[], expected: HandRow[], rel: number): string | null {
  if (actual.length !== expected.length) return `${actual.length} rows, expected ${expected.length}`;
  for (let k = 0; k < expected.length; k++) {
    for (const field of ['step', 'theta', 'g', 'update', 'G', 'effectiveStep', 'loss'] as const) {
      const a = actual[k][field];
      const e = expected[k][field];
      if (a === null || e === null || Number.isNaN(e)) {
        if (!Object.is(a, e)) return `row ${k} ${field}: ${a}, expected ${e}`;
        continue;
      }
      if (!(Math.abs(a - e) <= rel * Math.max(Math.abs(e), Number.MIN_VALUE)))
        return `row ${k} ${field}: ${a}, expected ${e}`;
    }
  }
  return null;
}
