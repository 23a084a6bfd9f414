/**
 * Runs stepped side by side: a group of AdaGrad runs of one objective (same config, steps and trace size, same eps
 * placement and weight-decay mode) becomes one set of lanes, and each step is one pass over all of them: the AdaGrad
 * step (optim/adagrad-lanes.ts, WebAssembly SIMD where available), the objective's evaluateLanes, and the summaries;
 * for a diagonal quadratic (objectives/diagonal-quadratic.ts) with the WebAssembly kernel, all three in one fused pass,
 * the gradient then evaluated only for the steps whose rows are kept; in JavaScript, the steps between two kept rows
 * in one block, lane after lane (stepQuadraticBlock), stopping only a lane that has an event.
 * Every lane gets exactly its run's numbers from the step-by-step loop: the same operations in the same order, the
 * same summary (SummaryTracker's rules, written out per lane) and the same trace rows (a TraceRecorder per lane, fed
 * what the loop would feed it). test/core/run/lanes.test.ts proves it, with and without WebAssembly.
 *
 * A row's gradient is the one its step used (what entered G): ∇f(θₜ₋₁), copied before a kept step overwrites it (a
 * fused step writes it as it goes), or evaluated again at θₜ₋₁ (`previous`) for a row not known in advance (a spike, a
 * divergence); negated for a lane that maximizes (whose step folds the negation into its rate's sign: G
 * takes g² either way, but what entered G is −∇f), then plus wd·θₜ₋₁ when the decay is coupled.
 *
 * A lane that diverges is finished at that step and then parked: zeroed so that it stays finite and still, which lets
 * each step tell from one sum whether any other lane went non-finite, and given a best of −∞, no tolerance and a
 * highest loss of +∞, so that no summary pass touches what it recorded.
 */
import type { AdagradConfig } from '../contract/engine';
import type { CompactRunResult, RunConfig, RunResult, RunSummary } from '../contract/types';
import type { Objective } from '../objectives';
import {
  createAdagradLanes,
  type AdagradLanes,
  entersOtherThanGradient,
  laneArrayLengths,
  laneLayout,
  parkLane,
  stepAdagradLanes,
  stepQuadraticAdagradLanes,
  stepQuadraticBlock,
  toEnteringGradient,
  updateRates,
  weightDecayMode,
  type BlockStop,
  type BlockSummaries,
  type FusedQuadratic,
  type LaneArrays,
} from '../optim/adagrad-lanes';
import { quadraticLengths, wasmLaneKernel, type KernelQuadratic, type WasmLaneKernel } from '../optim/wasm/lane-kernel';
import type { LaneEvaluator } from '../objectives/types';
import { blowUpLimit, divergedIn, summaryOf } from './summary';
import { noTrace, TraceRecorder, traceSchedule, type LaneRecorders, type TraceKind } from './trace';

/**
 * The key of the lane group `config` belongs to, or null when it must run alone (executeRun). `objectiveKey`: the
 * objective config's JSON, when the caller has it already.
 */
export function laneGroupKey(
  config: RunConfig,
  objective: Objective,
  objectiveKey = JSON.stringify(config.objective),
): string | null {
  // A lane that diverges is parked (its run ends there): a run that goes on after a non-finite value steps alone.
  if (!objective.evaluateLanes || config.optimizer.kind !== 'adagrad' || config.continueAfterNonFinite) return null;
  const o = config.optimizer;
  return `${objectiveKey} ${o.epsPlacement} ${weightDecayMode(o)} ${config.steps} ${config.traceMaxPoints}`;
}

/**
 * Per lane, what SummaryTracker tracks between steps (BlockSummaries: the loss, best, tolerance, the highest loss the
 * trace recorded, the blow-up limit — blowUpLimit; +∞ until step 0's loss sets it, and for finished and padding lanes)
 * and what the last step asks for the lane (KEEP_GOING, DIVERGED, SPIKE). Eight rows of one array, in the order the
 * WebAssembly kernel reads them from one address (wasm/adagrad.ts).
 */
interface LaneSummaries extends BlockSummaries {
  readonly rows: Float64Array;
  readonly event: Float64Array;
}

const summaryRows = 8;

