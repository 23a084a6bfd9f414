import type { ObjectiveConfig, ObjectiveId } from '../contract/engine';

/** The config variant of one objective id. */
export type ConfigOf<I extends ObjectiveId> = Extract<ObjectiveConfig, { id: I }>;

/**
 * A function to minimise, built once per config (data sets and coefficient tables are made here, not per step).
 * `evaluate` is the hot path: one indexed pass over Float64Arrays, nothing allocated, every gradient entry written.
 */
export interface Objective<C extends ObjectiveConfig = ObjectiveConfig> {
  readonly config: C;
  readonly dim: number;
  /** A fresh start point each call: the caller owns it and may step it in place. */
  defaultStart(): Float64Array;
  /**
   * The infimum and where it is reached. `at` is null when there is no minimiser (constant-gradient: −∞) or it is not
   * known in closed form; `value` is null only when the infimum itself is unknown (sparse-logreg).
   */
  readonly minimum: { readonly value: number | null; readonly at: readonly number[] | null };
  /** Writes ∇f(θ) into gradOut (length dim) and returns f(θ). */
  evaluate(theta: Float64Array, gradOut: Float64Array): number;
  /** Present when many points can be evaluated side by side: runs of a batch are then stepped together (run/lanes.ts). */
  readonly evaluateLanes?: LaneEvaluator;
  /** Present when the objective is a diagonal quadratic, whose evaluateLanes is then diagonalQuadraticLanes(quadratic). */
  readonly quadratic?: DiagonalQuadratic;
  /** Present when the objective is a mean over samples, for stochastic (per-sample) steps. */
  readonly sparse?: SparseObjective;
}

/**
 * f and ∇f at `lanes` points at once, stored coordinate-major: coordinate d of point r at d·stride + r in θ and the
 * gradient, its value at loss[r]. It is the objective's one formula: `evaluate` is this with one lane.
 */
export type LaneEvaluator = (
  theta: Float64Array,
  grad: Float64Array,
  loss: Float64Array,
  lanes: number,
  stride: number,
) => void;

/**
 * f(θ) = scale · Σ_d (c_d·θ_d)·θ_d with ∂f/∂θ_d = a_d·θ_d, in exactly that order (diagonal-quadratic.ts): `gradient` is
 * a, `loss` is c (the same array when they are equal), one value per coordinate.
 */
export interface DiagonalQuadratic {
  readonly gradient: Float64Array;
  readonly loss: Float64Array;
  readonly scale: number;
}

/** f(θ) = (1/samples) Σₛ ℓₛ(θ), with each ∇ℓₛ sparse: AdaGrad's home ground. */
export interface SparseObjective {
  readonly samples: number;
  /** The most non-zeros any sampleGradient returns: size indicesOut and valuesOut by it. */
  readonly maxNonZeros: number;
  /**
   * Samples per step of a run, from the config: 0, the full batch (runs step on `evaluate`); b ≥ 1, stochastic steps on
   * the mean gradient of b samples (src-core/run/stochastic.ts).
   */
  readonly batchSize: number;
  /**
   * ∇ℓₛ(θ) as nnz (index, value) pairs written to the front of indicesOut and valuesOut, indices ascending and
   * distinct; every other gradient entry is zero. Returns nnz. The hot path of a stochastic run: it allocates nothing.
   */
  sampleGradient(theta: Float64Array, sample: number, indicesOut: Int32Array, valuesOut: Float64Array): number;
  /** ℓₛ(θ), the loss of one sample. */
  sampleLoss(theta: Float64Array, sample: number): number;
  /**
   * Present when ℓₛ is binary logistic regression on binary features, written as sparse-logreg.ts writes it: the data
   * set then goes to the WebAssembly per-sample kernel (wasm/adagrad.ts, stepLogisticSamples), which computes the
   * same sampleGradient fused into AdaGrad's lazy step.
   */
  readonly logistic?: LogisticData;
}

/** Row s of a binary logistic regression data set: its k features at indices[s·k … s·k + k − 1], its label labels[s]. */
export interface LogisticData {
  readonly nonZerosPerSample: number;
  readonly indices: Int32Array;
  readonly labels: Uint8Array;
}

/** One number field of a config, as the form shows and bounds it. The schema enforces the same limits. */
export interface ParameterInfo<K extends string = string> {
  readonly key: K;
  readonly label: string;
  readonly description: string;
  readonly default: number;
  readonly integer: boolean;
  /** Inclusive bounds unless `minExclusive`; max null when only finiteness limits it. */
  readonly min: number;
  readonly minExclusive?: boolean;
  readonly max: number | null;
}

/** What the UI shows about an objective before one is built. */
export interface ObjectiveInfo<C extends ObjectiveConfig = ObjectiveConfig> {
  readonly id: C['id'];
  /** Short, for a picker: 'f(x) = x²'. */
  readonly label: string;
  /** Plain text with unicode, the function and its gradient. */
  readonly formula: string;
  /** One line. */
  readonly description: string;
  readonly parameters: readonly ParameterInfo<Exclude<keyof C, 'id'> & string>[];
  readonly defaultConfig: C;
  /** The number of parameters θ has under `config`, read without building anything: `Objective.dim` of what it builds. */
  dimension(config: C): number;
}
