/**
 * The app's state as the views use it, composed of parts with one job each: what is stored (kept in memory
 * incrementally, see RunList), storing what the main process sends (Ingest), what is selected and charted
 * (ChartedSelection), what a person changes in what is stored, with undo (RunEdits), and the last problem to show
 * (ProblemReport). Launching, cancelling and resuming sweeps are requests to the main process, made here.
 */
import { liveQuery } from 'dexie';
import type { LabApi, LabConnection } from '../../../src-core/contract/api';
import type { Result } from '../../../src-core/contract/result';
import type { ExecutorStatus, SweepLaunched, SweepProgress } from '../../../src-core/contract/types';
import { TraceRecomputer } from '../charts/recomputed-traces';
import type { LabDatabase } from '../storage/db';
import type { StoredRun, StoredSweep, StoredTrace } from '../storage/records';
import type { StoredColumns } from '../storage/stored-read';
import { StorageUsage } from '../storage/storage-usage.svelte';
import type { ClickModifiers } from '../runs-table/run-selection.svelte';
import { Exporter } from './exporter.svelte';
import { Importer } from './importer.svelte';
import { Ingest } from './ingest.svelte';
import { ProblemReport } from './problem.svelte';
import { RunEdits } from './run-edits.svelte';
import { RunList, type RunOutcomes } from './run-list.svelte';
import { ChartedSelection } from './selection.svelte';
import type { UndoOffers } from './undo.svelte';

