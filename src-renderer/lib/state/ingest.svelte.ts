/**
 * Storing what the main process sends. Its events are applied in order; whatever queued up while the last write ran
 * is stored in one transaction (see event-groups), results a whole storage page at a time (see page-assembly), and
 * only then acknowledged, so the main process forgets nothing that is not safely stored. When the disk is full
 * nothing of a write is kept, nothing more is acknowledged (the main process keeps the results and, past its limit,
 * stops computing), and Retry asks for them again once there is room. After a reload, whatever was sent but never
 * acknowledged comes again. A sweep that finishes is checked against what is stored: one with runs missing is shown
 * incomplete and offered for Resume, never as completed. When serve mode's connection is lost, the sweeps that were
 * running are marked interrupted (nothing more arrives for them); once it is back, what is pending comes again and the
 * sweeps the server still runs are announced again.
 */
import type { LabApi, LabConnection } from '../../../src-core/contract/api';
import type {
  ExecutorStatus,
  ResultBatch,
  SweepEvent,
  SweepProgress,
  SweepSpec,
} from '../../../src-core/contract/types';
import { decodeCompactResults } from '../../../src-core/run/result-batch';
import { runId } from '../../../src-core/sweep/expand';
import { storedRanges } from '../../../src-core/sweep/stored-ranges';
import type { LabDatabase, ResultToStore, RunPlace } from '../storage/db';
import { PageAssembly } from '../storage/page-assembly';
import type { RunPage } from '../storage/page-codec';
import { activeSweepStatuses, isSweepActive } from '../storage/records';
import { isQuotaExceeded, storageFullMessage } from '../storage/storage-errors';
import type { StorageUsage } from '../storage/storage-usage.svelte';
import { takeGroup, type EventGroup, type InboxEvent } from './event-groups';
import type { ProblemReport } from './problem.svelte';
import type { RunList } from './run-list.svelte';

/** The most results one transaction stores (five pages): the table and the acknowledgements follow in steps of that size. */
const MAX_RESULTS_PER_WRITE = 500;

/** What storing results keeps up to date besides the database. */
export interface IngestViews {
  runList: RunList;
  storage: StorageUsage;
  problem: ProblemReport;
}

export class Ingest {
  /** The latest progress of each sweep, applied once the results before it are stored. */
  progress = $state<Record<string, SweepProgress>>({});
  /** Set while results cannot be stored for lack of space; cleared by a successful Retry. */
  storageFull = $state<string | null>(null);
  /** Where the agents that run sweeps stand (serve mode with --redis); null on this machine's own threads. */
  executorStatus = $state.raw<ExecutorStatus | null>(null);

  /** The sweeps the main process announced since start-up, with their run counts. */
  private readonly knownSweeps = new Map<string, number>();
  /** The specs of the sweeps announced since start-up: a batch of results names its runs by index only. */
  private readonly specs = new Map<string, SweepSpec>();
  private readonly inbox: InboxEvent[] = [];
  /** Results that wait for the rest of their storage page (see page-assembly), and the timer that writes them when due. */
  private readonly assembly = new PageAssembly();
  private assemblyTimer: ReturnType<typeof setTimeout> | null = null;
  private draining: Promise<void> | null = null;
  /** Sweep announcements and ends that could not be written while the disk was full, written again on Retry. */
  private held: Pick<EventGroup, 'started' | 'statuses'> = { started: [], statuses: [] };
  private heldResults = 0;
  /** Who waits for a sweep to finish (whenFinished), by sweep id. */
  private readonly finishWaiters = new Map<string, (() => void)[]>();
  /** Set while serve mode's connection is lost or refused: the sweeps that ran were marked interrupted. */
  private disconnected = false;

  /** Starts listening; nothing is written before `loaded` (the stored runs read once) settles. */
  constructor(
    private readonly api: LabApi,
    private readonly db: LabDatabase,
    private readonly views: IngestViews,
    private readonly loaded: Promise<void>,
  ) {
    api.onEvent((event) => {
      const received = this.received(event);
      if (received === null) return;
      this.inbox.push(received);
      this.draining ??= this.drain();
    });
    this.recover();
  }

  /**
   * The event as the inbox keeps it: a batch of results read back into a result per run, each naming its run by place
   * (storing needs no more: the sweep's spec gives the rest, see ../storage/db). The spec comes with the sweep's
   * announcement, before its results (the main process announces a sweep again before replaying them). Null for a
   * batch of a sweep never announced: it stays unacknowledged, so it comes again.
   */
  private received(event: SweepEvent): InboxEvent | null {
    if (event.type === 'executor-status') {
      // Nothing to store: shown while it lasts.
      this.executorStatus = event.status;
      return null;
    }
    if (event.type === 'sweep-started') this.specs.set(event.sweepId, event.spec);
    if (event.type !== 'results') return event;
    // After a reload mid-sweep, a batch broadcast live can come before the replay this page asked for (resendPending)
    // announces its sweep. Left unacknowledged, it is part of that replay: nothing is lost, and nothing to tell a
    // person (it was shown as "Results of sweep <uuid> arrived before the sweep itself").
    if (!this.specs.has(event.sweepId)) return null;
    return { type: 'results', sweepId: event.sweepId, results: resultsOf(event.sweepId, event.batch) };
  }

