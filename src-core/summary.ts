/**
 * A run's summary, built step by step so that a run of a million steps needs no stored loss column to summarize it.
 */

export type RunStatusV2 = 'completed' | 'converged' | 'diverged' | 'failed';

/** Where divergence showed first, in the order a step computes things: the accumulator, then θ, then the loss at θ. */
export type DivergedIn = 'accumulator' | 'parameters' | 'loss';

export interface RunSummaryV2 {
  /**
   * 'converged': a tolerance was given and the final loss is at or below it. 'completed': every step ran, without
   * converging. 'diverged': the loss, θ or the accumulator became non-finite; the run stopped there. 'failed': the
   * run threw (set by the runner, with `error`).
   */
  status: RunStatusV2;
  /** The loss at the last step run (the divergence step when diverged, so possibly non-finite). */
  finalLoss: number;
  /** The lowest finite loss and the first step reaching it; the step-0 loss when even that was not finite. */
  bestLoss: number;
  bestStep: number;
  /** The first step whose loss is ≤ tolerance; null without a tolerance or when no step reached it. */
  stepsToTolerance: number | null;
  /** The step at which the run diverged, and what went non-finite first there; both null unless diverged. */
  divergedAt: number | null;
  divergedIn: DivergedIn | null;
  /** Why a run failed (an exception in its worker); absent otherwise. */
  error?: string;
}

const allFinite = (xs: Float64Array): boolean => {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
  return true;
};

/**
 * Fed every step's state in order (k = 0, 1, …); `observe` says when the run must stop. Owns the definition of
 * divergence so that the runner, the tests and any future fused loop agree on it.
 */
export class SummaryTracker {
  private observed = false;
  private finalLoss = NaN;
  private bestLoss = NaN;
  private bestStep = 0;
  private stepsToTolerance: number | null = null;
  private divergedAt: number | null = null;
  private divergedIn: DivergedIn | null = null;

  constructor(private readonly tolerance: number | null) {}

  /**
   * Takes step `step`'s loss, θ and accumulator (null when the optimizer has none). Returns false when the run
   * diverged at this step and must stop. O(dim).
   */
  observe(step: number, loss: number, theta: Float64Array, accum: Float64Array | null): boolean {
    this.finalLoss = loss;
    const where: DivergedIn | null =
      accum && !allFinite(accum) ? 'accumulator' : !allFinite(theta) ? 'parameters' : !Number.isFinite(loss) ? 'loss' : null;
    if (!this.observed || (where === null && loss < this.bestLoss)) {
      this.bestLoss = loss;
      this.bestStep = step;
    }
    this.observed = true;
    if (where !== null) {
      this.divergedAt = step;
      this.divergedIn = where;
      return false;
    }
    if (this.tolerance !== null && this.stepsToTolerance === null && loss <= this.tolerance) this.stepsToTolerance = step;
    return true;
  }

  finish(): RunSummaryV2 {
    if (!this.observed) throw new Error('SummaryTracker.finish: no step was observed');
    const status: RunStatusV2 =
      this.divergedAt !== null
        ? 'diverged'
        : this.tolerance !== null && this.finalLoss <= this.tolerance
          ? 'converged'
          : 'completed';
    return {
      status,
      finalLoss: this.finalLoss,
      bestLoss: this.bestLoss,
      bestStep: this.bestStep,
      stepsToTolerance: this.stepsToTolerance,
      divergedAt: this.divergedAt,
      divergedIn: this.divergedIn,
    };
  }
}
