/**
 * Runs stepped side by side: a group of AdaGrad runs of one objective (same config, steps and trace size, same eps
 * placement and weight-decay mode) becomes one set of lanes, and each step is one pass over all of them
 * (optim/adagrad-lanes.ts, the objective's evaluateLanes). Every lane gets exactly its run's numbers from executeRun:
 * the same operations in the same order, the same summary (SummaryTracker's rules, written out per lane) and the same
 * trace rows (a TraceRecorder per lane, fed what executeRun would feed it). test/core/run-lanes.test.ts proves it.
 *
 * A lane that diverges is finished at that step and then parked: zeroed so that it stays finite and still, which lets
 * each step tell from one sum whether any other lane went non-finite.
 */
import type { AdagradConfig } from './contract/engine';
import type { RunConfig, RunResult } from './contract/types';
import type { Objective } from './objectives';
import { createAdagradLanes, parkLane, stepAdagradLanes, weightDecayMode } from './optim/adagrad-lanes';
import { wasmLaneKernel, type WasmLaneKernel } from './optim/lane-kernel-wasm';
import { divergedIn, summaryOf } from './summary';
import { TraceRecorder, traceSchedule } from './trace';
import type { DivergedIn } from './contract/types';

/** The key of the lane group `config` belongs to, or null when it must run alone (executeRun). */
export function laneGroupKey(config: RunConfig, objective: Objective): string | null {
  if (!objective.evaluateLanes || config.optimizer.kind !== 'adagrad') return null;
  const o = config.optimizer;
  return JSON.stringify([config.objective, o.epsPlacement, weightDecayMode(o), config.steps, config.traceMaxPoints]);
}

/** Per lane, what SummaryTracker tracks; −1 for a step that has not happened. */
class LaneSummaries {
  readonly finalLoss: Float64Array;
  readonly bestLoss: Float64Array;
  readonly bestStep: Float64Array;
  readonly stepsToTolerance: Float64Array;
  /** The tolerance, NaN for none (loss ≤ NaN never holds). */
  readonly tolerance: Float64Array;
  readonly divergedAt: Float64Array;
  readonly divergedIn: (DivergedIn | null)[];

  constructor(configs: readonly RunConfig[]) {
    const n = configs.length;
    this.finalLoss = new Float64Array(n);
    this.bestLoss = new Float64Array(n);
    this.bestStep = new Float64Array(n);
    this.stepsToTolerance = new Float64Array(n).fill(-1);
    this.tolerance = Float64Array.from(configs, (c) => c.tolerance ?? NaN);
    this.divergedAt = new Float64Array(n).fill(-1);
    this.divergedIn = configs.map(() => null);
  }

  summary(r: number, tolerance: number | null) {
    const at = this.divergedAt[r];
    const reached = this.stepsToTolerance[r];
    return summaryOf(
      {
        finalLoss: this.finalLoss[r],
        bestLoss: this.bestLoss[r],
        bestStep: this.bestStep[r],
        stepsToTolerance: reached < 0 ? null : reached,
        divergedAt: at < 0 ? null : at,
        divergedIn: this.divergedIn[r],
      },
      tolerance,
    );
  }
}

const KEEP_GOING = 0;
const DIVERGED = 1;
const SPIKE = 2;

/**
 * SummaryTracker.observe for every lane still running; marks in `event` the lanes that need a trace row and returns
 * their count. `laneIsFinite` is null when the step found every θ and G finite, so that only the losses need a look.
 * A function of its own, on typed arrays only: this loop runs once per lane per step.
 */
function observeLanes(
  step: number,
  loss: Float64Array,
  summaries: LaneSummaries,
  maxLoss: Float64Array,
  finished: Uint8Array,
  event: Uint8Array,
  laneIsFinite: ((r: number) => boolean) | null,
): number {
  const { finalLoss, bestLoss, bestStep, stepsToTolerance, tolerance } = summaries;
  let events = 0;
  for (let r = 0; r < loss.length; r++) {
    if (finished[r]) continue;
    const f = loss[r];
    finalLoss[r] = f;
    if (step === 0) {
      bestLoss[r] = f;
      bestStep[r] = 0;
    }
    if (f - f !== 0 || (laneIsFinite !== null && !laneIsFinite(r))) {
      event[r] = DIVERGED;
      events++;
      continue;
    }
    if (f < bestLoss[r]) {
      bestLoss[r] = f;
      bestStep[r] = step;
    }
    if (stepsToTolerance[r] < 0 && f <= tolerance[r]) stepsToTolerance[r] = step;
    const spike = f > maxLoss[r];
    event[r] = spike ? SPIKE : KEEP_GOING;
    if (spike) events++;
  }
  return events;
}