function laneSummaries(configs: readonly RunConfig[], stride: number, rows: Float64Array): LaneSummaries {
  const s: LaneSummaries = {
    rows,
    loss: summaryRow(rows, stride, 0),
    best: summaryRow(rows, stride, 1),
    bestStep: summaryRow(rows, stride, 2),
    reached: summaryRow(rows, stride, 3),
    tolerance: summaryRow(rows, stride, 4),
    maxLoss: summaryRow(rows, stride, 5),
    event: summaryRow(rows, stride, 6),
    limit: summaryRow(rows, stride, 7),
  };
  s.best.fill(-Infinity);
  s.reached.fill(-1);
  s.tolerance.fill(NaN);
  s.maxLoss.fill(Infinity);
  s.limit.fill(Infinity);
  for (let r = 0; r < configs.length; r++) {
    s.tolerance[r] = configs[r].tolerance ?? NaN;
    s.maxLoss[r] = -Infinity;
  }
  return s;
}

const summaryRow = (rows: Float64Array, stride: number, k: number): Float64Array =>
  rows.subarray(k * stride, (k + 1) * stride);

/** Whether lane r's θ and accum are all finite. */
function laneIsFinite({ theta, accum, stride }: AdagradLanes, r: number): boolean {
  let check = 0; // x − x is 0 for finite x, NaN for ±∞ and NaN
  for (let i = r; i < theta.length; i += stride) check += theta[i] - theta[i] + (accum[i] - accum[i]);
  return check === 0;
}

// The events of a lane, as wasm/adagrad.ts writes them too.
const KEEP_GOING = 0;
const DIVERGED = 1;
const SPIKE = 2;

/**
 * SummaryTracker.observe for the first `count` lanes, skipping finished ones; sets the event of each and returns how
 * many have one. `checked`: the lanes whose θ and G are looked at (laneIsFinite), null when the step found every θ and
 * G finite, so that only the losses need a look. A function of its own, on typed arrays only: this loop runs once per
 * lane per step.
 */
function observeLanes(
  step: number,
  count: number,
  s: LaneSummaries,
  finished: Uint8Array,
  checked: AdagradLanes | null,
): number {
  const { loss, best, bestStep, reached, tolerance, maxLoss, event, limit } = s;
  let events = 0;
  for (let r = 0; r < count; r++) {
    event[r] = KEEP_GOING;
    if (finished[r]) continue;
    const f = loss[r];
    if (step === 0) {
      best[r] = f;
      bestStep[r] = 0;
    }
    if (f - f !== 0 || (checked !== null && !laneIsFinite(checked, r)) || f > limit[r]) {
      event[r] = DIVERGED;
      events++;
      continue;
    }
    if (f < best[r]) {
      best[r] = f;
      bestStep[r] = step;
    }
    if (reached[r] < 0 && f <= tolerance[r]) reached[r] = step;
    if (f > maxLoss[r]) {
      event[r] = SPIKE;
      events++;
    }
  }
  return events;
}

/**
 * The arrays of a lane group's rows that are as long as all its coordinates, the gradient each lane's last step used
 * (`length`) and one lane's update (`dim`): kept between the groups of this thread, which run one at a time and hand
 * the recorders rows that they copy, so that a run of a million parameters does not make (and the system zero) 16 MB of
 * fresh arrays each time. Their contents are whatever the last group left.
 */
let rowScratch = new Float64Array(0);
function rowBuffers(length: number, dim: number): [Float64Array, Float64Array] {
  if (rowScratch.length < length + dim) rowScratch = new Float64Array(length + dim);
  return [rowScratch.subarray(0, length), rowScratch.subarray(length, length + dim)];
}

/**
 * Runs a lane group (configs with one laneGroupKey, every optimizer config valid, `starts` of the objective's
 * dimension) and returns their results in order. `wasm`: the WebAssembly SIMD kernel where this thread has one, else
 * (or when null is passed) the JavaScript loops; both give the same bits. `traces` false records no trace (each result
 * gets `noTrace`): no step is scheduled and no lane looks for spikes (its highest loss is +∞ from the start), so only a
 * divergence stops the loop between steps; the summaries are the same bits (test/core/run/no-trace.test.ts).
 * 'compact': the traces as compactTrace makes them (TraceRecorder.finishLanes), to be copied out at once.
 */
