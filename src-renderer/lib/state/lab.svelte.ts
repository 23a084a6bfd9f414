/**
 * The app's state: what is stored (kept in memory incrementally, see RunList), what is running, what is selected.
 * Events from the main process are applied in order; whatever queued up while the last write ran is stored in one
 * transaction (see event-groups), results a whole storage page at a time (see page-assembly), and only then
 * acknowledged, so the main process forgets nothing that is not safely stored. When the disk is full nothing of a
 * write is kept, nothing more is acknowledged (the main process keeps the results and, past its limit, stops
 * computing), and Retry asks for them again once there is room.
 */
import { liveQuery } from 'dexie';
import type { LabApi } from '../../../src-core/contract/api';
import type { Result } from '../../../src-core/contract/result';
import type { SweepEvent, SweepLaunched, SweepProgress } from '../../../src-core/contract/types';
import { parseNote, parseTag, withTag } from './annotations';
import type { Deletion, LabDatabase } from '../storage/db';
import { activeSweepStatuses, isSweepActive, type RunAnnotations, type StoredRun, type StoredSweep, type StoredTrace } from '../storage/records';
import { takeGroup, type EventGroup } from './event-groups';
import { Exporter } from './exporter.svelte';
import { PageAssembly } from '../storage/page-assembly';
import { RunList } from './run-list.svelte';
import { RunSelection, type ClickModifiers } from '../runs-table/run-selection.svelte';
import { StorageUsage } from '../storage/storage-usage.svelte';
import { isQuotaExceeded, storageFullMessage } from '../storage/storage-errors';
import { UndoOffers } from './undo.svelte';

/** The most results one transaction stores (five pages): the table and the acknowledgements follow in steps of that size. */
const MAX_RESULTS_PER_WRITE = 500;
/** The charts overlay at most this many of the selected runs (their traces are loaded; the rest are not). */
export const MAX_CHARTED_RUNS = 10;
/** Deleting more runs than this asks first (fewer are undone from the toast if need be). */
export const CONFIRM_DELETE_ABOVE = 100;

export class LabState {
  readonly runList = new RunList();
  readonly selection = new RunSelection();
  readonly undo = new UndoOffers();
  readonly storage: StorageUsage;
  sweeps = $state.raw<StoredSweep[]>([]);
  progress = $state<Record<string, SweepProgress>>({});
  /** Traces of the charted runs, loaded from IndexedDB on selection (large: kept out of deep reactivity). */
  selectedTraces = $state.raw<ReadonlyMap<string, StoredTrace>>(new Map());
  /** The last thing that went wrong outside the form, shown to the user until dismissed. */
  problem = $state<string | null>(null);
  /** Set while results cannot be stored for lack of space; cleared by a successful Retry. */
  storageFull = $state<string | null>(null);
  /** Every tag in use, for suggestions. */
  knownTags = $state.raw<string[]>([]);
  /** CSV exports of stored runs (ExportBar). */
  readonly exporter: Exporter;

  /** The sweeps the main process announced since start-up, with their run counts. */
  private readonly knownSweeps = new Map<string, number>();
  private readonly inbox: SweepEvent[] = [];
  /** Results that wait for the rest of their storage page (see page-assembly), and the timer that writes them when due. */
  private readonly assembly = new PageAssembly();
  private assemblyTimer: ReturnType<typeof setTimeout> | null = null;
  private draining: Promise<void> | null = null;
  private readonly loaded: Promise<void>;
  /** Sweep announcements and ends that could not be written while the disk was full, written again on Retry. */
  private held: Pick<EventGroup, 'started' | 'statuses'> = { started: [], statuses: [] };
  private heldResults = 0;
  /** Who waits for a sweep to finish (whenFinished), by sweep id. */
  private readonly finishWaiters = new Map<string, (() => void)[]>();

