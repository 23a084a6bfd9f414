import type { AdagradConfig } from '../../src-core/contract/engine';
import type { RunConfig, RunStatus, RunSummary, SweepSpec } from '../../src-core/contract/types';
import { validateSweepSpec } from '../../src-core/sweep/expand';
import { optimizerDefaults } from '../../src-core/optim';

/** An AdaGrad run on f(x)=x² from 4, the seeds' example, with any option changed. */
export function adagradRun(
  optimizer: Partial<Omit<AdagradConfig, 'kind'>> = {},
  over: Partial<RunConfig> = {},
): RunConfig {
  return {
    id: 's:000000',
    sweepId: 's',
    index: 0,
    objective: { id: 'quadratic-1d' },
    start: [4],
    optimizer: { ...optimizerDefaults.adagrad, lr: 1, ...optimizer },
    steps: 10,
    seed: 0,
    tolerance: null,
    traceMaxPoints: 1000,
    ...over,
  };
}

/** A sweep of AdaGrad on x² over three learning rates and two weight decays: 6 runs. */
export const goodSpec = {
  name: 'test',
  objectives: [{ id: 'quadratic-1d' }],
  start: [4],
  optimizers: [
    { kind: 'adagrad', fixed: {}, axes: { lr: { values: [1, 0.5, 0.1] }, weightDecay: { values: [0, 0.01] } } },
  ],
  steps: 20,
};

/** A v2 sweep of AdaGrad on x², from the lists a person types: one run per (lr, eps, weight decay). */
export function adagradSweep(lists: {
  name: string;
  start: number[];
  lrs: number[];
  eps: number[];
  weightDecays: number[];
  steps: number;
}) {
  return {
    name: lists.name,
    objectives: [{ id: 'quadratic-1d' as const }],
    start: lists.start,
    optimizers: [
      {
        kind: 'adagrad' as const,
        fixed: {},
        axes: { lr: { values: lists.lrs }, eps: { values: lists.eps }, weightDecay: { values: lists.weightDecays } },
      },
    ],
    steps: lists.steps,
    seeds: [0],
    tolerance: null,
    traceMaxPoints: 1000,
    search: { mode: 'grid' as const },
    maxRuns: 10_000,
  };
}

/** A spec through validateSweepSpec, for a test that needs a valid one: its message thrown if it is not. */
export function validSpec(input: unknown): SweepSpec {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
}

/** A run's summary with the given status and final loss (best loss the same, or 1 when not finite), for view tests. */
export const summaryOf = (status: RunStatus, finalLoss: number): RunSummary => ({
  status,
  finalLoss,
  bestLoss: Number.isFinite(finalLoss) ? finalLoss : 1,
  bestStep: 0,
  stepsToTolerance: null,
  divergedAt: status === 'diverged' ? 3 : null,
  divergedIn: status === 'diverged' ? 'loss' : null,
});

/**
 * A sweep for the agents' tests: several objectives and optimizers, weight decay, rates at which some runs diverge, a
 * name with quotes; 96 runs.
 */
export const mixedAgentsSweep = (steps: number) => ({
  name: 'mixed, "quoted"',
  objectives: [{ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 2 }, { id: 'elliptic-2d' }],
  optimizers: [
    { kind: 'adagrad', axes: { lr: { log: { from: 1e-3, to: 1e3, count: 7 } }, weightDecay: { values: [0, 0.1] } } },
    { kind: 'sgd', axes: { lr: { values: [0.01, 2] } } },
  ],
  steps,
  seeds: [0, 1],
});
