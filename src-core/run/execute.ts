import type { ObjectiveConfig } from '../contract/engine';
import { errorMessage } from '../contract/result';
import type { CompactRunResult, RunConfig, RunResult } from '../contract/types';
import { createObjective, type Objective } from '../objectives';
import { checkOptimizer, createOptimizer } from '../optim';
import { executeLanes, laneGroupKey } from './lanes';
import { executeStochasticRun } from './stochastic';
import { SummaryTracker } from './summary';
import { TraceRecorder, keptRow, maxTraceBytes, noTrace, type TraceKind } from './trace';

/**
 * Runs one config to the end: a pure function of the config (the objective may be passed in, built once for many runs,
 * since building it can mean generating a data set). Row k of the trace is the state after k steps (the columns are
 * defined once, in docs/architecture.md's glossary: the gradient of row k is the one step k used); a non-finite loss,
 * θ or accumulator, or a loss above the divergence threshold, is a result, not an error: the run stops there with
 * status 'diverged' (or, with continueAfterNonFinite, goes on to its last step as PyTorch would, keeping the
 * divergence step's row and then its scheduled ones).
 *
 * It takes the fastest path that gives the same numbers: stochastic steps when the objective asks for them, a lane of
 * its own (lanes.ts) for AdaGrad on an objective that evaluates lanes (not when continuing after a non-finite value),
 * otherwise the composed loop (runStepByStep).
 *
 * `traces` false: the summary alone (the same bits), the trace `noTrace`. The lanes and the composed loop then record
 * nothing; a stochastic run still evaluates the full-data loss where its schedule keeps a row, and records nothing of it.
 */
export function executeRun(
  config: RunConfig,
  objective: Objective = createObjective(config.objective),
  traces = true,
): RunResult {
  const theta = startOf(config, objective);
  if (objective.sparse && objective.sparse.batchSize > 0)
    return executeStochasticRun(config, objective, theta, { traces });
  if (laneGroupKey(config, objective) !== null) {
    checkOptimizer(config.optimizer); // the same RangeError for bad hyperparameters as the composed loop
    return executeLanes([config], objective, [theta], undefined, traces)[0];
  }
  return stepByStep(config, objective, theta, traces);
}

/**
 * The straightforward loop, one step at a time through createOptimizer and objective.evaluate: what every fast path is
 * proven equal to (test/core/run/lanes.test.ts), and the path of every run no fast path covers.
 */
export function runStepByStep(config: RunConfig, objective: Objective = createObjective(config.objective)): RunResult {
  return stepByStep(config, objective, startOf(config, objective));
}

function stepByStep(config: RunConfig, objective: Objective, theta: Float64Array, traces = true): RunResult {
  const dim = objective.dim;
  const optimizer = createOptimizer(config.optimizer);
  const grad = new Float64Array(dim);
  const previous = Float64Array.from(theta);
  const update = new Float64Array(dim);
  const state = optimizer.init(dim);
  const recorder = traces
    ? new TraceRecorder(dim, config.steps, config.traceMaxPoints, undefined, optimizer.accum(state) !== null)
    : null;
  const summary = new SummaryTracker(
    config.tolerance,
    config.continueAfterNonFinite === true,
    config.divergenceThreshold,
  );

  for (let step = 0; ; step++) {
    if (step > 0) {
      previous.set(theta);
      optimizer.step(theta, grad, state);
    }
    const loss = objective.evaluate(theta, grad);
    const accum = optimizer.accum(state);
    const divergedBefore = summary.divergedStep !== null;
    const going = summary.observe(step, loss, theta, accum);
    const row = recorder ? keptRow(recorder, step, loss, going, divergedBefore, summary.divergedStep === step) : 'none';
    if (recorder && row !== 'none') {
      // The update is derived only for the rows kept: a copy of θ per step is cheaper than a subtraction per step.
      for (let i = 0; i < dim; i++) update[i] = theta[i] - previous[i];
      const used = optimizer.gradient(state); // what step `step` entered into G; NaN in row 0
      if (row === 'row') recorder.record(step, loss, theta, used, accum, update);
      else recorder.recordFinal(step, loss, theta, used, accum, update);
    }
    if (!going || step === config.steps) break;
  }
  return { config, summary: summary.finish(), trace: recorder ? recorder.finish() : noTrace };
}

