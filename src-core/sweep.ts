import type { RunConfig, SweepSpec } from './contract/types';

/**
 * The grid of a sweep, in a fixed order (learning rate slowest, then eps, then weight decay), so that the same spec
 * and sweep id always give the same run ids.
 */
export function expandSweep(sweepId: string, spec: SweepSpec): RunConfig[] {
  const runs: RunConfig[] = [];
  for (const lr of spec.lrs) {
    for (const eps of spec.eps) {
      for (const weightDecay of spec.weightDecays) {
        const index = runs.length;
        runs.push({
          id: runId(sweepId, index),
          sweepId,
          index,
          objective: spec.objective,
          start: [...spec.start],
          optimizer: 'adagrad',
          lr,
          eps,
          weightDecay,
          steps: spec.steps,
        });
      }
    }
  }
  return runs;
}

export const runCount = (spec: SweepSpec): number => spec.lrs.length * spec.eps.length * spec.weightDecays.length;

export const runId = (sweepId: string, index: number): string => `${sweepId}:${String(index).padStart(6, '0')}`;