  constructor(
    private readonly api: LabApi,
    private readonly db: LabDatabase,
  ) {
    this.storage = new StorageUsage(db);
    this.exporter = new Exporter(api, (problem) => (this.problem = problem));
    this.loaded = this.runList.load(db).catch((error: unknown) => this.report('Could not read the stored runs', error));
    liveQuery(() => db.sweeps.orderBy('createdAt').reverse().toArray()).subscribe({
      next: (sweeps) => (this.sweeps = sweeps),
      error: (error: unknown) => this.report('Could not read the stored sweeps', error),
    });
    api.onEvent((event) => {
      this.inbox.push(event);
      this.draining ??= this.drain();
    });
    // Counted and listed once the runs are read: they would only slow the read that the first view waits for.
    void this.loaded.then(() => Promise.all([this.storage.measure(), this.refreshTags()]));
    // After a reload, whatever the main process sent but we never acknowledged comes again, and every sweep it is still
    // running is announced; a sweep stored as running that it does not know of was interrupted.
    void api
      .resendPending()
      .then(() => this.idle().then(() => this.markInterrupted()))
      .catch((error: unknown) => this.report('Could not check for interrupted sweeps', error));
  }

  /** False until the stored runs have been read once. */
  get runsLoaded(): boolean {
    return this.runList.loaded;
  }

  get runs(): readonly StoredRun[] {
    return this.runList.runs;
  }

  /** The selected runs, in the order they were picked. */
  get selectedRuns(): StoredRun[] {
    return this.selection.ids.flatMap((id) => this.runList.get(id) ?? []);
  }

  get selectedRunIds(): readonly string[] {
    return this.selection.ids;
  }

  /** Resolves once every event received so far is applied. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  launch(spec: unknown): Promise<Result<SweepLaunched>> {
    return this.api.launchSweep(spec);
  }

  /** Computes the runs an interrupted sweep never stored; the ones it has are kept as they are. */
  async resume(sweep: StoredSweep): Promise<void> {
    const storedRunIds = await this.db.runIdsOf(sweep.id);
    // Marked running first: for a small sweep the main process may finish it before this call returns.
    await this.db.sweeps.update(sweep.id, { status: 'running' });
    const result = await this.api.resumeSweep({ sweepId: sweep.id, createdAt: sweep.createdAt, spec: $state.snapshot(sweep.spec), storedRunIds });
    if (!result.ok) {
      await this.db.sweeps.update(sweep.id, { status: 'interrupted' });
      this.problem = result.error.message;
    }
  }

  async cancel(sweepId: string): Promise<void> {
    const result = await this.api.cancelSweep(sweepId);
    if (!result.ok) this.problem = result.error.message;
  }

  /** Selects one run, or with `add` toggles it in or out of the selection (the sweep summary and charts use this). */
  select(runId: string, add = false): Promise<void> {
    this.selection.click(runId, { toggle: add, range: false }, []);
    return this.loadCharted();
  }

  /** A click in the runs table; `shown` is the table's order. */
  clickRun(runId: string, modifiers: ClickModifiers, shown: readonly string[]): Promise<void> {
    this.selection.click(runId, modifiers, shown);
    return this.loadCharted();
  }

  /** Selects exactly these runs, in this order (a preset opens the runs it is about; [] clears the selection). */
  showRuns(ids: readonly string[]): Promise<void> {
    this.selection.replace(ids);
    return this.loadCharted();
  }

  /** Resolves once a sweep has finished and every result it sent is stored (at once if it already has). */
  async whenFinished(sweepId: string): Promise<void> {
    const finished = new Promise<void>((resolve) => this.finishWaiters.set(sweepId, [...(this.finishWaiters.get(sweepId) ?? []), resolve]));
    const stored = await this.db.sweeps.get(sweepId);
    if (stored && !isSweepActive(stored.status)) this.releaseWaiters(sweepId);
    return finished;
  }

  private releaseWaiters(sweepId: string): void {
    for (const resolve of this.finishWaiters.get(sweepId) ?? []) resolve();
    this.finishWaiters.delete(sweepId);
  }

  selectShown(shown: readonly string[], on: boolean): Promise<void> {
    this.selection.setShown(shown, on);
    return this.loadCharted();
  }

