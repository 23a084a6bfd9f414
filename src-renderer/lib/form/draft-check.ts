/**
 * Reads and checks the sweep form's draft (sweep-draft.ts): each field on its own first (src-core/sweep/parse.ts: lists,
 * ranges, intervals), then the whole spec by checkSweepSpec, the check the main process runs (validateSweepSpec is its
 * first refusal), each refusal pinned to the field its path names. Field ids ("optimizers.0.lr") name the inputs, their messages and labels.
 */
import { objectiveInfo } from '../../../src-core/objectives';
import {
  SweepSpecSchema,
  type Axis,
  type HyperparameterValue,
  type SweepSpecInput,
} from '../../../src-core/contract/sweep-spec';
import { everyIssue } from '../../../src-core/contract/schemas';
import {
  formatAxis,
  formatValues,
  hyperparameterRule,
  joinRefusals,
  parseAxis,
  parseChoices,
  parseNumber,
  parseNumberList,
  type Parsed,
} from '../../../src-core/sweep/parse';
import { countRuns, type SweepValidation } from '../../../src-core/sweep/expand';
import { checkSweepSpec, withRunLimitNamed, withStartNamed } from '../../../src-core/sweep/checks';
import { formatCount } from '../../../src-core/views/format';
import { optimizerFields, type HyperparameterField } from './optimizer-fields';
import { objectiveLabel, optimizerLabels } from '../../../src-core/views/names';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import { suggestedName, type ObjectiveDraft, type OptimizerDraft, type SweepDraft } from './sweep-draft';

export interface DraftCheck {
  /** Field id (see fieldIds) → what is wrong with it, without the path; 'form' for what belongs to no one field. */
  errors: ReadonlyMap<string, string>;
  /** The shared check's verdict; null while some field cannot be read or its schema refuses it. */
  validation: SweepValidation | null;
  /** How many runs Launch would start; null until the spec is valid. */
  runs: number | null;
}

/** Reads every field; problems are collected per field id, values into the spec input. */
class Reader {
  readonly errors = new Map<string, string>();
  read<T>(id: string, parsed: Parsed<T>): T | undefined {
    if (parsed.ok) return parsed.value;
    this.errors.set(id, parsed.message);
    return undefined;
  }
}

const blank = (text: string): boolean => text.trim() === '';

function readObjective(reader: Reader, draft: ObjectiveDraft, i: number): Record<string, unknown> {
  const objective: Record<string, unknown> = { id: draft.id };
  for (const p of objectiveInfo[draft.id].parameters) {
    const text = draft.settings[p.key] ?? '';
    if (!blank(text)) objective[p.key] = reader.read(`objectives.${i}.${p.key}`, parseNumber(p.label, text));
  }
  return objective;
}

/** A field's text as an axis: numbers as lists, ranges or intervals; flags and words as lists of choices. */
function parseField(field: HyperparameterField, text: string): Parsed<Axis> {
  // The rules' own words ("learning rate"), as the schema's messages use them.
  const label = field.label.toLowerCase();
  // Every value of a list checked by its rule, so that "-1, abc" names both (the schema would see -1 only once "abc" is gone).
  if (field.control === 'number') return parseAxis(label, text, hyperparameterRule(field.key));
  const choices = parseChoices(label, text, field.choices);
  return choices.ok ? { ok: true, value: { values: choices.value } } : choices;
}

/**
 * An interval typed in a grid search, in the form's words: what it does, and the two ways on (the Search choice, or
 * the grid range over the same ends).
 */
function intervalInGrid(field: HyperparameterField, axis: Axis): string | null {
  if (!('uniform' in axis) && !('logUniform' in axis)) return null;
  const { from, to } = 'uniform' in axis ? axis.uniform : axis.logUniform;
  const grid = `${'uniform' in axis ? 'lin' : 'log'}(${formatValues([from, to, 5])})`;
  return `${field.label}: ${formatAxis(axis)} draws values at random, which a grid does not do. Choose "Random samples" under Search, or type ${grid} for 5 values on a grid.`;
}