/** The order of the sweeps' live query: createdAt descending, then the ids descending (an index walked backwards). */
const liveQueryOrder = (a: StoredSweep, b: StoredSweep): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class LabState {
  readonly runList = new RunList();
  readonly storage: StorageUsage;
  readonly selection: ChartedSelection;
  readonly edits: RunEdits;
  readonly ingest: Ingest;
  /** CSV exports of stored runs (ExportBar). */
  readonly exporter: Exporter;
  /** Runs imported from a file (ImportDialog). */
  readonly importer: Importer;
  sweeps = $state.raw<StoredSweep[]>([]);
  /** Serve mode's connection (the desktop's is always open): see ConnectionBanner. */
  connection = $state.raw<LabConnection>({ state: 'open' });
  private readonly problems = new ProblemReport();
  /** Settles once the stored runs have been read (or could not be) and listed. */
  readonly runsRead: Promise<void>;

  /** `storedRead`: the page's start-up read of the stored runs, if it began one (../storage/stored-read). */
  constructor(
    private readonly api: LabApi,
    private readonly db: LabDatabase,
    storedRead: Promise<StoredColumns | null> = Promise.resolve(null),
  ) {
    this.storage = new StorageUsage(db);
    const recomputer = new TraceRecomputer();
    this.selection = new ChartedSelection(this.runList, db, (configs) =>
      recomputer.recompute(configs).catch((error: unknown) => {
        this.problems.report('Could not chart the imported runs', error);
        return [];
      }),
    );
    this.edits = new RunEdits(db, {
      runList: this.runList,
      selection: this.selection,
      storage: this.storage,
      problem: this.problems,
    });
    this.exporter = new Exporter(api, (problem) => (this.problems.message = problem));
    this.importer = new Importer(db, {
      upsert: (runs) => this.runList.upsert(runs),
      stored: () => {
        this.runList.flush();
        void this.storage.measure();
      },
    });
    const loaded = (this.runsRead = this.runList
      .load(db, storedRead)
      .catch((error: unknown) => this.problems.report('Could not read the stored runs', error)));
    let sweepsRead = false;
    liveQuery(() => db.sweeps.orderBy('createdAt').reverse().toArray()).subscribe({
      next: (sweeps) => {
        sweepsRead = true;
        this.sweeps = sweeps;
      },
      error: (error: unknown) => this.problems.report('Could not read the stored sweeps', error),
    });
    // The start-up read holds the sweeps too, and comes before the live query: shown with the runs, so that their
    // names are there as they are listed, in the live query's order (newest first; ties by id, last first).
    void storedRead.then((read) => {
      if (read && !sweepsRead) this.sweeps = [...read.sweeps].sort(liveQueryOrder);
    });
    // Counted and listed once the runs are read: they would only slow the read that the first view waits for.
    void loaded.then(() => Promise.all([this.storage.measure(), this.edits.refreshTags()]));
    this.ingest = new Ingest(api, db, { runList: this.runList, storage: this.storage, problem: this.problems }, loaded);
    api.onConnection?.((connection) => {
      this.connection = connection;
      this.ingest.connectionChanged(connection);
    });
  }

  /** The last thing that went wrong outside the form, shown to the user until dismissed (null dismisses it). */
  get problem(): string | null {
    return this.problems.message;
  }

  set problem(message: string | null) {
    this.problems.message = message;
  }

  /** False until the stored runs have been read once. */
  get runsLoaded(): boolean {
    return this.runList.loaded;
  }

  get runs(): readonly StoredRun[] {
    return this.runList.runs;
  }

  /** How many runs of each sweep are stored (and listed). */
  get storedBySweep(): ReadonlyMap<string, number> {
    return this.runList.storedBySweep;
  }

  /** What the stored runs of a sweep came to: converged, diverged and failed counts. */
  outcomesOf(sweepId: string): RunOutcomes | undefined {
    return this.runList.outcomesOf(sweepId);
  }

  get progress(): Record<string, SweepProgress> {
    return this.ingest.progress;
  }

  /** Set while results cannot be stored for lack of space; cleared by a successful Retry. */
  get storageFull(): string | null {
    return this.ingest.storageFull;
  }

  /** Where the agents that run sweeps stand (serve mode with --redis); null on this machine's own threads. */
  get executorStatus(): ExecutorStatus | null {
    return this.ingest.executorStatus;
  }

  /** The selected runs, in the order they were picked. */
  get selectedRuns(): StoredRun[] {
    return this.selection.runs;
  }

  get selectedRunIds(): readonly string[] {
    return this.selection.ids;
  }

  /** Traces of the charted runs, loaded from IndexedDB on selection. */
  get selectedTraces(): ReadonlyMap<string, StoredTrace> {
    return this.selection.traces;
  }

  /** Every tag in use, for suggestions. */
  get knownTags(): string[] {
    return this.edits.knownTags;
  }

  get undo(): UndoOffers {
    return this.edits.undo;
  }

  launch(spec: unknown): Promise<Result<SweepLaunched>> {
    return this.api.launchSweep(spec);
  }

  /** Computes the runs an interrupted or cancelled sweep never stored; the ones it has are kept as they are. */
  async resume(sweep: StoredSweep): Promise<void> {
    const before = sweep.status;
    const storedRunIds = await this.db.runIdsOf(sweep.id);
    // Marked running first: for a small sweep the main process may finish it before this call returns.
    await this.db.sweeps.update(sweep.id, { status: 'running', incomplete: false });
    const result = await this.api.resumeSweep({
      sweepId: sweep.id,
      createdAt: sweep.createdAt,
      spec: $state.snapshot(sweep.spec),
      storedRunIds,
    });
    if (!result.ok) {
      await this.db.sweeps.update(sweep.id, { status: before, incomplete: sweep.incomplete ?? false });
      this.problems.message = result.error.message;
    }
  }

  async cancel(sweepId: string): Promise<void> {
    const result = await this.api.cancelSweep(sweepId);
    if (!result.ok) this.problems.message = result.error.message;
  }

  // The views' calls, each answered by the part whose job it is.
  idle = (): Promise<void> => this.ingest.idle();
  whenFinished = (sweepId: string): Promise<void> => this.ingest.whenFinished(sweepId);
  retryStoring = (): Promise<void> => this.ingest.retryStoring();
  select = (runId: string, add = false): Promise<void> => this.selection.select(runId, add);
  clickRun = (runId: string, modifiers: ClickModifiers, shown: readonly string[]): Promise<void> =>
    this.selection.click(runId, modifiers, shown);
  showRuns = (ids: readonly string[]): Promise<void> => this.selection.replace(ids);
  selectShown = (shown: readonly string[], on: boolean): Promise<void> => this.selection.setShown(shown, on);
  addTag = (runIds: readonly string[], text: string): Promise<string | null> => this.edits.addTag(runIds, text);
  removeTag = (runIds: readonly string[], tag: string): Promise<void> => this.edits.removeTag(runIds, tag);
  setStarred = (runIds: readonly string[], starred: boolean): Promise<void> => this.edits.setStarred(runIds, starred);
  setNote = (runId: string, text: string): Promise<string | null> => this.edits.setNote(runId, text);
  deleteRuns = (runIds: readonly string[]): Promise<void> => this.edits.deleteRuns(runIds);
  deleteSweep = (sweep: StoredSweep): Promise<void> => this.edits.deleteSweep(sweep);
  undoDelete = (): Promise<void> => this.edits.undoDelete();
}
