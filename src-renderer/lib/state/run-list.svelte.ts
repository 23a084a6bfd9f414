/**
 * Every stored run, in memory, kept up to date incrementally: the app applies each batch it stores (and each edit and
 * deletion) here instead of re-reading the table, so a sweep streaming 10,000 runs in costs O(batch) per batch, not
 * O(runs). Views read `runs`, which is replaced, never mutated, at most every `publishIntervalMs` while results
 * stream, so the table re-renders a few times a second instead of once per batch. A sweep's runs are kept in the
 * slots of their indexes, so publishing lists them in order without sorting them: O(runs), where a sort of every run
 * each time had slowed storing to half its rate by 300,000 runs stored (docs/reliability.md, Soak).
 *
 * This tab's writes are the only ones it sees: another tab on the same database shows them after a reload.
 */
import type { LabDatabase } from '../storage/db';
import type { StoredRun } from '../storage/records';

/** One sweep's runs, each in the slot of its index (a sweep's runs are numbered 0…runCount−1). */
interface SweepRuns {
  sweepId: string;
  createdAt: number;
  slots: (StoredRun | undefined)[];
}

const newestFirst = (a: SweepRuns, b: SweepRuns): number =>
  b.createdAt - a.createdAt || (a.sweepId < b.sweepId ? -1 : a.sweepId > b.sweepId ? 1 : 0);

export class RunList {
  /** Newest sweep first, then in each sweep's order. */
  runs = $state.raw<readonly StoredRun[]>([]);
  /** False until what is stored has been read once: no "no runs yet" flashes past a returning person. */
  loaded = $state(false);
  /** Every change so far, published or not, by id and by sweep. */
  private readonly byId = new Map<string, StoredRun>();
  private readonly bySweep = new Map<string, SweepRuns>();
  /**
   * The runs as published, by id: changed in place, and only when `runs` is replaced, so that a publication costs the
   * runs changed, not a copy of every run. `get` reads `runs` to make its callers follow it.
   */
  private readonly published = new Map<string, StoredRun>();
  private readonly unpublished = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPublished = -Infinity;

  constructor(
    private readonly publishIntervalMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reads what is stored (once, at start-up); runs applied meanwhile are newer and win. */
  async load(db: LabDatabase): Promise<void> {
    this.upsert((await db.allRuns()).filter((run) => !this.byId.has(run.id)));
    this.flush();
    this.loaded = true;
  }

  get(id: string): StoredRun | undefined {
    return this.runs && this.published.get(id);
  }

  /** Adds or replaces runs; published within publishIntervalMs. */
  upsert(runs: readonly StoredRun[]): void {
    for (const run of runs) {
      const previous = this.byId.get(run.id);
      if (previous) this.slotsOf(previous)[previous.index] = undefined;
      this.byId.set(run.id, run);
      const sweep = this.bySweep.get(run.sweepId) ?? { sweepId: run.sweepId, createdAt: run.createdAt, slots: [] };
      this.bySweep.set(run.sweepId, sweep);
      sweep.createdAt = run.createdAt;
      sweep.slots[run.index] = run;
      this.unpublished.add(run.id);
    }
    this.schedule();
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const run = this.byId.get(id);
      if (!run) continue;
      this.byId.delete(id);
      this.slotsOf(run)[run.index] = undefined;
      this.unpublished.add(id);
    }
    this.schedule();
  }

  /** Publishes now: after a person's own edit, which must show at once. O(runs), never a sort of them. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastPublished = this.now();
    for (const id of this.unpublished) {
      const run = this.byId.get(id);
      if (run) this.published.set(id, run);
      else this.published.delete(id);
    }
    this.unpublished.clear();
    const runs: StoredRun[] = [];
    for (const sweep of [...this.bySweep.values()].sort(newestFirst)) {
      const before = runs.length;
      for (const run of sweep.slots) if (run) runs.push(run);
      if (runs.length === before) this.bySweep.delete(sweep.sweepId);
    }
    this.runs = runs;
  }

  private slotsOf(run: StoredRun): (StoredRun | undefined)[] {
    return this.bySweep.get(run.sweepId)!.slots;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = this.lastPublished + this.publishIntervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }
}
