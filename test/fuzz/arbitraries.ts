/**
 * fast-check generators for the fuzz suite: valid payloads of every boundary (so that mutations land one step from
 * valid, where bugs hide), the nasty values a mutation plants, and a mutation operator that replaces, deletes or adds
 * one field anywhere in a payload, prototype keys included.
 */
import fc from 'fast-check';
import type { OptimizerKind } from '../../src-core/contract/engine';
import { hyperparameterNames } from '../../src-core/contract/sweep-spec';
import { numberRules, type NumberField } from '../../src-core/optim/rules';
import { optimizerDefaults } from '../../src-core/optim';

/** Fixed seeds: a failure here reproduces with the same seed and path that fast-check prints. */
export const FUZZ_SEED = 20_260_712;
/** Fuzz tests are sized by count, not time; on a loaded machine they may need longer than vitest's default. */
export const FUZZ_TIMEOUT_MS = 120_000;

/** Values that have broken validators elsewhere: non-finite and edge numbers, odd types, prototype keys, deep nesting. */
const deep = (depth: number): unknown => (depth === 0 ? [] : [deep(depth - 1)]);
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, -0, 1e308, -1e-308, 2 ** 53, 2 ** 32, 0.5, 1e6 + 1, 4294967296),
  fc.constantFrom(
    '',
    'x',
    '0.1',
    'NaN',
    '__proto__',
    'constructor',
    '=cmd|/c calc',
    'a'.repeat(10_001),
    '\u0000',
    '\ud800',
  ),
  fc.constantFrom(true, false, null, undefined),
  fc.constantFrom([], {}, [NaN], [1, 2, 3], { values: [] }, new Float64Array(2), deep(200)),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 50 }),
);

/** Anything a JSON or structured-clone sender could produce, nasty values mixed in. */
export const anyPayload: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.anything({ maxDepth: 4, withTypedArray: true, withNullPrototype: true, withObjectString: true }),
  },
  { weight: 1, arbitrary: nastyValue },
);

const finiteIn = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** A value the rule for `field` accepts. */
function validNumber(field: NumberField): fc.Arbitrary<number> {
  switch (numberRules[field].rule) {
    case 'a finite number > 0':
      return finiteIn(1e-6, 10).filter((x) => x > 0);
    case 'a finite number >= 0':
      return finiteIn(0, 1);
    case 'a number in [0, 1)':
      return finiteIn(0, 0.999);
    default:
      return finiteIn(0, 1);
  }
}

const hyperparameterValue = (kind: OptimizerKind, name: string): fc.Arbitrary<number | boolean | string> => {
  if (name in numberRules) return validNumber(name as NumberField);
  if (name === 'epsPlacement') return fc.constantFrom('outside', 'inside');
  // nesterov needs momentum and zero dampening: leave it off so a random entry never breaks that cross-field rule.
  if (name === 'nesterov') return fc.constant(false);
  return typeof optimizerDefaults[kind][name as never] === 'boolean'
    ? fc.boolean()
    : fc.constant(optimizerDefaults[kind][name as never]);
};

export const validObjective = fc.oneof(
  fc.constantFrom(
    { id: 'quadratic-1d' },
    { id: 'elliptic-2d' },
    { id: 'linear-regression' },
    { id: 'constant-gradient' },
  ),
  fc.record({ id: fc.constant('rosenbrock'), dim: fc.integer({ min: 2, max: 6 }) }),
  fc.record({ id: fc.constant('rastrigin'), dim: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ id: fc.constant('ill-conditioned'), dim: fc.integer({ min: 1, max: 6 }), condition: finiteIn(1, 1e6) }),
  fc.record({
    id: fc.constant('sparse-logreg'),
    samples: fc.integer({ min: 1, max: 50 }),
    features: fc.integer({ min: 5, max: 50 }),
    nonZerosPerSample: fc.integer({ min: 1, max: 5 }),
    zipfExponent: finiteIn(0.1, 3).filter((x) => x > 0),
    seed: fc.nat(),
  }),
);

export const optimizerKind = fc.constantFrom<OptimizerKind>('adagrad', 'sgd', 'rmsprop', 'adam');

export const validOptimizerConfig = optimizerKind.chain((kind) =>
  fc
    .record(Object.fromEntries(hyperparameterNames(kind).map((name) => [name, hyperparameterValue(kind, name)])))
    .map((values) => ({ kind, ...values })),
);

