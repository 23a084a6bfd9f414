/**
 * Sweep specs, version 2: what a user asks for, and the runs it expands to.
 *
 * A sweep crosses objectives × optimizer points × seeds. Each entry of `optimizers` is one optimizer kind with some
 * hyperparameters fixed and some swept along axes; the entries' grids are added, not crossed, so AdaGrad's grid and
 * Adam's grid can sit in one sweep. `search.mode` 'grid' takes the cross product of an entry's axes; 'random' draws
 * `samples` points per entry (every axis sampled independently; a discrete axis picks one of its points uniformly), so
 * each optimizer gets the same budget and can be compared fairly.
 *
 * This schema checks each field on its own (types, ranges, known hyperparameter names, strict objects). What depends on
 * several fields (the start's length against every objective, the number of runs, hyperparameter values against the
 * optimizer's own rules, continuous axes only in random mode) is checked by `validateSweepSpec`
 * (src-core/sweep/expand.ts), which is the function the edges call.
 */
import * as v from 'valibot';
import { formatCount, numberField, wholeNumber } from './fields';
import { show } from './show';
import type { ObjectiveConfig, OptimizerConfig, OptimizerKind } from './engine';
import { ObjectiveConfigSchema, ObjectiveLimits } from './objective-schema';
import { OptimizerConfigSchema } from './optimizer-schema';
import { kindMessage, optimizerKinds } from '../optim/rules';

export const SweepLimits = {
  maxSteps: 1_000_000,
  defaultMaxRuns: 10_000,
  /** The most runs a user may allow by raising maxRuns. */
  maxRunsCeiling: 1_000_000,
  /** The start, the end and the loss spike need three rows. */
  minTracePoints: 3,
  maxTracePoints: 100_000,
  /** The most rows a run keeps when the spec leaves the trace size to the sweep (a small sweep keeps this many). */
  defaultTracePoints: 1000,
  /** The fewest rows a run keeps when the trace size is left to a large sweep. */
  minAutoTracePoints: 50,
  /** Rows kept across a whole sweep when the trace size is left to it: what IndexedDB stores in a few seconds. */
  autoTraceRowBudget: 2_000_000,
  maxListLength: 1000,
  maxAxisPoints: 1_000_000,
  maxSamples: 1_000_000,
  maxSeed: 0xffffffff,
  maxNameLength: 200,
} as const;

/** The hyperparameters of one optimizer kind: its config without `kind`. */
export type Hyperparameters<K extends OptimizerKind> = Omit<Extract<OptimizerConfig, { kind: K }>, 'kind'>;
export type HyperparameterValue = number | boolean | string;

export interface Range {
  from: number;
  to: number;
}

/**
 * One swept hyperparameter. `values`, `linear` and `log` are discrete (count points, both ends included; log spaces
 * them geometrically and needs both ends > 0); `uniform` and `logUniform` are continuous, for random search only.
 */
export type Axis =
  | { values: HyperparameterValue[] }
  | { linear: Range & { count: number } }
  | { log: Range & { count: number } }
  | { uniform: Range }
  | { logUniform: Range };

/** One optimizer kind's part of a sweep: `fixed` is merged over the kind's defaults, `axes` over that. */
export type OptimizerAxis = {
  [K in OptimizerKind]: {
    kind: K;
    fixed: Partial<Hyperparameters<K>>;
    axes: Partial<Record<keyof Hyperparameters<K>, Axis>>;
  };
}[OptimizerKind];

export type SearchSpec = { mode: 'grid' } | { mode: 'random'; samples: number; seed: number };

