/**
 * Sweep specs v2 (see src-core/contract/sweep-spec.ts): validation (validateSweepSpec, with the checks across fields
 * of checks.ts), and the expansion to RunConfigs in a fixed order so that the same spec and sweep id always give the
 * same runs and ids (the run count and each entry's axes: entries.ts).
 *
 * Order: objectives outermost, then the `optimizers` entries, then each entry's points (grid: its axes in key-sorted
 * order, the first key slowest; random: sample by sample), then seeds innermost.
 */
import type { OptimizerConfig } from '../contract/engine';
import {
  SweepLimits,
  type Axis,
  type HyperparameterValue,
  type OptimizerAxis,
  type RunConfig,
  type SweepSpec,
} from '../contract/sweep-spec';
import { checkSweepSpec } from './checks';
import { axesOf, axisSize, baseOf, countRuns, gridPicks } from './entries';
import { linspace, linspacePoint, logspace, logspacePoint } from './grid';

export { countRuns };

export type SweepValidation = { ok: true; value: SweepSpec } | { ok: false; message: string };

export const runId = (sweepId: string, index: number): string => `${sweepId}:${String(index).padStart(6, '0')}`;

/**
/**
 * Point `i` of the `count` points of a linear or log range, computed alone (a range of 10⁶ points is never listed): the
 * value np.linspace(from, to, count)[i] or np.logspace(np.log10(from), np.log10(to), count)[i] has, to the last bit
 * (grid.ts; count 1 gives `from`).
 */
function rangePoint(scale: 'linear' | 'log', from: number, to: number, count: number, i: number): number {
  if (count === 1) return from;
  return scale === 'linear' ? linspacePoint(from, to, count, i) : logspacePoint(from, to, count, i);
}

/** The `count` points of a linear or log range, as np.linspace and np.logspace list them (see rangePoint). */
export function rangePoints(scale: 'linear' | 'log', from: number, to: number, count: number): number[] {
  if (count === 1) return [from];
  return scale === 'linear' ? linspace(from, to, count) : logspace(from, to, count);
}

/** The points of a discrete axis; null for a continuous one (uniform, logUniform). */
export function axisPoints(axis: Axis): HyperparameterValue[] | null {
  if ('values' in axis) return axis.values;
  if ('linear' in axis) return rangePoints('linear', axis.linear.from, axis.linear.to, axis.linear.count);
  if ('log' in axis) return rangePoints('log', axis.log.from, axis.log.to, axis.log.count);
  return null;
}

/** Point `i` of a discrete axis, without listing the others (a range of 10⁶ points is never built as a list). */
function axisPoint(axis: Axis, i: number): HyperparameterValue {
  if ('values' in axis) return axis.values[i];
  if ('linear' in axis) return rangePoint('linear', axis.linear.from, axis.linear.to, axis.linear.count, i);
  if ('log' in axis) return rangePoint('log', axis.log.from, axis.log.to, axis.log.count, i);
  throw new Error('A continuous axis has no listed points');
}

/** Points an axis keeps once computed (a log point costs ~15 µs in double-double; a grid's inner axis repeats them). */
const AXIS_CACHE_POINTS = 1 << 16;

/**
 * The points of the range axes met lately, by their JSON, kept across expansions: a pool worker expands one range of
 * a sweep per task, from a fresh copy of the spec, and computing a 1,000-point log axis again for every task of 1,600
 * runs had cost ~15 ms a task. At most AXIS_CACHE_AXES axes are kept (all are dropped when one more comes).
 */
const axisCache = new Map<string, (HyperparameterValue | undefined)[]>();
const AXIS_CACHE_AXES = 8;

/**
 * The values an optimizer entry's axis gives its points: by a grid point's index (GridAxisValues) or by a random
 * draw in [0, 1) (DrawnAxisValues). Objects with a method, not closures made per expansion: V8 compiles a closure made
 * afresh by every task more than once per worker, a method once.
 */
interface AxisValues {
  at(pick: number): HyperparameterValue;
}

/**
 * axisPoint of one axis, each point computed once (`known`: the axis's points in axisCache): the same doubles. An axis
 * of more points than AXIS_CACHE_POINTS computes each alone, as before (a range of 10⁶ points is never listed).
 */
