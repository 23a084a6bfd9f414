/**
 * Stochastic runs of an objective that is a mean over samples (sparse-logreg with batchSize ≥ 1).
 *
 * A step is one update, on the mean gradient of one batch of samples (one sample when batchSize is 1), taken in the
 * order of SampleOrder(seed of the run); an epoch is ⌈samples / batchSize⌉ steps. The full-data loss costs a pass over
 * the whole data set, so it is computed only at the rows the trace keeps (its schedule, which always holds step 0 and
 * the last step) and at the step a run diverges: the summary's best loss and steps to tolerance are taken over those
 * rows (a loss above the divergence threshold, too, is seen only there), and the trace keeps no loss-spike row between
 * them. A row's gradient column is the batch gradient its step entered into G (docs/architecture.md's glossary).
 *
 * AdaGrad takes its lazy sparse step when that is exact (lazyUpdateIsExact): O(non-zeros) per step. Everything else,
 * AdaGrad with weight decay included, takes the dense step on a gradient that is zero off the batch's features, as
 * PyTorch's dense optimizers would: O(features) per step.
 */
import type { AdagradConfig } from '../contract/engine';
import type { RunConfig, RunResult } from '../contract/types';
import type { Objective, SparseObjective } from '../objectives';
import { SampleOrder } from '../objectives/sample-order';
import { createOptimizer, type Optimizer, type OptimizerState } from '../optim';
import { adagradSparseKernel, lazyUpdateIsExact } from '../optim/sparse-adagrad';
import { wasmLogisticKernel, type LogisticRun, type WasmLogisticKernel } from '../optim/wasm/sparse-kernel';
import { SummaryTracker } from './summary';
import { TraceRecorder, keptRow, noTrace, traceSchedule } from './trace';

/** The mean gradient of a batch as (index, value) pairs: its features in order of first appearance, each once. */
class BatchGradient {
  readonly indices: Int32Array;
  readonly values: Float64Array;
  nnz = 0;
  private readonly batch: Int32Array;
  private readonly sampleIndices: Int32Array;
  private readonly sampleValues: Float64Array;
  /** Per feature, the sum over the batch so far, and the step that last touched it (an O(1) "seen" test). */
  private readonly sums: Float64Array;
  private readonly seenAt: Int32Array;
  private stamp = 0;

  constructor(
    private readonly sparse: SparseObjective,
    dim: number,
  ) {
    const b = sparse.batchSize;
    const capacity = Math.min(dim, b * sparse.maxNonZeros);
    this.indices = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.batch = new Int32Array(b);
    this.sampleIndices = b === 1 ? this.indices : new Int32Array(sparse.maxNonZeros);
    this.sampleValues = b === 1 ? this.values : new Float64Array(sparse.maxNonZeros);
    this.sums = new Float64Array(b === 1 ? 0 : dim);
    this.seenAt = new Int32Array(b === 1 ? 0 : dim);
  }

  /** The gradient of one sample, for a batch of one (the WebAssembly kernel's steps, which compute it themselves). */
  ofSample(theta: Float64Array, sample: number): void {
    this.nnz = this.sparse.sampleGradient(theta, sample, this.indices, this.values);
  }

  /** The next batch of `order` at θ. */
  compute(theta: Float64Array, order: SampleOrder): void {
    const count = order.nextBatch(this.batch, this.sparse.batchSize);
    if (this.sums.length === 0) {
      // One sample: its gradient is the batch's, written in place (its indices are already distinct); g/1 = g.
      this.nnz = this.sparse.sampleGradient(theta, this.batch[0], this.indices, this.values);
      return;
    }
    const stamp = ++this.stamp;
    let nnz = 0;
    for (let s = 0; s < count; s++) {
      const n = this.sparse.sampleGradient(theta, this.batch[s], this.sampleIndices, this.sampleValues);
      for (let j = 0; j < n; j++) {
        const f = this.sampleIndices[j];
        if (this.seenAt[f] !== stamp) {
          this.seenAt[f] = stamp;
          this.sums[f] = 0;
          this.indices[nnz++] = f;
        }
        this.sums[f] += this.sampleValues[j];
      }
    }
    for (let j = 0; j < nnz; j++) this.values[j] = this.sums[this.indices[j]] / count;
    this.nnz = nnz;
  }
}

/** One step of the run's optimizer on a batch gradient; returns false when θ or the accumulator went non-finite. */
type SparseStep = (theta: Float64Array, gradient: BatchGradient, state: OptimizerState) => boolean;

function lazyStep(optimizer: Optimizer, state: OptimizerState): SparseStep {
  const h = optimizer.config as Extract<Optimizer['config'], { kind: 'adagrad' }>;
  const accum = optimizer.accum(state)!; // the state's own array, updated in place every step
  return (theta, gradient) => {
    state.t += 1;
    return adagradSparseKernel(theta, accum, gradient.indices, gradient.values, gradient.nnz, state.t, h);
  };
}