/** A run that could not be computed (bad start, a worker that died): stored with its reason and an empty trace. */
export function failedRun(config: RunConfig, error: unknown): RunResult {
  const empty = () => new Float64Array(0);
  return {
    config,
    summary: {
      status: 'failed',
      finalLoss: NaN,
      bestLoss: NaN,
      bestStep: 0,
      stepsToTolerance: null,
      divergedAt: null,
      divergedIn: null,
      error: errorMessage(error),
    },
    trace: {
      steps: new Uint32Array(0),
      loss: empty(),
      dim: 0,
      layout: 'parameters',
      width: 0,
      theta: empty(),
      grad: empty(),
      accum: empty(),
      update: empty(),
    },
  };
}

/** The start point of a run, checked against the objective's dimension. */
function startOf(config: RunConfig, objective: Objective): Float64Array {
  const theta = config.start ? Float64Array.from(config.start) : objective.defaultStart();
  if (theta.length !== objective.dim) {
    throw new RangeError(
      `Invalid start point: ${theta.length} coordinates (${config.objective.id} takes ${objective.dim})`,
    );
  }
  return theta;
}

/**
 * Lanes stepped together at most: 512 runs of a 2-parameter objective keep their ~20 arrays within ~100 KB, the size of
 * a core's fastest caches; ten thousand at once spilled out of them and ran slower per lane. And a block's traces stay
 * within ~4 MB: its rows are recorded step-major and laid out per run at the end (trace.ts finishLanes), so a block of
 * 272 W1t runs took 0.87–0.97× the time of 68 (the size when each row was written into each run's trace, where 512 had
 * taken twice as long as 64), and the group's rows and traces stay within the layout module's kept memory.
 */
function laneBlock(dim: number, config: RunConfig, traces: boolean): number {
  if (!traces) return 512;
  return Math.max(
    64,
    Math.min(512, Math.floor(laneTraceBudget / maxTraceBytes(dim, config.steps, config.traceMaxPoints))),
  );
}

const laneTraceBudget = 4 << 20;

/**
 * Runs a batch, building each distinct objective once; a run that throws becomes a failed result and the batch goes on.
 * Runs that can be stepped side by side (lanes.ts: AdaGrad on an objective with evaluateLanes) are, in groups;
 * the others run one by one. Either way each result is exactly executeRun's (test/core/run/lanes.test.ts). `traces`
 * false: summaries only (executeRun), in blocks of the most lanes, as no trace weighs on the cache. 'compact': the
 * lanes' traces as compactTrace makes them where runs keep many rows (compactLaneRows; the others as executeRun's), for
 * a caller that copies them out at once and narrows the rest (result-batch.ts encodeResults).
 */
export function executeBatch(configs: readonly RunConfig[], traces?: boolean): RunResult[];
export function executeBatch(configs: readonly RunConfig[], traces: TraceKind): CompactRunResult[];
export function executeBatch(configs: readonly RunConfig[], traces: TraceKind = true): CompactRunResult[] {
  const results: CompactRunResult[] = new Array(configs.length);
  const groups = laneGroups(configs, traces !== false, results);
  for (const group of groups.values()) runLaneGroup(configs, group, traces, results);
  return results;
}

/** Runs of a batch stepped side by side: their objective, their lane block's size, and their indexes and starts in order. */
interface LaneGroup {
  objective: Objective;
  block: number;
  indices: number[];
  starts: Float64Array[];
}

/**
 * Sorts a batch's runs into lane groups by their laneGroupKey, each at most a lane block long, and runs the others at
 * once into `results` (a run that throws, there or while its group is checked, becomes a failed result). Grouping and
 * running the groups are two functions, and both are loops rather than forEach and map with closures: V8 compiles a
 * long loop while it runs (on-stack replacement), and code after it that had never run deoptimized at its first use
 * (in every worker); a closure made afresh by every batch is compiled more than once per thread.
 */
function laneGroups(
  configs: readonly RunConfig[],
  anyTrace: boolean,
  results: CompactRunResult[],
): Map<string, LaneGroup> {
  const objectives = new ObjectiveCache();
  const groups = new Map<string, LaneGroup>();
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i];
    try {
      const built = objectives.get(config.objective);
      const { objective } = built;
      const key = laneGroupKey(config, objective, built.key);
      if (key === null) {
        results[i] = executeRun(config, objective, anyTrace);
        continue;
      }
      const start = built.startOf(config);
      checkOptimizer(config.optimizer); // refuses bad hyperparameters here, so that only this run fails
      let group = groups.get(key);
      if (!group || group.indices.length === group.block) {
        // A full block is set aside under a key of its own: blocks keep a group's working set in the core's cache.
        if (group) groups.set(`${key}#${i}`, group);
        groups.set(
          key,
          (group = { objective, block: laneBlock(objective.dim, config, anyTrace), indices: [], starts: [] }),
        );
      }
      group.indices.push(i);
      group.starts.push(start);
    } catch (error) {
      results[i] = failedRun(config, error);
    }
  }
  return groups;
}