  /** Serve mode's connection changed: lost or refused, the running sweeps are interrupted; back, what is pending comes again. */
  connectionChanged(connection: LabConnection): void {
    if (connection.state === 'lost' || connection.state === 'signed-out') {
      if (this.disconnected) return;
      this.disconnected = true;
      void this.idle()
        .then(() => this.markInterrupted(true))
        .catch((error: unknown) => this.views.problem.report('Could not mark the running sweeps interrupted', error));
    } else if (connection.state === 'open' && this.disconnected) {
      this.disconnected = false;
      this.recover();
    }
  }

  /**
   * After a reload or a reconnection, whatever the main process sent but we never acknowledged comes again, and every
   * sweep it is still running is announced; a sweep stored as running that it does not know of was interrupted.
   */
  private recover(): void {
    void this.api
      .resendPending()
      .then(() => this.idle().then(() => this.markInterrupted(false)))
      .catch((error: unknown) => this.views.problem.report('Could not check for interrupted sweeps', error));
  }

  /** Resolves once every event received so far is applied. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Resolves once a sweep has finished and every result it sent is stored (at once if it already has). */
  async whenFinished(sweepId: string): Promise<void> {
    const finished = new Promise<void>((resolve) =>
      this.finishWaiters.set(sweepId, [...(this.finishWaiters.get(sweepId) ?? []), resolve]),
    );
    const stored = await this.db.sweeps.get(sweepId);
    if (stored && !isSweepActive(stored.status)) this.releaseWaiters(sweepId);
    return finished;
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
    if (!resent.ok) this.views.problem.message = resent.error.message;
    await this.idle();
    // Then the moves and ends it has nothing left to send for (their results were stored before the disk filled).
    if (this.storageFull) {
      this.held = {
        started: [...held.started, ...this.held.started],
        statuses: [...held.statuses, ...this.held.statuses],
      };
      return;
    }
    if (held.started.length + held.statuses.length > 0) await this.store({ ...held, results: [], progress: new Map() });
  }

  private releaseWaiters(sweepId: string): void {
    for (const resolve of this.finishWaiters.get(sweepId) ?? []) resolve();
    this.finishWaiters.delete(sweepId);
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
    let pages: RunPage[];
    try {
      pages = await this.db.storeResults({ ...group, specOf: (sweepId) => this.specs.get(sweepId) });
    } catch (error) {
      if (isQuotaExceeded(error)) this.hold(group);
      else this.views.problem.report('Could not store results', error);
      return;
    }
    // Acknowledged as soon as stored, before anything shows them: a window closed the moment its runs are listed has
    // already told the main process, which would otherwise send them again to the next window that connects.
    if (group.results.length > 0) {
      // Not awaited: the next write need not wait for the main process to answer; it only frees memory there.
      void this.api.acknowledge(storedRanges(group.results.map(({ config }) => config))).then((acknowledged) => {
        if (!acknowledged.ok) this.views.problem.message = acknowledged.error.message;
      });
    }
    // Read from the pages' columns, configs from the sweeps' specs (built when a view reads them).
    this.views.runList.upsertPages(pages, (sweepId) => this.specs.get(sweepId));
    // A sweep that ends here is listed whole at once, not at the next of the list's publications (up to 200 ms later):
    // its last runs are what the person waits for, and one more publication a sweep is one O(runs) pass.
    if (group.statuses.some(({ status }) => !isSweepActive(status))) this.views.runList.flush();
    this.views.storage.refresh();
    await this.checkCompleted(
      group.statuses.filter(({ status }) => status === 'completed').map(({ sweepId }) => sweepId),
    );
    for (const { sweepId, status, message } of group.statuses) {
      if (status === 'failed') this.views.problem.message = `Sweep failed: ${message ?? 'unknown reason'}`;
      if (!isSweepActive(status)) this.releaseWaiters(sweepId);
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

  /**
   * Marks the sweeps stored as active interrupted: those the main process does not know of, or with `all` (the
   * connection is lost) every one, which it announces again if it still runs them once the connection is back.
   */
  private async markInterrupted(all: boolean): Promise<void> {
    if (all) this.knownSweeps.clear();
    const running = await this.db.sweeps.where('status').anyOf(activeSweepStatuses).toArray();
    const orphans = running.filter((sweep) => !this.knownSweeps.has(sweep.id)).map((sweep) => sweep.id);
    await Promise.all(orphans.map((id) => this.db.sweeps.update(id, { status: 'interrupted' })));
  }

  /** A finished sweep with runs missing from this store (they went to another) is incomplete, not completed: Resume fills it. */
  private async checkCompleted(sweepIds: readonly string[]): Promise<void> {
    for (const sweepId of sweepIds) {
      const [sweep, stored] = await Promise.all([this.db.sweeps.get(sweepId), this.db.storedRunCount(sweepId)]);
      if (sweep?.status === 'completed' && stored < sweep.runCount) {
        await this.db.sweeps.update(sweepId, { status: 'interrupted', incomplete: true });
      }
    }
  }
}

/** The batch's results, one per run, each with its run's place (runs [from, to) of the sweep). */
function resultsOf(sweepId: string, batch: ResultBatch): ResultToStore[] {
  const places = Array.from({ length: batch.to - batch.from }, (_, r): RunPlace => ({
    id: runId(sweepId, batch.from + r),
    sweepId,
    index: batch.from + r,
  }));
  return decodeCompactResults(batch, places);
}
