/**
 * The hyperparameter rules, as data: the transform factories (which throw RangeError) and the valibot schema
 * (contract/optimizer-schema.ts) both read them, so the two refuse the same values with the same words.
 * Messages follow PyTorch's "Invalid learning rate: -0.1", plus what is allowed: `Invalid <label>: <value> (must be <rule>)`.
 *
 * Every test is written as a positive statement (x > 0, x >= 0 && x < 1) so that NaN fails it; PyTorch writes
 * `not 0.0 <= lr` for the same reason. Unlike PyTorch, lr = 0 and infinities are refused: a sweep over them is a mistake.
 */
import { show } from '../contract/show';

export interface NumberRule {
  readonly label: string;
  readonly rule: string;
  readonly test: (x: number) => boolean;
}

const positive = (label: string): NumberRule => ({
  label,
  rule: 'a finite number > 0',
  test: (x) => x > 0 && x < Infinity,
});
const nonNegative = (label: string): NumberRule => ({
  label,
  rule: 'a finite number >= 0',
  test: (x) => x >= 0 && x < Infinity,
});
const unitOpen = (label: string): NumberRule => ({ label, rule: 'a number in [0, 1)', test: (x) => x >= 0 && x < 1 });
const unitClosed = (label: string): NumberRule => ({
  label,
  rule: 'a number in [0, 1]',
  test: (x) => x >= 0 && x <= 1,
});

/** Keyed by the OptimizerConfig field each rule checks. */
export const numberRules = {
  lr: positive('learning rate'),
  eps: nonNegative('epsilon'),
  weightDecay: nonNegative('weight decay'),
  initialAccumulator: nonNegative('initial accumulator value'),
  lrDecay: nonNegative('lr decay'),
  momentum: unitOpen('momentum'),
  dampening: unitClosed('dampening'),
  alpha: unitOpen('alpha'),
  beta1: unitOpen('beta1'),
  beta2: unitOpen('beta2'),
} as const satisfies Record<string, NumberRule>;
export type NumberField = keyof typeof numberRules;

/** The boolean options, with the label their message uses. */
export const flagLabels = {
  decoupledWeightDecay: 'decoupled weight decay',
  nesterov: 'nesterov',
  centered: 'centered',
  amsgrad: 'amsgrad',
  maximize: 'maximize',
} as const;
export type FlagField = keyof typeof flagLabels;

/** Where eps goes: outside the root (PyTorch), inside (Keras), inside with no update where G = 0 (optax.scale_by_rss). */
export const epsPlacements = ['outside', 'inside', 'inside-guarded'] as const;
export const optimizerKinds = ['adagrad', 'sgd', 'rmsprop', 'adam'] as const;

/** PyTorch's own message (torch/optim/sgd.py). */
export const nesterovMessage = 'Nesterov momentum requires a momentum and zero dampening';

export const isValidNumber = (field: NumberField, value: unknown): value is number =>
  typeof value === 'number' && numberRules[field].test(value);

export const numberMessage = (field: NumberField, value: unknown): string =>
  `Invalid ${numberRules[field].label}: ${show(value)} (must be ${numberRules[field].rule})`;
export const flagMessage = (field: FlagField, value: unknown): string =>
  `Invalid ${flagLabels[field]}: ${show(value)} (must be true or false)`;
export const epsPlacementMessage = (value: unknown): string =>
  `Invalid eps placement: ${show(value)} (must be one of ${epsPlacements.join(', ')})`;
export const kindMessage = (value: unknown): string =>
  `Invalid optimizer kind: ${show(value)} (must be one of ${optimizerKinds.join(', ')})`;

/** Returns `value` if it satisfies the rule for `field`, else throws RangeError with the rule's message. */
export function checkNumber(field: NumberField, value: unknown): number {
  if (!isValidNumber(field, value)) throw new RangeError(numberMessage(field, value));
  return value;
}

export function checkFlag(field: FlagField, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new RangeError(flagMessage(field, value));
  return value;
}

export const isEpsPlacement = (value: unknown): value is (typeof epsPlacements)[number] =>
  (epsPlacements as readonly unknown[]).includes(value);

export function checkEpsPlacement(value: unknown): (typeof epsPlacements)[number] {
  if (!isEpsPlacement(value)) throw new RangeError(epsPlacementMessage(value));
  return value;
}

/** PyTorch's `maximize` (default false): absent means false, so configs stored before the option keep their meaning. */
export const checkMaximize = (value: unknown): boolean => checkFlag('maximize', value ?? false);
