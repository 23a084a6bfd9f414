/** fast-check arbitraries of engine configs, shared by the property tests of the optimizers and of the run paths. */
import fc from 'fast-check';
import type { AdagradConfig, ObjectiveConfig, OptimizerConfig } from '../../src-core/contract/engine';
import { AnnotationLimits, type RunAnnotations } from '../../src-core/contract/annotations';
import type { RunConfig, RunSummary } from '../../src-core/contract/types';
import { createObjective } from '../../src-core/objectives';
import { optimizerDefaults } from '../../src-core/optim';

/** 0 half of the time (an option left off), else a value of `arb`. */
export const zeroOr = (arb: fc.Arbitrary<number>): fc.Arbitrary<number> => fc.oneof(fc.constant(0), arb);

/** Any valid AdagradConfig, every option on or off; `over` replaces the arbitrary of a field. */
export const adagradConfig = (
  over: Partial<Record<keyof AdagradConfig, fc.Arbitrary<unknown>>> = {},
): fc.Arbitrary<AdagradConfig> =>
  fc.record({
    kind: fc.constant('adagrad' as const),
    lr: fc.double({ min: 1e-4, max: 10, noNaN: true }),
    eps: zeroOr(fc.double({ min: 1e-12, max: 1, noNaN: true })),
    epsPlacement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
    weightDecay: zeroOr(fc.double({ min: 1e-4, max: 1, noNaN: true })),
    decoupledWeightDecay: fc.boolean(),
    initialAccumulator: zeroOr(fc.double({ min: 0, max: 1, noNaN: true })),
    lrDecay: zeroOr(fc.double({ min: 0, max: 1, noNaN: true })),
    maximize: fc.boolean(),
    ...over,
  }) as fc.Arbitrary<AdagradConfig>;

// Up to 1e300: some runs overflow and diverge, in the accumulator or in θ.
const overflowingAdagrad = adagradConfig({
  lr: fc.oneof(fc.double({ min: 1e-4, max: 3, noNaN: true }), fc.double({ min: 1e100, max: 1e300, noNaN: true })),
});

/**
 * Every objective that evaluates lanes, at dimensions on both sides of the per-parameter trace limit (16); the diagonal
 * quadratics (fused into the WebAssembly step) at odd and even dimensions too, a single lane's last coordinate being
 * half a pair when odd.
 */
const laneObjectives: ObjectiveConfig[] = [
  { id: 'quadratic-1d' },
  { id: 'elliptic-2d' },
  { id: 'linear-regression' },
  { id: 'constant-gradient' },
  { id: 'rosenbrock', dim: 3 },
  { id: 'ill-conditioned', dim: 20, condition: 100 },
  { id: 'ill-conditioned', dim: 7, condition: 1e4 },
  { id: 'rastrigin', dim: 2 },
];

/**
 * A batch of AdaGrad runs on the lane objectives that share steps and trace size (so many of them group), each with its
 * own optimizer, start, tolerance and divergence threshold (absent: the default, as in runs stored before it existed;
 * low ones make runs blow up); `continueAfterNonFinite`: some runs step on past a divergence (the step-by-step loop).
 */
export const laneRunBatch = ({ continueAfterNonFinite = false } = {}): fc.Arbitrary<RunConfig[]> =>
  fc
    .record({
      steps: fc.integer({ min: 1, max: 150 }),
      traceMaxPoints: fc.integer({ min: 3, max: 60 }),
      size: fc.integer({ min: 1, max: 24 }),
    })
    .chain(({ steps, traceMaxPoints, size }) =>
      fc
        .array(
          fc.record({
            objective: fc.constantFrom(...laneObjectives),
            optimizer: overflowingAdagrad,
            start: fc.option(
              fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 20, maxLength: 20 }),
              { nil: null },
            ),
            tolerance: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }),
            divergenceThreshold: fc.constantFrom(undefined, 'off' as const, 1.01, 1.5, 10, 1e3, 1e6),
            goesOn: continueAfterNonFinite ? fc.boolean() : fc.constant(false),
          }),
          { minLength: size, maxLength: size },
        )
        .map((runs) =>
          runs.map((run, index): RunConfig => ({
            id: `s:${index}`,
            sweepId: 's',
            index,
            objective: run.objective,
            start: run.start && run.start.slice(0, createObjective(run.objective).dim),
            optimizer: run.optimizer,
            steps,
            seed: 0,
            tolerance: run.tolerance,
            ...(run.divergenceThreshold === undefined ? {} : { divergenceThreshold: run.divergenceThreshold }),
            traceMaxPoints,
            ...(run.goesOn ? { continueAfterNonFinite: true } : {}),
          })),
        ),
    );

