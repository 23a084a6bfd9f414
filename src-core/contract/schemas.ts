/**
 * The schemas every boundary validates with, shared by main and renderer so both refuse the same things with the same
 * words. Messages follow PyTorch's: they name the field, the value and what is allowed.
 */
import * as v from 'valibot';

/** Limits a user meets before anything runs. */
export const Limits = {
  maxRuns: 10_000,
  maxSteps: 100_000,
  maxListLength: 1_000,
  maxNameLength: 200,
  maxRunIdsPerAck: 100_000,
  maxFileChars: 256 * 1024 * 1024,
} as const;

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
};

/** A finite number satisfying `allowed`, refused as `Invalid <label>: <value> (must be <rule>)`. */
const finiteNumber = (label: string, rule: string, allowed: (x: number) => boolean) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => typeof x === 'number' && Number.isFinite(x) && allowed(x),
      (issue) => `Invalid ${label}: ${show(issue.input)} (must be ${rule})`,
    ),
    v.transform((x) => x as number),
  );

const list = <T extends v.GenericSchema<unknown, number>>(label: string, item: T) =>
  v.pipe(
    v.array(item, `Invalid ${label} list: must be a list of numbers`),
    v.minLength(1, `Invalid ${label} list: give at least one value`),
    v.maxLength(Limits.maxListLength, `Invalid ${label} list: at most ${Limits.maxListLength} values`),
  );

// NaN fails every check below because each is written as a positive test (x > 0, x >= 0), never as a negated one.
export const learningRate = finiteNumber('learning rate', 'a finite number > 0', (x) => x > 0);
export const epsilon = finiteNumber('epsilon', 'a finite number >= 0', (x) => x >= 0);
export const weightDecay = finiteNumber('weight decay', 'a finite number >= 0', (x) => x >= 0);
export const startCoordinate = finiteNumber('start point', 'a finite number', () => true);
export const stepCount = finiteNumber('number of steps', `a whole number from 1 to ${Limits.maxSteps}`, (x) =>
  Number.isInteger(x) && x >= 1 && x <= Limits.maxSteps,
);

export const SweepSpecSchema = v.pipe(
  v.strictObject(
    {
      name: v.pipe(
        v.string('Invalid sweep name: must be text'),
        v.trim(),
        v.maxLength(Limits.maxNameLength, `Invalid sweep name: at most ${Limits.maxNameLength} characters`),
      ),
      objective: v.picklist(['quadratic-1d'], (issue) => `Invalid objective: ${show(issue.input)} (must be one of quadratic-1d)`),
      start: v.pipe(v.array(startCoordinate, 'Invalid start point: must be a list of numbers'), v.length(1, 'Invalid start point: f(x)=x² takes 1 coordinate')),
      lrs: list('learning rate', learningRate),
      eps: list('epsilon', epsilon),
      weightDecays: list('weight decay', weightDecay),
      steps: stepCount,
    },
    (issue) =>
      !issue.path
        ? `Invalid sweep: ${show(issue.input)} (must be an object)`
        : issue.input === undefined
          ? 'Missing field: a sweep needs it'
          : `Unknown field: ${show(issue.input)} is not part of a sweep`,
  ),
  v.check(
    (spec) => spec.lrs.length * spec.eps.length * spec.weightDecays.length <= Limits.maxRuns,
    (issue) => {
      const s = issue.input;
      const runs = s.lrs.length * s.eps.length * s.weightDecays.length;
      return `Invalid sweep size: ${runs} runs (must be at most ${Limits.maxRuns})`;
    },
  ),
);

const runIdList = v.pipe(
  v.array(v.pipe(v.string('Invalid run id: must be text'), v.maxLength(200, 'Invalid run id: at most 200 characters'))),
  v.maxLength(Limits.maxRunIdsPerAck, `Invalid run id list: at most ${Limits.maxRunIdsPerAck} ids`),
);

export const AcknowledgeSchema = runIdList;

export const SaveFileSchema = v.strictObject({
  suggestedName: v.pipe(
    v.string('Invalid file name: must be text'),
    v.minLength(1, 'Invalid file name: must not be empty'),
    v.maxLength(200, 'Invalid file name: at most 200 characters'),
    v.regex(/^[^/\\:*?"<>|\0]+$/, 'Invalid file name: must not contain / \\ : * ? " < > |'),
  ),
  content: v.pipe(v.string('Invalid file content: must be text'), v.maxLength(Limits.maxFileChars, 'Invalid file content: too large')),
});

/** Validates `input`; on failure the message names the field path and what is wrong. */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; message: string } {
  const parsed = v.safeParse(schema, input, { abortPipeEarly: true });
  if (parsed.success) return { ok: true, value: parsed.output };
  const issue = parsed.issues[0];
  const path = v.getDotPath(issue);
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message };
}
