/**
 * The checks across fields of a sweep spec its schema has passed (SweepSpecSchema checks each field on its own):
 * each axis fits the search and is not also fixed, the start point has each objective's dimension, the sweep is within
 * its run limit, and every optimizer value is one its optimizer takes. Every refusal is returned, so the form marks
 * them all at once (checkSweepSpec); validateSweepSpec (expand.ts) answers with the first, for the CLI, IPC and
 * serve mode.
 *
 * Hyperparameter values are checked by the optimizer's own schema, merged over the kind's defaults and `fixed`, one
 * axis at a time with every other axis at its first point: each listed value, and the two ends of a range (the
 * optimizers' rules are intervals, so a range whose ends pass lies inside; a continuous range's `to` must pass too).
 * In a grid every point checked is a real run, so nothing valid is refused. A rule across two swept hyperparameters
 * (SGD's nesterov needs momentum) is only checked along those lines; a run that still breaks one fails alone, with
 * the optimizer's message, when it is built.
 */
import { OptimizerConfigSchema } from '../contract/optimizer-schema';
import { everyIssue, validate } from '../contract/schemas';
import {
  SweepLimits,
  SweepSpecSchema,
  type Axis,
  type HyperparameterValue,
  type SweepSpec,
} from '../contract/sweep-spec';
import { objectiveDimension } from '../objectives';
import { numberRules } from '../optim/rules';
import { axesOf, baseOf, countRuns } from './entries';
import { formatAxis } from './parse';
import { formatCount } from '../contract/fields';

/**
 * A spec checked as a whole: its structure first (the schema's first complaint, since nothing across fields can be
 * checked before it holds), then every refusal across fields.
 */
export function checkSweepSpec(input: unknown): { ok: true; value: SweepSpec } | { ok: false; messages: string[] } {
  // valibot's object schemas take a list for an object, and would then report its first missing key.
  if (Array.isArray(input)) return { ok: false, messages: ['Invalid sweep: a list (must be an object)'] };
  const parsed = validate(SweepSpecSchema, input);
  if (!parsed.ok) return { ok: false, messages: [parsed.message] };
  // The schema has checked every hyperparameter name against its kind; values are checked across fields.
  const spec = parsed.value as SweepSpec;
  const refusals = crossFieldRefusals(spec);
  return refusals.length === 0 ? { ok: true, value: spec } : { ok: false, messages: refusals };
}

/**
 * Every refusal of the checks across fields, each starting with the path of the field it is about as `validate`
 * writes paths ("optimizers.0.axes.lr: Invalid learning rate: -1 (must be > 0)"; the sweep's size names none), in
 * the order validateSweepSpec has always reported the first: axes, start, size, then each optimizer entry's values.
 */
function crossFieldRefusals(spec: SweepSpec): string[] {
  return [...axisRefusals(spec), ...startRefusals(spec), ...sizeRefusals(spec), ...optimizerRefusals(spec)];
}

function axisRefusals(spec: SweepSpec): string[] {
  const refusals: string[] = [];
  for (const [i, entry] of spec.optimizers.entries()) {
    for (const [key, axis] of axesOf(entry)) {
      if (spec.search.mode === 'grid' && ('uniform' in axis || 'logUniform' in axis)) {
        const label = key in numberRules ? numberRules[key as keyof typeof numberRules].label : key;
        refusals.push(`optimizers.${i}.axes.${key}: ${randomAxisInGrid(label, axis)}`);
      } else if (key in entry.fixed) {
        refusals.push(
          `optimizers.${i}.axes.${key}: Invalid axis: ${key} is also fixed (give it in fixed or in axes, not both)`,
        );
      }
    }
  }
  return refusals;
}

/** Why an interval (uniform, loguniform) cannot be a grid's axis, in plain words: what it does and what a grid takes. */
const randomAxisInGrid = (label: string, axis: Axis): string =>
  `Invalid ${label}: ${formatAxis(axis)} draws values at random, so it needs a random search (a grid takes a list, lin(from, to, count) or log(from, to, count))`;

/** How the start point's refusal says to give each objective its own start, by the spec's value. */
const DEFAULT_START = 'leave start null';