class GridAxisValues implements AxisValues {
  private readonly known: (HyperparameterValue | undefined)[] | null;

  constructor(private readonly axis: Axis) {
    const size = axisSize(axis);
    this.known = 'values' in axis || !(size <= AXIS_CACHE_POINTS) ? null : cachedPoints(axis, size);
  }

  at(i: number): HyperparameterValue {
    const known = this.known;
    return known ? (known[i] ??= axisPoint(this.axis, i)) : axisPoint(this.axis, i);
  }
}

/** The points of a range axis computed so far, from axisCache (a fresh entry when it has none). */
function cachedPoints(axis: Axis, size: number): (HyperparameterValue | undefined)[] {
  // -0 kept apart from 0 (JSON writes both as 0), should a range's points ever depend on the sign of a zero.
  const key = JSON.stringify(axis, (_key, value: unknown) => (Object.is(value, -0) ? '-0' : value));
  let points = axisCache.get(key);
  if (!points) {
    if (axisCache.size >= AXIS_CACHE_AXES) axisCache.clear();
    points = new Array<HyperparameterValue | undefined>(size);
    axisCache.set(key, points);
  }
  return points;
}

/** A random search's values of one axis, by the draw (see drawn). */
class DrawnAxisValues implements AxisValues {
  constructor(private readonly axis: Axis) {}

  at(r: number): HyperparameterValue {
    return drawn(this.axis, r);
  }
}

/**
 * Validates a sweep spec at the edge: its structure (SweepSpecSchema), then what depends on several fields
 * (checks.ts). The message is the first refusal of checkSweepSpec, starting with the path of the field it is about,
 * as `validate` writes them; the form marks every one at once.
 */
export function validateSweepSpec(input: unknown): SweepValidation {
  const checked = checkSweepSpec(input);
  return checked.ok ? checked : { ok: false, message: checked.messages[0] };
}

/**
 * splitmix32 (the 32-bit variant of Steele, Lea and Flood's SplitMix, constants from Hash Prospector): a tiny,
 * well-mixed generator, here so the same spec and seed draw the same points on every platform. Returns [0, 1).
 */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  };
}

/** The value of a draw `r` in [0, 1) from an axis: a discrete axis picks one of its points, a continuous one a value in [from, to). */
function drawn(axis: Axis, r: number): HyperparameterValue {
  if ('uniform' in axis) return axis.uniform.from + (axis.uniform.to - axis.uniform.from) * r;
  if ('logUniform' in axis) return axis.logUniform.from * Math.pow(axis.logUniform.to / axis.logUniform.from, r);
  return axisPoint(axis, Math.floor(r * axisSize(axis)));
}

/** The optimizer points of an entry of the spec: a random search's samples, or the product of the grid's axis sizes. */
const entryPoints = (spec: SweepSpec, entry: OptimizerAxis): number =>
  spec.search.mode === 'random'
    ? spec.search.samples
    : axesOf(entry).reduce((product, [, axis]) => product * axisSize(axis), 1);

/**
 * One optimizer point of a spec: its entry's hyperparameters and, per swept one, its pick (a grid point's index or a
 * random draw); `config()` builds its config (typed loosely while built: the spec's checks stand behind each point, see
 * validateSweepSpec). A class, not a closure made per point: compiled once per thread.
 */
class OptimizerPoint {
  constructor(
    private readonly base: Record<string, unknown>,
    private readonly keys: readonly string[],
    private readonly values: readonly AxisValues[],
    private readonly picks: readonly number[],
  ) {}

  config(): OptimizerConfig {
    const config = { ...this.base };
    const { keys, values, picks } = this;
    for (let a = 0; a < keys.length; a++) config[keys[a]] = values[a].at(picks[a]);
    return config as unknown as OptimizerConfig;
  }
}

/**
 * The optimizer points of the spec, entry by entry, in expansion order, each as what builds its config: a point none
 * of whose runs is wanted (Resume) costs a few integers, never its values or its config. The random stream starts
 * afresh on every call, so each objective sees the same points; one stream serves the whole sweep, drawn entry by
 * entry, sample by sample, axis by axis, whether or not a point is wanted, so it stays in step. `first`: the points
 * before it are passed over without being yielded (a grid's odometer is set at once, a random stream draws the values
 * it passes and drops them), so a worker given a range of a sweep starts where it begins.
 */