export function executeLanes(
  configs: readonly RunConfig[],
  objective: Objective,
  starts: readonly Float64Array[],
  wasm?: WasmLaneKernel | null,
  traces?: boolean,
): RunResult[];
export function executeLanes(
  configs: readonly RunConfig[],
  objective: Objective,
  starts: readonly Float64Array[],
  wasm: WasmLaneKernel | null | undefined,
  traces: TraceKind,
): CompactRunResult[];
export function executeLanes(
  configs: readonly RunConfig[],
  objective: Objective,
  starts: readonly Float64Array[],
  wasm: WasmLaneKernel | null = wasmLaneKernel(),
  traces: TraceKind = true,
): CompactRunResult[] {
  return new LaneGroupRun(configs, objective, starts, wasm, traces).run();
}

/** How a lane group's steps are taken (LaneGroupRun.advance). */
const enum Stepper {
  /** The WebAssembly kernel, fused with a diagonal quadratic and the summaries, lanes two by two. */
  KernelQuadratic,
  /** The same for a group of one lane, with the JavaScript summary pass. */
  KernelQuadraticOneLane,
  /** The same fusion in JavaScript (stepQuadraticAdagradLanes), where there is no kernel. */
  JavaScriptQuadratic,
  /** The AdaGrad step, then the objective's evaluateLanes, then the summaries. */
  Composed,
}

/**
 * One call of executeLanes: the lane group's state, and its steps as methods. Methods, not closures made per call: V8
 * compiles a closure made afresh by every call more than once per thread (its first instance's code is specialized to
 * that call's context; code dependencies on a call's objects drop the code of later ones), where a method is compiled
 * once per thread.
 */
class LaneGroupRun {
  private readonly evaluateLanes: LaneEvaluator;
  private readonly dim: number;
  private readonly count: number;
  private readonly steps: number;
  private readonly stride: number;
  private readonly kernel: WasmLaneKernel | null;
  private readonly lanes: AdagradLanes;
  private readonly summaries: LaneSummaries;
  private readonly finished: Uint8Array;
  /** Per lane, its summary once it diverged. */
  private readonly diverged: (RunSummary | null)[];
  private readonly lanesTraces: LaneRecorders | null;
  private readonly recorders: readonly TraceRecorder[];
  /** The steps whose rows are kept; without traces none (schedule[0] is undefined, never a step). */
  private readonly schedule: Uint32Array;
  /** Whether any lane has a tolerance: without one, the summary passes need not look for steps that reach it. */
  private readonly tolerances: boolean;
  private readonly stepper: Stepper;
  private readonly kernelQuadratic: KernelQuadratic | null = null;
  private readonly jsQuadratic: FusedQuadratic | null;
  /** The kernel's summary pass, which takes lanes two by two, for the composed steps (null: the JavaScript one). */
  private readonly wasmObserve: WasmLaneKernel | null;
  /** Whether `advance` leaves the gradient unevaluated at steps whose rows are not scheduled. */
  private readonly fused: boolean;
  /** Whether `advance` raises each lane's highest recorded loss to its loss itself, at a step whose row is kept. */
  private readonly keepsMaxLoss: boolean;
  /** The gradient each lane's last step used (NaN before the first), for the rows kept. */
  private readonly used: Float64Array;
  /** Whether what a step enters into G is other than ∇f for some lane: −∇f where it maximizes, + wd·θ when coupled. */
  private readonly transformed: boolean;
  /** Whether `used` is this step's. */
  private usedFresh = true;
  private readonly previousLoss: Float64Array;
  /** One lane's row as the step-by-step loop hands it to its recorder; a single lane's arrays are its row already. */
  private readonly row: { theta: Float64Array; grad: Float64Array; accum: Float64Array; update: Float64Array };

