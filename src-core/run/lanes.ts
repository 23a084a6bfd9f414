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
import { quadraticLengths, wasmLaneKernel, type WasmLaneKernel } from '../optim/wasm/lane-kernel';
import { blowUpLimit, divergedIn, summaryOf } from './summary';
import { noTrace, TraceRecorder, traceSchedule, type TraceKind } from './trace';

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
  const [loss, best, bestStep, reached, tolerance, maxLoss, event, limit] = Array.from(
    { length: summaryRows },
    (_, k) => rows.subarray(k * stride, (k + 1) * stride),
  );
  best.fill(-Infinity);
  reached.fill(-1);
  tolerance.fill(NaN);
  maxLoss.fill(Infinity);
  limit.fill(Infinity);
  configs.forEach((c, r) => {
    tolerance[r] = c.tolerance ?? NaN;
    maxLoss[r] = -Infinity;
  });
  return { rows, loss, best, bestStep, reached, tolerance, maxLoss, event, limit };
}

// The events of a lane, as wasm/adagrad.ts writes them too.
const KEEP_GOING = 0;
const DIVERGED = 1;
const SPIKE = 2;

/**
 * SummaryTracker.observe for the first `count` lanes, skipping finished ones; sets the event of each and returns how
 * many have one. `laneIsFinite` is null when the step found every θ and G finite, so that only the losses need a
 * look. A function of its own, on typed arrays only: this loop runs once per lane per step.
 */