/** A validated sweep; defaults filled in. */
export interface SweepSpec {
  name: string;
  objectives: ObjectiveConfig[];
  /** null: each objective's default start. Otherwise its length must equal every objective's dimension. */
  start: number[] | null;
  optimizers: OptimizerAxis[];
  steps: number;
  /** Every optimizer point runs once per seed. */
  seeds: number[];
  /** A run converged when its final loss is ≤ tolerance; null: no tolerance. */
  tolerance: number | null;
  /**
   * A run diverged (blew up) at the first step whose loss is above this × |its initial loss|; 'off': only non-finite
   * values make a run diverge. Validation fills in the default; a sweep stored before it existed has none, and its runs
   * (expandSweep passes it on) read as the default.
   */
  divergenceThreshold?: DivergenceThreshold;
  /**
   * Keep stepping after a run diverges (a non-finite loss, θ or accumulator, or a loss above the divergence
   * threshold), as a PyTorch loop does; absent or false: stop there.
   */
  continueAfterNonFinite?: boolean;
  /** Rows a run's trace keeps at most; null: sized to the sweep (`autoTracePoints`). */
  traceMaxPoints: number | null;
  search: SearchSpec;
  maxRuns: number;
}

/** One run: a pure function of this object. */
export interface RunConfig {
  id: string;
  sweepId: string;
  /** Position in the sweep's expansion; fixes the display order. */
  index: number;
  objective: ObjectiveConfig;
  start: number[] | null;
  optimizer: OptimizerConfig;
  steps: number;
  seed: number;
  tolerance: number | null;
  /** See SweepSpec; absent in runs stored before it existed, which read as the default. */
  divergenceThreshold?: DivergenceThreshold;
  traceMaxPoints: number;
  /**
   * Keep stepping after the first divergence (a non-finite loss, θ or accumulator, or a loss above the divergence
   * threshold), as a PyTorch loop does (its summary still says where it diverged first); absent (false): the run stops
   * there.
   */
  continueAfterNonFinite?: boolean;
}

/** How far above its initial loss a run's loss may go before the run counts as diverged; 'off': no limit. */
export type DivergenceThreshold = number | 'off';
/** 10⁶ × the initial loss. */
export const defaultDivergenceThreshold = 1e6;

/** Every hyperparameter name per kind, in the engine's order; `satisfies` refuses a list that drifts from OptimizerConfig. */
const names = {
  adagrad: {
    lr: true,
    eps: true,
    epsPlacement: true,
    weightDecay: true,
    decoupledWeightDecay: true,
    initialAccumulator: true,
    lrDecay: true,
    maximize: true,
  },
  sgd: { lr: true, momentum: true, dampening: true, nesterov: true, weightDecay: true, maximize: true },
  rmsprop: { lr: true, alpha: true, eps: true, momentum: true, centered: true, weightDecay: true, maximize: true },
  adam: { lr: true, beta1: true, beta2: true, eps: true, weightDecay: true, amsgrad: true, maximize: true },
} as const satisfies { [K in OptimizerKind]: Record<keyof Hyperparameters<K>, true> };

export { optimizerKinds } from '../optim/rules';
/** The names `fixed` and `axes` accept for a kind (for the form's axis picker too). */
export const hyperparameterNames = (kind: OptimizerKind): string[] => Object.keys(names[kind]);

const afterNonFinite = v.boolean(
  (issue) => `Invalid continue after non-finite: ${show(issue.input)} (must be true or false)`,
);
const finite = (label: string) => numberField(label, 'a finite number', Number.isFinite);
const positive = (label: string) => numberField(label, 'a finite number > 0', (x) => x > 0 && Number.isFinite(x));

/** A finite number above 1, or 'off'. */
const DivergenceThresholdSchema = v.pipe(
  v.unknown(),
  v.check(
    (x) => x === 'off' || (typeof x === 'number' && x > 1 && Number.isFinite(x)),
    (issue) => `Invalid divergence threshold: ${show(issue.input)} (must be > 1 or off)`,
  ),
  v.transform((x) => x as DivergenceThreshold),
);

