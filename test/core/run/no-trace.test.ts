/**
 * Runs computed without a trace (executeBatch / executeRun / executeLanes with `traces` false, what the command line
 * does when it writes summaries only) get the summary they get with a trace, bit for bit, on every path: the lanes
 * with the WebAssembly kernel and with the JavaScript loop, and the step-by-step loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { executeBatch, executeRun } from '../../../src-core/run/execute';
import { executeLanes, laneGroupKey } from '../../../src-core/run/lanes';
import { noTrace } from '../../../src-core/run/trace';
import { laneRunBatch } from '../../helpers/arbitraries';

const batch = laneRunBatch({ continueAfterNonFinite: true });

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