function observeLanes(
  step: number,
  count: number,
  s: LaneSummaries,
  finished: Uint8Array,
  laneIsFinite: ((r: number) => boolean) | null,
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
    if (f - f !== 0 || (laneIsFinite !== null && !laneIsFinite(r)) || f > limit[r]) {
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
  const evaluateLanes = objective.evaluateLanes!;
  const dim = objective.dim;
  const count = configs.length;
  const { steps, traceMaxPoints } = configs[0];
  // Arrays made by Array.from, not map, here and below: map's are packed while this runs interpreted and holey once V8
  // optimizes it, and every reader V8 optimized for the one deoptimizes on the other (a recompile of this function).
  const optimizers = Array.from(configs, (c) => c.optimizer as AdagradConfig);
  const layout = laneLayout(optimizers, wasm);
  const { kernel, stride } = layout;
  const quadratic = objective.quadratic ?? null;
  const lengths = [
    ...laneArrayLengths(dim, stride),
    summaryRows * stride,
    ...(kernel && quadratic ? quadraticLengths(quadratic) : []),
  ];
  // Without a trace θ before is never read: θ's second buffer is θ's own, so that each step updates θ in place (as a C
  // loop does: one stream of memory fewer per step than writing a second buffer), and turnOver changes nothing.
  if (!traces) lengths[1] = 0;
  const arrays = kernel ? kernel.allocate(lengths) : lengths.map((n) => new Float64Array(n));
  if (!traces) arrays[1] = arrays[0];
  const lanes = createAdagradLanes(optimizers, dim, layout, arrays.slice(0, 7) as LaneArrays);
  const summaries = laneSummaries(configs, stride, arrays[7]);
  if (!traces) summaries.maxLoss.fill(Infinity);
  // θ and θ before are read from `lanes` whenever needed: each step turns the two buffers over (turnOver).
  const { grad, accum } = lanes;
  const { loss, event } = summaries;
  starts.forEach((start, r) => {
    const { theta, previous } = lanes;
    if (stride === 1) {
      // One lane's θ is its start, copied whole (a memcpy) rather than a coordinate at a time.
      theta.set(start);
      previous.set(start);
    } else for (let d = 0, i = r; d < dim; d++, i += stride) theta[i] = previous[i] = start[d];
  });
  const finished = new Uint8Array(count);
  const diverged: (RunSummary | null)[] = Array.from(configs, () => null);
  const lanesTraces = traces
    ? TraceRecorder.forLanes(count, stride, dim, steps, traceMaxPoints, kernel !== null, traces === 'compact')
    : null;
  const recorders = lanesTraces ? lanesTraces.recorders : [];
  // Without traces nothing is scheduled: schedule[0] is undefined, never a step.
  const schedule = traces ? traceSchedule(steps, traceMaxPoints) : new Uint32Array(0);

  /** Whether lane r's θ and accum are all finite. */
  const laneIsFinite = (r: number): boolean => {
    const { theta } = lanes;
    let check = 0; // x − x is 0 for finite x, NaN for ±∞ and NaN
    for (let i = r; i < theta.length; i += stride) check += theta[i] - theta[i] + (accum[i] - accum[i]);
    return check === 0;
  };

  /** Whether any lane has a tolerance: without one, the summary passes need not look for steps that reach it. */
  const tolerances = configs.some((c) => c.tolerance !== null);
  /**
   * Step `step` (from 1) of every lane, their losses and summaries; returns 0 when no lane has an event. `scheduled`:
   * the step's rows are kept, so the gradient it used is needed (a fused step writes it to `grad`).
   */
  let advance: (step: number, scheduled: boolean) => number;
  /** Whether `advance` leaves the gradient unevaluated at steps whose rows are not scheduled. */
  let fused = false;
  /** Whether `advance` raises each lane's highest recorded loss to its loss itself, at a step whose row is kept. */
  let keepsMaxLoss = false;
  /** The same fusion in JavaScript (stepQuadraticAdagradLanes), where there is no kernel. */
  const jsQuadratic: FusedQuadratic | null =
    !kernel && quadratic
      ? { a: quadratic.gradient, c: quadratic.loss, scale: quadratic.scale, loss, keepGradient: true }
      : null;
  if (kernel && quadratic) {
    const q = kernel.placeQuadratic(quadratic, arrays.slice(8));
    fused = true;
    keepsMaxLoss = stride > 1;
    advance =
      stride > 1
        ? (step, scheduled) => (
            updateRates(lanes, step),
            kernel.stepQuadraticLanes(lanes, q, step, summaries.rows, tolerances, scheduled)
          )
        : (step, scheduled) => {
            updateRates(lanes, step);
            const check = kernel.stepQuadraticOneLane(lanes, q, loss, scheduled);
            return observeLanes(step, count, summaries, finished, check === 0 ? null : laneIsFinite);
          };
  } else if (jsQuadratic) {
    // With the JavaScript summary pass.
    const q = jsQuadratic;
    fused = true;
    advance = (step, scheduled) => {
      q.keepGradient = scheduled;
      const check = stepQuadraticAdagradLanes(lanes, step, q);
      return observeLanes(step, count, summaries, finished, check === 0 ? null : laneIsFinite);
    };
  } else {
    // The WebAssembly summary pass takes lanes two by two: a group of one lane uses the JavaScript one.
    const wasmObserve = kernel !== null && stride % 2 === 0 ? kernel : null;
    advance = (step) => {
      const check = stepAdagradLanes(lanes, step);
      evaluateLanes(lanes.theta, grad, loss, count, stride);
      if (wasmObserve && check === 0) return wasmObserve.observeLanes(step, stride, summaries.rows, tolerances);
      return observeLanes(step, count, summaries, finished, check === 0 ? null : laneIsFinite);
    };
  }

  const [used, update] = rowBuffers(dim * stride, dim);
  // The gradient each lane's last step used (NaN before the first), for the rows kept; `usedFresh`: it is this step's.
  if (traces) used.fill(NaN);
  /** Whether what a step enters into G is other than ∇f for some lane: −∇f where it maximizes, + wd·θ when coupled. */
  const transformed = entersOtherThanGradient(lanes);
  let usedFresh = true;
  /** `used` from ∇f at θₜ₋₁ in `grad` (`at`: θₜ₋₁, for a coupled decay's wd·θ). */
  const takeUsed = (at: Float64Array) => {
    used.set(grad);
    if (transformed) toEnteringGradient(lanes, used, at);
  };
  const previousLoss = new Float64Array(stride);
  const enterUsed = () => {
    if (usedFresh || !traces) return;
    evaluateLanes(lanes.previous, used, previousLoss, count, stride);
    if (transformed) toEnteringGradient(lanes, used);
    usedFresh = true;
  };

  // One lane's row as the step-by-step loop hands it to its recorder; a single lane's arrays are its row already.
  const single = stride === 1;
  const row = single
    ? { theta: lanes.theta, grad: used, accum, update }
    : { theta: new Float64Array(dim), grad: new Float64Array(dim), accum: new Float64Array(dim), update };
  const gather = (r: number) => {
    const { theta, previous } = lanes;
    if (single) {
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
  };
  const record = (r: number, step: number) => {
    gather(r);
    recorders[r].record(step, loss[r], row.theta, row.grad, row.accum, row.update);
    if (loss[r] > summaries.maxLoss[r]) summaries.maxLoss[r] = loss[r];
  };
  /** Lane r's summary as it stands, its final loss the current one. */
  const summaryNow = (r: number, divergedAt: number | null, where: RunSummary['divergedIn']): RunSummary => {
    const { best, bestStep, reached } = summaries;
    const stepsToTolerance = reached[r] < 0 ? null : reached[r];
    return summaryOf(
      { finalLoss: loss[r], bestLoss: best[r], bestStep: bestStep[r], stepsToTolerance, divergedAt, divergedIn: where },
      configs[r].tolerance,
    );
  };
  const finish = (r: number, step: number, where: RunSummary['divergedIn']) => {
    diverged[r] = summaryNow(r, step, where);
    finished[r] = 1;
    parkLane(lanes, r);
    summaries.best[r] = -Infinity;
    summaries.tolerance[r] = NaN;
    summaries.maxLoss[r] = Infinity;
    summaries.limit[r] = Infinity;
  };
  const diverge = (r: number, step: number) => {
    gather(r);
    if (lanesTraces) {
      recorders[r].recordFinal(step, loss[r], row.theta, row.grad, row.accum, row.update);
      TraceRecorder.stopLane(lanesTraces, r);
    }
    finish(r, step, divergedIn(loss[r], row.theta, row.accum) ?? 'loss'); // all finite: the loss blew up
  };

  /**
   * Steps `from`…`to` (none scheduled) at once, where the JavaScript loop holds the lanes in locals for that
   * (stepQuadraticBlock): a lane that stops there has its row recorded, or diverges, as the loop below would do it.
   */
  const stop: BlockStop = (r, step, divergedThere) => {
    // The gradient step `step` entered into G, from the ∇f at θ before it that the block left in `grad`.
    for (let i = r; i < used.length; i += stride) used[i] = grad[i];
    if (transformed) toEnteringGradient(lanes, used, lanes.previous, r);
    if (divergedThere) diverge(r, step);
    else record(r, step);
  };
  const block = jsQuadratic
    ? (from: number, to: number) => stepQuadraticBlock(lanes, jsQuadratic, from, to, summaries, stop)
    : null;

  /** Whether rows hold every coordinate ('parameters'), so that a scheduled one can be taken for all lanes at once. */
  const wholeRows = recorders.length > 0 && recorders[0].layout === 'parameters';

  let cursor = 0;
  for (let step = 0; step <= steps; step++) {
    const scheduled = schedule[cursor] === step;
    if (scheduled) cursor++;
    let events: number;
    if (step === 0) {
      // Every lane is looked at: a start may already be non-finite.
      evaluateLanes(lanes.theta, grad, loss, count, stride);
      configs.forEach((c, r) => (summaries.limit[r] = blowUpLimit(c.divergenceThreshold, loss[r])));
      events = observeLanes(0, count, summaries, finished, laneIsFinite);
    } else if (block && !scheduled) {
      // Up to the step before the next one scheduled (the last step when none is).
      const to = cursor < schedule.length ? Math.min(schedule[cursor] - 1, steps) : steps;
      block(step, to);
      step = to;
      continue;
    } else {
      // ∇f(θₜ₋₁), what a kept row's step uses: before the step overwrites it, or as a fused step writes it to `grad`.
      usedFresh = scheduled;
      if (scheduled && !fused) takeUsed(lanes.theta);
      events = advance(step, scheduled);
      if (scheduled && fused) takeUsed(lanes.previous);
    }
    if (!scheduled && events === 0) continue;
    // A spike or a divergence off the schedule (rare): its gradient is evaluated again at θ before.
    if (step > 0) enterUsed();
    if (scheduled && wholeRows) {
      // Every lane keeps this row: the diverged ones their last, the others copied for all lanes at once.
      if (events > 0) for (let r = 0; r < count; r++) if (!finished[r] && event[r] === DIVERGED) diverge(r, step);
      const { theta, previous } = lanes;
      TraceRecorder.recordLanes(lanesTraces!, step, { loss, theta, grad: used, accum, previous });
      // A finished lane's highest loss is +∞: no loss is above it. Raised in the kernel where it steps the lanes (this
      // loop over the kernel's memory, through the summaries and a test of `finished`, took 3–9 ns a lane: 5 % of W1t).
      const { maxLoss } = summaries;
      if (step === 0 || !keepsMaxLoss) for (let r = 0; r < count; r++) if (loss[r] > maxLoss[r]) maxLoss[r] = loss[r];
      continue;
    }
    for (let r = 0; r < count; r++) {
      if (finished[r]) continue;
      if (event[r] === DIVERGED) diverge(r, step);
      else if (scheduled || event[r] === SPIKE) record(r, step);
    }
  }
  const laneTraces = lanesTraces ? TraceRecorder.finishLanes(lanesTraces, traces === 'compact') : null;
  return Array.from(configs, (config, r) => ({
    config,
    summary: diverged[r] ?? summaryNow(r, null, null),
    trace: laneTraces ? laneTraces[r] : noTrace,
  }));
}
