/** How the app's text names things: one wording wherever a sweep, a setting or a number of things is shown. */
import { objectiveInfo } from '../../../src-core/objectives';
import { hyperparameterNames, optimizerKinds } from '../../../src-core/contract/sweep-spec';
import { labelOf } from '../form/optimizer-fields';
import { runFieldLabels } from '../form/draft-check';
import { formatCount } from '../../../src-core/views/format';

/** Characters that set or override the direction of the text after them (Unicode's bidirectional controls). */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * A sweep's name as shown: "untitled" for a sweep that has none (or that is not known). A name with a direction
 * control is isolated (FSI … PDI, <bdi> in plain text, so it holds in attributes and options too): an unclosed U+202E
 * in a name would otherwise reverse the sentence around it ("Launched “…”: 3 / 3 completed").
 */
export const sweepLabel = (sweep: { name: string } | undefined): string => {
  const name = sweep?.name || 'untitled';
  return BIDI_CONTROLS.test(name) ? `\u2068${name}\u2069` : name;
};

/** `name`, or where a sweep of that name is listed already, the first free "name (2)", "name (3)"…: one name, one sweep. */
export function distinctName(name: string, taken: readonly string[]): string {
  const names = new Set(taken);
  if (!names.has(name)) return name;
  let n = 2;
  while (names.has(`${name} (${n})`)) n++;
  return `${name} (${n})`;
}

// Counts are made in src-core's views too (a group's legend); both read them through this one helper.
export { formatCount };

/** "1 run", "2 runs", "10,000 runs". */
export const countOf = (count: number, noun: string): string =>
  `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;

const hyperparameters = new Set(optimizerKinds.flatMap((kind) => hyperparameterNames(kind)));
/** The run-level names of settingsOf (src-core/views/compare.ts) that are not fields of the form under that name. */
const runSettingLabels: Record<string, string> = {
  objective: 'Objective',
  optimizer: 'Optimizer',
  seed: 'Seed',
  tolerance: runFieldLabels.tolerance,
  // The loss axes of the parallel coordinates (src-core/views/parallel.ts LOSS_AXES).
  'final loss': 'Final loss',
  'best loss': 'Best loss',
};

/**
 * A setting's label wherever runs are shown (the runs table's columns, the compare table's rows), the one the form's
 * field for it has: "epsPlacement" → "Eps placement", "start" → "Start point", "sparse-logreg.seed" → "Sparse logistic regression: Seed" (beside the run's own "Seed").
 * Names are those of settingsOf; an objective's setting is found under its objective when the name says which.
 */
export function settingLabel(name: string): string {
  if (hyperparameters.has(name)) return labelOf(name);
  if (name in runSettingLabels) return runSettingLabels[name];
  if (name in runFieldLabels) return runFieldLabels[name];
  const dot = name.indexOf('.');
  const [objective, key] = dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : [null, name];
  for (const info of Object.values(objectiveInfo)) {
    if (objective !== null && info.id !== objective) continue;
    const parameter = (info.parameters as readonly { key: string; label: string }[]).find((p) => p.key === key);
    if (parameter) return objective === null ? parameter.label : `${info.label}: ${parameter.label}`;
  }
  return name;
}
