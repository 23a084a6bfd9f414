/**
 * Runs computed without a trace (executeBatch / executeRun / executeLanes with `traces` false, what the command line
 * does when it writes summaries only) get the summary they get with a trace, bit for bit, on every path: the lanes
 * with the WebAssembly kernel and with the JavaScript loop, and the step-by-step loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectiveConfig } from '../../../src-core/contract/engine';
import type { RunConfig } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { executeBatch, executeRun } from '../../../src-core/run/execute';
import { executeLanes, laneGroupKey } from '../../../src-core/run/lanes';
import { noTrace } from '../../../src-core/run/trace';
import { adagradConfig } from '../../helpers/arbitraries';

// Up to 1e300: some runs overflow and diverge, in the accumulator or in θ.
const adagrad = adagradConfig({
  lr: fc.oneof(fc.double({ min: 1e-4, max: 3, noNaN: true }), fc.double({ min: 1e100, max: 1e300, noNaN: true })),
});

const objectives: ObjectiveConfig[] = [
  { id: 'quadratic-1d' },
  { id: 'elliptic-2d' },
  { id: 'linear-regression' },
  { id: 'rosenbrock', dim: 3 },
  { id: 'ill-conditioned', dim: 20, condition: 100 },
  { id: 'ill-conditioned', dim: 7, condition: 1e4 },
  { id: 'rastrigin', dim: 2 },
];

const batch = fc
  .record({
    steps: fc.integer({ min: 1, max: 150 }),
    traceMaxPoints: fc.integer({ min: 3, max: 60 }),
    size: fc.integer({ min: 1, max: 24 }),
  })
  .chain(({ steps, traceMaxPoints, size }) =>
    fc
      .array(
        fc.record({
          objective: fc.constantFrom(...objectives),
          optimizer: adagrad,
          start: fc.option(
            fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 20, maxLength: 20 }),
            { nil: null },
          ),
          tolerance: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }),
          divergenceThreshold: fc.constantFrom(undefined, 'off' as const, 1.01, 1.5, 10, 1e3),
          // Runs that go on after a non-finite value take the step-by-step loop.
          continueAfterNonFinite: fc.boolean(),
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
          ...(run.continueAfterNonFinite ? { continueAfterNonFinite: true } : {}),
        })),
      ),
  );

/** Summaries compared as their bits: Object.is on every number (NaN, −0). */
const summaries = (results: readonly { summary: object }[]): unknown[] => results.map((r) => r.summary);

describe('runs without a trace', () => {
  it('have the summary they have with one, bit for bit, and no trace rows, on every path', () => {
    let diverged = 0;
    fc.assert(
      fc.property(batch, (configs) => {
        const withTraces = executeBatch(configs);
        const without = executeBatch(configs, false);
        expect(summaries(without)).toEqual(summaries(withTraces));
        for (const r of without) expect(r.trace).toBe(noTrace);
        expect(without.map((r) => r.config)).toEqual(configs);
        diverged += withTraces.filter((r) => r.summary.status === 'diverged').length;
        expect(summaries(configs.map((c) => executeRun(c, undefined, false)))).toEqual(summaries(withTraces));
        // The lanes through the JavaScript loop too.
        const groups = new Map<string, RunConfig[]>();
        for (const c of configs) {
          const key = laneGroupKey(c, createObjective(c.objective));
          if (key !== null) groups.set(key, [...(groups.get(key) ?? []), c]);
        }
        for (const group of groups.values()) {
          const objective = createObjective(group[0].objective);
          const starts = () => group.map((c) => (c.start ? Float64Array.from(c.start) : objective.defaultStart()));
          expect(summaries(executeLanes(group, objective, starts(), null, false))).toEqual(
            summaries(executeLanes(group, objective, starts(), null, true)),
          );
        }
      }),
      { numRuns: 120 },
    );
    // The property saw runs that diverge (the one event that still stops the lanes without a trace).
    expect(diverged).toBeGreaterThan(0);
  });

  it('are the same for a W1-like block of 600 runs of 1,000 steps with weight decay (more than one lane block)', () => {
    const configs: RunConfig[] = Array.from({ length: 600 }, (_, index) => ({
      id: `w:${index}`,
      sweepId: 'w',
      index,
      objective: { id: 'elliptic-2d' },
      start: null,
      optimizer: {
        kind: 'adagrad',
        lr: 1e-3 * Math.pow(300, (index % 60) / 59),
        eps: Math.pow(10, -10 + (Math.floor(index / 60) * 6) / 9),
        epsPlacement: 'outside',
        weightDecay: 1e-4,
        decoupledWeightDecay: index % 2 === 1,
        initialAccumulator: 0,
        lrDecay: 0,
        maximize: false,
      },
      steps: 1000,
      seed: 0,
      tolerance: index % 3 === 0 ? 1e-3 : null,
      traceMaxPoints: 200,
    }));
    expect(summaries(executeBatch(configs, false))).toEqual(summaries(executeBatch(configs)));
  });
});