/**
 * Runs a lane group (configs with one laneGroupKey, every optimizer config valid, `starts` of the objective's
 * dimension) and returns their results in order. `kernel`: the WebAssembly SIMD step where this thread has one, else
 * (or when null is passed) the JavaScript loop; both give the same bits.
 */
export function executeLanes(
  configs: readonly RunConfig[],
  objective: Objective,
  starts: readonly Float64Array[],
  kernel: WasmLaneKernel | null = wasmLaneKernel(),
): RunResult[] {
  const evaluateLanes = objective.evaluateLanes!;
  const dim = objective.dim;
  const { steps, traceMaxPoints } = configs[0];
  const lanes = createAdagradLanes(configs.map((c) => c.optimizer as AdagradConfig), dim, kernel);
  const { lanes: count, stride, theta, previous, grad, sum } = lanes;
  starts.forEach((start, r) => start.forEach((x, d) => (theta[d * stride + r] = previous[d * stride + r] = x)));
  const loss = new Float64Array(count);
  const maxLoss = new Float64Array(count).fill(-Infinity);
  const finished = new Uint8Array(count);
  const event = new Uint8Array(count);
  const summaries = new LaneSummaries(configs);
  const recorders = configs.map(() => new TraceRecorder(dim, steps, traceMaxPoints, undefined, true));
  const schedule = traceSchedule(steps, traceMaxPoints);

  // One lane's row as executeRun hands it to its recorder.
  const row = { theta: new Float64Array(dim), grad: new Float64Array(dim), accum: new Float64Array(dim), update: new Float64Array(dim) };
  const gather = (r: number) => {
    for (let d = 0; d < dim; d++) {
      const i = d * stride + r;
      row.theta[d] = theta[i];
      row.grad[d] = grad[i];
      row.accum[d] = sum[i];
      row.update[d] = theta[i] - previous[i];
    }
  };
  const record = (r: number, step: number) => {
    gather(r);
    recorders[r].record(step, loss[r], row.theta, row.grad, row.accum, row.update);
    if (loss[r] > maxLoss[r]) maxLoss[r] = loss[r];
  };
  const diverge = (r: number, step: number) => {
    gather(r);
    summaries.divergedAt[r] = step;
    summaries.divergedIn[r] = divergedIn(loss[r], row.theta, row.accum);
    recorders[r].recordFinal(step, loss[r], row.theta, row.grad, row.accum, row.update);
    finished[r] = 1;
    parkLane(lanes, r); // finite from now on, so that the other lanes' steps keep reporting all finite
  };

  /** Whether lane r's θ or accumulator holds a non-finite value. */
  const laneIsFinite = (r: number): boolean => {
    let check = 0; // x − x is 0 for finite x, NaN for ±∞ and NaN
    for (let i = r; i < theta.length; i += stride) check += theta[i] - theta[i] + (sum[i] - sum[i]);
    return check === 0;
  };

  let cursor = 0;
  for (let step = 0; step <= steps; step++) {
    const check = step > 0 ? stepAdagradLanes(lanes, step) : NaN; // at step 0, every lane is looked at
    evaluateLanes(theta, grad, loss, count, stride);
    const events = observeLanes(step, loss, summaries, maxLoss, finished, event, check === 0 ? null : laneIsFinite);
    const scheduled = schedule[cursor] === step;
    if (scheduled) cursor++;
    if (!scheduled && events === 0) continue;
    for (let r = 0; r < count; r++) {
      if (finished[r]) continue;
      if (event[r] === DIVERGED) diverge(r, step);
      else if (scheduled || event[r] === SPIKE) record(r, step);
    }
  }
  return configs.map((config, r) => ({ config, summary: summaries.summary(r, config.tolerance), trace: recorders[r].finish() }));
}