/** One value is fixed, several (or a range) are swept; a blank field keeps the kind's default. */
function readOptimizer(reader: Reader, draft: OptimizerDraft, i: number, grid: boolean) {
  const fixed: Record<string, HyperparameterValue> = {};
  const axes: Record<string, Axis> = {};
  for (const field of optimizerFields(draft.kind)) {
    const text = draft.values[field.key] ?? '';
    if (blank(text)) continue;
    const parsed = parseField(field, text);
    const inGrid = grid && parsed.ok ? intervalInGrid(field, parsed.value) : null;
    const axis = reader.read(`optimizers.${i}.${field.key}`, inGrid === null ? parsed : { ok: false, message: inGrid });
    if (!axis) continue;
    if ('values' in axis && axis.values.length === 1) fixed[field.key] = axis.values[0];
    else axes[field.key] = axis;
  }
  return { kind: draft.kind, fixed, axes };
}

/** The spec input the draft describes (without the fields that cannot be read), and every field that cannot be read. */
function readDraft(draft: SweepDraft): { input: SweepSpecInput; errors: Map<string, string> } {
  const reader = new Reader();
  const optional = (id: string, label: string, text: string) =>
    blank(text) ? null : reader.read(id, parseNumber(label, text));
  const input = {
    name: draft.name.trim() === '' ? suggestedName(draft) : draft.name,
    objectives: draft.objectives.map((o, i) => readObjective(reader, o, i)),
    start:
      blank(draft.start) || draft.start.trim() === 'default'
        ? null
        : reader.read('start', parseNumberList('start point', draft.start)),
    optimizers: draft.optimizers.map((o, i) => readOptimizer(reader, o, i, draft.search === 'grid')),
    steps: reader.read('steps', parseNumber('number of steps', draft.steps)),
    seeds: reader.read('seeds', parseNumberList('seed', draft.seeds)),
    tolerance: optional('tolerance', 'tolerance', draft.tolerance),
    ...(blank(draft.divergenceThreshold)
      ? {}
      : {
          divergenceThreshold:
            draft.divergenceThreshold.trim() === 'off'
              ? 'off'
              : reader.read('divergenceThreshold', parseNumber('divergence threshold', draft.divergenceThreshold)),
        }),
    // Only when asked for, as the spec writes it: a spec without it reads as before.
    ...(draft.continueAfterNonFinite ? { continueAfterNonFinite: true } : {}),
    traceMaxPoints: optional('traceMaxPoints', 'trace size', draft.traceMaxPoints),
    search:
      draft.search === 'grid'
        ? { mode: 'grid' }
        : {
            mode: 'random',
            samples: reader.read('search.samples', parseNumber('number of samples', draft.samples)),
            seed: reader.read('search.seed', parseNumber('search seed', draft.searchSeed)),
          },
    ...(blank(draft.maxRuns) ? {} : { maxRuns: reader.read('maxRuns', parseNumber('run limit', draft.maxRuns)) }),
  };
  return { input: input as SweepSpecInput, errors: reader.errors };
}

/**
 * Every field id a draft has, groups included (an objective, an optimizer entry), for pinning messages to them; in the
 * order the form shows them, so that its problems are listed top to bottom.
 */
function fieldIds(draft: SweepDraft): Set<string> {
  return new Set([
    'name',
    ...draft.objectives.flatMap((o, i) => [
      `objectives.${i}`,
      ...Object.keys(o.settings).map((k) => `objectives.${i}.${k}`),
    ]),
    ...draft.optimizers.flatMap((o, i) => [
      `optimizers.${i}`,
      ...Object.keys(o.values).map((k) => `optimizers.${i}.${k}`),
    ]),
    'start',
    'steps',
    'seeds',
    'tolerance',
    'divergenceThreshold',
    'traceMaxPoints',
    'maxRuns',
    'search.samples',
    'search.seed',
  ]);
}

/**
 * The field a validation message is about: its path ("optimizers.0.axes.lr: …") without axes/fixed, shortened until
 * it names a field ("seeds.2" → "seeds"); 'form' for a message with no path (the sweep's size).
 */
function fieldOf(message: string, ids: ReadonlySet<string>): string {
  const path = /^([\w.]+): /.exec(message)?.[1].replace(/\.(axes|fixed)\./, '.');
  for (let parts = path?.split('.') ?? []; parts.length > 0; parts = parts.slice(0, -1)) {
    if (ids.has(parts.join('.'))) return parts.join('.');
  }
  return 'form';
}

