import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OptimizerKind } from '../../../src-core/contract/engine';
import type { Axis, HyperparameterValue, RunConfig, SweepSpec } from '../../../src-core/contract/sweep-spec';
import { optimizerDefaults } from '../../../src-core/optim';
import {
  autoTracePoints,
  axisPoints,
  countRuns,
  expandSweep,
  expandSweepLazily,
  expandSweepRange,
  gridLayout,
  rangePoints,
  runIndexesOf,
  splitmix32,
  validateSweepSpec,
} from '../../../src-core/sweep/expand';

const goodSpec = {
  name: 'lr sweep',
  objectives: [{ id: 'quadratic-1d' }, { id: 'elliptic-2d' }],
  optimizers: [
    {
      kind: 'adagrad',
      fixed: { eps: 1e-10 },
      axes: { lr: { log: { from: 0.001, to: 1, count: 4 } }, weightDecay: { values: [0, 0.01] } },
    },
    { kind: 'sgd', axes: { momentum: { values: [0, 0.9] } } },
  ],
  steps: 100,
  seeds: [0, 1],
};

/** The spec as validated, or the test fails with the refusal's message. */
const valid = (input: unknown): SweepSpec => {
  const result = validateSweepSpec(input);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

describe('validateSweepSpec', () => {
  it('accepts a good spec and fills in the defaults', () => {
    expect(valid(goodSpec)).toEqual({
      ...goodSpec,
      optimizers: [goodSpec.optimizers[0], { ...goodSpec.optimizers[1], fixed: {} }],
      start: null,
      tolerance: null,
      divergenceThreshold: 1e6,
      traceMaxPoints: null,
      search: { mode: 'grid' },
      maxRuns: 10_000,
    });
    expect(valid({ ...goodSpec, seeds: undefined }).seeds).toEqual([0]);
  });

  const adagrad = (rest: object) => ({ optimizers: [{ kind: 'adagrad', ...rest }] });
  const bigAxis = (from: number) => ({ linear: { from, to: from + 1, count: 1000 } });

  it.each([
    {
      desc: 'NaN steps',
      input: { steps: NaN },
      expectedMessage: 'steps: Invalid number of steps: NaN (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'too many steps',
      input: { steps: 2e6 },
      expectedMessage: 'steps: Invalid number of steps: 2000000 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'steps as text',
      input: { steps: '100' },
      expectedMessage: 'steps: Invalid number of steps: "100" (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'an infinite tolerance',
      input: { tolerance: Infinity },
      expectedMessage: 'tolerance: Invalid tolerance: Infinity (must be a finite number)',
    },
    {
      desc: 'a divergence threshold of 1',
      input: { divergenceThreshold: 1 },
      expectedMessage: 'divergenceThreshold: Invalid divergence threshold: 1 (must be > 1 or off)',
    },
    {
      desc: 'a divergence threshold as other text',
      input: { divergenceThreshold: 'none' },
      expectedMessage: 'divergenceThreshold: Invalid divergence threshold: "none" (must be > 1 or off)',
    },
    {
      desc: 'a NaN start',
      input: { objectives: [{ id: 'quadratic-1d' }], start: [NaN] },
      expectedMessage: 'start.0: Invalid start point: NaN (must be a finite number)',
    },
    {
      desc: 'a start of the wrong length',
      input: { start: [1] },
      expectedMessage:
        'start: Invalid start point: 1 coordinate (must be 2, the dimension of objectives.1, elliptic-2d; leave start null to use each objective’s default)',
    },
    {
      desc: 'a name that is not text',
      input: { name: 5 },
      expectedMessage: 'name: Invalid sweep name: 5 (must be text)',
    },
    {
      desc: 'a name with an escape sequence (it would drive a terminal that shows the CSV)',
      input: { name: 'lr \u001b]0;owned\u0007sweep' },
      expectedMessage:
        'name: Invalid sweep name: "lr \\u001b]0;owned\\u0007sweep" (must not contain tabs, line breaks or other control characters)',
    },
    {
      desc: 'a list of 2,000 learning rates',
      input: {
        optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: Array.from({ length: 2000 }, () => 0.1) } } }],
      },
      expectedMessage: 'optimizers.0.axes.lr.values: Invalid axis value list: 2,000 values (must be at most 1,000)',
    },
    {
      desc: 'no objectives',
      input: { objectives: [] },
      expectedMessage: 'objectives: Invalid objective list: give at least one',
    },
    {
      desc: 'an unknown objective',
      input: { objectives: [{ id: 'sphere' }] },
      expectedMessage:
        'objectives.0.id: Invalid objective: "sphere" (must be one of quadratic-1d, elliptic-2d, linear-regression, constant-gradient, sparse-logreg, rosenbrock, ill-conditioned, rastrigin)',
    },
    {
      desc: 'an unknown optimizer kind',
      input: { optimizers: [{ kind: 'adamw' }] },
      expectedMessage:
        'optimizers.0.kind: Invalid optimizer kind: "adamw" (must be one of adagrad, sgd, rmsprop, adam)',
    },
    {
      desc: 'a negative fixed lr',
      input: adagrad({ fixed: { lr: -1 } }),
      expectedMessage: 'optimizers.0.fixed.lr: Invalid learning rate: -1 (must be a finite number > 0)',
    },
    {
      desc: 'a negative lr on an axis',
      input: adagrad({ axes: { lr: { values: [0.1, -1] } } }),
      expectedMessage: 'optimizers.0.axes.lr: Invalid learning rate: -1 (must be a finite number > 0)',
    },
    {
      desc: 'a NaN lr first on an axis',
      input: adagrad({ axes: { lr: { values: [NaN, 0.1] } } }),
      expectedMessage: 'optimizers.0.axes.lr: Invalid learning rate: NaN (must be a finite number > 0)',
    },
    {
      desc: 'a linear range reaching a negative lr',
      input: adagrad({ axes: { lr: { linear: { from: 1, to: -1, count: 3 } } } }),
      expectedMessage: 'optimizers.0.axes.lr: Invalid learning rate: -1 (must be a finite number > 0)',
    },
    {
      desc: 'a log range from 0',
      input: adagrad({ axes: { lr: { log: { from: 0, to: 1, count: 3 } } } }),
      expectedMessage: 'optimizers.0.axes.lr.log.from: Invalid log range start: 0 (must be a finite number > 0)',
    },
    {
      desc: 'a range of no points',
      input: adagrad({ axes: { lr: { linear: { from: 1, to: 2, count: 0 } } } }),
      expectedMessage:
        'optimizers.0.axes.lr.linear.count: Invalid number of points: 0 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a flag given a number',
      input: adagrad({ axes: { decoupledWeightDecay: { values: [true, 1] } } }),
      expectedMessage:
        'optimizers.0.axes.decoupledWeightDecay: Invalid decoupled weight decay: 1 (must be true or false)',
    },
    {
      desc: 'an axis value that is an object',
      input: adagrad({ axes: { lr: { values: [{}] } } }),
      expectedMessage:
        'optimizers.0.axes.lr.values.0: Invalid axis value: object (must be a number, true, false or text)',
    },
    {
      desc: 'an axis of no known shape',
      input: adagrad({ axes: { lr: { steps: [1] } } }),
      expectedMessage:
        'optimizers.0.axes.lr.steps: Unknown field: "steps" is not part of an axis (must be one of values, linear, log, uniform, logUniform)',
    },
    {
      desc: 'an axis of two shapes',
      input: adagrad({ axes: { lr: { values: [1], log: { from: 1, to: 2, count: 2 } } } }),
      expectedMessage:
        'optimizers.0.axes.lr: Invalid axis: values, log (must be exactly one of values, linear, log, uniform, logUniform)',
    },
    {
      desc: 'an empty axis',
      input: adagrad({ axes: { lr: {} } }),
      expectedMessage:
        'optimizers.0.axes.lr: Invalid axis: nothing (must be exactly one of values, linear, log, uniform, logUniform)',
    },
    {
      desc: 'an axis that is a list',
      input: adagrad({ axes: { lr: [0.1] } }),
      expectedMessage: 'optimizers.0.axes.lr: Invalid axis: a list (must be an object)',
    },
    {
      desc: 'an unknown hyperparameter name',
      input: adagrad({ axes: { momentum: { values: [0.9] } } }),
      expectedMessage:
        'optimizers.0.axes.momentum: Unknown hyperparameter: "momentum" is not an option of adagrad (must be one of lr, eps, epsPlacement, weightDecay, decoupledWeightDecay, initialAccumulator, lrDecay, maximize)',
    },
    {
      desc: 'a hyperparameter outside fixed and axes',
      input: adagrad({ lr: 0.1 }),
      expectedMessage:
        'optimizers.0.lr: Unknown field: "lr" is not part of an optimizer axis (hyperparameters go in fixed or axes)',
    },
    {
      desc: 'a hyperparameter both fixed and swept',
      input: adagrad({ fixed: { lr: 0.1 }, axes: { lr: { values: [1] } } }),
      expectedMessage: 'optimizers.0.axes.lr: Invalid axis: lr is also fixed (give it in fixed or in axes, not both)',
    },
    {
      desc: 'a uniform axis in a grid search',
      input: adagrad({ axes: { lr: { uniform: { from: 0.1, to: 1 } } } }),
      expectedMessage:
        'optimizers.0.axes.lr: Invalid learning rate: uniform(0.1, 1) draws values at random, so it needs a random search (a grid takes a list, lin(from, to, count) or log(from, to, count))',
    },
    {
      desc: 'a rule across two hyperparameters',
      input: { optimizers: [{ kind: 'sgd', fixed: { nesterov: true } }] },
      expectedMessage: expect.stringMatching(
        /^optimizers\.0(\.fixed\.\w+)?: Nesterov momentum requires a momentum and zero dampening$/,
      ),
    },
    {
      desc: 'an extra field',
      input: { extra: 1 },
      expectedMessage: 'extra: Unknown field: "extra" is not part of a sweep',
    },
    {
      desc: 'a __proto__ key in a sweep',
      input: JSON.parse('{"__proto__": {"polluted": true}}'),
      expectedMessage: '__proto__: Unknown field: "__proto__" is not part of a sweep',
    },
    {
      desc: 'a __proto__ key among the axes',
      input: adagrad({ axes: JSON.parse('{"__proto__": {"values": [1]}}') }),
      expectedMessage: expect.stringMatching(
        /^optimizers\.0\.axes\.__proto__: Unknown hyperparameter: "__proto__" is not an option of adagrad/,
      ),
    },
    {
      desc: 'a __proto__ key among the fixed values',
      input: adagrad({ fixed: JSON.parse('{"__proto__": {"polluted": true}}') }),
      expectedMessage: expect.stringMatching(/^optimizers\.0\.fixed\.__proto__: Unknown hyperparameter/),
    },
    {
      desc: 'a repeated seed',
      input: { seeds: [1, 2, 1] },
      expectedMessage: 'seeds: Invalid seed list: 1 appears twice (each seed once)',
    },
    {
      desc: 'a negative seed',
      input: { seeds: [-1] },
      expectedMessage: 'seeds.0: Invalid seed: -1 (must be a whole number from 0 to 4,294,967,295)',
    },
    {
      desc: 'a trace of two points',
      input: { traceMaxPoints: 2 },
      expectedMessage: 'traceMaxPoints: Invalid trace size: 2 (must be a whole number from 3 to 100,000)',
    },
    {
      desc: 'a run limit above the ceiling',
      input: { maxRuns: 2e6 },
      expectedMessage: 'maxRuns: Invalid run limit: 2000000 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'an unknown search mode',
      input: { search: { mode: 'bayes' } },
      expectedMessage:
        "search.mode: Invalid search: \"bayes\" (must be { mode: 'grid' } or { mode: 'random', samples, seed })",
    },
    {
      desc: 'a random search without samples',
      input: { search: { mode: 'random', seed: 1 } },
      expectedMessage: 'search.samples: Missing field: a random search needs it',
    },
    {
      desc: 'a grid of 10⁹ runs',
      input: {
        objectives: [{ id: 'quadratic-1d' }],
        seeds: [0],
        ...adagrad({ axes: { lr: bigAxis(1), eps: bigAxis(0), weightDecay: bigAxis(0) } }),
      },
      expectedMessage:
        'Invalid sweep size: 1,000,000,000 runs (must be at most 10,000; raise maxRuns up to 1,000,000 to allow more)',
    },
    {
      desc: 'a grid over a raised limit',
      input: { maxRuns: 1_000_000, ...adagrad({ axes: { lr: bigAxis(1), eps: bigAxis(0) } }) },
      expectedMessage: 'Invalid sweep size: 4,000,000 runs (must be at most 1,000,000)',
    },
  ])('refuses $desc', ({ input, expectedMessage }) => {
    expect(validateSweepSpec({ ...goodSpec, ...input })).toEqual({ ok: false, message: expectedMessage });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a missing field and a non-object', () => {
    const { steps: _steps, ...withoutSteps } = goodSpec;
    expect(validateSweepSpec(withoutSteps)).toEqual({ ok: false, message: 'steps: Missing field: a sweep needs it' });
    expect(validateSweepSpec('hello')).toEqual({ ok: false, message: 'Invalid sweep: "hello" (must be an object)' });
  });

  it('refuses a 10⁹-run grid at once, without expanding it', () => {
    const axis = { linear: { from: 1, to: 2, count: 1_000_000 } };
    const started = performance.now();
    const result = validateSweepSpec({
      ...goodSpec,
      ...adagrad({ axes: { lr: axis, eps: { linear: { from: 0, to: 1, count: 1000 } } } }),
    });
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Invalid sweep size: 4,000,000,000 runs/),
    });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('accepts continuous axes in a random search', () => {
    const spec = valid({
      ...goodSpec,
      search: { mode: 'random', samples: 5, seed: 7 },
      ...adagrad({ axes: { lr: { logUniform: { from: 1e-4, to: 1 } } } }),
    });
    expect(countRuns(spec)).toBe(5 * 2 * 2);
  });
});