function* optimizerPoints(spec: SweepSpec, first = 0): Generator<OptimizerPoint> {
  const random =
    spec.search.mode === 'random' ? { samples: spec.search.samples, next: splitmix32(spec.search.seed) } : null;
  let skip = first;
  for (const entry of spec.optimizers) {
    const base = baseOf(entry);
    const axes = axesOf(entry);
    const points = entryPoints(spec, entry);
    const skipped = Math.min(skip, points);
    skip -= skipped;
    if (random) for (let d = skipped * axes.length; d > 0; d--) random.next();
    if (skipped === points) continue;
    // Arrays made by `new Array` and loops (this runs once per run a worker computes), not by map: map's are packed
    // while this runs interpreted and holey once V8 has optimized it, and code optimized for the one deoptimized on the
    // other.
    const keys = new Array<string>(axes.length);
    const values = new Array<AxisValues>(axes.length);
    for (let a = 0; a < axes.length; a++) {
      keys[a] = axes[a][0];
      values[a] = random ? new DrawnAxisValues(axes[a][1]) : new GridAxisValues(axes[a][1]);
    }
    if (random) {
      for (let s = skipped; s < random.samples; s++) {
        const draws = new Array<number>(axes.length);
        for (let a = 0; a < axes.length; a++) draws[a] = random.next();
        yield new OptimizerPoint(base, keys, values, draws);
      }
      continue;
    }
    const sizes = new Array<number>(axes.length);
    for (let a = 0; a < axes.length; a++) sizes[a] = axisSize(axes[a][1]);
    for (let p = skipped; p < points; p++) yield new OptimizerPoint(base, keys, values, gridPicks(sizes, p));
  }
}

/** Where one optimizer entry's runs lie in a grid (see gridLayout). */
export interface GridEntryLayout {
  /** Its swept hyperparameters, in the order their indexes are counted: key-sorted, the last the fastest. */
  keys: string[];
  /** Each axis's number of points. */
  sizes: number[];
  /** Its points: the product of the sizes. */
  points: number;
  /** The points of the entries before it. */
  firstPoint: number;
}

/**
 * The layout of a grid spec's runs, as expandRuns orders them: run index = o · perObjective + (entry.firstPoint + p) ·
 * seeds + s, for objective o, point p of the entry (its axes' indexes in mixed radix over `sizes`, the last fastest)
 * and seed s. What lets a reader find the run that moves one setting without building any config. `seeds`,
 * `perObjective`, `points` and `firstPoint` hold for a random search too (its points are its samples; not `sizes`).
 */
export function gridLayout(spec: SweepSpec): { seeds: number; perObjective: number; entries: GridEntryLayout[] } {
  let firstPoint = 0;
  const entries = spec.optimizers.map((entry) => {
    const axes = axesOf(entry);
    const sizes = axes.map(([, axis]) => axisSize(axis));
    const layout = { keys: axes.map(([key]) => key), sizes, points: entryPoints(spec, entry), firstPoint };
    firstPoint += layout.points;
    return layout;
  });
  return { seeds: spec.seeds.length, perObjective: firstPoint * spec.seeds.length, entries };
}

/**
 * The trace size of each run when a spec leaves it open: the whole sweep keeps about `autoTraceRowBudget` rows, so a
 * sweep of 10 runs keeps 1,000 rows a run and one of 10,000 runs keeps 200: storing it stays a matter of seconds
 * while every chart still has its start, its end, its spike and a log-spaced middle.
 */
export function autoTracePoints(runCount: number): number {
  const share = Math.floor(SweepLimits.autoTraceRowBudget / Math.max(runCount, 1));
  return Math.min(SweepLimits.defaultTracePoints, Math.max(SweepLimits.minAutoTracePoints, share));
}

/**
 * The runs of a validated spec one at a time, in the documented order, with ids `${sweepId}:${index padded to 6
 * digits}`: a sweep of 10⁶ runs costs its spec and the run being built, not 10⁶ configs. The indexes in `skip` are
 * passed over without building their configs (Resume: the runs already stored), the others keep their index and id.
 */