  constructor(
    private readonly configs: readonly RunConfig[],
    objective: Objective,
    starts: readonly Float64Array[],
    wasm: WasmLaneKernel | null,
    private readonly traces: TraceKind,
  ) {
    this.evaluateLanes = objective.evaluateLanes!;
    const dim = (this.dim = objective.dim);
    const count = (this.count = configs.length);
    const { steps, traceMaxPoints } = configs[0];
    this.steps = steps;
    // Arrays made by Array.from, not map, here and below: map's are packed while this runs interpreted and holey once
    // V8 optimizes it, and every reader V8 optimized for the one deoptimizes on the other (a recompile).
    const optimizers = Array.from(configs, optimizerOf);
    const layout = laneLayout(optimizers, wasm);
    const { kernel, stride } = layout;
    this.kernel = kernel;
    this.stride = stride;
    const quadratic = objective.quadratic ?? null;
    const lengths = [
      ...laneArrayLengths(dim, stride),
      summaryRows * stride,
      ...(kernel && quadratic ? quadraticLengths(quadratic) : []),
    ];
    // Without a trace θ before is never read: θ's second buffer is θ's own, so that each step updates θ in place (as a
    // C loop does: one stream of memory fewer per step than writing a second buffer), and turnOver changes nothing.
    if (!traces) lengths[1] = 0;
    const arrays = kernel ? kernel.allocate(lengths) : Array.from(lengths, float64Array);
    if (!traces) arrays[1] = arrays[0];
    const lanes = (this.lanes = createAdagradLanes(optimizers, dim, layout, arrays.slice(0, 7) as LaneArrays));
    const summaries = (this.summaries = laneSummaries(configs, stride, arrays[7]));
    if (!traces) summaries.maxLoss.fill(Infinity);
    // θ and θ before are read from `lanes` whenever needed: each step turns the two buffers over (turnOver).
    for (let r = 0; r < count; r++) {
      const { theta, previous } = lanes;
      const start = starts[r];
      if (stride === 1) {
        // One lane's θ is its start, copied whole (a memcpy) rather than a coordinate at a time.
        theta.set(start);
        previous.set(start);
      } else for (let d = 0, i = r; d < dim; d++, i += stride) theta[i] = previous[i] = start[d];
    }
    this.finished = new Uint8Array(count);
    this.diverged = new Array<RunSummary | null>(count).fill(null);
    this.lanesTraces = traces
      ? TraceRecorder.forLanes(count, stride, dim, steps, traceMaxPoints, kernel !== null, traces === 'compact')
      : null;
    this.recorders = this.lanesTraces ? this.lanesTraces.recorders : [];
    this.schedule = traces ? traceSchedule(steps, traceMaxPoints) : new Uint32Array(0);
    this.tolerances = hasTolerance(configs);

    this.jsQuadratic =
      !kernel && quadratic
        ? { a: quadratic.gradient, c: quadratic.loss, scale: quadratic.scale, loss: summaries.loss, keepGradient: true }
        : null;
    if (kernel && quadratic) {
      this.kernelQuadratic = kernel.placeQuadratic(quadratic, arrays.slice(8));
      this.stepper = stride > 1 ? Stepper.KernelQuadratic : Stepper.KernelQuadraticOneLane;
    } else this.stepper = this.jsQuadratic ? Stepper.JavaScriptQuadratic : Stepper.Composed;
    this.fused = quadratic !== null;
    this.keepsMaxLoss = this.stepper === Stepper.KernelQuadratic;
    this.wasmObserve = kernel !== null && stride % 2 === 0 ? kernel : null;

    const [used, update] = rowBuffers(dim * stride, dim);
    this.used = used;
    if (traces) used.fill(NaN);
    this.transformed = entersOtherThanGradient(lanes);
    this.previousLoss = new Float64Array(stride);
    this.row =
      stride === 1
        ? { theta: lanes.theta, grad: used, accum: lanes.accum, update }
        : { theta: new Float64Array(dim), grad: new Float64Array(dim), accum: new Float64Array(dim), update };
  }