describe('rangePoints', () => {
  it("is NumPy's linspace and logspace (grid.test.ts holds them to NumPy's own doubles)", () => {
    expect(rangePoints('log', 1e-4, 1, 5)).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(rangePoints('linear', 0, 1, 11)).toEqual([
      0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1,
    ]);
    expect(rangePoints('log', 3, 7, 1)).toEqual([3]);
    expect(rangePoints('linear', 2, -2, 3)).toEqual([2, 0, -2]);
  });

  it('always has count points, from first and to last (a log end to within ln 10 · |log10 x| ulps: 10^log10(x), as NumPy), monotone in between', () => {
    const positive = fc.double({ min: 1e-12, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(
        fc.constantFrom('linear' as const, 'log' as const),
        positive,
        positive,
        fc.integer({ min: 2, max: 300 }),
        (scale, from, to, count) => {
          const points = rangePoints(scale, from, to, count);
          expect(points.length).toBe(count);
          const near = (x: number, want: number) =>
            scale === 'linear'
              ? expect(x).toBe(want)
              : expect(Math.abs(x - want) / want).toBeLessThan(64 * Number.EPSILON);
          near(points[0], from);
          near(points[count - 1], to);
          const sign = Math.sign(to - from);
          expect(points.every((x, i) => i === 0 || Math.sign(x - points[i - 1]) * sign >= 0)).toBe(true);
        },
      ),
    );
  });
});

describe('expandSweep', () => {
  it('orders objectives, then optimizers, then axes by key (first slowest), then seeds', () => {
    const spec = valid({
      name: 'order',
      objectives: [{ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 2 }],
      optimizers: [
        { kind: 'adagrad', axes: { weightDecay: { values: [0, 0.5] }, lr: { values: [1, 2] } } },
        { kind: 'sgd', fixed: { lr: 0.3 } },
      ],
      steps: 10,
      seeds: [5, 6],
    });
    const runs = expandSweep('s1', spec);
    const row = (r: (typeof runs)[number]) =>
      [
        r.objective.id,
        r.optimizer.kind,
        r.optimizer.lr,
        'weightDecay' in r.optimizer ? r.optimizer.weightDecay : null,
        r.seed,
      ].join(' ');
    expect(runs.slice(0, 10).map(row)).toEqual([
      'quadratic-1d adagrad 1 0 5',
      'quadratic-1d adagrad 1 0 6',
      'quadratic-1d adagrad 1 0.5 5',
      'quadratic-1d adagrad 1 0.5 6',
      'quadratic-1d adagrad 2 0 5',
      'quadratic-1d adagrad 2 0 6',
      'quadratic-1d adagrad 2 0.5 5',
      'quadratic-1d adagrad 2 0.5 6',
      `quadratic-1d sgd 0.3 ${optimizerDefaults.sgd.weightDecay} 5`,
      `quadratic-1d sgd 0.3 ${optimizerDefaults.sgd.weightDecay} 6`,
    ]);
    expect(runs.length).toBe(20);
    expect(runs[10].objective).toEqual({ id: 'rosenbrock', dim: 2 });
    expect(runs.map((r) => r.id)).toEqual(runs.map((_, i) => `s1:${String(i).padStart(6, '0')}`));
    expect(runs.map((r) => r.index)).toEqual(runs.map((_, i) => i));
    expect(runs[0]).toEqual({
      id: 's1:000000',
      sweepId: 's1',
      index: 0,
      objective: { id: 'quadratic-1d' },
      start: null,
      optimizer: { ...optimizerDefaults.adagrad, lr: 1, weightDecay: 0 },
      steps: 10,
      seed: 5,
      tolerance: null,
      divergenceThreshold: 1e6,
      traceMaxPoints: 1000,
    });
  });

  const axisArb = fc.oneof(
    fc
      .array(fc.double({ min: 0.001, max: 0.5, noNaN: true }), { minLength: 1, maxLength: 4 })
      .map((values) => ({ values })),
    fc
      .record({ from: fc.constant(0.01), to: fc.constant(0.5), count: fc.integer({ min: 1, max: 4 }) })
      .map((linear) => ({ linear })),
    fc
      .record({ from: fc.constant(1e-4), to: fc.constant(0.5), count: fc.integer({ min: 1, max: 4 }) })
      .map((log) => ({ log })),
  );
  // Names whose rules all accept numbers in (0, 0.5], for every kind that has them.
  const namesOf: Record<OptimizerKind, string[]> = {
    adagrad: ['lr', 'eps', 'weightDecay', 'initialAccumulator', 'lrDecay'],
    sgd: ['lr', 'momentum', 'weightDecay'],
    rmsprop: ['lr', 'alpha', 'eps', 'momentum', 'weightDecay'],
    adam: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  };
  const entryArb = fc
    .constantFrom<OptimizerKind>('adagrad', 'sgd', 'rmsprop', 'adam')
    .chain((kind) =>
      fc.dictionary(fc.constantFrom(...namesOf[kind]), axisArb, { maxKeys: 3 }).map((axes) => ({ kind, axes })),
    );
  const specArb = fc.record({
    name: fc.constant('prop'),
    objectives: fc.array(fc.constantFrom({ id: 'quadratic-1d' }, { id: 'rastrigin', dim: 3 }, { id: 'elliptic-2d' }), {
      minLength: 1,
      maxLength: 3,
    }),
    optimizers: fc.array(entryArb, { minLength: 1, maxLength: 3 }),
    steps: fc.integer({ min: 1, max: 50 }),
    seeds: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }),
  });

  /**
   * The documented order written out the plain way, every list built: objectives × (each entry's cross product of its
   * key-sorted axes, or its samples drawn axis by axis from one stream) × seeds. The generator is held to it.
   */
  function referenceExpansion(sweepId: string, spec: SweepSpec): RunConfig[] {
    const next = spec.search.mode === 'random' ? splitmix32(spec.search.seed) : null;
    const samples = spec.search.mode === 'random' ? spec.search.samples : 0;
    const drawn = (axis: Axis, r: number): HyperparameterValue => {
      if ('uniform' in axis) return axis.uniform.from + (axis.uniform.to - axis.uniform.from) * r;
      if ('logUniform' in axis) return axis.logUniform.from * Math.pow(axis.logUniform.to / axis.logUniform.from, r);
      const list = axisPoints(axis) as HyperparameterValue[];
      return list[Math.floor(r * list.length)];
    };
    const optimizers = spec.optimizers.flatMap((entry) => {
      const axes = (Object.entries(entry.axes) as [string, Axis][]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const combos: HyperparameterValue[][] = next
        ? Array.from({ length: samples }, () => axes.map(([, axis]) => drawn(axis, next())))
        : axes.reduce<HyperparameterValue[][]>(
            (product, [, axis]) => product.flatMap((combo) => (axisPoints(axis) ?? []).map((v) => [...combo, v])),
            [[]],
          );
      return combos.map((combo) => ({
        ...optimizerDefaults[entry.kind],
        ...entry.fixed,
        ...Object.fromEntries(axes.map(([key], a) => [key, combo[a]])),
      }));
    });
    const traceMaxPoints = spec.traceMaxPoints ?? autoTracePoints(countRuns(spec));
    return spec.objectives
      .flatMap((objective) =>
        optimizers.flatMap((optimizer) => spec.seeds.map((seed) => ({ objective, optimizer, seed }))),
      )
      .map(({ objective, optimizer, seed }, index) => ({
        id: `${sweepId}:${String(index).padStart(6, '0')}`,
        sweepId,
        index,
        objective,
        start: spec.start,
        optimizer,
        steps: spec.steps,
        seed,
        tolerance: spec.tolerance,
        ...(spec.divergenceThreshold === undefined ? {} : { divergenceThreshold: spec.divergenceThreshold }),
        traceMaxPoints,
        ...(spec.continueAfterNonFinite ? { continueAfterNonFinite: true } : {}),
      })) as RunConfig[];
  }

  const continuousArb = fc.oneof(
    fc.constant({ uniform: { from: 0.01, to: 0.5 } }),
    fc.constant({ logUniform: { from: 1e-4, to: 0.5 } }),
  );
  const randomEntryArb = fc
    .constantFrom<OptimizerKind>('adagrad', 'sgd', 'rmsprop', 'adam')
    .chain((kind) =>
      fc
        .dictionary(fc.constantFrom(...namesOf[kind]), fc.oneof(axisArb, continuousArb), { maxKeys: 3 })
        .map((axes) => ({ kind, axes })),
    );
  const anySpecArb = fc.oneof(
    specArb,
    fc.record({
      name: fc.constant('random'),
      objectives: fc.array(fc.constantFrom({ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 2 }), {
        minLength: 1,
        maxLength: 2,
      }),
      optimizers: fc.array(randomEntryArb, { minLength: 1, maxLength: 3 }),
      search: fc.record({
        mode: fc.constant('random'),
        samples: fc.integer({ min: 1, max: 20 }),
        seed: fc.nat({ max: 1000 }),
      }),
      steps: fc.integer({ min: 1, max: 50 }),
      seeds: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }),
      start: fc.option(fc.constant(null)),
      divergenceThreshold: fc.constantFrom(1.5, 1e6, 'off'),
      continueAfterNonFinite: fc.boolean(),
    }),
  );

  it('lazily gives the very runs, ids and order of the whole expansion, and skips exactly the indexes asked', () => {
    fc.assert(
      fc.property(anySpecArb, fc.array(fc.nat({ max: 400 })), (input, picked) => {
        const spec = valid(input);
        const reference = referenceExpansion('p', spec);
        expect([...expandSweepLazily('p', spec)]).toEqual(reference);
        expect(expandSweep('p', spec)).toEqual(reference);
        // Resume: the stored runs named by id (with ids of another sweep and of no run mixed in) are passed over.
        const storedIds = [
          ...picked.map((i) => `p:${String(i).padStart(6, '0')}`),
          'q:000000',
          'p:0',
          `p:${String(reference.length).padStart(6, '0')}`,
          'p:',
        ];
        const skip = runIndexesOf('p', reference.length, storedIds);
        expect([...skip].sort((a, b) => a - b)).toEqual(
          [...new Set(picked.filter((i) => i < reference.length))].sort((a, b) => a - b),
        );
        expect([...expandSweepLazily('p', spec, skip)]).toEqual(reference.filter((run) => !storedIds.includes(run.id)));
      }),
      { numRuns: 200 },
    );
  });

  it("places every grid run where gridLayout says: its objective, entry, each axis's point and seed from its index", () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const spec = valid(input);
        const { seeds, perObjective, entries } = gridLayout(spec);
        expect(perObjective * spec.objectives.length).toBe(countRuns(spec));
        for (const run of expandSweep('p', spec)) {
          const o = Math.floor(run.index / perObjective);
          const point = Math.floor((run.index % perObjective) / seeds);
          const e = entries.findLastIndex((entry) => entry.firstPoint <= point);
          const { keys, sizes, points, firstPoint } = entries[e];
          expect(points).toBe(sizes.reduce((product, n) => product * n, 1));
          expect(run.objective).toEqual(spec.objectives[o]);
          expect(run.seed).toBe(spec.seeds[run.index % seeds]);
          expect(run.optimizer.kind).toBe(spec.optimizers[e].kind);
          // The point's axis indexes in mixed radix, the last key fastest: each the value of that axis's point.
          let rest = point - firstPoint;
          for (let a = keys.length - 1; a >= 0; a--) {
            const axis = spec.optimizers[e].axes[keys[a] as keyof (typeof spec.optimizers)[number]['axes']]!;
            expect((run.optimizer as unknown as Record<string, unknown>)[keys[a]]).toBe(
              axisPoints(axis)![rest % sizes[a]],
            );
            rest = Math.floor(rest / sizes[a]);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('expands a range [from, to) of indexes (what a worker is given) as exactly those runs of the whole expansion', () => {
    fc.assert(
      fc.property(
        anySpecArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (input, cuts) => {
          const spec = valid(input);
          const reference = expandSweep('p', spec);
          const n = reference.length;
          // Split the sweep anywhere (the cut points sorted, 0 and n at the ends), and a range or two past the end.
          const bounds = [0, ...cuts.map((c) => Math.floor(c * n)).sort((a, b) => a - b), n];
          const pieces = bounds.slice(1).flatMap((to, i) => [...expandSweepRange('p', spec, bounds[i], to)]);
          expect(pieces).toEqual(reference);
          for (let i = 1; i < bounds.length; i++)
            expect([...expandSweepRange('p', spec, bounds[i - 1], bounds[i])]).toEqual(
              reference.slice(bounds[i - 1], bounds[i]),
            );
          expect([...expandSweepRange('p', spec, n, n + 5)]).toEqual([]);
          expect([...expandSweepRange('p', spec, Math.max(0, n - 1), n + 5)]).toEqual(reference.slice(-1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives an axis the points of its own range, whatever axes were expanded before (points are cached by axis)', () => {
    const spec = (from: number) =>
      valid({
        ...goodSpec,
        objectives: [{ id: 'quadratic-1d' }],
        seeds: [0],
        optimizers: [{ kind: 'adagrad', axes: { weightDecay: { linear: { from, to: 1, count: 3 } } } }],
      });
    for (const from of [0, -0, 0.5, -0, 0])
      expect(expandSweep('z', spec(from)).map((r) => (r.optimizer as { weightDecay: number }).weightDecay)).toEqual(
        rangePoints('linear', from, 1, 3),
      );
  });

  it('starts a range anywhere in a grid of two entries and two objectives, at once', () => {
    const spec = valid({
      ...goodSpec,
      objectives: [{ id: 'quadratic-1d' }, { id: 'elliptic-2d' }],
      seeds: [0, 1],
      maxRuns: 1_000_000,
      optimizers: [
        { kind: 'adagrad', axes: { lr: { log: { from: 1e-4, to: 1, count: 500 } }, eps: { values: [0, 1e-8] } } },
        { kind: 'adagrad', axes: { lr: { log: { from: 1e-4, to: 1, count: 499 } } } },
      ],
    });
    const n = countRuns(spec);
    const all = expandSweep('big', spec);
    for (const from of [0, 1, 1999, 2000, 2001, 2997, 2998, 2999, n - 1]) {
      const started = performance.now();
      const runs = [...expandSweepRange('big', spec, from, from + 3)];
      expect(performance.now() - started).toBeLessThan(50);
      expect(runs).toEqual(all.slice(from, from + 3));
    }
  });

  it('builds a run only when it is asked for: the first runs of a 10⁶-run sweep come at once', () => {
    const spec = valid({
      ...goodSpec,
      objectives: [{ id: 'quadratic-1d' }],
      seeds: [0],
      maxRuns: 1_000_000,
      optimizers: [
        {
          kind: 'adagrad',
          axes: {
            lr: { log: { from: 1e-4, to: 1, count: 1000 } },
            eps: { linear: { from: 0, to: 1e-3, count: 1000 } },
          },
        },
      ],
    });
    expect(countRuns(spec)).toBe(1_000_000);
    const runs = expandSweepLazily('big', spec);
    const first = [runs.next().value, runs.next().value] as RunConfig[];
    expect(first.map((r) => [r.id, r.optimizer.lr, (r.optimizer as { eps: number }).eps])).toEqual([
      ['big:000000', 1e-4, 0],
      // Axes in key order, the first slowest: eps, then lr.
      ['big:000001', rangePoints('log', 1e-4, 1, 1000)[1], 0],
    ]);
    // The last run, reached by skipping every other index: nothing else is built.
    const skip = { has: (i: number) => i !== 999_999, size: 999_999 } as ReadonlySet<number>;
    expect(
      [...expandSweepLazily('big', spec, skip)].map((r) => [
        r.id,
        r.optimizer.lr,
        (r.optimizer as { eps: number }).eps,
      ]),
    ).toEqual([['big:999999', 1, 1e-3]]);
  });

  it('sizes traces to the sweep when the spec leaves it open, and keeps a size the spec gives', () => {
    expect([1, 2000, 10_000, 100_000, 1_000_000].map(autoTracePoints)).toEqual([1000, 1000, 200, 50, 50]);
    const lrs = (count: number) => ({
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', axes: { lr: { log: { from: 1e-3, to: 1, count } } } }],
    });
    const [small] = expandSweep('s', valid({ ...lrs(10), traceMaxPoints: undefined }));
    // goodSpec has two objectives and two seeds: 2,500 learning rates make 10,000 runs.
    const [large] = expandSweep('s', valid({ ...lrs(2500), traceMaxPoints: undefined }));
    const [chosen] = expandSweep('s', valid({ ...lrs(2500), traceMaxPoints: 777 }));
    expect([small.traceMaxPoints, large.traceMaxPoints, chosen.traceMaxPoints]).toEqual([1000, 200, 777]);
  });

  it("gives each run configs of its own: changing one run's optimizer or objective changes no other run", () => {
    const spec = valid({
      name: 'own',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [{ kind: 'adagrad', axes: { lr: { values: [1, 2] } } }],
      steps: 10,
      seeds: [5, 6, 7],
    });
    const runs = expandSweep('o', spec);
    const before = structuredClone(runs);
    runs[0].optimizer.lr = 99;
    runs[3].objective.id = 'rosenbrock';
    expect(runs.slice(1, 3)).toEqual(before.slice(1, 3));
    expect(runs.slice(4)).toEqual(before.slice(4));
  });

  it('is deterministic, and its size is countRuns, the product of the axes', () => {
    fc.assert(
      fc.property(specArb, (input) => {
        const spec = valid(input);
        const runs = expandSweep('p', spec);
        expect(expandSweep('p', spec)).toEqual(runs);
        const product = input.optimizers.reduce(
          (sum, { axes }) =>
            sum +
            Object.values(axes).reduce(
              (p, axis) =>
                p * ('values' in axis ? axis.values.length : 'linear' in axis ? axis.linear.count : axis.log.count),
              1,
            ),
          0,
        );
        expect(runs.length).toBe(countRuns(spec));
        expect(runs.length).toBe(product * input.objectives.length * input.seeds.length);
        expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
      }),
      { numRuns: 150 },
    );
  });

  it('draws the same points from the same seed, within their ranges', () => {
    const input = {
      ...goodSpec,
      search: { mode: 'random', samples: 200, seed: 42 },
      optimizers: [
        {
          kind: 'adagrad',
          axes: {
            lr: { logUniform: { from: 1e-4, to: 1 } },
            weightDecay: { uniform: { from: 0, to: 0.1 } },
            eps: { values: [0, 1e-8] },
            lrDecay: { linear: { from: 0, to: 0.2, count: 3 } },
          },
        },
      ],
    };
    const runs = expandSweep('r', valid(input));
    expect(runs.length).toBe(200 * 2 * 2);
    expect(expandSweep('r', valid(input))).toEqual(runs);
    const other = expandSweep('r', valid({ ...input, search: { mode: 'random', samples: 200, seed: 43 } }));
    expect(other.map((r) => r.optimizer.lr)).not.toEqual(runs.map((r) => r.optimizer.lr));

    const configs = runs.map((r) => r.optimizer).filter((o) => o.kind === 'adagrad');
    for (const o of configs) {
      expect(o.lr).toBeGreaterThanOrEqual(1e-4);
      expect(o.lr).toBeLessThanOrEqual(1);
      expect(o.weightDecay).toBeGreaterThanOrEqual(0);
      expect(o.weightDecay).toBeLessThanOrEqual(0.1);
      expect([0, 1e-8]).toContain(o.eps);
      expect([0, 0.1, 0.2]).toContain(o.lrDecay);
    }
    // Every objective sees the same points; seeds repeat a point.
    expect(runs.slice(0, 400).map((r) => r.optimizer)).toEqual(runs.slice(400).map((r) => r.optimizer));
    expect(runs[0].optimizer).toEqual(runs[1].optimizer);
    // Log-uniform: about half the draws below √(1e-4·1) = 0.01.
    const below = configs.filter((o) => o.lr < 0.01).length / configs.length;
    expect(below).toBeGreaterThan(0.35);
    expect(below).toBeLessThan(0.65);
  });

  it('uses a fixed generator: splitmix32 gives the same stream everywhere', () => {
    const next = splitmix32(0);
    const first = [next(), next(), next()];
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const again = splitmix32(0);
    expect([again(), again(), again()]).toEqual(first);
    // Pinned: a change here changes every random sweep ever stored.
    expect(first.map((x) => x * 2 ** 32)).toEqual([1684164658, 3653269916, 2939563536]);
  });
});