function denseStep(optimizer: Optimizer, dim: number): SparseStep {
  const dense = new Float64Array(dim); // zero except during a step
  const finite = (xs: Float64Array | null): boolean => {
    if (xs) for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
    return true;
  };
  return (theta, { indices, values, nnz }, state) => {
    for (let j = 0; j < nnz; j++) dense[indices[j]] = values[j];
    optimizer.step(theta, dense, state);
    for (let j = 0; j < nnz; j++) dense[indices[j]] = 0;
    return finite(theta) && finite(optimizer.accum(state));
  };
}

/**
 * Whether a stochastic run of `config` takes AdaGrad's lazy sparse steps (per sample, in WebAssembly where there is
 * WebAssembly) rather than dense ones. After a non-finite value the lazy step is no longer the dense one (a NaN in G
 * makes the dense step's untouched coordinates NaN too), so a run that goes on past one takes dense steps throughout.
 */
export const takesLazySteps = (config: RunConfig): boolean =>
  config.continueAfterNonFinite !== true && lazyUpdateIsExact(config.optimizer);

export interface StochasticOptions {
  /** Dense steps even where the lazy one is exact: the reference the lazy paths are proven equal to. */
  readonly forceDense?: boolean;
  /**
   * The kernel for per-sample logistic regression: by default this thread's, where it has one; null takes the
   * JavaScript steps, which give the same bits.
   */
  readonly wasm?: WasmLogisticKernel | null;
  /**
   * False: the summary alone (the same bits), the trace `noTrace`, as executeRun's `traces`. The full-data loss is
   * still evaluated where the trace's schedule keeps a row (the summary is taken over those losses), but nothing of
   * the row is recorded: no min, median and max of θ, ∇, G and the update over every feature.
   */
  readonly traces?: boolean;
}

/**
 * Runs `config` from θ (stepped in place, unless the WebAssembly kernel steps a copy in its memory) with stochastic
 * steps; the objective must have `sparse` with batchSize ≥ 1. Same contract as executeRun (test/core/run/stochastic.test.ts
 * proves every path equal to the dense one).
 */
export function executeStochasticRun(
  config: RunConfig,
  objective: Objective,
  start: Float64Array,
  { forceDense = false, wasm = wasmLogisticKernel(), traces = true }: StochasticOptions = {},
): RunResult {
  const sparse = objective.sparse!;
  const dim = objective.dim;
  const optimizer = createOptimizer(config.optimizer);
  const continuing = config.continueAfterNonFinite === true;
  const lazy = !forceDense && takesLazySteps(config);
  const gradient = new BatchGradient(sparse, dim);
  // Lazy steps are AdaGrad's. The kernel draws the order of the samples itself, the same as SampleOrder's.
  const run =
    lazy && sparse.batchSize === 1 && sparse.logistic && wasm
      ? wasm.place(dim, sparse.logistic, optimizer.config as AdagradConfig, config.seed)
      : null;
  // The optimizer's state, for the JavaScript steps only: the kernel's state is θ and G in its memory.
  const state = run ? null : optimizer.init(dim);
  // The arrays the run steps: the kernel's, or θ and the optimizer's own state.
  const theta = run ? run.theta : start;
  const accum = run ? run.accum : optimizer.accum(state!);
  const previous = run ? run.previous : new Float64Array(dim);
  if (run) theta.set(start);
  previous.set(theta);
  const recorder = new TraceRecorder(dim, config.steps, config.traceMaxPoints, undefined, accum !== null);
  const summary = new SummaryTracker(config.tolerance, continuing, config.divergenceThreshold);
  // A row keeps the gradient its step used, not the full-data one: the kernel computes none.
  const evaluate = run ? run.evaluate : fullDataLoss(objective, theta);
  // A row's update and gradient columns: not made for a run that records no row.
  const columns = traces ? dim : 0;
  const update = new Float64Array(columns);
  const noStep = new Float64Array(columns).fill(NaN);
  const lazyUsed = new Float64Array(columns);

  /**
   * Keeps step k's row (scheduled, or the step that diverged): full-data loss, summary, update column; returns false
   * when the run must stop there. `touched`: the only coordinates a lazy step k moved (θ before it is kept for those
   * alone); null when `previous` holds all of θ before the step. `batch`: the gradient a lazy step k used, or null for
   * row 0 and dense steps (the optimizer keeps what its step entered into G). `finite`: the steps since row 0 reported
   * every θ and G they moved finite, so the summary need not look at all of them again (O(dim) a row).
   */
  const keep = (
    k: number,
    touched: BatchGradient | null,
    batch: BatchGradient | null = null,
    finite = false,
  ): boolean => {
    const loss = evaluate();
    const divergedBefore = summary.divergedStep !== null;
    const going = finite ? summary.observe(k, loss, checked, null) : summary.observe(k, loss, theta, accum);
    if (!traces) return going;
    const row = keptRow(recorder, k, loss, going, divergedBefore, summary.divergedStep === k);
    if (touched === null) {
      subtract(update, theta, previous);
    } else {
      // The others are finite and did not move: θ − θ = 0.
      update.fill(0);
      for (let j = 0; j < touched.nnz; j++)
        update[touched.indices[j]] = theta[touched.indices[j]] - previous[touched.indices[j]];
    }
    // No batch after step 0: a dense step, in JavaScript, whose optimizer keeps the gradient it used.
    const used = k === 0 ? noStep : batch === null ? optimizer.gradient(state!) : lazyUsed;
    if (k > 0 && batch !== null) {
      lazyUsed.fill(0);
      for (let j = 0; j < batch.nnz; j++) lazyUsed[batch.indices[j]] = batch.values[j];
    }
    if (row === 'final') recorder.recordFinal(k, loss, theta, used, accum, update);
    else if (row === 'row') recorder.record(k, loss, theta, used, accum, update);
    return going;
  };

  if (run) stepInWasm(run, config, gradient, keep);
  else
    stepInJs(
      config,
      optimizer,
      state!,
      lazy,
      new SampleOrder(sparse.samples, config.seed),
      gradient,
      theta,
      previous,
      recorder,
      keep,
      () => summary.divergedStep !== null,
    );
  return { config, summary: summary.finish(), trace: traces ? recorder.finish() : noTrace };
}