function startRefusals(spec: SweepSpec): string[] {
  const { start } = spec;
  if (start === null) return [];
  return spec.objectives.flatMap((objective, i) => {
    const dim = objectiveDimension(objective);
    return start.length === dim
      ? []
      : [
          `start: Invalid start point: ${start.length} coordinate${start.length === 1 ? '' : 's'} (must be ${dim}, ` +
            `the dimension of objectives.${i}, ${objective.id}; ${DEFAULT_START} to use each objective’s default)`,
        ];
  });
}

function sizeRefusals(spec: SweepSpec): string[] {
  const runs = countRuns(spec);
  // Infinity only through an interval in a grid, which axisRefusals has refused in its own words.
  if (runs <= spec.maxRuns || runs === Infinity) return [];
  const raise =
    spec.maxRuns < SweepLimits.maxRunsCeiling
      ? `; ${RAISE_RUN_LIMIT} up to ${formatCount(SweepLimits.maxRunsCeiling)} to allow more`
      : '';
  // Counts read as they do everywhere else in the app ("80,004 runs"), in the form as from the CLI and serve mode.
  return [`Invalid sweep size: ${formatCount(runs)} runs (must be at most ${formatCount(spec.maxRuns)}${raise})`];
}

/**
 * The start point's refusal as a front end words it: the objective as it names it (the form: "f(x) = x²", not
 * "objectives.0, quadratic-1d") and its own way to ask for the default (the form: "write default", not "leave start
 * null"). Other messages come back as they are.
 */
export function withStartNamed(
  message: string,
  objectiveName: (index: number, id: string) => string,
  defaultStart: string,
): string {
  return message
    .replace(
      /the dimension of objectives\.(\d+), ([\w-]+);/,
      (_, index: string, id: string) => `the dimension of ${objectiveName(Number(index), id)};`,
    )
    .replace(DEFAULT_START, defaultStart);
}

/** How the sweep size's refusal says to allow more runs, naming the spec's key. */
const RAISE_RUN_LIMIT = 'raise maxRuns';

/**
 * A refusal with the run limit named as a front end names it rather than by the spec's key: the CLI's flag
 * (`--max-runs`), the form's field ("the Run limit"). Other messages come back as they are.
 */
export const withRunLimitNamed = (message: string, name: string): string =>
  message.replace(RAISE_RUN_LIMIT, `raise ${name}`);

/**
 * Per entry: what its optimizer refuses with every axis at its first point, then per axis each of its other points that
 * brings a refusal of its own (one not said already: a bad fixed value is said once), so that every bad value of a list
 * is named ("-1, -2": both).
 */
function optimizerRefusals(spec: SweepSpec): string[] {
  const refusals: string[] = [];
  for (const [i, entry] of spec.optimizers.entries()) {
    const axes = axesOf(entry);
    // Ends to check per axis: a range's interior lies between its ends.
    const checkPoints = axes.map(([, axis]): HyperparameterValue[] => {
      if ('values' in axis) return axis.values;
      const range =
        'linear' in axis ? axis.linear : 'log' in axis ? axis.log : 'uniform' in axis ? axis.uniform : axis.logUniform;
      return 'count' in range && range.count === 1 ? [range.from] : [range.from, range.to];
    });
    const first = { ...baseOf(entry), ...Object.fromEntries(axes.map(([key], a) => [key, checkPoints[a][0]])) };
    const firstIssues = optimizerIssues(first);
    for (const { key, message } of firstIssues) {
      const where = key === null ? '' : key in entry.axes ? `.axes.${key}` : `.fixed.${key}`;
      refusals.push(`optimizers.${i}${where}: ${message}`);
    }
    const known = new Set(firstIssues.map((issue) => issue.message));
    for (const [a, [key]] of axes.entries()) {
      for (const point of checkPoints[a].slice(1)) {
        const issue = optimizerIssues({ ...first, [key]: point }).find(({ message }) => !known.has(message));
        if (issue) {
          refusals.push(`optimizers.${i}.axes.${key}: ${issue.message}`);
          known.add(issue.message);
        }
      }
    }
  }
  return refusals;
}

/** Every complaint of the optimizer's schema about `config`, each with the top-level key it is about (null when none). */
function optimizerIssues(config: Record<string, unknown>): { key: string | null; message: string }[] {
  return everyIssue(OptimizerConfigSchema, config).map(({ message, path }) => ({
    key: path === null ? null : path.split('.')[0],
    message,
  }));
}
