/**
 * The app's state: what is stored (live from IndexedDB), what is running, what is selected.
 * Events from the main process are applied one at a time, in order; each batch of results is stored in one
 * transaction and only then acknowledged, so the main process forgets nothing that is not safely stored.
 */
import { liveQuery } from 'dexie';
import type { LabApi } from '../../src-core/contract/api';
import type { Result } from '../../src-core/contract/result';
import type { SweepEvent, SweepLaunched, SweepProgress } from '../../src-core/contract/types';
import { summaryCsv } from '../../src-core/csv';
import type { LabDatabase, StoredRun, StoredSweep, StoredTrace } from './db';

const byNewestSweepThenIndex = (a: StoredRun, b: StoredRun): number => b.createdAt - a.createdAt || a.index - b.index;

export class LabState {
  runs = $state.raw<StoredRun[]>([]);
  /** False until the stored runs have been read once: no "no runs yet" flashes past a returning person. */
  runsLoaded = $state(false);
  sweeps = $state.raw<StoredSweep[]>([]);
  progress = $state<Record<string, SweepProgress>>({});
  /** The runs being looked at, in the order they were picked; the charts overlay all of them. */
  selectedRunIds = $state.raw<string[]>([]);
  /** Their traces, loaded from IndexedDB on selection (large: kept out of deep reactivity). */
  selectedTraces = $state.raw<ReadonlyMap<string, StoredTrace>>(new Map());
  /** The last thing that went wrong outside the form, shown to the user until dismissed. */
  problem = $state<string | null>(null);

  private readonly sweepCreatedAt = new Map<string, number>();
  /** Who waits for a sweep to finish (whenFinished), by sweep id. */
  private readonly finishWaiters = new Map<string, (() => void)[]>();
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: LabApi,
    private readonly db: LabDatabase,
  ) {
    liveQuery(() => db.runs.toArray()).subscribe({
      next: (runs) => {
        this.runs = runs.sort(byNewestSweepThenIndex);
        this.runsLoaded = true;
      },
      error: (error: unknown) => this.report('Could not read the stored runs', error),
    });
    liveQuery(() => db.sweeps.orderBy('createdAt').reverse().toArray()).subscribe({
      next: (sweeps) => (this.sweeps = sweeps),
      error: (error: unknown) => this.report('Could not read the stored sweeps', error),
    });
    api.onEvent((event) => {
      this.applying = this.applying.then(() => this.apply(event)).catch((error: unknown) => this.report('Could not store results', error));
    });
    // After a reload, whatever the main process sent but we never acknowledged comes again, and every sweep it is still
    // running is announced; a sweep stored as running that it does not know of was interrupted.
    void api
      .resendPending()
      .then(() => this.applying.then(() => this.markInterrupted()))
      .catch((error: unknown) => this.report('Could not check for interrupted sweeps', error));
  }

  launch(spec: unknown): Promise<Result<SweepLaunched>> {
    return this.api.launchSweep(spec);
  }

  /** Computes the runs an interrupted sweep never stored; the ones it has are kept as they are. */
  async resume(sweep: StoredSweep): Promise<void> {
    const storedRunIds = (await this.db.runs.where('sweepId').equals(sweep.id).primaryKeys()) as string[];
    // Marked running first: for a small sweep the main process may finish it before this call returns.
    await this.db.sweeps.update(sweep.id, { status: 'running' });
    const result = await this.api.resumeSweep({ sweepId: sweep.id, createdAt: sweep.createdAt, spec: $state.snapshot(sweep.spec), storedRunIds });
    if (!result.ok) {
      await this.db.sweeps.update(sweep.id, { status: 'interrupted' });
      this.problem = result.error.message;
    }
  }

  private async markInterrupted(): Promise<void> {
    const running = await this.db.sweeps.where('status').equals('running').toArray();
    const orphans = running.filter((sweep) => !this.sweepCreatedAt.has(sweep.id)).map((sweep) => sweep.id);
    await Promise.all(orphans.map((id) => this.db.sweeps.update(id, { status: 'interrupted' })));
  }

  async cancel(sweepId: string): Promise<void> {
    const result = await this.api.cancelSweep(sweepId);
    if (!result.ok) this.problem = result.error.message;
  }

  /** Selects one run, or with `add` toggles it in or out of the comparison. */
  async select(runId: string, add = false): Promise<void> {
    const ids = add
      ? this.selectedRunIds.includes(runId)
        ? this.selectedRunIds.filter((id) => id !== runId)
        : [...this.selectedRunIds, runId]
      : [runId];
    await this.showRuns(ids);
  }

  /** Selects exactly these runs, in this order (a preset opens the runs it is about; [] clears the selection). */
  async showRuns(ids: string[]): Promise<void> {
    this.selectedRunIds = ids;
    const traces = await this.db.traces.bulkGet(ids);
    if (this.selectedRunIds !== ids) return; // a newer selection won
    this.selectedTraces = new Map(traces.flatMap((trace) => (trace ? [[trace.runId, trace] as const] : [])));
  }

  /** Resolves once a sweep has finished and every result it sent is stored (at once if it already has). */
  async whenFinished(sweepId: string): Promise<void> {
    const finished = new Promise<void>((resolve) => this.finishWaiters.set(sweepId, [...(this.finishWaiters.get(sweepId) ?? []), resolve]));
    const stored = await this.db.sweeps.get(sweepId);
    if (stored && stored.status !== 'running') this.releaseWaiters(sweepId);
    return finished;
  }

  private releaseWaiters(sweepId: string): void {
    for (const resolve of this.finishWaiters.get(sweepId) ?? []) resolve();
    this.finishWaiters.delete(sweepId);
  }

  get selectedRuns(): StoredRun[] {
    const byId = new Map(this.runs.map((run) => [run.id, run]));
    return this.selectedRunIds.flatMap((id) => byId.get(id) ?? []);
  }

  /** Saves one row per stored run, every hyperparameter and metric, as CSV. */
  async exportSummaryCsv(): Promise<void> {
    const runs = (await this.db.runs.toArray()).sort(byNewestSweepThenIndex);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
    const outcome = await this.api.saveFile({ suggestedName: `adagrad-lab-runs-${stamp}.csv`, content: summaryCsv(runs) });
    if (!outcome.ok) this.problem = outcome.error.message;
  }

  private async apply(event: SweepEvent): Promise<void> {
    switch (event.type) {
      case 'sweep-started':
        this.sweepCreatedAt.set(event.sweepId, event.createdAt);
        this.progress[event.sweepId] ??= { done: 0, total: event.runCount, converged: 0, diverged: 0, failed: 0, runsPerSecond: 0, etaSeconds: null };
        await this.db.recordSweep({
          id: event.sweepId,
          name: event.spec.name,
          spec: event.spec,
          runCount: event.runCount,
          createdAt: event.createdAt,
          status: 'running',
        });
        return;
      case 'results': {
        await this.db.storeResults(this.sweepCreatedAt.get(event.sweepId) ?? Date.now(), event.results);
        await this.api.acknowledge(event.results.map((r) => r.config.id));
        return;
      }
      case 'progress':
        this.progress[event.sweepId] = event.progress;
        return;
      case 'sweep-finished':
        await this.db.finishSweep(event.sweepId, event.status, event.message);
        this.releaseWaiters(event.sweepId);
        if (event.status === 'failed') this.problem = `Sweep failed: ${event.message ?? 'unknown reason'}`;
        return;
    }
  }

  private report(what: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.problem = `${what}: ${reason}`;
  }
}
