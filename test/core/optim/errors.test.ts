/**
 * Every hyperparameter refused with the same words by the factory (createOptimizer, RangeError) and by the schema
 * (OptimizerConfigSchema, through the contract's validate, which prefixes the field path).
 */
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig, OptimizerKind } from '../../../src-core/contract/engine';
import { OptimizerConfigSchema } from '../../../src-core/contract/optimizer-schema';
import { validate } from '../../../src-core/contract/schemas';
import { checkOptimizer, createOptimizer, optimizerDefaults } from '../../../src-core/optim';
import { addWeightDecay, scaleByAdam, scaleByRms, scaleByRss, momentum } from '../../../src-core/optim/transforms';

const positive = 'a finite number > 0';
const nonNegative = 'a finite number >= 0';
const unitOpen = 'a number in [0, 1)';
const unitClosed = 'a number in [0, 1]';

/** field: [label, rule, a finite value out of range besides negatives] */
const numbers: Record<string, [string, string, number | null]> = {
  lr: ['learning rate', positive, 0],
  eps: ['epsilon', nonNegative, null],
  weightDecay: ['weight decay', nonNegative, null],
  initialAccumulator: ['initial accumulator value', nonNegative, null],
  lrDecay: ['lr decay', nonNegative, null],
  momentum: ['momentum', unitOpen, 1],
  dampening: ['dampening', unitClosed, 1.5],
  alpha: ['alpha', unitOpen, 1],
  beta1: ['beta1', unitOpen, 1],
  beta2: ['beta2', unitOpen, 1],
};
const flags: Record<string, string> = {
  decoupledWeightDecay: 'decoupled weight decay',
  nesterov: 'nesterov',
  centered: 'centered',
  amsgrad: 'amsgrad',
  maximize: 'maximize',
};
const names: Record<OptimizerKind, string> = { adagrad: 'AdaGrad', sgd: 'SGD', rmsprop: 'RMSProp', adam: 'Adam' };

interface Case {
  desc: string;
  input: Record<string, unknown>;
  field: string | null;
  expectedMessage: string;
  /** Only the schema sees types and keys; the factory trusts TypeScript for those. */
  schemaOnly?: boolean;
}

function casesFor(kind: OptimizerKind): Case[] {
  const base: Record<string, unknown> = optimizerDefaults[kind];
  const cases: Case[] = [];
  const bad = (desc: string, field: string, value: unknown, expectedMessage: string, schemaOnly = false) =>
    cases.push({
      desc: `${kind} ${field} ${desc}`,
      input: { ...base, [field]: value },
      field,
      expectedMessage,
      schemaOnly,
    });
  for (const field of Object.keys(base)) {
    if (field in numbers) {
      const [label, rule, outOfRange] = numbers[field];
      const message = (shown: string) => `Invalid ${label}: ${shown} (must be ${rule})`;
      bad('negative', field, -0.5, message('-0.5'));
      bad('NaN', field, NaN, message('NaN'));
      bad('Infinity', field, Infinity, message('Infinity'));
      bad('-Infinity', field, -Infinity, message('-Infinity'));
      if (outOfRange !== null) bad('out of range', field, outOfRange, message(String(outOfRange)));
      bad('as text', field, '0.1', message('"0.1"'));
      bad('null', field, null, message('null'));
    } else if (field in flags) {
      bad('as text', field, 'yes', `Invalid ${flags[field]}: "yes" (must be true or false)`);
      bad('as a number', field, 1, `Invalid ${flags[field]}: 1 (must be true or false)`);
    }
  }
  if (kind === 'adagrad')
    bad(
      'unknown',
      'epsPlacement',
      'middle',
      'Invalid eps placement: "middle" (must be one of outside, inside, inside-guarded)',
    );
  cases.push({
    desc: `${kind} with an unknown key`,
    input: { ...base, betas: [0.9, 0.999] },
    field: 'betas',
    expectedMessage: `Unknown field: "betas" is not part of ${names[kind]}`,
    schemaOnly: true,
  });
  const { lr: _lr, ...withoutLr } = base;
  cases.push({
    desc: `${kind} without lr`,
    input: withoutLr,
    field: 'lr',
    expectedMessage: `Missing field: ${names[kind]} needs lr`,
    schemaOnly: true,
  });
  return cases;
}