  /** Adds a tag to these runs; returns what was wrong with it, or null. */
  async addTag(runIds: readonly string[], text: string): Promise<string | null> {
    const tag = parseTag(text);
    if (!tag.ok) return tag.message;
    let refused: string | null = null;
    await this.annotate(runIds, (run) => {
      const tags = withTag(run.tags, tag.value);
      if (tags.ok) return { tags: tags.value };
      refused = tags.message;
      return {};
    });
    return refused;
  }

  removeTag(runIds: readonly string[], tag: string): Promise<void> {
    return this.annotate(runIds, (run) => ({ tags: run.tags.filter((t) => t !== tag) }));
  }

  setStarred(runIds: readonly string[], starred: boolean): Promise<void> {
    return this.annotate(runIds, () => ({ starred }));
  }

  /** Saves a run's note ("" clears it); returns what was wrong with it, or null. */
  async setNote(runId: string, text: string): Promise<string | null> {
    const note = parseNote(text);
    if (!note.ok) return note.message;
    await this.annotate([runId], () => ({ note: note.value }));
    return null;
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    const deletion = await this.guard('Could not delete the runs', () => this.db.deleteRuns(runIds));
    if (deletion) this.forget(deletion, `Deleted ${plural(deletion.runs.length, 'run')}`);
  }

  async deleteSweep(sweep: StoredSweep): Promise<void> {
    if (isSweepActive(sweep.status)) {
      this.problem = `Sweep "${sweep.name}" is still running: cancel it before deleting it.`;
      return;
    }
    const deletion = await this.guard('Could not delete the sweep', () => this.db.deleteSweep(sweep.id));
    if (deletion) this.forget(deletion, `Deleted sweep "${sweep.name}" (${plural(deletion.runs.length, 'run')})`);
  }

  /** Puts back exactly what the last deletion removed. */
  async undoDelete(): Promise<void> {
    const deletion = this.undo.take();
    if (!deletion) return;
    const restored = await this.guard('Could not undo the deletion', () => this.db.restore(deletion).then(() => true));
    if (!restored) return;
    this.runList.upsert(deletion.runs);
    this.runList.flush();
    this.storage.refresh();
    await this.refreshTags();
  }

  /** After the disk was full: writes what was held back, then asks the main process for every result it still keeps. */
  async retryStoring(): Promise<void> {
    const held = this.held;
    this.held = { started: [], statuses: [] };
    this.storageFull = null;
    this.heldResults = 0;
    // First what the main process kept: it replays each sweep it has results of, those results, then the sweep's end,
    // in that order, so a sweep is never marked ended before its runs are stored.
    const resent = await this.api.resendPending();
    if (!resent.ok) this.problem = resent.error.message;
    await this.idle();
    // Then the moves and ends it has nothing left to send for (their results were stored before the disk filled).
    if (this.storageFull) {
      this.held = { started: [...held.started, ...this.held.started], statuses: [...held.statuses, ...this.held.statuses] };
      return;
    }
    if (held.started.length + held.statuses.length > 0) await this.store({ ...held, results: [], progress: new Map() });
  }

  private async drain(): Promise<void> {
    await this.loaded;
    while (this.inbox.length > 0 || (this.assembly.nextDue ?? Infinity) <= performance.now()) {
      const group = takeGroup(this.inbox, MAX_RESULTS_PER_WRITE);
      for (const sweep of group.started) this.knownSweeps.set(sweep.id, sweep.runCount);
      if (this.storageFull) this.hold(group);
      else await this.store(this.withWholePages(group));
      for (const [sweepId, progress] of group.progress) this.progress[sweepId] = progress;
    }
    this.draining = null;
    this.armAssembly();
  }

  /** The group with the results that are ready to write: their pages complete, their sweeps ended, or their wait over. */
  private withWholePages(group: EventGroup): EventGroup {
    const now = performance.now();
    const ended = new Set(group.statuses.filter(({ status }) => !isSweepActive(status)).map(({ sweepId }) => sweepId));
    const ready = this.assembly.admit(group.results, (sweepId) => this.knownSweeps.get(sweepId), now);
    return { ...group, results: [...ready, ...this.assembly.release(ended, now)] };
  }