/** A strict object whose messages name it (`label`) and add `hint` to the refusal of an unknown key. */
export const strict = <E extends v.ObjectEntries>(entries: E, label: string, hint = '') => {
  const what = `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
  return v.strictObject(entries, (issue) =>
    issue.expected === 'never'
      ? `Unknown field: ${show(issue.input)} is not part of ${what}${hint}`
      : issue.input === undefined
        ? `Missing field: ${what} needs it`
        : `Invalid ${label}: ${show(issue.input)} (must be an object)`,
  );
};

const list = <T extends v.GenericSchema>(label: string, item: T, max: number = SweepLimits.maxListLength) =>
  v.pipe(
    v.array(item, (issue) => `Invalid ${label} list: ${show(issue.input)} (must be a list)`),
    v.minLength(1, `Invalid ${label} list: give at least one`),
    v.maxLength(
      max,
      (issue) =>
        `Invalid ${label} list: ${formatCount((issue.input as unknown[]).length)} values (must be at most ${formatCount(max)})`,
    ),
  );

const axisValue = v.pipe(
  v.unknown(),
  v.check(
    (x) => typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string',
    (issue) => `Invalid axis value: ${show(issue.input)} (must be a number, true, false or text)`,
  ),
  v.transform((x) => x as HyperparameterValue),
);
const count = wholeNumber('number of points', 1, SweepLimits.maxAxisPoints);
const linearRange = { from: finite('range start'), to: finite('range end') };
const logRange = { from: positive('log range start'), to: positive('log range end') };

const axisKinds = ['values', 'linear', 'log', 'uniform', 'logUniform'] as const;

/**
 * An object with exactly one of the axis kinds as its key, so each kind's fields get their own messages. A list is
 * refused first: valibot's object schemas see inherited keys, and Array.prototype has `values`.
 */
export const AxisSchema = v.pipe(
  v.unknown(),
  v.check(
    (x) => !Array.isArray(x),
    (issue) => `Invalid axis: ${show(issue.input)} (must be an object)`,
  ),
  strict(
    {
      values: v.optional(list('axis value', axisValue)),
      linear: v.optional(strict({ ...linearRange, count }, 'linear range')),
      log: v.optional(strict({ ...logRange, count }, 'log range')),
      uniform: v.optional(strict(linearRange, 'uniform range')),
      logUniform: v.optional(strict(logRange, 'log-uniform range')),
    },
    'axis',
    ` (must be one of ${axisKinds.join(', ')})`,
  ),
  // A kind given as undefined (structured clone keeps such keys) counts as absent, and refuses the axis if it is alone.
  v.check(
    (axis) => Object.keys(axis).length === 1 && Object.values(axis)[0] !== undefined,
    (issue) => {
      const given = Object.entries(issue.input).flatMap(([kind, value]) => (value === undefined ? [] : [kind]));
      return `Invalid axis: ${given.join(', ') || 'nothing'} (must be exactly one of ${axisKinds.join(', ')})`;
    },
  ),
);

/** `fixed` and `axes` of one kind: strict objects over its hyperparameter names, so a stray name is refused by name. */
const optimizerAxisSchema = (kind: OptimizerKind) => {
  const keys = hyperparameterNames(kind);
  const over = <T extends v.GenericSchema>(item: T, what: string) =>
    v.strictObject(Object.fromEntries(keys.map((key) => [key, v.optional(item)])), (issue) =>
      issue.expected === 'never'
        ? `Unknown hyperparameter: ${show(issue.input)} is not an option of ${kind} (must be one of ${keys.join(', ')})`
        : `Invalid ${what}: ${show(issue.input)} (must be an object)`,
    );
  return strict(
    {
      kind: v.literal(kind),
      fixed: v.optional(over(v.unknown(), 'fixed hyperparameters'), {}),
      axes: v.optional(over(AxisSchema, 'axes'), {}),
    },
    'optimizer axis',
    ' (hyperparameters go in fixed or axes)',
  );
};

const SearchSchema = v.variant(
  'mode',
  [
    strict({ mode: v.literal('grid') }, 'grid search'),
    strict(
      {
        mode: v.literal('random'),
        samples: wholeNumber('number of samples', 1, SweepLimits.maxSamples),
        seed: wholeNumber('search seed', 0, SweepLimits.maxSeed),
      },
      'random search',
    ),
  ],
  (issue) => `Invalid search: ${show(issue.input)} (must be { mode: 'grid' } or { mode: 'random', samples, seed })`,
);

/** The structure of a sweep spec, each field on its own; `validateSweepSpec` adds the checks across fields. */
export const SweepSpecSchema = strict(
  {
    // The length is checked before trim() reads the text: trimming a huge string would copy it first (see show.ts).
    name: v.pipe(
      v.string((issue) => `Invalid sweep name: ${show(issue.input)} (must be text)`),
      v.maxLength(
        SweepLimits.maxNameLength,
        (issue) => `Invalid sweep name: ${show(issue.input)} (must be at most ${SweepLimits.maxNameLength} characters)`,
      ),
      v.trim(),
      // The name goes into every CSV row and the CLI's progress line: an escape sequence in it would drive whoever reads
      // them in a terminal (its cursor, its title), and a line break would split a line that is read as one.
      v.check(
        (name) => !/\p{Cc}/u.test(name),
        (issue) =>
          `Invalid sweep name: ${show(issue.input)} (must not contain tabs, line breaks or other control characters)`,
      ),
    ),
    objectives: list('objective', ObjectiveConfigSchema),
    start: v.optional(v.nullable(list('start point', finite('start point'), ObjectiveLimits.maxDim)), null),
    optimizers: list(
      'optimizer',
      v.variant('kind', optimizerKinds.map(optimizerAxisSchema), (issue) =>
        issue.path
          ? kindMessage(issue.input)
          : `Invalid optimizer: ${show(issue.input)} (must be an object with a kind)`,
      ),
    ),
    steps: wholeNumber('number of steps', 1, SweepLimits.maxSteps),
    seeds: v.optional(
      v.pipe(
        list('seed', wholeNumber('seed', 0, SweepLimits.maxSeed)),
        v.check(
          (seeds) => new Set(seeds).size === seeds.length,
          (issue) =>
            `Invalid seed list: ${issue.input.find((s, i) => issue.input.indexOf(s) !== i)} appears twice (each seed once)`,
        ),
      ),
      [0],
    ),
    tolerance: v.optional(v.nullable(finite('tolerance')), null),
    divergenceThreshold: v.optional(DivergenceThresholdSchema, defaultDivergenceThreshold),
    continueAfterNonFinite: v.optional(afterNonFinite),
    traceMaxPoints: v.optional(
      v.nullable(wholeNumber('trace size', SweepLimits.minTracePoints, SweepLimits.maxTracePoints)),
      null,
    ),
    search: v.optional(SearchSchema, { mode: 'grid' }),
    maxRuns: v.optional(wholeNumber('run limit', 1, SweepLimits.maxRunsCeiling), SweepLimits.defaultMaxRuns),
  },
  'sweep',
);

/** What a user may send: the optional fields may be left out. */
export type SweepSpecInput = v.InferInput<typeof SweepSpecSchema>;

/**
 * One run as it crosses a boundary on its own (an export of stored runs, the command line's --run file), field by
 * field with the same rules and words as a spec. Whether `start` fits the objective is left to the run itself, which
 * fails alone with its reason, as in a sweep.
 */
export const RunConfigSchema = strict(
  {
    id: v.pipe(
      v.string((issue) => `Invalid run id: ${show(issue.input)} (must be text)`),
      v.maxLength(200, 'Invalid run id: at most 200 characters'),
    ),
    sweepId: v.pipe(
      v.string((issue) => `Invalid sweep id: ${show(issue.input)} (must be text)`),
      v.maxLength(200, 'Invalid sweep id: at most 200 characters'),
    ),
    index: wholeNumber('run index', 0, SweepLimits.maxRunsCeiling),
    objective: ObjectiveConfigSchema,
    start: v.nullable(list('start point', finite('start point'), ObjectiveLimits.maxDim)),
    optimizer: OptimizerConfigSchema,
    steps: wholeNumber('number of steps', 1, SweepLimits.maxSteps),
    seed: wholeNumber('seed', 0, SweepLimits.maxSeed),
    tolerance: v.nullable(finite('tolerance')),
    divergenceThreshold: v.optional(DivergenceThresholdSchema),
    traceMaxPoints: wholeNumber('trace size', SweepLimits.minTracePoints, SweepLimits.maxTracePoints),
    continueAfterNonFinite: v.optional(afterNonFinite),
  },
  'run config',
);

// The schema's output is exactly the engine's type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _runConfigMatches: Same<v.InferOutput<typeof RunConfigSchema>, RunConfig> = true;
