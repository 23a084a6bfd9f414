/**
 * G's parts under coupled weight decay: AdaGrad accumulates gₜ = ∇f(θₜ₋₁) + wd·θₜ₋₁ (PyTorch's weight_decay), so
 *
 *   Gₜ = G₀ + Σ gₖ² = G₀ + Σ ∇f² + 2·wd·Σ ∇f·θ + wd²·Σ θ²   (per parameter, k = 1…t)
 *
 * and the three sums, `gradSquares`, `crossTerm` and `decayTerm` (docs/architecture.md's glossary), tell where G's
 * growth came from. They are computed from a run recomputed with every step kept: θₜ₋₁ is the trace's row t − 1, and
 * ∇f(θₜ₋₁) is the objective evaluated there again, which for a full-batch objective is the very gradient the run
 * used (evaluate is a pure function of θ); `accumParts` checks that ∇f and wd·θ rebuild the trace's gradient bit for
 * bit before trusting it. Each sum is accumulated step by step in the optimizer's order, and the decay pieces
 * are formed from d = wd·θ as the optimizer forms it, so that with wd = 0 and G₀ = 0 the ∇f² part is G itself, bit for
 * bit; otherwise G₀ + the parts differs from G only by the rounding of the expansion (test/core/views/accum-parts.test.ts).
 */
import type { RunConfig, RunTrace } from '../contract/types';
import type { Objective } from '../objectives';

export interface AccumParts {
  /** Σ ∇f², rows × dim (row t − 1 holds the sum after step t), as a per-step table's columns. */
  gradSquares: Float64Array;
  /** 2·wd·Σ ∇f·θ (with maximize, ∇f is −∇f, as the optimizer negates it before the decay): can be negative. */
  crossTerm: Float64Array;
  /** wd²·Σ θ². */
  decayTerm: Float64Array;
}

/** Why a run has no parts: a sentence for the view, which says it instead of drawing zeros. Null when it has them. */
export function accumPartsMissing(
  config: RunConfig,
  objective: Pick<Objective, 'dim' | 'sparse'>,
  perParameterLimit: number,
): string | null {
  const c = config.optimizer;
  if (c.kind !== 'adagrad')
    return `${c.kind === 'sgd' ? 'SGD keeps no accumulator' : `${c.kind === 'rmsprop' ? 'RMSProp' : 'Adam'}'s second moment is a moving average, not a sum`}: G has no weight-decay parts`;
  if (c.decoupledWeightDecay && c.weightDecay !== 0)
    return 'with decoupled weight decay, wd·θ never enters G: G is G₀ + Σ∇f² alone';
  if (objective.sparse && objective.sparse.batchSize > 0)
    return "a stochastic run's batch gradients are not recomputed here, so its G is not split";
  if (objective.dim > perParameterLimit)
    return `G is split per parameter only up to ${perParameterLimit} parameters (this model has ${objective.dim})`;
  return null;
}

/**
 * The parts for steps 1…n of a trace that kept every step of every parameter (row k is step k, layout 'parameters').
 * Throws if the recomputed gradient does not rebuild the trace's: then the parts would not be the run's.
 */
