/**
 * Valibot schemas for OptimizerConfig, built from the same rules (src-core/optim/rules.ts) the optimizer factories
 * throw with, so a config is refused with the same words wherever it is checked. Objects are strict: an unknown key
 * is refused by name.
 */
import * as v from 'valibot';
import {
  epsPlacementMessage,
  epsPlacements,
  flagMessage,
  isValidNumber,
  kindMessage,
  nesterovMessage,
  numberMessage,
  type FlagField,
  type NumberField,
} from '../optim/rules';
import type { OptimizerConfig } from './engine';
import { show } from './show';

const number = (field: NumberField) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => isValidNumber(field, x),
      (issue) => numberMessage(field, issue.input),
    ),
    v.transform((x) => x as number),
  );

const flag = (field: FlagField) => v.boolean((issue) => flagMessage(field, issue.input));

const epsPlacement = v.picklist(epsPlacements, (issue) => epsPlacementMessage(issue.input));

/** PyTorch's maximize; optional, so that configs stored before it still pass (absent: false). */
const maximize = v.optional(flag('maximize'));

/** A strict object whose own issues (not an object, missing key, unknown key) name the optimizer. */
const config = <const E extends v.ObjectEntries>(name: string, entries: E) =>
  v.strictObject(entries, (issue) => {
    const key = issue.path?.[issue.path.length - 1]?.key;
    if (!issue.path) return `Invalid ${name} config: ${show(issue.input)} (must be an object)`;
    if (issue.input === undefined) return `Missing field: ${name} needs ${String(key)}`;
    return `Unknown field: ${show(issue.input)} is not part of ${name}`;
  });

export const AdagradConfigSchema = config('AdaGrad', {
  kind: v.literal('adagrad', (issue) => kindMessage(issue.input)),
  lr: number('lr'),
  eps: number('eps'),
  epsPlacement,
  weightDecay: number('weightDecay'),
  decoupledWeightDecay: flag('decoupledWeightDecay'),
  initialAccumulator: number('initialAccumulator'),
  lrDecay: number('lrDecay'),
  maximize,
});

export const SgdConfigSchema = config('SGD', {
  kind: v.literal('sgd', (issue) => kindMessage(issue.input)),
  lr: number('lr'),
  momentum: number('momentum'),
  dampening: number('dampening'),
  nesterov: flag('nesterov'),
  weightDecay: number('weightDecay'),
  maximize,
});

export const RmspropConfigSchema = config('RMSProp', {
  kind: v.literal('rmsprop', (issue) => kindMessage(issue.input)),
  lr: number('lr'),
  alpha: number('alpha'),
  eps: number('eps'),
  momentum: number('momentum'),
  centered: flag('centered'),
  weightDecay: number('weightDecay'),
  maximize,
});

export const AdamConfigSchema = config('Adam', {
  kind: v.literal('adam', (issue) => kindMessage(issue.input)),
  lr: number('lr'),
  beta1: number('beta1'),
  beta2: number('beta2'),
  eps: number('eps'),
  weightDecay: number('weightDecay'),
  amsgrad: flag('amsgrad'),
  maximize,
});

export const OptimizerConfigSchema = v.pipe(
  v.variant('kind', [AdagradConfigSchema, SgdConfigSchema, RmspropConfigSchema, AdamConfigSchema], (issue) =>
    // With a path the issue is about the `kind` key (its input is the kind given), without one about the whole input.
    issue.path ? kindMessage(issue.input) : `Invalid optimizer config: ${show(issue.input)} (must be an object)`,
  ),
  v.check((c) => c.kind !== 'sgd' || !c.nesterov || (c.momentum > 0 && c.dampening === 0), nesterovMessage),
);

// The schema's output is exactly the engine's type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _outputMatchesEngine: Same<v.InferOutput<typeof OptimizerConfigSchema>, OptimizerConfig> = true;
