/**
 * The engine's configuration types: what an optimizer and an objective are, as data. Plain objects only (they cross
 * threads, IPC and IndexedDB). Option names follow PyTorch's torch.optim, camel-cased.
 */

/**
 * The engine's version: raised by every change that alters any run's numbers (a summary or a trace value, bit for bit).
 * A sweep's tasks carry it and an agent on another machine runs only tasks of its own version (src-main/agents), so
 * the numbers never depend on which machine ran a run.
 */
export const engineVersion = 1;

/**
 * Where AdaGrad adds eps: lr·g/(√G+eps) (PyTorch, the seeds' code), lr·g/√(G+eps) (Keras, tfjs, the seeds' formula), or
 * lr·g/√(G+eps) with no update at all where G = 0 (Optax's scale_by_rss: `where(G > 0, rsqrt(G + eps), 0)`).
 */
export type EpsPlacement = 'outside' | 'inside' | 'inside-guarded';

/**
 * PyTorch's `maximize`: the gradient is negated before anything else (weight decay included), so the optimizer climbs
 * f. Absent means false (configs stored before the option).
 */
interface Maximize {
  maximize?: boolean;
}

export interface AdagradConfig extends Maximize {
  kind: 'adagrad';
  lr: number;
  eps: number;
  epsPlacement: EpsPlacement;
  /** L2 added to the gradient before it is accumulated (PyTorch), or, when decoupled, θ ← θ − lr·wd·θ apart from it. */
  weightDecay: number;
  decoupledWeightDecay: boolean;
  initialAccumulator: number;
  /** PyTorch's lr_decay: the step t uses lr/(1+(t−1)·lrDecay). */
  lrDecay: number;
}

export interface SgdConfig extends Maximize {
  kind: 'sgd';
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface RmspropConfig extends Maximize {
  kind: 'rmsprop';
  lr: number;
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
}

export interface AdamConfig extends Maximize {
  kind: 'adam';
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

export type OptimizerConfig = AdagradConfig | SgdConfig | RmspropConfig | AdamConfig;
export type OptimizerKind = OptimizerConfig['kind'];

export type ObjectiveConfig =
  /** f(x) = x² */
  | { id: 'quadratic-1d' }
  /** f(w, b) = w² + 10b² */
  | { id: 'elliptic-2d' }
  /** The seeds' PyTorch toy: X = [1,2,3,4], y = 2X, ŷ = w·x + b, mean squared error; θ = [w, b]. */
  | { id: 'linear-regression' }
  /**
   * The seeds' NumPy demo: a fixed 2×2 gradient, so f(W) = ⟨G₀, W⟩; weight decay is what bends it. After
   * np.random.seed(42), W is the `startDraw`-th np.random.randn(2, 2) call (default 1) and G₀ the `gradientDraw`-th
   * (default 2); the seeds' learning-rate comparison draws W_1, W_2, then its gradient third.
   */
  | { id: 'constant-gradient'; startDraw?: number; gradientDraw?: number }
  /**
   * Logistic regression on a seeded synthetic sparse data set with Zipf-distributed feature frequencies. `batchSize`
   * samples per step: 0 or absent, all of them (full-batch gradient descent); 1, per-sample (stochastic) updates; b, a
   * minibatch of b. Stochastic runs visit the samples in a fresh order each epoch, drawn from the run's seed.
   */
  | {
      id: 'sparse-logreg';
      samples: number;
      features: number;
      nonZerosPerSample: number;
      zipfExponent: number;
      seed: number;
      batchSize?: number;
    }
  | { id: 'rosenbrock'; dim: number }
  /** ½ Σ κ^(i/(d−1)) x_i²: condition number κ. */
  | { id: 'ill-conditioned'; dim: number; condition: number }
  | { id: 'rastrigin'; dim: number };

export type ObjectiveId = ObjectiveConfig['id'];
