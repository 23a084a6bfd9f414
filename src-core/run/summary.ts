/**
 * A run's summary, built step by step so that a run of a million steps needs no stored loss column to summarize it.
 */

import type { DivergedIn, RunStatus, RunSummary } from '../contract/types';
import { defaultDivergenceThreshold, type DivergenceThreshold } from '../contract/sweep-spec';

/**
 * The loss above which a run has blown up, from its threshold and its initial loss f₀: threshold × |f₀|; +∞ (never)
 * when the threshold is off, or f₀ is 0 or not finite (no scale to be relative to). A run's threshold is absent in
 * runs stored before it existed: the default. Every path (SummaryTracker, lanes.ts, the WebAssembly summaries, the
 * stochastic runs) compares the loss against this one number.
 */
export function blowUpLimit(threshold: DivergenceThreshold | undefined, initialLoss: number): number {
  const factor = threshold ?? defaultDivergenceThreshold;
  if (factor === 'off' || initialLoss === 0 || !Number.isFinite(initialLoss)) return Infinity;
  return factor * Math.abs(initialLoss);
}

const allFinite = (xs: Float64Array): boolean => {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
  return true;
};

/**
 * Fed every step's state in order (k = 0, 1, …); `observe` says when the run must stop. Owns the definition of
 * divergence so that the runner, the tests and any future fused loop agree on it: a non-finite loss, θ or
 * accumulator, or a loss above `blowUpLimit` (the run blew up: diverged in its loss, at the step it crossed). With
 * `continueAfterNonFinite` a run that diverges (either way) goes on, as a PyTorch loop does, and the summary keeps the
 * first divergence: its step and where; a later step counts towards the best loss and the tolerance only when it is
 * itself finite and under the limit.
 */
export class SummaryTracker {
  private observed = false;
  private finalLoss = NaN;
  private bestLoss = NaN;
  private bestStep = 0;
  private stepsToTolerance: number | null = null;
  private divergedAt: number | null = null;
  private divergedIn: DivergedIn | null = null;

  private limit = Infinity;

  constructor(
    private readonly tolerance: number | null,
    private readonly continueAfterNonFinite = false,
    private readonly threshold?: DivergenceThreshold,
  ) {}

  /** The first step at which the run diverged, null so far. */
  get divergedStep(): number | null {
    return this.divergedAt;
  }

  /**
   * Takes step `step`'s loss, θ and accumulator (null when the optimizer has none). Returns false when the run
   * diverged at this step and must stop (never with continueAfterNonFinite). O(dim).
   */
  observe(step: number, loss: number, theta: Float64Array, accum: Float64Array | null): boolean {
    this.finalLoss = loss;
    if (!this.observed) this.limit = blowUpLimit(this.threshold, loss);
    const where = divergedIn(loss, theta, accum) ?? (loss > this.limit ? 'loss' : null);
    if (!this.observed || (where === null && loss < this.bestLoss)) {
      this.bestLoss = loss;
      this.bestStep = step;
    }
    this.observed = true;
    if (where !== null) {
      if (this.divergedAt === null) {
        this.divergedAt = step;
        this.divergedIn = where;
      }
      return this.continueAfterNonFinite;
    }
    if (this.tolerance !== null && this.stepsToTolerance === null && loss <= this.tolerance)
      this.stepsToTolerance = step;
    return true;
  }

  finish(): RunSummary {
    if (!this.observed) throw new Error('SummaryTracker.finish: no step was observed');
    const { finalLoss, bestLoss, bestStep, stepsToTolerance, divergedAt, divergedIn } = this;
    return summaryOf({ finalLoss, bestLoss, bestStep, stepsToTolerance, divergedAt, divergedIn }, this.tolerance);
  }
}

/** Where the first non-finite value of a step is, in the order a step computes them; null when all are finite. */
export function divergedIn(loss: number, theta: Float64Array, accum: Float64Array | null): DivergedIn | null {
  return accum && !allFinite(accum)
    ? 'accumulator'
    : !allFinite(theta)
      ? 'parameters'
      : !Number.isFinite(loss)
        ? 'loss'
        : null;
}

/** A run's summary from what was tracked; the one definition of its status, for the tracker and the batched runner. */
export function summaryOf(tracked: Omit<RunSummary, 'status' | 'error'>, tolerance: number | null): RunSummary {
  const status: RunStatus =
    tracked.divergedAt !== null
      ? 'diverged'
      : tolerance !== null && tracked.finalLoss <= tolerance
        ? 'converged'
        : 'completed';
  return {
    status,
    finalLoss: tracked.finalLoss,
    bestLoss: tracked.bestLoss,
    bestStep: tracked.bestStep,
    stepsToTolerance: tracked.stepsToTolerance,
    divergedAt: tracked.divergedAt,
    divergedIn: tracked.divergedIn,
  };
}
