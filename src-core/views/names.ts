/**
 * What a person reads for an optimizer kind and an objective: the names the form gives them ("AdaGrad", "Rosenbrock"),
 * where specs, CSV files and filters typed before keep the ids ("adagrad", "rosenbrock").
 */
import type { ObjectiveConfig, OptimizerKind } from '../contract/engine';
import { objectiveInfo } from '../objectives';
import { numberText, objectiveSettingsText } from './format';

export const optimizerLabels: Readonly<Record<OptimizerKind, string>> = {
  adagrad: 'AdaGrad',
  sgd: 'SGD',
  rmsprop: 'RMSProp',
  adam: 'Adam',
};

const objectiveLabels: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(objectiveInfo).map((info) => [info.id, info.label]),
);

/** An objective as the tables name it: the form's name and its settings, "Rosenbrock (dim=2)", "f(x) = x²". */
export function objectiveLabel(config: ObjectiveConfig): string {
  const settings = objectiveSettingsText(config, (x) => (typeof x === 'number' ? numberText(x) : String(x)));
  const name = kindLabel('objective', config.id);
  return settings === '' ? name : `${name} (${settings})`;
}

/** The name of an objective or optimizer id as the form shows it; anything else (a stored id no longer known) as it is. */
export function kindLabel(setting: 'objective' | 'optimizer', id: string): string {
  const labels: Readonly<Record<string, string>> = setting === 'optimizer' ? optimizerLabels : objectiveLabels;
  return Object.hasOwn(labels, id) ? labels[id] : id;
}
