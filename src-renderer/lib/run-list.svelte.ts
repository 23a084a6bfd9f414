/**
 * Every stored run, in memory, kept up to date incrementally: the app applies each batch it stores (and each edit and
 * deletion) here instead of re-reading the table, so a sweep streaming 10,000 runs in costs O(batch) per batch, not
 * O(runs). Views read `runs`, which is replaced, never mutated, at most every `publishIntervalMs` while results
 * stream, so the table re-sorts a few times a second instead of once per batch.
 *
 * This tab's writes are the only ones it sees: another tab on the same database shows them after a reload.
 */
import type { LabDatabase, StoredRun } from './db';

const byNewestSweepThenIndex = (a: StoredRun, b: StoredRun): number => b.createdAt - a.createdAt || a.index - b.index;

export class RunList {
  /** Newest sweep first, then in each sweep's order. */
  runs = $state.raw<readonly StoredRun[]>([]);
  /** False until what is stored has been read once: no "no runs yet" flashes past a returning person. */
  loaded = $state(false);
  /** The same runs by id, published with `runs`. */
  private published = $state.raw<ReadonlyMap<string, StoredRun>>(new Map());
  /** Every change so far, published or not. */
  private readonly byId = new Map<string, StoredRun>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPublished = -Infinity;

  constructor(
    private readonly publishIntervalMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Reads what is stored (once, at start-up); runs applied meanwhile are newer and win. */
  async load(db: LabDatabase): Promise<void> {
    for (const run of await db.allRuns()) if (!this.byId.has(run.id)) this.byId.set(run.id, run);
    this.flush();
    this.loaded = true;
  }

  get(id: string): StoredRun | undefined {
    return this.published.get(id);
  }

  /** Adds or replaces runs; published within publishIntervalMs. */
  upsert(runs: readonly StoredRun[]): void {
    for (const run of runs) this.byId.set(run.id, run);
    this.schedule();
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) this.byId.delete(id);
    this.schedule();
  }

  /** Publishes now: after a person's own edit, which must show at once. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastPublished = this.now();
    this.runs = [...this.byId.values()].sort(byNewestSweepThenIndex);
    this.published = new Map(this.byId);
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = this.lastPublished + this.publishIntervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }
}