  /** Steps every lane to its end and returns their results in order. */
  run(): CompactRunResult[] {
    const { count, steps, schedule, summaries, finished, lanes } = this;
    const { loss, event } = summaries;
    /** Whether rows hold every coordinate ('parameters'), so that a scheduled one can be taken for all lanes at once. */
    const wholeRows = this.recorders.length > 0 && this.recorders[0].layout === 'parameters';
    let stop: BlockStop | null = null;
    let cursor = 0;
    for (let step = 0; step <= steps; step++) {
      const scheduled = schedule[cursor] === step;
      if (scheduled) cursor++;
      let events: number;
      if (step === 0) {
        // Every lane is looked at: a start may already be non-finite.
        this.evaluateLanes(lanes.theta, lanes.grad, loss, count, this.stride);
        for (let r = 0; r < count; r++) summaries.limit[r] = blowUpLimit(this.configs[r].divergenceThreshold, loss[r]);
        events = observeLanes(0, count, summaries, finished, lanes);
      } else if (this.jsQuadratic && !scheduled) {
        // Up to the step before the next one scheduled (the last step when none is).
        const to = cursor < schedule.length ? Math.min(schedule[cursor] - 1, steps) : steps;
        stepQuadraticBlock(lanes, this.jsQuadratic, step, to, summaries, (stop ??= this.stopInBlock.bind(this)));
        step = to;
        continue;
      } else {
        // ∇f(θₜ₋₁), what a kept row's step uses: before the step overwrites it, or as a fused step writes it to `grad`.
        this.usedFresh = scheduled;
        if (scheduled && !this.fused) this.takeUsed(lanes.theta);
        events = this.advance(step, scheduled);
        if (scheduled && this.fused) this.takeUsed(lanes.previous);
      }
      if (!scheduled && events === 0) continue;
      // A spike or a divergence off the schedule (rare): its gradient is evaluated again at θ before.
      if (step > 0) this.enterUsed();
      if (scheduled && wholeRows) {
        // Every lane keeps this row: the diverged ones their last, the others copied for all lanes at once.
        if (events > 0)
          for (let r = 0; r < count; r++) if (!finished[r] && event[r] === DIVERGED) this.diverge(r, step);
        const { theta, previous, accum } = lanes;
        TraceRecorder.recordLanes(this.lanesTraces!, step, { loss, theta, grad: this.used, accum, previous });
        // A finished lane's highest loss is +∞: no loss is above it. Raised in the kernel where it steps the lanes (this
        // loop over the kernel's memory, through the summaries and a test of `finished`, took 3–9 ns a lane: 5 % of
        // W1t).
        const { maxLoss } = summaries;
        if (step === 0 || !this.keepsMaxLoss)
          for (let r = 0; r < count; r++) if (loss[r] > maxLoss[r]) maxLoss[r] = loss[r];
        continue;
      }
      for (let r = 0; r < count; r++) {
        if (finished[r]) continue;
        if (event[r] === DIVERGED) this.diverge(r, step);
        else if (scheduled || event[r] === SPIKE) this.record(r, step);
      }
    }
    const laneTraces = this.lanesTraces ? TraceRecorder.finishLanes(this.lanesTraces, this.traces === 'compact') : null;
    const results = new Array<CompactRunResult>(count);
    for (let r = 0; r < count; r++)
      results[r] = {
        config: this.configs[r],
        summary: this.diverged[r] ?? this.summaryNow(r, null, null),
        trace: laneTraces ? laneTraces[r] : noTrace,
      };
    return results;
  }

  /**
   * Step `step` (from 1) of every lane, their losses and summaries; returns 0 when no lane has an event. `scheduled`:
   * the step's rows are kept, so the gradient it used is needed (a fused step writes it to `grad`).
   */
  private advance(step: number, scheduled: boolean): number {
    const { lanes, summaries, count, finished } = this;
    switch (this.stepper) {
      case Stepper.KernelQuadratic:
        updateRates(lanes, step);
        return this.kernel!.stepQuadraticLanes(
          lanes,
          this.kernelQuadratic!,
          step,
          summaries.rows,
          this.tolerances,
          scheduled,
        );
      case Stepper.KernelQuadraticOneLane: {
        updateRates(lanes, step);
        const check = this.kernel!.stepQuadraticOneLane(lanes, this.kernelQuadratic!, summaries.loss, scheduled);
        return observeLanes(step, count, summaries, finished, check === 0 ? null : lanes);
      }
      case Stepper.JavaScriptQuadratic: {
        const q = this.jsQuadratic!;
        q.keepGradient = scheduled;
        const check = stepQuadraticAdagradLanes(lanes, step, q);
        return observeLanes(step, count, summaries, finished, check === 0 ? null : lanes);
      }
      case Stepper.Composed: {
        const check = stepAdagradLanes(lanes, step);
        this.evaluateLanes(lanes.theta, lanes.grad, summaries.loss, count, this.stride);
        if (this.wasmObserve && check === 0)
          return this.wasmObserve.observeLanes(step, this.stride, summaries.rows, this.tolerances);
        return observeLanes(step, count, summaries, finished, check === 0 ? null : lanes);
      }
    }
  }

