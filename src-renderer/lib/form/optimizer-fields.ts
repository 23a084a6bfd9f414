/**
 * The form's fields for each optimizer kind, read from src-core (the kind's hyperparameter names, its defaults, the
 * rules' labels), so one editor serves every kind and a new option appears in the form by itself. Only the one-line
 * explanations are written here: what each option does to the update, which is what the app is for.
 */
import type { OptimizerKind } from '../../../src-core/contract/engine';
import { hyperparameterNames, type HyperparameterValue } from '../../../src-core/contract/sweep-spec';
import { optimizerDefaults } from '../../../src-core/optim';
import { epsPlacements, flagLabels, numberRules } from '../../../src-core/optim/rules';

export interface HyperparameterField {
  key: string;
  /** As the rules name it, so a field and its error message use the same words. */
  label: string;
  /** 'number': a value, list or range; 'choice': one or more of `choices`. */
  control: 'number' | 'choice';
  choices: readonly HyperparameterValue[];
  default: HyperparameterValue;
  help: string;
}

/** What each option does; a kind may say it its own way (momentum means a different buffer in RMSProp). */
const help: Record<string, string> = {
  lr: 'Step size η. AdaGrad divides it by √G in each coordinate.',
  eps: 'Keeps the denominator above 0; it matters only while G is tiny.',
  epsPlacement:
    "outside: lr·g/(√G+ε), PyTorch and the seeds' code; inside: lr·g/√(G+ε), Keras and the seeds' formula; inside-guarded: the same, but no step where G = 0 (Optax).",
  weightDecay: 'L2: wd·θ is added to the gradient, so it is accumulated in G too.',
  decoupledWeightDecay: 'true: θ ← θ − lr·wd·θ beside the update, kept out of G (AdamW style).',
  initialAccumulator: 'G starts here instead of 0 (Keras and Optax use 0.1): gentler first steps.',
  lrDecay: "Step t uses lr/(1 + (t−1)·lr_decay), PyTorch's schedule on top of AdaGrad's own.",
  momentum: 'Velocity v ← μ·v + (1 − dampening)·g; θ moves by lr·v.',
  dampening: 'Scales the new gradient entering the velocity by 1 − dampening.',
  nesterov: 'Look ahead along the velocity; needs momentum > 0 and dampening 0.',
  alpha: "Forgetting factor: v ← α·v + (1−α)·g². Unlike AdaGrad's G, v levels off.",
  centered: 'Divide by √(v − ḡ²), an estimate of the variance, instead of √v.',
  beta1: 'Decay of the mean of gradients m (momentum).',
  beta2: 'Decay of the mean of squared gradients v (the adaptive part).',
  amsgrad: 'Divide by the largest v seen so far, so the step never grows back.',
  maximize: "true: climb f instead of descending it (PyTorch's maximize: the gradient is negated before weight decay).",
};
const kindHelp: Partial<Record<OptimizerKind, Record<string, string>>> = {
  rmsprop: { momentum: 'Momentum on the scaled step: b ← μ·b + g/√v; θ moves by lr·b.' },
  adam: { eps: 'Added to √v̂; it matters only while v is tiny.' },
};

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
/** Where capitalising the rules' label would misspell a name. */
const labelOverrides: Record<string, string> = { lrDecay: 'LR decay', amsgrad: 'AMSGrad' };

/** A hyperparameter's label, as its field in the form shows it (and the runs and compare tables, through settingLabel). */
export function labelOf(key: string): string {
  if (key in labelOverrides) return labelOverrides[key];
  if (key in numberRules) return capitalised(numberRules[key as keyof typeof numberRules].label);
  if (key in flagLabels) return capitalised(flagLabels[key as keyof typeof flagLabels]);
  return 'Eps placement';
}

/** Every hyperparameter of a kind, in the engine's order, with the control that edits it. */
export function optimizerFields(kind: OptimizerKind): HyperparameterField[] {
  const defaults = optimizerDefaults[kind] as unknown as Record<string, HyperparameterValue>;
  return hyperparameterNames(kind).map((key) => {
    const value = defaults[key];
    const choices = typeof value === 'boolean' ? [false, true] : typeof value === 'string' ? epsPlacements : [];
    return {
      key,
      label: labelOf(key),
      control: typeof value === 'number' ? 'number' : 'choice',
      choices,
      default: value,
      help: kindHelp[kind]?.[key] ?? help[key],
    };
  });
}