/**
 * The fields no check across fields reads, each with a value its schema takes: where only these are refused, the checks
 * across fields run with them in its place, so that a typo in Steps does not hide a bad weight decay until it is fixed.
 * A refused optimizer value is left out, its kind's default in its place (the optimizer checks each value on its own,
 * so a typo in the learning rate no longer hides a weight decay of NaN); the sweep's size, which counts its values,
 * then waits. (Where another field those checks read is refused, they wait: its value would be a guess.)
 */
const standIns: Record<string, unknown> = {
  name: 'stand-in',
  steps: 1,
  tolerance: null,
  divergenceThreshold: 'off',
  traceMaxPoints: null,
};

/** An optimizer entry's value field: "optimizers.0.lr" → its entry and key. */
const optimizerValue = /^optimizers\.(\d+)\.(\w+)$/;

/** The input with the refused fields' stand-ins in place, each refused optimizer value left out. */
function withStandIns(input: SweepSpecInput, refused: readonly string[]): SweepSpecInput {
  const optimizers = input.optimizers.map((entry, i) => {
    const out = refused.flatMap((field) => {
      const match = optimizerValue.exec(field);
      return match && Number(match[1]) === i ? [match[2]] : [];
    });
    const keep = (values: object | undefined) =>
      values && Object.fromEntries(Object.entries(values).filter(([key]) => !out.includes(key)));
    return out.length === 0 ? entry : { ...entry, fixed: keep(entry.fixed), axes: keep(entry.axes) };
  });
  const runFields = refused.filter((field) => field in standIns).map((field) => [field, standIns[field]]);
  return { ...input, optimizers, ...Object.fromEntries(runFields) } as SweepSpecInput;
}

/**
 * Reads and checks a draft as the main process will. Every field the schema refuses is marked beside those that cannot
 * be read, so a person sees at once all they must change; and every check across fields that refuses is marked on its
 * field at once (an optimizer's values on each axis, the start point, the sweep's size), once the fields those checks
 * read pass.
 */
export function checkDraft(draft: SweepDraft): DraftCheck {
  const { input, errors } = readDraft(draft);
  const ids = fieldIds(draft);
  const refusals = new Map<string, string[]>();
  for (const issue of everyIssue(SweepSpecSchema, input)) {
    const field = issue.path === null ? 'form' : fieldOf(`${issue.path}: `, ids);
    // An unreadable field is left out of the input: the schema's word on it (missing) would hide the reader's.
    if (field === 'form' || errors.has(field)) continue;
    refusals.set(field, [...(refusals.get(field) ?? []), inFieldWords(issue.message, issue.path!, field, draft)]);
  }
  // Every value a field's schema refuses, in one message ("Invalid seed: 1.5 (…); -1 (…)").
  for (const [field, messages] of refusals) errors.set(field, joinRefusals(messages));
  const verdict = checkAcrossFields(input, errors, ids);
  return { errors: inFormOrder(errors, ids), ...verdict };
}

/**
 * A schema's refusal of a part of an optimizer value's range (its count, an end) with the field named as the form names
 * it, as the command line names its flag: "Epsilon: Invalid number of points: 0 (…)" (the part alone says nothing of
 * which field it is in). Other refusals name their field already.
 */
function inFieldWords(message: string, path: string, field: string, draft: SweepDraft): string {
  const value = optimizerValue.exec(field);
  const inside = path.replace(/\.(axes|fixed)\./, '.') !== field;
  const kind = value ? draft.optimizers[Number(value[1])]?.kind : undefined;
  const label = kind && optimizerFields(kind).find((f) => f.key === value![2])?.label;
  return inside && label ? `${label}: ${message}` : message;
}

