/**
 * The schema of an ObjectiveConfig, checked at the edge like every spec: a variant on `id`, strict objects, and
 * messages in the house style `Invalid <label>: <value> (must be <rule>)`. The limits keep one objective's data and
 * buffers within what a desktop worker can hold; the form reads them too, so they are exported.
 */
import * as v from 'valibot';
import { formatCount, numberField, wholeNumber } from './fields';
import { show } from './show';
import type { ObjectiveConfig, ObjectiveId } from './engine';

export const ObjectiveLimits = {
  maxDim: 1_000_000,
  minRosenbrockDim: 2,
  maxSamples: 1_000_000,
  maxFeatures: 10_000_000,
  maxNonZerosPerSample: 1_000,
  /** samples × nonZerosPerSample: the data set's indices take 4 bytes each (200 MB at the limit). */
  maxTotalNonZeros: 50_000_000,
  maxSeed: 0xffffffff,
  /** How many np.random.randn(2, 2) calls after np.random.seed(42) constant-gradient may reach. */
  maxDraw: 10,
} as const;

/** Every objective id; `satisfies` makes the compiler refuse this list when ObjectiveConfig gains an id it lacks. */
const idSet = {
  'quadratic-1d': true,
  'elliptic-2d': true,
  'linear-regression': true,
  'constant-gradient': true,
  'sparse-logreg': true,
  rosenbrock: true,
  'ill-conditioned': true,
  rastrigin: true,
} as const satisfies Record<ObjectiveId, true>;
export const objectiveIds = Object.keys(idSet) as ObjectiveId[];

/** A strict object for one objective: a missing or unknown field is named, with the objective it belongs to. */
const objective = <I extends ObjectiveId, E extends v.ObjectEntries>(id: I, entries: E) =>
  v.strictObject({ id: v.literal(id), ...entries }, (issue) =>
    issue.input === undefined
      ? `Missing field: ${id} needs it`
      : `Unknown field: ${show(issue.input)} is not part of ${id}`,
  );

const dim = (min: number) => wholeNumber('dimension', min, ObjectiveLimits.maxDim);

const sparseLogreg = v.pipe(
  objective('sparse-logreg', {
    samples: wholeNumber('number of samples', 1, ObjectiveLimits.maxSamples),
    features: wholeNumber('number of features', 1, ObjectiveLimits.maxFeatures),
    nonZerosPerSample: wholeNumber('non-zeros per sample', 1, ObjectiveLimits.maxNonZerosPerSample),
    zipfExponent: numberField('Zipf exponent', 'a finite number > 0', (x) => x > 0 && Number.isFinite(x)),
    seed: wholeNumber('seed', 0, ObjectiveLimits.maxSeed),
    // Optional so that configs stored before stochastic runs existed still mean what they meant: the full batch.
    batchSize: v.optional(wholeNumber('batch size', 0, ObjectiveLimits.maxSamples)),
  }),
  v.forward(
    v.check(
      (c) => c.nonZerosPerSample <= c.features,
      (issue) =>
        `Invalid non-zeros per sample: ${issue.input.nonZerosPerSample} (must be at most the number of features, ${issue.input.features})`,
    ),
    ['nonZerosPerSample'],
  ),
  v.forward(
    v.check(
      (c) => (c.batchSize ?? 0) <= c.samples,
      (issue) =>
        `Invalid batch size: ${issue.input.batchSize} (must be at most the number of samples, ${issue.input.samples}; 0 means all of them)`,
    ),
    ['batchSize'],
  ),
  v.check(
    (c) => c.samples * c.nonZerosPerSample <= ObjectiveLimits.maxTotalNonZeros,
    (issue) =>
      `Invalid data set size: ${issue.input.samples * issue.input.nonZerosPerSample} non-zeros ` +
      `(must be at most ${formatCount(ObjectiveLimits.maxTotalNonZeros)}: fewer samples or non-zeros per sample)`,
  ),
);

export const ObjectiveConfigSchema = v.variant(
  'id',
  [
    objective('quadratic-1d', {}),
    objective('elliptic-2d', {}),
    objective('linear-regression', {}),
    objective('constant-gradient', {
      startDraw: v.optional(wholeNumber('start draw', 1, ObjectiveLimits.maxDraw)),
      gradientDraw: v.optional(wholeNumber('gradient draw', 1, ObjectiveLimits.maxDraw)),
    }),
    sparseLogreg,
    objective('rosenbrock', { dim: dim(ObjectiveLimits.minRosenbrockDim) }),
    objective('ill-conditioned', {
      dim: dim(1),
      condition: numberField('condition number', 'a finite number >= 1', (x) => x >= 1 && Number.isFinite(x)),
    }),
    objective('rastrigin', { dim: dim(1) }),
  ],
  (issue) =>
    issue.path
      ? `Invalid objective: ${show(issue.input)} (must be one of ${objectiveIds.join(', ')})`
      : `Invalid objective: ${show(issue.input)} (must be an object with an id)`,
);

// The schema and the engine's type must describe the same objects; this fails to compile when they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemaMatchesType: Same<v.InferOutput<typeof ObjectiveConfigSchema>, ObjectiveConfig> = true;