export function accumParts(trace: RunTrace, config: RunConfig, objective: Objective): AccumParts {
  const c = config.optimizer;
  if (c.kind !== 'adagrad') throw new RangeError(`accumParts: AdaGrad only (this run is ${c.kind})`);
  const dim = trace.dim;
  if (trace.layout !== 'parameters' || trace.width !== dim)
    throw new RangeError('accumParts: the trace must keep every parameter');
  const n = Math.max(0, trace.steps.length - 1);
  const wd = c.weightDecay;
  const sign = c.maximize ? -1 : 1;
  const parts: AccumParts = {
    gradSquares: new Float64Array(n * dim),
    crossTerm: new Float64Array(n * dim),
    decayTerm: new Float64Array(n * dim),
  };
  const sums = { grad: new Float64Array(dim), cross: new Float64Array(dim), decay: new Float64Array(dim) };
  const theta = new Float64Array(dim);
  const grad = new Float64Array(dim);
  for (let t = 1; t <= n; t++) {
    if (trace.steps[t] !== t) throw new RangeError(`accumParts: row ${t} is step ${trace.steps[t]}, not ${t}`);
    theta.set(trace.theta.subarray((t - 1) * dim, t * dim));
    objective.evaluate(theta, grad);
    const at = (t - 1) * dim;
    for (let i = 0; i < dim; i++) {
      const a = sign * grad[i];
      sums.grad[i] = sums.grad[i] + a * a;
      // PyTorch skips a zero weight decay: the decay parts stay exactly 0 (0·θ would be NaN at θ = ±∞).
      const d = wd !== 0 ? wd * theta[i] : 0;
      const entered = wd !== 0 ? a + d : a;
      const used = trace.grad[t * dim + i];
      if (!Object.is(entered, used) && !(Number.isNaN(entered) && Number.isNaN(used)))
        throw new RangeError(
          `accumParts: step ${t}, parameter ${i}: ∇f + wd·θ = ${entered}, but the run entered ${used}`,
        );
      if (wd !== 0) {
        sums.cross[i] = sums.cross[i] + 2 * a * d;
        sums.decay[i] = sums.decay[i] + d * d;
      }
      parts.gradSquares[at + i] = sums.grad[i];
      parts.crossTerm[at + i] = sums.cross[i];
      parts.decayTerm[at + i] = sums.decay[i];
    }
  }
  return parts;
}

/** The three parts' keys, in the order the views list them. */
export const accumPartKeys = ['gradSquares', 'crossTerm', 'decayTerm'] as const;
export type AccumPartKey = (typeof accumPartKeys)[number];

/** A table's parts and G, as the views read them: rows × width, width values a row. */
export type AccumPartsTable = AccumParts & { accum: Float64Array; width: number };

/** One part over the steps, of one parameter or (parameter null) summed over all of them, in parameter order. */
export function partSeries(
  table: AccumPartsTable,
  key: AccumPartKey | 'accum',
  parameter: number | null,
): Float64Array {
  const { width } = table;
  const values = table[key];
  const rows = values.length / width;
  return Float64Array.from({ length: rows }, (_, row) => {
    if (parameter !== null) return values[row * width + parameter];
    let sum = 0;
    for (let i = 0; i < width; i++) sum += values[row * width + i];
    return sum;
  });
}

/**
 * Each part's share of what G gained (G − G₀ = the three parts' sum), in tenths of a percent that add up to exactly
 * 1000 (largest remainders get the rounding), so a readout of three percentages always reads 100%. A cross term
 * that works against the others has a negative share. Null when there is nothing to share: no gain yet, a non-finite
 * part, or parts that cancel to nothing within their rounding.
 */
export function shareTenths(parts: Readonly<Record<AccumPartKey, number>>): Record<AccumPartKey, number> | null {
  const values = accumPartKeys.map((key) => parts[key]);
  const total = values[0] + values[1] + values[2];
  const size = Math.abs(values[0]) + Math.abs(values[1]) + Math.abs(values[2]);
  // Parts that cancel to within rounding of their size leave no share to speak of (and percentages past 10¹⁰).
  if (!Number.isFinite(size) || !(Math.abs(total) > 1e-9 * size)) return null;
  const exact = values.map((v) => (1000 * v) / total);
  const tenths = exact.map(Math.floor);
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b] - tenths[b] - (exact[a] - tenths[a]));
  // The floors fall short of 1000 by 0, 1 or 2 tenths (each floor loses less than one), give or take the rounding of
  // shares far above 100% (a cross term against the others).
  const short = 1000 - tenths[0] - tenths[1] - tenths[2];
  for (let k = 0; k < Math.abs(short); k++) tenths[byRemainder[k % 3]] += Math.sign(short);
  return { gradSquares: tenths[0], crossTerm: tenths[1], decayTerm: tenths[2] };
}
