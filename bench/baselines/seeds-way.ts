/**
 * Baseline 1, the seeds' way: one run at a time, plain arrays, the objective as a pair of closures and AdaGrad as the
 * seeds' NumPy class written in JavaScript (a new array for every intermediate, as NumPy's expressions make one). The
 * arithmetic is the engine's (PyTorch's order: θ − lr·(g/(√G + eps)); the seeds' `lr * g / (...)` rounds differently
 * in the last bit), so that test/bench/baselines.test.ts can require the same numbers as the engine.
 */
import type { W1Input, W2Input, W3Input } from './inputs';

export interface W1Summary {
  finalLoss: number;
  bestLoss: number;
  bestStep: number;
}

export interface W3Result {
  firstLoss: number;
  lastLoss: number;
  theta: ArrayLike<number>;
}

/** The seeds' `class AdaGrad` (seeds/001) without weight decay, which no workload uses. */
class SeedsAdagrad {
  private G: number[] | null = null;

  constructor(
    private readonly lr: number,
    private readonly eps: number,
  ) {}

  /** `params[:] = params - lr * grads / (np.sqrt(G) + eps)`, in place like the seeds' step. */
  step(params: number[], grads: number[]): void {
    const G = (this.G ?? params.map(() => 0)).map((Gi, i) => Gi + grads[i] * grads[i]);
    this.G = G;
    const next = params.map((p, i) => p - (this.lr * grads[i]) / (Math.sqrt(G[i]) + this.eps));
    next.forEach((p, i) => (params[i] = p));
  }
}

export function w1SeedsWay({ steps, lr, eps }: W1Input): W1Summary[] {
  const f = ([w, b]: number[]) => w * w + 10 * (b * b);
  const grad = ([w, b]: number[]) => [2 * w, 20 * b];
  return Array.from(lr, (rate, r) => {
    const optimizer = new SeedsAdagrad(rate, eps[r]);
    const x = [1, 1];
    let loss = f(x);
    let best = loss;
    let bestStep = 0;
    for (let t = 1; t <= steps; t++) {
      optimizer.step(x, grad(x));
      loss = f(x);
      if (!Number.isFinite(loss)) break;
      if (loss < best) {
        best = loss;
        bestStep = t;
      }
    }
    return { finalLoss: loss, bestLoss: best, bestStep };
  });
}

export function w2SeedsWay({ steps, lr, eps, curvature }: W2Input): { loss: number; theta: number[] } {
  const kappa = Array.from(curvature);
  const f = (x: number[]) => 0.5 * x.reduce((sum, xi, i) => sum + kappa[i] * (xi * xi), 0);
  const grad = (x: number[]) => x.map((xi, i) => kappa[i] * xi);
  const optimizer = new SeedsAdagrad(lr, eps);
  const x = kappa.map(() => 1);
  for (let t = 1; t <= steps; t++) optimizer.step(x, grad(x));
  return { loss: f(x), theta: x };
}

/** Logistic loss of the whole data set, one sample at a time, in the engine's formulas. */
function fullLoss(x: number[], input: W3Input): number {
  const { samples, nonZerosPerSample: k, indices, labels } = input;
  let loss = 0;
  for (let s = 0; s < samples; s++) {
    const m = Array.from(indices.subarray(s * k, s * k + k)).reduce((sum, j) => sum + x[j], 0);
    const e = Math.exp(-Math.abs(m));
    loss += (m > 0 ? m : 0) + Math.log1p(e) - labels[s] * m;
  }
  return loss * (1 / samples);
}

/**
 * Per-sample AdaGrad the seeds' way: each sample's gradient as a dense array, the dense step over every feature. It
 * costs O(features) per sample, so the bench runs it on the first `steps` samples of the order and reports its rate.
 */
export function w3SeedsWay(input: W3Input, steps = input.order.length): W3Result {
  const { features, nonZerosPerSample: k, indices, labels, order } = input;
  const grad = (x: number[], s: number): number[] => {
    const row = Array.from(indices.subarray(s * k, s * k + k));
    const m = row.reduce((sum, j) => sum + x[j], 0);
    const e = Math.exp(-Math.abs(m));
    const r = (m >= 0 ? 1 : e) / (1 + e) - labels[s];
    const g = new Array<number>(features).fill(0);
    for (const j of row) g[j] = r;
    return g;
  };
  const optimizer = new SeedsAdagrad(input.lr, input.eps);
  const x = new Array<number>(features).fill(0);
  const firstLoss = fullLoss(x, input);
  for (let t = 0; t < steps; t++) optimizer.step(x, grad(x, order[t]));
  return { firstLoss, lastLoss: fullLoss(x, input), theta: x };
}