const batchObjectives: ObjectiveConfig[] = [
  { id: 'quadratic-1d' },
  { id: 'elliptic-2d' },
  { id: 'rosenbrock', dim: 3 },
  { id: 'ill-conditioned', dim: 20, condition: 100 },
  { id: 'sparse-logreg', samples: 20, features: 30, nonZerosPerSample: 3, zipfExponent: 1.1, seed: 4, batchSize: 1 },
];

const batchNumber = fc.oneof(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.constantFrom(0, -0, 1e300));
const batchOptimizer: fc.Arbitrary<OptimizerConfig> = fc.oneof(
  fc
    .record({
      lr: batchNumber,
      eps: batchNumber,
      weightDecay: fc.constantFrom(0, 0.1),
      lrDecay: fc.constantFrom(0, 0.5),
    })
    .map((o) => ({ ...optimizerDefaults.adagrad, ...o })),
  fc.record({ lr: batchNumber, momentum: fc.constantFrom(0, 0.9) }).map((o) => ({ ...optimizerDefaults.sgd, ...o })),
);

/** Batches as a sweep makes them (one sweep, fields mostly shared) or mixed; some runs invalid, so that they fail. */
export const configBatch = fc
  .array(
    fc.record({
      objective: fc.constantFrom(...batchObjectives),
      optimizer: batchOptimizer,
      start: fc.option(fc.constant([1e160, 1, 1]), { nil: null }),
      steps: fc.constantFrom(5, 40),
      tolerance: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      traceMaxPoints: fc.constantFrom(3, 30),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((runs) =>
    runs.map((run, index): RunConfig => ({
      id: `s:${index}`,
      sweepId: 's',
      index,
      seed: 0,
      ...run,
      start: run.start && run.start.slice(0, objectiveDim(run.objective)),
    })),
  );

const objectiveDim = (o: ObjectiveConfig): number => (o.id === 'quadratic-1d' ? 1 : o.id === 'elliptic-2d' ? 2 : 3);

/** A summary a run of `steps` steps may have: any status, losses NaN, ±∞ or any finite double, steps within the run. */
export const runSummary = (steps: number): fc.Arbitrary<RunSummary> => {
  const step = fc.integer({ min: 0, max: steps });
  const loss = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, 0, Number.MIN_VALUE, Number.MAX_VALUE),
    // JSON has no −0: a loss is a value of f, never −0 (f(−0) of the objectives is +0).
    fc.double().filter((x) => !Object.is(x, -0)),
  );
  return fc.record(
    {
      status: fc.constantFrom('completed' as const, 'converged' as const, 'diverged' as const, 'failed' as const),
      finalLoss: loss,
      bestLoss: loss,
      bestStep: step,
      stepsToTolerance: fc.option(step, { nil: null }),
      divergedAt: fc.option(step, { nil: null }),
      divergedIn: fc.constantFrom(null, 'accumulator' as const, 'parameters' as const, 'loss' as const),
      error: fc.string({ maxLength: 30 }),
    },
    { requiredKeys: ['status', 'finalLoss', 'bestLoss', 'bestStep', 'stepsToTolerance', 'divergedAt', 'divergedIn'] },
  );
};

/** Text a person may type into a tag or note: unicode, quotes and backslashes, trimmed, no control characters. */
const typedText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom('"', "'", '\\', '“', '”', 'λ', 'η', '√', '😀', '=', ' ', ','),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      ),
      {
        minLength,
        maxLength,
      },
    )
    .map((chars) =>
      chars
        .join('')
        .replace(/\p{Cc}/gu, '')
        .trim()
        .slice(0, maxLength)
        .trim(),
    )
    .filter((text) => text.length >= minLength);

/** Tags, a star and a note as the runs table lets a person attach them (src-renderer/lib/state/annotations.ts). */
export const runAnnotations: fc.Arbitrary<RunAnnotations> = fc.record({
  tags: fc.uniqueArray(typedText(1, AnnotationLimits.maxTagLength), { maxLength: 4 }),
  starred: fc.boolean(),
  note: fc.oneof(fc.constant(''), typedText(0, 120)),
});
