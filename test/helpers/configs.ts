import type { AdagradConfig } from '../../src-core/contract/engine';
import type { RunConfig } from '../../src-core/contract/types';
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