/** What the summary is given for θ and G known finite (a keep's `finite`): nothing left to look at. */
const checked = new Float64Array(0);

/**
 * out = a − b, element by element. A function of the module, not a loop inside a run's closures: those are made afresh
 * for every run and ran their three rows' loops unoptimized, 50,000 weights taking ~0.3 ms a row (W3).
 */
function subtract(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
}

/** The objective's full-data loss at θ as it is when called (the gradient goes to an array nothing reads). */
function fullDataLoss(objective: Objective, theta: Float64Array): () => number {
  const gradient = new Float64Array(objective.dim);
  return () => objective.evaluate(theta, gradient);
}

type KeepRow = (k: number, touched: BatchGradient | null, batch?: BatchGradient | null, finite?: boolean) => boolean;

/** Every step in turn, one batch gradient and one optimizer step each; rows kept as `keep` says. */
function stepInJs(
  config: RunConfig,
  optimizer: Optimizer,
  state: OptimizerState,
  lazy: boolean,
  order: SampleOrder,
  gradient: BatchGradient,
  theta: Float64Array,
  previous: Float64Array,
  recorder: TraceRecorder,
  keep: KeepRow,
  hasDiverged: () => boolean,
): void {
  const step = lazy ? lazyStep(optimizer, state) : denseStep(optimizer, theta.length);
  for (let k = 0; ; k++) {
    let finite = true;
    const kept = recorder.isScheduled(k);
    if (k > 0) {
      // θ before the step, for the update column: all of it when this row is kept (or the step is dense), else only
      // the coordinates this step touches, in case it diverges.
      if (kept || !lazy) previous.set(theta);
      gradient.compute(theta, order);
      if (!kept && lazy)
        for (let j = 0; j < gradient.nnz; j++) previous[gradient.indices[j]] = theta[gradient.indices[j]];
      finite = step(theta, gradient, state);
    }
    // A continuing run keeps the step it first diverged at (keptRow), then its scheduled rows.
    // A dense step checks all of θ and G (`finite`); a lazy one the coordinates it moved, the others being as they
    // were when last seen finite (the run stops at its first non-finite value).
    if (
      (kept || (!finite && !hasDiverged())) &&
      !keep(k, kept || !lazy ? null : gradient, lazy && k > 0 ? gradient : null, k > 0 && finite)
    )
      return;
    if (k === config.steps) return;
  }
}

/**
 * The steps between kept rows in the WebAssembly kernel, as many a call as the epoch allows (the kernel hands out each
 * epoch's samples in order, as SampleOrder does); each kept step alone, its sample's gradient and θ before on its
 * features taken first (the only coordinates it moves: its row's update is zero elsewhere).
 */
function stepInWasm(run: LogisticRun, config: RunConfig, gradient: BatchGradient, keep: KeepRow): void {
  const schedule = traceSchedule(config.steps, config.traceMaxPoints);
  if (!keep(0, null)) return;
  let k = 0;
  for (let next = 1; next < schedule.length; next++) {
    const target = schedule[next];
    while (k + 1 < target) {
      const count = run.nextSamples(target - 1 - k);
      const done = run.steps(count, k + 1);
      if (done < 0) {
        // Diverged off the schedule: its row, with the sample's features as the coordinates it moved, and its gradient
        // at θ before the step (the kernel wrote it to `previous` on those features).
        k += -done;
        gradient.ofSample(run.previous, run.sample(-done - 1));
        keep(k, gradient, gradient);
        return;
      }
      k += count;
    }
    run.nextSamples(1);
    gradient.ofSample(run.theta, run.sample(0));
    for (let j = 0; j < gradient.nnz; j++) run.previous[gradient.indices[j]] = run.theta[gradient.indices[j]];
    const finite = run.steps(1, target) === 1;
    k = target;
    if (!keep(k, gradient, gradient, finite)) return;
  }
}