/** The checks across fields, each refusal added to `errors` on its field; the verdict once no field is refused. */
function checkAcrossFields(
  input: SweepSpecInput,
  errors: Map<string, string>,
  ids: ReadonlySet<string>,
): Pick<DraftCheck, 'validation' | 'runs'> {
  const refused = [...errors.keys()];
  if (!refused.every((field) => field in standIns || optimizerValue.test(field)))
    return { validation: null, runs: null };
  const checked = checkSweepSpec(withStandIns(input, refused));
  const sizeWaits = refused.some((field) => optimizerValue.test(field));
  if (checked.ok)
    return refused.length > 0
      ? { validation: null, runs: null }
      : { validation: checked, runs: countRuns(checked.value) };
  // A field refused twice over one value (a start point two objectives disagree with) shows the first; each bad value
  // of a list is named, in one message ("Invalid learning rate: -1 (…); -2 (…)").
  const refusals = new Map<string, string[]>();
  for (const message of checked.messages) {
    const field = fieldOf(message, ids);
    if ((field === 'form' && sizeWaits) || errors.has(field)) continue;
    const said = refusals.get(field) ?? [];
    if (field !== 'start' || said.length === 0)
      refusals.set(field, [...said, inFormWords(message.replace(/^[\w.]+: /, ''), input)]);
  }
  for (const [field, messages] of refusals) errors.set(field, joinRefusals(messages));
  // What the main process would answer first, once the refused fields are right.
  return { validation: refused.length > 0 ? null : { ok: false, message: checked.messages[0] }, runs: null };
}

/**
 * A refusal in the form's words, not the spec's: "raise the Run limit" (not maxRuns), the objective a start point is
 * measured against by the name its entry shows (not "objectives.0, quadratic-1d") and its default as typed there (not
 * "leave start null").
 */
function inFormWords(message: string, input: SweepSpecInput): string {
  const objectiveName = (index: number) => objectiveLabel(input.objectives[index] as ObjectiveConfig);
  return withStartNamed(
    withRunLimitNamed(message, `the ${runFieldLabels.maxRuns}`),
    objectiveName,
    `leave the ${runFieldLabels.start} blank or write default`,
  );
}

/** The problems by field in the order the form shows the fields ("Launch waits for: Name, Learning rate, Steps"). */
function inFormOrder(errors: ReadonlyMap<string, string>, ids: ReadonlySet<string>): Map<string, string> {
  const order = [...ids, 'form'];
  return new Map([...errors].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}

/** The id (and test id) of a field's input: "optimizers.0.lr" → "field-optimizers-0-lr". */
export const fieldElementId = (field: string): string => `field-${field.replaceAll('.', '-')}`;

/** The labels of the fields every sweep has, as the form shows them. */
export const runFieldLabels: Record<string, string> = {
  name: 'Name',
  start: 'Start point',
  steps: 'Steps',
  seeds: 'Seeds',
  tolerance: 'Loss tolerance',
  divergenceThreshold: 'Divergence threshold',
  traceMaxPoints: 'Trace size',
  maxRuns: 'Run limit',
  'search.samples': 'Samples per optimizer',
  'search.seed': 'Search seed',
};

/**
 * What the seeds field means for the sweep's size, in words: "0" is one run per setting (with seed 0), not zero
 * repeats; a list repeats every setting once per seed.
 */
export function seedsHint(text: string): string {
  const seeds = parseNumberList('seed', text);
  if (!seeds.ok || seeds.value.length === 0) return 'One run per setting for each seed listed.';
  if (seeds.value.length === 1)
    return `1 run per setting, with seed ${seeds.value[0]}. List seeds (0, 1, 2) to repeat each setting.`;
  return `${formatCount(seeds.value.length)} runs per setting, one per seed.`;
}

/** A field's label, with the objective or optimizer entry it belongs to: "Learning rate (AdaGrad 2)". */
export function fieldLabel(draft: SweepDraft, field: string): string {
  const [group, index, key] = field.split('.');
  const i = Number(index);
  if (group === 'objectives' && draft.objectives[i]) {
    const label = objectiveInfo[draft.objectives[i].id].parameters.find((p) => p.key === key)?.label ?? 'Objective';
    return draft.objectives.length > 1 ? `${label} (objective ${i + 1})` : label;
  }
  if (group === 'optimizers' && draft.optimizers[i]) {
    const { kind } = draft.optimizers[i];
    const entry = `${optimizerLabels[kind]}${draft.optimizers.length > 1 ? ` ${i + 1}` : ''}`;
    const label = optimizerFields(kind).find((f) => f.key === key)?.label;
    return label ? `${label} (${entry})` : entry;
  }
  return runFieldLabels[field] ?? 'The sweep';
}
