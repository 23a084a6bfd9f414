/**
 * Sweep specs v2 (see src-core/contract/sweep-spec.ts): the checks across fields, the run count, and the expansion to
 * RunConfigs in a fixed order so that the same spec and sweep id always give the same runs and ids.
 *
 * Order: objectives outermost, then the `optimizers` entries, then each entry's points (grid: its axes in key-sorted
 * order, the first key slowest; random: sample by sample), then seeds innermost.
 */
import type { OptimizerConfig } from '../contract/engine';
import { OptimizerConfigSchema } from '../contract/optimizer-schema';
import { firstIssue, validate } from '../contract/schemas';
import {
  SweepLimits,
  SweepSpecSchema,
  type Axis,
  type HyperparameterValue,
  type OptimizerAxis,
  type RunConfig,
  type SweepSpec,
} from '../contract/sweep-spec';
import { objectiveDimension } from '../objectives';
import { optimizerDefaults } from '../optim';

export type SweepValidation = { ok: true; value: SweepSpec } | { ok: false; message: string };

export const runId = (sweepId: string, index: number): string => `${sweepId}:${String(index).padStart(6, '0')}`;

/**
 * An interior point rounded to 15 significant digits, so a decade grid reads 0.01 and not 0.010000000000000002; kept
 * between the ends for ranges narrower than that precision (rounding is monotone, so the points stay in order).
 */
const tidy = (x: number, from: number, to: number): number =>
  Math.min(Math.max(Number(x.toPrecision(15)), Math.min(from, to)), Math.max(from, to));

/**
 * The `count` points of a linear or log range, both ends included and exact (count 1 gives `from`). Log points are
 * from·(to/from)^(i/(count−1)).
 */
export function rangePoints(scale: 'linear' | 'log', from: number, to: number, count: number): number[] {
  if (count === 1) return [from];
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return from;
    if (i === count - 1) return to;
    const t = i / (count - 1);
    return tidy(scale === 'linear' ? from + (to - from) * t : from * Math.pow(to / from, t), from, to);
  });
}

/** The points of a discrete axis; null for a continuous one (uniform, logUniform). */
export function axisPoints(axis: Axis): HyperparameterValue[] | null {
  if ('values' in axis) return axis.values;
  if ('linear' in axis) return rangePoints('linear', axis.linear.from, axis.linear.to, axis.linear.count);
  if ('log' in axis) return rangePoints('log', axis.log.from, axis.log.to, axis.log.count);
  return null;
}

/** A discrete axis's number of points without listing them; Infinity for a continuous one. */
const axisSize = (axis: Axis): number =>
  'values' in axis ? axis.values.length : 'linear' in axis ? axis.linear.count : 'log' in axis ? axis.log.count : Infinity;