export function expandSweepLazily(
  sweepId: string,
  spec: SweepSpec,
  skip: ReadonlySet<number> = new Set(),
): Generator<RunConfig, void, undefined> {
  return expandRuns(sweepId, spec, 0, Infinity, skip);
}

/**
 * The runs of indexes `from` to `to` (excluded) of a validated spec, exactly as expandSweepLazily gives them, built
 * without the ones before: whole objectives and optimizer points before `from` are passed over by counting (a random
 * search still draws, and drops, the values of the samples it passes). What a pool worker expands of a sweep.
 */
export function expandSweepRange(
  sweepId: string,
  spec: SweepSpec,
  from: number,
  to: number,
): Generator<RunConfig, void, undefined> {
  return expandRuns(sweepId, spec, Math.max(0, from), to, noSkip);
}

/** No index passed over: one set, not one constructed by every call (a default parameter). */
const noSkip: ReadonlySet<number> = new Set();

function* expandRuns(
  sweepId: string,
  spec: SweepSpec,
  from: number,
  to: number,
  skip: ReadonlySet<number>,
): Generator<RunConfig, void, undefined> {
  const traceMaxPoints = spec.traceMaxPoints ?? autoTracePoints(countRuns(spec));
  const { seeds, perObjective } = gridLayout(spec);
  for (const [o, objective] of spec.objectives.entries()) {
    const start = o * perObjective;
    if (start >= to) return;
    if (start + perObjective <= from) continue;
    const firstPoint = Math.max(0, Math.floor((from - start) / seeds));
    let index = start + firstPoint * seeds;
    for (const point of optimizerPoints(spec, firstPoint)) {
      let built: OptimizerConfig | null = null;
      for (const seed of spec.seeds) {
        if (index >= to) return;
        if (index < from || skip.has(index)) {
          index++;
          continue;
        }
        // Each run's optimizer config is a copy of its point's, even for a single seed: the objects `config()` makes
        // change their hidden class as the points are built, and code that had read them deoptimized (a cascade of
        // "wrong map" deopts through every reader of a config in most one-thread runs); a copy has a settled one.
        const optimizer = { ...(built ??= point.config()) };
        // The optional fields are added in their place rather than spread from literals, which cost ~0.1 µs a run
        // (a worker expands every run it computes): the same keys in the same order.
        const config = {
          id: runId(sweepId, index),
          sweepId,
          index: index++,
          objective: { ...objective },
          start: spec.start && [...spec.start],
          optimizer,
          steps: spec.steps,
          seed,
          tolerance: spec.tolerance,
        } as RunConfig;
        // A sweep stored before the field existed has none: its runs read as the default, as they ran.
        if (spec.divergenceThreshold !== undefined) config.divergenceThreshold = spec.divergenceThreshold;
        config.traceMaxPoints = traceMaxPoints;
        // Only when asked for, so that every other run's config (and JSON) stays as it was.
        if (spec.continueAfterNonFinite) config.continueAfterNonFinite = true;
        yield config;
      }
    }
  }
}

/** Every run of a validated spec at once (see expandSweepLazily): for the CLI, tests and small sweeps. */
export function expandSweep(sweepId: string, spec: SweepSpec): RunConfig[] {
  return Array.from(expandSweepLazily(sweepId, spec));
}

/**
 * The indexes of the runs of a sweep of `runCount` runs whose ids are in `ids` (ids of other sweeps, or that no run
 * of this one has, are ignored), read from the ids without expanding the sweep.
 */
export function runIndexesOf(sweepId: string, runCount: number, ids: Iterable<string>): Set<number> {
  const prefix = `${sweepId}:`;
  const indexes = new Set<number>();
  for (const id of ids) {
    // runId's form read back digit by digit (a Resume may name 10⁶ ids): at least 6 digits, no extra leading zero.
    const digits = id.length - prefix.length;
    if (digits < 6 || !id.startsWith(prefix) || (digits > 6 && id.charCodeAt(prefix.length) === 48)) continue;
    let index = 0;
    for (let i = prefix.length; i < id.length && index < runCount; i++) {
      const digit = id.charCodeAt(i) - 48;
      index = digit >= 0 && digit <= 9 ? index * 10 + digit : runCount;
    }
    if (index < runCount) indexes.add(index);
  }
  return indexes;
}