  /** `used` from ∇f at θₜ₋₁ in `grad` (`at`: θₜ₋₁, for a coupled decay's wd·θ). */
  private takeUsed(at: Float64Array): void {
    this.used.set(this.lanes.grad);
    if (this.transformed) toEnteringGradient(this.lanes, this.used, at);
  }

  /** `used` evaluated again at θ before, for a row off the schedule. */
  private enterUsed(): void {
    if (this.usedFresh || !this.traces) return;
    this.evaluateLanes(this.lanes.previous, this.used, this.previousLoss, this.count, this.stride);
    if (this.transformed) toEnteringGradient(this.lanes, this.used);
    this.usedFresh = true;
  }

  /** Lane r's row into `row`. */
  private gather(r: number): void {
    const { row, dim, stride, used } = this;
    const { theta, previous, accum } = this.lanes;
    if (stride === 1) {
      row.theta = theta;
      for (let d = 0; d < dim; d++) row.update[d] = theta[d] - previous[d];
      return;
    }
    for (let d = 0, i = r; d < dim; d++, i += stride) {
      row.theta[d] = theta[i];
      row.grad[d] = used[i];
      row.accum[d] = accum[i];
      row.update[d] = theta[i] - previous[i];
    }
  }

  private record(r: number, step: number): void {
    const { row, summaries } = this;
    const { loss } = summaries;
    this.gather(r);
    this.recorders[r].record(step, loss[r], row.theta, row.grad, row.accum, row.update);
    if (loss[r] > summaries.maxLoss[r]) summaries.maxLoss[r] = loss[r];
  }

  /** Lane r's summary as it stands, its final loss the current one. */
  private summaryNow(r: number, divergedAt: number | null, where: RunSummary['divergedIn']): RunSummary {
    const { loss, best, bestStep, reached } = this.summaries;
    const stepsToTolerance = reached[r] < 0 ? null : reached[r];
    return summaryOf(
      { finalLoss: loss[r], bestLoss: best[r], bestStep: bestStep[r], stepsToTolerance, divergedAt, divergedIn: where },
      this.configs[r].tolerance,
    );
  }

  private finish(r: number, step: number, where: RunSummary['divergedIn']): void {
    const { summaries } = this;
    this.diverged[r] = this.summaryNow(r, step, where);
    this.finished[r] = 1;
    parkLane(this.lanes, r);
    summaries.best[r] = -Infinity;
    summaries.tolerance[r] = NaN;
    summaries.maxLoss[r] = Infinity;
    summaries.limit[r] = Infinity;
  }

  private diverge(r: number, step: number): void {
    const { row } = this;
    const loss = this.summaries.loss[r];
    this.gather(r);
    if (this.lanesTraces) {
      this.recorders[r].recordFinal(step, loss, row.theta, row.grad, row.accum, row.update);
      TraceRecorder.stopLane(this.lanesTraces, r);
    }
    this.finish(r, step, divergedIn(loss, row.theta, row.accum) ?? 'loss'); // all finite: the loss blew up
  }

  /** Where stepQuadraticBlock stops lane r at `step` (a BlockStop): its row recorded, or its divergence, as `run` would. */
  private stopInBlock(r: number, step: number, divergedThere: boolean): void {
    const { used, stride, lanes } = this;
    // The gradient step `step` entered into G, from the ∇f at θ before it that the block left in `grad`.
    for (let i = r; i < used.length; i += stride) used[i] = lanes.grad[i];
    if (this.transformed) toEnteringGradient(lanes, used, lanes.previous, r);
    if (divergedThere) this.diverge(r, step);
    else this.record(r, step);
  }
}

const optimizerOf = (c: RunConfig): AdagradConfig => c.optimizer as AdagradConfig;
const float64Array = (n: number): Float64Array => new Float64Array(n);

function hasTolerance(configs: readonly RunConfig[]): boolean {
  for (const c of configs) if (c.tolerance !== null) return true;
  return false;
}
