import type { RunConfig, SweepSpec } from '../src-core/contract/types';
import { expandSweepRange, runIndexesOf } from '../src-core/sweep/expand';

/**
 * The runs a sweep still has to hand out, as index ranges: a task is (spec, range) and its worker expands the runs
 * itself, so the main process never builds, holds or sends a run's config. A queued sweep of 10⁶ runs costs its spec
 * (and, on Resume, the indexes already stored), not 10⁶ RunConfigs (~500 MB), and launching it does no work
 * proportional to its size. A range never spans a run already stored: Resume hands out the gaps.
 */
export class SweepRanges {
  /** Runs not yet handed out. */
  remaining: number;
  /** How many runs were stored before this process started on the sweep (Resume); they are never handed out. */
  readonly alreadyStored: number;
  /** The indexes already stored, ascending, and how many of them lie behind `next`. */
  private readonly stored: Uint32Array;
  private storedBehind = 0;
  /** The first index not yet handed out (it may be a stored one, skipped when reached). */
  private next = 0;
  /**
   * A config of each objective, built when first needed: what sizes a task (a sweep's runs differ in their trace and
   * cost by their objective only), so that sizing builds no config per task.
   */
  private readonly sizingConfigs: (RunConfig | undefined)[] = [];
  private readonly runsPerObjective: number;

  constructor(
    private readonly sweepId: string,
    private readonly spec: SweepSpec,
    private readonly runCount: number,
    storedRunIds: Iterable<string>,
  ) {
    this.stored = Uint32Array.from(runIndexesOf(sweepId, runCount, storedRunIds)).sort();
    this.alreadyStored = this.stored.length;
    this.remaining = runCount - this.stored.length;
    this.runsPerObjective = runCount / spec.objectives.length;
  }

  /**
   * A run of the objective of the next run to hand out (what the next task is sized by, see sizingConfigs); null when
   * none is left.
   */
  peek(): RunConfig | null {
    if (this.remaining === 0) return null;
    this.skipStored();
    const objective = Math.floor(this.next / this.runsPerObjective);
    if (this.sizingConfigs[objective] === undefined) {
      const first = objective * this.runsPerObjective;
      const [config] = expandSweepRange(this.sweepId, this.spec, first, first + 1);
      // The count and the expansion come from the same spec; should they ever disagree, the sweep ends, not spins.
      if (config === undefined) this.remaining = 0;
      this.sizingConfigs[objective] = config;
    }
    return this.sizingConfigs[objective] ?? null;
  }

  /** Takes the next `count` runs or fewer: as many as are left before the next stored run, or the end. */
  take(count: number): { from: number; to: number } {
    this.skipStored();
    const from = this.next;
    const nextStored = this.storedBehind < this.stored.length ? this.stored[this.storedBehind] : this.runCount;
    const to = Math.min(from + Math.max(0, Math.min(count, this.remaining)), nextStored);
    this.next = to;
    this.remaining -= to - from;
    return { from, to };
  }

  private skipStored(): void {
    while (this.storedBehind < this.stored.length && this.stored[this.storedBehind] === this.next) {
      this.storedBehind++;
      this.next++;
    }
  }
}