  /** Drains again when the page that has waited longest is due. */
  private armAssembly(): void {
    if (this.assemblyTimer !== null) clearTimeout(this.assemblyTimer);
    const due = this.assembly.nextDue;
    this.assemblyTimer =
      due === null
        ? null
        : setTimeout(() => {
            this.assemblyTimer = null;
            this.draining ??= this.drain();
          }, due - performance.now());
  }

  private async store(group: EventGroup): Promise<void> {
    let runs: StoredRun[];
    try {
      runs = await this.db.storeResults(group);
    } catch (error) {
      if (isQuotaExceeded(error)) this.hold(group);
      else this.report('Could not store results', error);
      return;
    }
    this.runList.upsert(runs);
    this.storage.refresh();
    for (const { sweepId, status, message } of group.statuses) {
      if (status === 'failed') this.problem = `Sweep failed: ${message ?? 'unknown reason'}`;
      if (!isSweepActive(status)) this.releaseWaiters(sweepId);
    }
    if (runs.length > 0) {
      // Not awaited: the next write need not wait for the main process to answer; it only frees memory there.
      void this.api.acknowledge(runs.map((run) => run.id)).then((acknowledged) => {
        if (!acknowledged.ok) this.problem = acknowledged.error.message;
      });
    }
  }

  /**
   * Keeps a write that could not be stored for lack of space: its results wait, unacknowledged, in the main process,
   * and so do those that waited for their page, which Retry asks for again with the rest.
   */
  private hold(group: EventGroup): void {
    this.held.started.push(...group.started);
    this.held.statuses.push(...group.statuses);
    this.heldResults += group.results.length + this.assembly.drop();
    this.storageFull = storageFullMessage(this.heldResults);
  }

  private async markInterrupted(): Promise<void> {
    const running = await this.db.sweeps.where('status').anyOf(activeSweepStatuses).toArray();
    const orphans = running.filter((sweep) => !this.knownSweeps.has(sweep.id)).map((sweep) => sweep.id);
    await Promise.all(orphans.map((id) => this.db.sweeps.update(id, { status: 'interrupted' })));
  }

  /** Writes a change to these runs; a storage failure is shown as the problem. */
  private async annotate(runIds: readonly string[], change: (run: StoredRun) => Partial<RunAnnotations>): Promise<void> {
    const runs = await this.guard('Could not save the change', () => this.db.annotate(runIds, change));
    if (!runs) return;
    this.runList.upsert(runs);
    this.runList.flush();
    await this.refreshTags();
  }

  /** Lists every tag in use from the tags index, without reading the runs. */
  private async refreshTags(): Promise<void> {
    const tags = await this.guard('Could not list the tags', () => this.db.tags());
    if (tags) this.knownTags = tags;
  }

  /** The runs and sweep a deletion removed leave the views; the deletion is offered for undo. */
  private forget(deletion: Deletion, description: string): void {
    const gone = new Set(deletion.runs.map((run) => run.id));
    this.runList.remove([...gone]);
    this.runList.flush();
    this.selection.retain((id) => !gone.has(id));
    void this.loadCharted();
    this.undo.offer(description, deletion);
    this.storage.refresh();
    void this.refreshTags();
  }

  /** Loads the traces of the first MAX_CHARTED_RUNS selected runs. */
  private async loadCharted(): Promise<void> {
    const ids = this.selection.ids.slice(0, MAX_CHARTED_RUNS);
    const selection = this.selection.ids;
    const traces = await this.db.traces(ids);
    if (this.selection.ids !== selection) return; // a newer selection won
    this.selectedTraces = new Map(traces.flatMap((trace) => (trace ? [[trace.runId, trace] as const] : [])));
  }

  /** Runs a storage operation; a failure becomes the problem shown (a full disk says what to do) and null. */
  private async guard<T>(what: string, operation: () => Promise<T>): Promise<T | null> {
    try {
      return await operation();
    } catch (error) {
      if (isQuotaExceeded(error)) this.problem = `${what}: storage is full. Delete runs or sweeps you no longer need, then try again.`;
      else this.report(what, error);
      return null;
    }
  }

  private report(what: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.problem = `${what}: ${reason}`;
  }
}

const plural = (count: number, noun: string): string => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