/** Steps a lane group's runs together into `results`; should that throw, each of its runs fails with the reason. */
function runLaneGroup(
  configs: readonly RunConfig[],
  { objective, indices, starts }: LaneGroup,
  traces: TraceKind,
  results: CompactRunResult[],
): void {
  const group = new Array<RunConfig>(indices.length);
  for (let k = 0; k < indices.length; k++) group[k] = configs[indices[k]];
  try {
    const computed = executeLanes(group, objective, starts, undefined, laneTraces(traces, group[0]));
    for (let k = 0; k < indices.length; k++) results[indices[k]] = computed[k];
  } catch (error) {
    for (let k = 0; k < indices.length; k++) results[indices[k]] = failedRun(group[k], error);
  }
}

/**
 * Runs that keep fewer rows than this are recorded in float64 even when compact traces are asked for (their caller
 * narrows any column that fits as it copies them out: result-batch.ts encodeResults). Laying each run out compact in
 * its lane block (its six views, its mask) costs more than narrowing a few rows: with W1's configs in tasks of 2,000
 * (CPU time, medians of 15, in turns, both orders), compact lanes took 1.04× the time at 2 rows a run, 1.02× at 9 and
 * 0.93–0.97× at 29.
 */
const compactLaneRows = 16;

/** The traces a lane group records: compact ones only where that pays (compactLaneRows). */
const laneTraces = (traces: TraceKind, config: RunConfig): TraceKind =>
  traces === 'compact' && config.traceMaxPoints < compactLaneRows ? true : traces;

/**
 * The objectives of a batch, each built once and keyed by its config's JSON. The runs of a sweep come in long stretches
 * with one objective, so a config with the same fields as the last one asked for is recognised without serialising it.
 */
class ObjectiveCache {
  private readonly built = new Map<string, BuiltObjective>();
  // The last config asked for and its entry, as two fields: an object holding both was made for every run.
  private lastConfig: ObjectiveConfig | null = null;
  private lastEntry: BuiltObjective | null = null;

  get(config: ObjectiveConfig): BuiltObjective {
    if (this.lastEntry && sameFields(this.lastConfig!, config)) return this.lastEntry;
    const key = JSON.stringify(config);
    let entry = this.built.get(key);
    if (!entry) this.built.set(key, (entry = new BuiltObjective(createObjective(config), key)));
    this.lastConfig = config;
    this.lastEntry = entry;
    return entry;
  }
}

/** An objective of a batch, its config's JSON, and its default start, made once for the runs that start there. */
class BuiltObjective {
  private start: Float64Array | null = null;

  constructor(
    readonly objective: Objective,
    readonly key: string,
  ) {}

  /**
   * The start of `config`'s run as the lanes read it (they copy it): for a run from the objective's default start,
   * one array shared by all of them (made for every run, it was a sixth of what a worker allocated per run).
   */
  startOf(config: RunConfig): Float64Array {
    if (config.start) return startOf(config, this.objective);
    return (this.start ??= startOf(config, this.objective));
  }
}

/** Whether two flat configs hold the same fields in the same order with the same values (so the same JSON). */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  const others = Object.keys(y);
  if (keys.length !== others.length) return false;
  for (let k = 0; k < keys.length; k++) if (keys[k] !== others[k] || x[keys[k]] !== y[keys[k]]) return false;
  return true;
}

/** The buffers of a result, each once (a trace's columns may share one), for transferring it instead of copying it. */
export function transferablesOf(result: Pick<CompactRunResult, 'trace'>): ArrayBuffer[] {
  const { steps, loss, theta, grad, accum, update } = result.trace;
  const buffer = steps.buffer as ArrayBuffer;
  // The common case, told without a Set: the main thread asks this of every result twice (bytes pending, then acknowledged).
  if (
    loss.buffer === buffer &&
    theta.buffer === buffer &&
    grad.buffer === buffer &&
    accum.buffer === buffer &&
    update.buffer === buffer
  )
    return [buffer];
  return [...new Set([steps, loss, theta, grad, accum, update].map((column) => column.buffer as ArrayBuffer))];
}