const cases: Case[] = [
  ...(['adagrad', 'sgd', 'rmsprop', 'adam'] as const).flatMap(casesFor),
  {
    desc: 'an unknown kind',
    input: { kind: 'adadelta', lr: 1 },
    field: 'kind',
    expectedMessage: 'Invalid optimizer kind: "adadelta" (must be one of adagrad, sgd, rmsprop, adam)',
  },
  {
    desc: 'nesterov without momentum',
    input: { ...optimizerDefaults.sgd, nesterov: true },
    field: null,
    expectedMessage: 'Nesterov momentum requires a momentum and zero dampening',
  },
  {
    desc: 'nesterov with dampening',
    input: { ...optimizerDefaults.sgd, nesterov: true, momentum: 0.9, dampening: 0.1 },
    field: null,
    expectedMessage: 'Nesterov momentum requires a momentum and zero dampening',
  },
];

/** The error `run` throws, checked to be a RangeError. */
function rangeErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    return (error as RangeError).message;
  }
  return expect.fail('did not throw');
}

describe('optimizer configs are refused with a message naming field, value and rule', () => {
  it.each(cases.filter((c) => !c.schemaOnly))('createOptimizer refuses $desc', ({ input, expectedMessage }) => {
    expect(rangeErrorOf(() => createOptimizer(input as unknown as OptimizerConfig))).toBe(expectedMessage);
  });

  it.each(cases.filter((c) => !c.schemaOnly))(
    'checkOptimizer refuses $desc with the same words',
    ({ input, expectedMessage }) => {
      expect(rangeErrorOf(() => checkOptimizer(input as unknown as OptimizerConfig))).toBe(expectedMessage);
    },
  );

  it.each(Object.values(optimizerDefaults))('checkOptimizer accepts the defaults of $kind', (config) => {
    expect(() => checkOptimizer(config)).not.toThrow();
  });

  it.each(cases)('the schema refuses $desc', ({ input, field, expectedMessage }) => {
    expect(validate(OptimizerConfigSchema, input)).toEqual({
      ok: false,
      message: field ? `${field}: ${expectedMessage}` : expectedMessage,
    });
  });

  it('the schema refuses what is not an object', () => {
    expect(validate(OptimizerConfigSchema, 'adagrad')).toEqual({
      ok: false,
      message: 'Invalid optimizer config: "adagrad" (must be an object)',
    });
    expect(validate(OptimizerConfigSchema, null)).toEqual({
      ok: false,
      message: 'Invalid optimizer config: null (must be an object)',
    });
  });

  it('createOptimizer refuses a config that is not one', () => {
    expect(rangeErrorOf(() => createOptimizer(null as unknown as OptimizerConfig))).toBe(
      'Invalid optimizer kind: undefined (must be one of adagrad, sgd, rmsprop, adam)',
    );
  });

  it.each(Object.values(optimizerDefaults))('accepts the $kind defaults, unchanged', (config) => {
    expect(validate(OptimizerConfigSchema, config)).toEqual({ ok: true, value: config });
    expect(createOptimizer(config).config).toEqual(config);
  });

  it('the transform factories check their own hyperparameters', () => {
    expect(rangeErrorOf(() => addWeightDecay(-1))).toBe('Invalid weight decay: -1 (must be a finite number >= 0)');
    expect(rangeErrorOf(() => scaleByRss({ initialAccumulator: 0, eps: NaN, epsPlacement: 'outside' }))).toBe(
      'Invalid epsilon: NaN (must be a finite number >= 0)',
    );
    expect(rangeErrorOf(() => scaleByRms({ alpha: 1, eps: 0, centered: false }))).toBe(
      'Invalid alpha: 1 (must be a number in [0, 1))',
    );
    expect(rangeErrorOf(() => scaleByAdam({ beta1: 0.9, beta2: -0.1, eps: 0, amsgrad: false }, () => 1))).toBe(
      'Invalid beta2: -0.1 (must be a number in [0, 1))',
    );
    expect(rangeErrorOf(() => momentum({ momentum: 0, dampening: 0, nesterov: true }))).toBe(
      'Nesterov momentum requires a momentum and zero dampening',
    );
  });
});
