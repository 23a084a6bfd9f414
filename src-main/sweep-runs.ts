import type { RunConfig, SweepSpec } from '../src-core/contract/types';
import { expandSweepLazily, runIndexesOf } from '../src-core/sweep/expand';

/**
 * The runs a sweep still has to hand out, built from its spec only as tasks are formed: a queued sweep of 10⁶ runs
 * costs its spec (and, on Resume, the indexes already stored), not 10⁶ RunConfigs (~500 MB), and launching it does no
 * work proportional to its size.
 */
export class SweepRuns {
  /** Runs not yet handed out. */
  remaining: number;
  /** How many runs were stored before this process started on the sweep (Resume); they are never built. */
  readonly alreadyStored: number;
  private readonly runs: Iterator<RunConfig, void>;
  private head: RunConfig | null = null;

  constructor(sweepId: string, spec: SweepSpec, runCount: number, storedRunIds: Iterable<string>) {
    const stored = runIndexesOf(sweepId, runCount, storedRunIds);
    this.alreadyStored = stored.size;
    this.remaining = runCount - stored.size;
    // A generator's body first runs at the first `next()`: nothing is expanded until the sweep starts.
    this.runs = expandSweepLazily(sweepId, spec, stored);
  }

  /** The next run to hand out, without taking it; null when none is left. */
  peek(): RunConfig | null {
    if (this.head === null && this.remaining > 0) {
      const step = this.runs.next();
      this.head = step.done ? null : step.value;
      // The count and the expansion come from the same spec; should they ever disagree, the sweep ends, not spins.
      if (step.done) this.remaining = 0;
    }
    return this.head;
  }

  /** Takes the next `count` runs (fewer when fewer are left). */
  take(count: number): RunConfig[] {
    const batch: RunConfig[] = [];
    while (batch.length < count) {
      const run = this.peek();
      if (run === null) break;
      batch.push(run);
      this.head = null;
      this.remaining--;
    }
    return batch;
  }
}