const axesOf = (entry: OptimizerAxis): [string, Axis][] =>
  (Object.entries(entry.axes) as [string, Axis | undefined][])
    .filter((pair): pair is [string, Axis] => pair[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The number of runs a spec expands to, computed without expanding it, so that a grid of 10⁹ runs is refused at once.
 * Grid: Σ over `optimizers` of the product of its axis sizes, × objectives × seeds. Random: samples × optimizers ×
 * objectives × seeds.
 */
export function countRuns(spec: SweepSpec): number {
  const perObjectiveAndSeed =
    spec.search.mode === 'random'
      ? spec.search.samples * spec.optimizers.length
      : spec.optimizers.reduce((sum, entry) => sum + axesOf(entry).reduce((product, [, axis]) => product * axisSize(axis), 1), 0);
  return perObjectiveAndSeed * spec.objectives.length * spec.seeds.length;
}

/** The hyperparameters an entry's runs all share: the kind's defaults under `fixed`. */
const baseOf = (entry: OptimizerAxis): Record<string, unknown> => ({ ...optimizerDefaults[entry.kind], ...entry.fixed });

/**
 * Validates a sweep spec at the edge: its structure (SweepSpecSchema), then what depends on several fields. Messages
 * start with the path of the field they are about, as `validate` writes them.
 *
 * Hyperparameter values are checked by the optimizer's own schema, merged over the kind's defaults and `fixed`, one
 * axis at a time with every other axis at its first point: each listed value, and the two ends of a range (the
 * optimizers' rules are intervals, so a range whose ends pass lies inside; a continuous range's `to` must pass too).
 * In a grid every point checked is a real run, so nothing valid is refused. A rule across two swept hyperparameters
 * (SGD's nesterov needs momentum) is only checked along those lines; a run that still breaks one fails alone, with
 * the optimizer's message, when it is built.
 */
export function validateSweepSpec(input: unknown): SweepValidation {
  // valibot's object schemas take a list for an object, and would then report its first missing key.
  if (Array.isArray(input)) return { ok: false, message: 'Invalid sweep: a list (must be an object)' };
  const parsed = validate(SweepSpecSchema, input);
  if (!parsed.ok) return parsed;
  // The schema has checked every hyperparameter name against its kind; values are checked below.
  const spec = parsed.value as SweepSpec;
  return checkAxesFitSearch(spec) ?? checkStart(spec) ?? checkSize(spec) ?? checkOptimizers(spec) ?? { ok: true, value: spec };
}

type Refusal = { ok: false; message: string } | null;
const refuse = (message: string): Refusal => ({ ok: false, message });

function checkAxesFitSearch(spec: SweepSpec): Refusal {
  for (const [i, entry] of spec.optimizers.entries()) {
    for (const [key, axis] of axesOf(entry)) {
      if (spec.search.mode === 'grid' && ('uniform' in axis || 'logUniform' in axis)) {
        const kind = 'uniform' in axis ? 'uniform' : 'logUniform';
        return refuse(`optimizers.${i}.axes.${key}: Invalid axis: ${kind} (must be values, linear or log in a grid search; ${kind} needs search mode 'random')`);
      }
      if (key in entry.fixed) {
        return refuse(`optimizers.${i}.axes.${key}: Invalid axis: ${key} is also fixed (give it in fixed or in axes, not both)`);
      }
    }
  }
  return null;
}

function checkStart(spec: SweepSpec): Refusal {
  if (spec.start === null) return null;
  for (const [i, objective] of spec.objectives.entries()) {
    const dim = objectiveDimension(objective);
    if (spec.start.length !== dim) {
      return refuse(
        `start: Invalid start point: ${spec.start.length} coordinate${spec.start.length === 1 ? '' : 's'} (must be ${dim}, the dimension of objectives.${i}, ${objective.id}; ` +
          'leave start null to use each objective’s default)',
      );
    }
  }
  return null;
}

function checkSize(spec: SweepSpec): Refusal {
  const runs = countRuns(spec);
  if (runs <= spec.maxRuns) return null;
  const raise = spec.maxRuns < SweepLimits.maxRunsCeiling ? `; raise maxRuns up to ${SweepLimits.maxRunsCeiling} to allow more` : '';
  return refuse(`Invalid sweep size: ${runs} runs (must be at most ${spec.maxRuns}${raise})`);
}

function checkOptimizers(spec: SweepSpec): Refusal {
  for (const [i, entry] of spec.optimizers.entries()) {
    const axes = axesOf(entry);
    // Ends to check per axis: a range's interior lies between its ends.
    const checkPoints = axes.map(([, axis]): HyperparameterValue[] => {
      if ('values' in axis) return axis.values;
      const range = 'linear' in axis ? axis.linear : 'log' in axis ? axis.log : 'uniform' in axis ? axis.uniform : axis.logUniform;
      return 'count' in range && range.count === 1 ? [range.from] : [range.from, range.to];
    });
    const first = { ...baseOf(entry), ...Object.fromEntries(axes.map(([key], a) => [key, checkPoints[a][0]])) };
    const firstIssue = optimizerIssue(first);
    if (firstIssue) {
      const key = firstIssue.key;
      const where = key === null ? '' : key in entry.axes ? `.axes.${key}` : `.fixed.${key}`;
      return refuse(`optimizers.${i}${where}: ${firstIssue.message}`);
    }
    for (const [a, [key]] of axes.entries()) {
      for (const point of checkPoints[a].slice(1)) {
        const issue = optimizerIssue({ ...first, [key]: point });
        if (issue) return refuse(`optimizers.${i}.axes.${key}: ${issue.message}`);
      }
    }
  }
  return null;
}

/** The optimizer schema's first complaint about `config`, with the top-level key it is about (null when none). */
function optimizerIssue(config: Record<string, unknown>): { key: string | null; message: string } | null {
  const { issue } = firstIssue(OptimizerConfigSchema, config);
  return issue && { key: typeof issue.key === 'string' ? issue.key : null, message: issue.message };
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

/** One draw from an axis: a discrete axis picks one of its points, a continuous one a value in [from, to). */
function draw(axis: Axis, points: HyperparameterValue[] | null, next: () => number): HyperparameterValue {
  if ('uniform' in axis) return axis.uniform.from + (axis.uniform.to - axis.uniform.from) * next();
  if ('logUniform' in axis) return axis.logUniform.from * Math.pow(axis.logUniform.to / axis.logUniform.from, next());
  const discrete = points as HyperparameterValue[];
  return discrete[Math.floor(next() * discrete.length)];
}

/** The optimizer configs of each `optimizers` entry, in expansion order. */
function optimizerPoints(spec: SweepSpec): OptimizerConfig[][] {
  // One stream for the whole sweep, drawn entry by entry, sample by sample, axis by axis.
  const random = spec.search.mode === 'random' ? { samples: spec.search.samples, next: splitmix32(spec.search.seed) } : null;
  return spec.optimizers.map((entry) => {
    const base = baseOf(entry);
    const axes = axesOf(entry);
    const points = axes.map(([, axis]) => axisPoints(axis));
    // Typed loosely while built: the spec's checks stand behind each point (see validateSweepSpec).
    const configs: Record<string, unknown>[] = [];
    if (random) {
      for (let s = 0; s < random.samples; s++) {
        const config = { ...base };
        axes.forEach(([key, axis], a) => (config[key] = draw(axis, points[a], random.next)));
        configs.push(config);
      }
      return configs as unknown as OptimizerConfig[];
    }
    // An odometer over the axes' indices, the last axis fastest.
    const grid = points as HyperparameterValue[][];
    const at = new Array<number>(axes.length).fill(0);
    for (;;) {
      const config = { ...base };
      axes.forEach(([key], a) => (config[key] = grid[a][at[a]]));
      configs.push(config);
      let a = axes.length - 1;
      while (a >= 0 && ++at[a] === grid[a].length) at[a--] = 0;
      if (a < 0) return configs as unknown as OptimizerConfig[];
    }
  });
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

/** Every run of a validated spec, in the documented order, with ids `${sweepId}:${index padded to 6 digits}`. */
export function expandSweep(sweepId: string, spec: SweepSpec): RunConfig[] {
  const perEntry = optimizerPoints(spec);
  const traceMaxPoints = spec.traceMaxPoints ?? autoTracePoints(countRuns(spec));
  const runs: RunConfig[] = [];
  for (const objective of spec.objectives) {
    for (const configs of perEntry) {
      for (const optimizer of configs) {
        for (const seed of spec.seeds) {
          const index = runs.length;
          runs.push({
            id: runId(sweepId, index),
            sweepId,
            index,
            objective: { ...objective },
            start: spec.start && [...spec.start],
            optimizer: { ...optimizer },
            steps: spec.steps,
            seed,
            tolerance: spec.tolerance,
            traceMaxPoints,
            // Only when asked for, so that every other run's config (and JSON) stays as it was.
            ...(spec.continueAfterNonFinite ? { continueAfterNonFinite: true } : {}),
          });
        }
      }
    }
  }
  return runs;
}