/** One `optimizers` entry: some hyperparameters fixed, others swept (never both), at most 3 points an axis. */
const optimizerEntry = (random: boolean) =>
  optimizerKind.chain((kind) =>
    fc.shuffledSubarray(hyperparameterNames(kind), { maxLength: 4 }).chain((names) => {
      const split = Math.floor(names.length / 2);
      const axis = (name: string) => {
        const values = fc
          .array(hyperparameterValue(kind, name), { minLength: 1, maxLength: 3 })
          .map((list) => ({ values: list }));
        if (!(name in numberRules) || numberRules[name as NumberField].rule !== 'a finite number > 0') return values;
        const range = fc.tuple(finiteIn(1e-4, 1), finiteIn(1e-4, 1), fc.integer({ min: 1, max: 3 }));
        const continuous = random
          ? [fc.tuple(finiteIn(1e-4, 1), finiteIn(1e-4, 1)).map(([from, to]) => ({ logUniform: { from, to } }))]
          : [];
        return fc.oneof(
          values,
          range.map(([from, to, count]) => ({ log: { from, to, count } })),
          ...continuous,
        );
      };
      return fc.record({
        kind: fc.constant(kind),
        fixed: fc.record(
          Object.fromEntries(names.slice(0, split).map((name) => [name, hyperparameterValue(kind, name)])),
        ),
        axes: fc.record(Object.fromEntries(names.slice(split).map((name) => [name, axis(name)]))),
      });
    }),
  );

/** A sweep spec validateSweepSpec accepts: small (at most a few hundred runs) so that accepted ones can be expanded. */
export const validSpec = fc.boolean().chain((random) =>
  fc.record(
    {
      name: fc.string({ maxLength: 30 }),
      objectives: fc.array(validObjective, { minLength: 1, maxLength: 2 }),
      start: fc.constant(null),
      optimizers: fc.array(optimizerEntry(random), { minLength: 1, maxLength: 2 }),
      steps: fc.integer({ min: 1, max: 50 }),
      seeds: fc.uniqueArray(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 3 }),
      tolerance: fc.option(finiteIn(-1, 1), { nil: null }),
      traceMaxPoints: fc.option(fc.integer({ min: 3, max: 100 }), { nil: null }),
      search: random
        ? fc.record({ mode: fc.constant('random'), samples: fc.integer({ min: 1, max: 5 }), seed: fc.nat() })
        : fc.constant({ mode: 'grid' }),
      maxRuns: fc.constant(10_000),
    },
    // search is always given: a random spec's continuous axes need it. The other optional keys come and go.
    { requiredKeys: ['name', 'objectives', 'optimizers', 'steps', 'search'] },
  ),
);

export interface Mutation {
  /** The dot path the mutation touched ('' is the payload itself), as the contract's messages write paths. */
  path: string;
  kind: 'replace' | 'delete' | 'add' | 'none';
  payload: unknown;
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (value: unknown): value is Container =>
  typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);

/** Every path into `value`, containers and leaves, the root first. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  const paths = [prefix];
  if (isContainer(value))
    for (const [key, child] of Object.entries(value)) paths.push(...pathsOf(child, [...prefix, key]));
  return paths;
}

/**
 * The container at `path` in `copy`, each container on the way copied afresh: a node the valid payload holds in two
 * places (fc.constantFrom hands out one object, and structuredClone keeps the sharing) must change at `path` alone.
 */
const ownPath = (copy: Container, path: string[]): Container => {
  let node = copy;
  for (const key of path) {
    const child = node[key as never] as Container;
    const fresh = (Array.isArray(child) ? [...child] : { ...child }) as Container;
    node[key as never] = fresh as never;
    node = fresh;
  }
  return node;
};

const cloneWith = (value: unknown, path: string[], change: (parent: Container, key: string) => void): unknown => {
  const copy = structuredClone(value) as Container;
  change(ownPath(copy, path.slice(0, -1)), path[path.length - 1]);
  return copy;
};

/** One change to `payload`: a field replaced by a nasty value, deleted, or a new key (a prototype key among them) added. */
export const mutationOf = (payload: unknown): fc.Arbitrary<Mutation> =>
  fc.constantFrom(...pathsOf(payload)).chain((path) => {
    const replace = nastyValue.map((value): Mutation => ({
      path: path.join('.'),
      kind: 'replace',
      payload:
        path.length === 0 ? value : cloneWith(payload, path, (parent, key) => (parent[key as never] = value as never)),
    }));
    const target = path.reduce<unknown>((node, key) => (node as Container)[key as never], payload);
    const options: fc.Arbitrary<Mutation>[] = [replace];
    if (path.length > 0) {
      options.push(
        fc.constant({
          path: path.join('.'),
          kind: 'delete',
          payload: cloneWith(payload, path, (parent, key) => delete parent[key as never]),
        }),
      );
    }
    if (isContainer(target) && !Array.isArray(target)) {
      options.push(
        fc
          .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'toString'), nastyValue)
          .map(([key, value]): Mutation => {
            const copy = structuredClone(payload) as Container;
            const node = ownPath(copy, path) as Record<string, unknown>;
            // An own key, as JSON.parse and structured clone make it; plain assignment of __proto__ would set the prototype.
            Object.defineProperty(node, key, { value, enumerable: true, configurable: true, writable: true });
            return { path: [...path, key].join('.'), kind: 'add', payload: copy };
          }),
      );
    }
    return fc.oneof(...options);
  });

/** A valid payload with one mutation, or the payload untouched (a tenth of the time, so acceptance is exercised too). */
export const mutated = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  valid.chain((payload) =>
    fc.oneof(
      { weight: 9, arbitrary: mutationOf(payload) },
      { weight: 1, arbitrary: fc.constant<Mutation>({ path: '', kind: 'none', payload }) },
    ),
  );
