import { randomUUID } from 'node:crypto';
import { errorMessage, fail, ok, type Result } from '../src-core/contract/result';
import {
  isSweepActive,
  type FinishedSweepStatus,
  type ExecutorStatus,
  type ResultBatch,
  type SweepEvent,
  type SweepLaunched,
  type SweepSpec,
  type SweepStatus,
} from '../src-core/contract/types';
import { failedRun } from '../src-core/run/execute';
import { countStatuses, encodeResults, splitBatch } from '../src-core/run/result-batch';
import { countRuns, expandSweepRange, validateSweepSpec } from '../src-core/sweep/expand';
import type { RangeExecutor } from './executor';
import type { ResumeRequest, StoredRange } from '../src-core/contract/api';
import { BatchSizer, type BatchSizing } from './batch-sizer';
import { SweepRanges } from './sweep-runs';

interface SweepRecord {
  launched: SweepLaunched;
  spec: SweepSpec;
  done: number;
  converged: number;
  diverged: number;
  failed: number;
  status: SweepStatus;
  message?: string;
  /** Aborts the sweep's batches in flight when the user cancels. */
  abort: AbortController;
  startedAt: number;
  lastProgressAt: number;
  /**
   * (time, runs done) since this run of the sweep started, the oldest kept just before the rate's window: the rate and
   * the time left come from runs computed now, not from those a resumed sweep had stored before.
   */
  samples: { at: number; done: number }[];
}

/**
 * Results sent and not yet stored by the window: one part of a batch, as it went out. `stored` marks the runs the
 * window has acknowledged when it has acknowledged only some (it stores in pages that need not match the parts).
 */
interface PendingPart {
  batch: ResultBatch;
  stored: Uint8Array | null;
  storedCount: number;
  /** Its trace buffer goes back to the executor once the part is stored (recycleParts, an executor's own parts). */
  recyclable: boolean;
}

/** SweepServiceOptions.maxResultsEventBytes unless given. */
export const defaultResultsEventBytes = 768 * 1024;

/**
 * At most this many bytes of parts' buffers wait here to go back with the next task: about a task's worth (a task of
 * 16 MB of float64 traces sends ~8 MB of compact parts), whatever size the parts are cut to; the rest is let go of.
 */
const SPENT_BYTES = 24 << 20;

/**
 * Sweeps kept at once: queued, running, or ended with results the window has not stored yet (their spec is sent again
 * with those results after a reload); one more launch is refused. Each keeps its spec (a start point of up to a million
 * numbers) and a queued one the runs a Resume had stored (up to 4 MB), and every client is told of it, so a client
 * that launches in a loop, or never acknowledges, must not grow them without end. A sweep that has ended with every
 * result stored is forgotten at once (forgetIfDone). A person queues a few; this leaves room for a script's while
 * keeping the worst case to a few hundred MB.
 */
export const MAX_KEPT_SWEEPS = 100;

/** Progress events are throttled to this interval (the final one always goes out). */
const PROGRESS_INTERVAL_MS = 250;
/** The rate is that of the runs done over about this long, so the time left follows a sweep that speeds up or slows. */
const RATE_WINDOW_MS = 10_000;

export interface SweepServiceOptions {
  /**
   * Runs per worker task, fixed; by default tasks are sized from the sweep's own timings (see batch-sizer.ts) so that
   * per-task overhead stays small while progress stays smooth.
   */
  batchSize?: number;
  /** The targets of the learnt task size, when `batchSize` is not fixed. */
  batchSizing?: BatchSizing;
  newSweepId?: () => string;
  now?: () => number;
  /**
   * Back-pressure: no new batch starts while this many results, or this many bytes of their traces, wait for the
   * renderer's acknowledgement, so memory stays bounded however far the renderer falls behind (traces are the bulk of
   * it). Batches already running still finish, so at most these limits plus one batch per worker are ever held.
   */
  maxPendingResults?: number;
  maxPendingBytes?: number;
  /**
   * A batch's results go out in parts of about this many bytes of traces at most (at least one run each): the window
   * receives and decodes an event in one task of its main thread, and one of 1.5 MB took 40–80 ms there; each event
   * also costs every process on its way a fixed share, so parts of 768 kB took a 10,000-run sweep ~0.15 s sooner and
   * ~0.27 CPU-s lighter than parts of 256 kB, with no task over 50 ms (1 MB gained nothing more:
   * docs/performance-ui.md).
   */
  maxResultsEventBytes?: number;
  /** A batch still running after this long is stopped and its runs fail as timed out; the sweep goes on. */
  batchTimeoutMs?: number;
  /**
   * Hand the trace buffers of parts the window has stored back to the executor that made them (one that reusesParts),
   * with its next tasks, to write new parts into: fresh memory was the costliest pass of a worker's traces
   * (result-batch.ts PartBuffers). Only where no listener reads a results event's bytes after it returns: Electron's
   * webContents.send copies them as it is called; serve mode's sockets queue them, for every browser connected, until
   * written, and an acknowledgement from one window says nothing of another's socket.
   */
  recycleParts?: boolean;
}

/**
 * Owns sweeps from launch to the renderer's acknowledgement. Sweeps run one after another; the runs of a sweep are
 * spread over the executor in tasks of (spec, index range). A task's results stay as columns from the worker to the
 * window (result-batch.ts): kept, split, sent and released per part, never unpacked here into an object per run, so
 * this thread's cost per run stays far below a run's. Every part stays in `pending` until the renderer says its runs
 * are stored, so a reload loses nothing: resendPending() replays it, and the renderer stores by run id, which makes a
 * replay harmless.
 */
export class SweepService {
  private readonly listeners = new Set<(event: SweepEvent) => void>();
  private readonly sweeps = new Map<string, SweepRecord>();
  /** Parts sent and not yet stored, by sweep, then by their first run's index. */
  private readonly pending = new Map<string, Map<number, PendingPart>>();
  private pendingRuns = 0;
  private pendingBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly newSizer: () => Pick<BatchSizer, 'next' | 'observe'>;
  private readonly newSweepId: () => string;
  private readonly now: () => number;
  private readonly batchTimeoutMs: number | undefined;
  private readonly maxPendingResults: number;
  private readonly maxPendingBytes: number;
  private readonly maxResultsEventBytes: number;
  private readonly recycleParts: boolean;
  /** Trace buffers of parts stored and let go of (recycleParts), for the executor's next tasks. */
  private spent: ArrayBuffer[] = [];
  private spentBytes = 0;
  /** The Workers setting: null for every thread the executor has (agents may come and go: followed as they do). */
  private requestedThreads: number | null = null;
  /** Starts workers for the running sweep up to the allowed threads; null between sweeps. */
  private refill: (() => void) | null = null;
  /** The executor's last status, when it reports one (agents): sent again with everything else after a reload. */
  private executorStatus: ExecutorStatus | null = null;
  /** What runs the sweeps; a sweep keeps the one it started on (useExecutor). */
  private executor: RangeExecutor;
  private stopStatus: (() => void) | null = null;
  /** A sweep is running (not merely queued): an executor switch waits for it to end. */
  private sweepRunning = false;
  /** The executor the next sweep starts on, chosen while a sweep ran; `release` hands back the one let go of. */
  private nextExecutor: { executor: RangeExecutor; release: (previous: RangeExecutor) => void } | null = null;
  /** Resolved when acknowledgements free room below the pending limits. */
  private room: { promise: Promise<void>; release: () => void } | null = null;

  constructor(executor: RangeExecutor, options: SweepServiceOptions = {}) {
    this.executor = executor;
    const { batchSize, batchSizing } = options;
    this.newSizer = batchSize
      ? () => ({ next: (remaining) => Math.min(batchSize, remaining), observe: () => {} })
      : () => new BatchSizer(batchSizing);
    this.newSweepId = options.newSweepId ?? randomUUID;
    this.now = options.now ?? Date.now;
    this.batchTimeoutMs = options.batchTimeoutMs;
    this.maxPendingResults = options.maxPendingResults ?? 20_000;
    this.maxPendingBytes = options.maxPendingBytes ?? 256 * 1024 * 1024;
    this.maxResultsEventBytes = options.maxResultsEventBytes ?? defaultResultsEventBytes;
    this.recycleParts = options.recycleParts === true;
    this.followStatus();
  }

  /**
   * Runs the next sweeps on `executor` (where sweeps run: sweep-executor.ts). A sweep running now keeps the executor it
   * started on, so its tasks never straddle two; the switch happens as it ends. Resolves with the executor let go of,
   * once no sweep uses it, for its owner to close: the previous one, or one chosen meanwhile that never ran.
   */
  useExecutor(executor: RangeExecutor): Promise<RangeExecutor> {
    return new Promise((release) => {
      if (!this.sweepRunning) return release(this.switchTo(executor));
      this.nextExecutor?.release(this.nextExecutor.executor);
      this.nextExecutor = { executor, release };
    });
  }

  /** The executor sweeps start on now. */
  get currentExecutor(): RangeExecutor {
    return this.executor;
  }

  /** Whether the executor last chosen waits for the running sweep to end. */
  get executorSwitchPending(): boolean {
    return this.nextExecutor !== null;
  }

  private switchTo(executor: RangeExecutor): RangeExecutor {
    const previous = this.executor;
    this.executor = executor;
    this.followStatus();
    return previous;
  }

  /** Passes the executor's status on; this machine's pool has none, which the window hears as ready. */
  private followStatus(): void {
    this.stopStatus?.();
    this.stopStatus =
      this.executor.onStatus?.((status) => {
        this.executorStatus = status;
        this.emit({ type: 'executor-status', status });
      }) ?? null;
    if (this.stopStatus === null && this.executorStatus !== null) {
      this.executorStatus = null;
      this.emit({ type: 'executor-status', status: { state: 'ready', message: 'Sweeps run on this computer' } });
    }
  }

  onEvent(listener: (event: SweepEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the spec and queues the sweep; returns once it is queued, not when it ends. */
  launch(input: unknown): Result<SweepLaunched> {
    return this.enqueue(input, this.newSweepId(), this.now(), []);
  }

  /**
   * Queues what an interrupted or cancelled sweep still lacks: the same spec expands to the same run ids, and the runs
   * the renderer already stored are skipped. A sweep this process is still running is refused (there is nothing to resume).
   */
  resume({ sweepId, createdAt, spec, storedRunIds }: ResumeRequest): Result<SweepLaunched> {
    const known = this.sweeps.get(sweepId);
    if (known && isSweepActive(known.status)) {
      return fail(
        'invalid-input',
        `Invalid sweep to resume: ${sweepId} is still running (only a sweep that stopped can be resumed)`,
      );
    }
    return this.enqueue(spec, sweepId, createdAt, storedRunIds);
  }

  private enqueue(
    input: unknown,
    sweepId: string,
    createdAt: number,
    stored: readonly string[],
  ): Result<SweepLaunched> {
    const checked = validateSweepSpec(input);
    if (!checked.ok) return fail('invalid-input', checked.message);
    if (this.sweeps.size >= MAX_KEPT_SWEEPS)
      return fail(
        'invalid-input',
        `Invalid sweep: ${MAX_KEPT_SWEEPS} sweeps are queued, running or waiting for their runs to be stored already (must be fewer: wait for one to end, or cancel one)`,
      );
    const spec = checked.value;
    // The runs are built as tasks take them, never all at once (validation has counted them without expanding).
    const runCount = countRuns(spec);
    const runs = new SweepRanges(sweepId, spec, runCount, stored);
    const launched: SweepLaunched = { sweepId, runCount, createdAt };
    const record: SweepRecord = {
      launched,
      spec,
      done: runs.alreadyStored,
      converged: 0,
      diverged: 0,
      failed: 0,
      status: 'queued',
      abort: new AbortController(),
      startedAt: 0,
      lastProgressAt: -Infinity,
      samples: [],
    };
    this.sweeps.set(sweepId, record);
    this.emit(this.startedEvent(record));
    this.queue = this.queue.then(() => this.runSweep(record, runs));
    return ok(launched);
  }

  /**
   * Stops a sweep: a queued one never starts, a running one stops taking batches and aborts those in flight (their
   * workers are terminated, so this takes effect at once). Runs sent before are kept; the results of a batch that
   * finishes after this call are dropped, never sent, so nothing of the sweep is stored after Cancel (Resume computes
   * them). False when the sweep has ended.
   */
  cancel(sweepId: string): boolean {
    const record = this.sweeps.get(sweepId);
    if (!record || (record.status !== 'queued' && record.status !== 'running')) return false;
    if (record.status === 'queued') {
      this.finish(record, 'cancelled');
    } else {
      this.moveTo(record, 'cancelling');
    }
    record.abort.abort();
    return true;
  }

  /** The renderer has stored these runs; returns how many of them were pending (and not acknowledged before). */
  acknowledge(ranges: readonly StoredRange[]): number {
    let acknowledged = 0;
    for (const { sweepId, from, to } of ranges) {
      const parts = this.pending.get(sweepId);
      if (!parts) continue;
      for (const [start, part] of parts) {
        const { batch } = part;
        const lo = Math.max(from, batch.from);
        const hi = Math.min(to, batch.to);
        if (lo >= hi) continue;
        const size = batch.to - batch.from;
        const before = part.storedCount;
        if (part.stored === null && lo === batch.from && hi === batch.to) part.storedCount = size;
        else {
          part.stored ??= new Uint8Array(size);
          for (let i = lo - batch.from; i < hi - batch.from; i++) {
            part.storedCount += 1 - part.stored[i];
            part.stored[i] = 1;
          }
        }
        acknowledged += part.storedCount - before;
        if (part.storedCount < size) continue;
        parts.delete(start);
        this.pendingRuns -= size;
        this.pendingBytes -= batch.traces.byteLength;
        if (part.recyclable) this.keepSpent(batch.traces.buffer as ArrayBuffer);
      }
      if (parts.size === 0) {
        this.pending.delete(sweepId);
        this.forgetIfDone(sweepId);
      }
    }
    if (this.room && !this.tooMuchPending()) {
      this.room.release();
      this.room = null;
    }
    return acknowledged;
  }

  /**
   * Replays every sweep that still has unacknowledged results, then those results, to `send`: by default to every
   * listener (the desktop window's one renderer, which a reload emptied); serve mode passes the one socket that asked,
   * as the others have what they were sent. Returns how many runs are pending.
   */
  resendPending(send: (event: SweepEvent) => void = (event) => this.emit(event)): number {
    if (this.executorStatus) send({ type: 'executor-status', status: this.executorStatus });
    for (const record of this.sweeps.values()) {
      const parts = this.pending.get(record.launched.sweepId);
      if (!parts && !isSweepActive(record.status)) continue;
      send(this.startedEvent(record));
      for (const { batch } of parts?.values() ?? []) send(this.resultsEvent(record, batch));
      send(this.progressEvent(record, this.now()));
      if (!isSweepActive(record.status)) send(this.finishedEvent(record, record.status));
    }
    return this.pendingRuns;
  }

  /** How many sweeps are queued, running or cancelling. */
  activeSweeps(): number {
    let active = 0;
    for (const record of this.sweeps.values()) if (isSweepActive(record.status)) active++;
    return active;
  }

  /** Worker threads sweeps use: how many batches run at once. */
  get threads(): number {
    return Math.min(this.requestedThreads ?? Infinity, this.maxThreads);
  }

  /** The most worker threads sweeps can use: the executor's size. */
  get maxThreads(): number {
    return Math.max(1, this.executor.threads);
  }

  /**
   * Lowers (or raises again) how many workers sweeps use, from 1 to the executor's size, so the machine stays usable
   * during a long sweep; it takes effect at once: surplus workers stop after their batch, new ones start.
   * Returns the value now in force.
   */
  setThreads(threads: number): number {
    this.requestedThreads = Math.min(Math.max(1, Math.floor(threads)), this.maxThreads);
    this.refill?.();
    return this.threads;
  }

  /** Waits for every queued sweep to end. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async runSweep(record: SweepRecord, runs: SweepRanges): Promise<void> {
    if (record.status === 'cancelled') return;
    this.sweepRunning = true;
    try {
      await this.runStarted(record, runs, this.executor);
    } finally {
      this.sweepRunning = false;
      const next = this.nextExecutor;
      this.nextExecutor = null;
      next?.release(this.switchTo(next.executor));
    }
  }

  private async runStarted(record: SweepRecord, runs: SweepRanges, executor: RangeExecutor): Promise<void> {
    record.startedAt = this.now();
    record.samples = [{ at: record.startedAt, done: record.done }];
    this.moveTo(record, 'running');
    const signal = record.abort.signal;
    const sizer = this.newSizer();
    /** Loops taking batches; one more than `threads` leaves after its batch when the setting is lowered. */
    let running = 0;
    const worker = async (): Promise<void> => {
      running++;
      try {
        while (runs.remaining > 0 && !signal.aborted && running <= this.threads) {
          await this.waitForRoom(signal);
          // Another worker may have taken the last batch, or the user cancelled, while this one waited.
          if (signal.aborted || runs.remaining === 0) return;
          const { from, to } = runs.take(sizer.next(runs.remaining, runs.peek()!, this.threads));
          const { sweepId } = record.launched;
          const startedAt = this.now();
          const timeout = this.batchTimeoutMs ? AbortSignal.timeout(this.batchTimeoutMs) : null;
          let parts: readonly ResultBatch[];
          const recyclable = this.recycleParts && executor.reusesParts === true;
          try {
            const task = {
              sweepId,
              spec: record.spec,
              from,
              to,
              compact: true,
              partBytes: this.maxResultsEventBytes,
              ...(recyclable ? { spent: this.takeSpent() } : {}),
            };
            ({ parts } = await executor.runRange(task, timeout ? AbortSignal.any([signal, timeout]) : signal));
            // Finished as (or after) the user cancelled: dropped, as if aborted a moment sooner.
            if (signal.aborted) return;
            sizer.observe(to - from, this.now() - startedAt);
          } catch (error) {
            if (signal.aborted) return; // cancelled: these runs are not done, nor failed
            const reason = timeout?.aborted ? `timed out after ${this.batchTimeoutMs! / 1000} s` : error;
            // The one place this thread builds the configs of a task: to say which runs failed, and why.
            const failed = [...expandSweepRange(sweepId, record.spec, from, to)].map((c) => failedRun(c, reason));
            parts = splitBatch({ ...encodeResults(failed, { compact: true }), from, to }, this.maxResultsEventBytes);
          }
          this.accept(record, parts, recyclable);
          // Agents that joined since raise the executor's threads: more tasks in flight at once.
          this.refill?.();
        }
      } finally {
        running--;
      }
    };
    const loops = new Set<Promise<void>>();
    // One batch in flight per allowed worker keeps those cores busy; a raised setting starts more loops at once.
    const fill = (): void => {
      while (running < this.threads && runs.remaining > 0 && !signal.aborted) {
        const loop: Promise<void> = worker().finally(() => loops.delete(loop));
        loops.add(loop);
      }
    };
    let end: FinishedSweepStatus;
    try {
      this.refill = fill;
      fill();
      while (loops.size > 0) await Promise.race(loops);
      end = signal.aborted ? 'cancelled' : 'completed';
    } catch (error) {
      end = 'failed';
      record.message = errorMessage(error);
    } finally {
      this.refill = null;
    }
    this.emitProgress(record, true);
    this.finish(record, end);
  }

  private async waitForRoom(signal: AbortSignal): Promise<void> {
    while (this.tooMuchPending() && !signal.aborted) {
      if (!this.room) {
        let release!: () => void;
        const promise = new Promise<void>((resolve) => (release = resolve));
        this.room = { promise, release };
      }
      const cancelled = new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      await Promise.race([this.room.promise, cancelled]);
    }
  }

  private tooMuchPending(): boolean {
    return this.pendingRuns >= this.maxPendingResults || this.pendingBytes >= this.maxPendingBytes;
  }

  /** Keeps a stored part's buffer for the executor's next task, up to SPENT_BYTES; past that it is let go of. */
  private keepSpent(buffer: ArrayBuffer): void {
    if (this.spentBytes + buffer.byteLength > SPENT_BYTES) return;
    this.spent.push(buffer);
    this.spentBytes += buffer.byteLength;
  }

  /** Every buffer kept for the next task, handed over (transferred with it, so no longer this thread's). */
  private takeSpent(): ArrayBuffer[] {
    this.spentBytes = 0;
    return this.spent.splice(0);
  }

  /**
   * Keeps and sends a task's results, in the parts its worker cut them into (of about maxResultsEventBytes each);
   * `recyclable`: their buffers go back to the executor once stored.
   */
  private accept(record: SweepRecord, parts: readonly ResultBatch[], recyclable: boolean): void {
    const { sweepId } = record.launched;
    for (const part of parts) {
      // Looked up for each part: a listener may acknowledge a part as it is sent, which drops the sweep's emptied map,
      // and a part kept in a dropped map would count as pending for ever (and, past the limits, stop every sweep).
      const pending = this.pending.get(sweepId) ?? new Map<number, PendingPart>();
      this.pending.set(sweepId, pending);
      const replaced = pending.get(part.from);
      if (replaced) {
        this.pendingRuns -= replaced.batch.to - replaced.batch.from;
        this.pendingBytes -= replaced.batch.traces.byteLength;
      }
      pending.set(part.from, { batch: part, stored: null, storedCount: 0, recyclable });
      this.pendingRuns += part.to - part.from;
      this.pendingBytes += part.traces.byteLength;
      this.emit(this.resultsEvent(record, part));
      const counts = countStatuses(part);
      record.converged += counts.converged;
      record.diverged += counts.diverged;
      record.failed += counts.failed;
      record.done += counts.runs;
    }
    this.emitProgress(record, record.done === record.launched.runCount);
  }

  private resultsEvent(record: SweepRecord, batch: ResultBatch): SweepEvent {
    return { type: 'results', sweepId: record.launched.sweepId, batch };
  }

  /** Sends the sweep's progress, at most once per PROGRESS_INTERVAL_MS unless forced. */
  private emitProgress(record: SweepRecord, force: boolean): void {
    const now = this.now();
    if (!force && now - record.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.emit(this.progressEvent(record, now));
  }

  /** The sweep's progress at `now`, which becomes a sample of its rate. */
  private progressEvent(record: SweepRecord, now: number): SweepEvent {
    record.lastProgressAt = now;
    const { done, converged, diverged, failed } = record;
    const total = record.launched.runCount;
    const { samples } = record;
    samples.push({ at: now, done });
    while (samples.length > 2 && samples[1].at <= now - RATE_WINDOW_MS) samples.shift();
    const seconds = (now - samples[0].at) / 1000;
    const runsPerSecond = seconds > 0 ? (done - samples[0].done) / seconds : 0;
    const etaSeconds = runsPerSecond > 0 ? (total - done) / runsPerSecond : null;
    return {
      type: 'progress',
      sweepId: record.launched.sweepId,
      progress: { done, total, converged, diverged, failed, runsPerSecond, etaSeconds },
    };
  }

  private startedEvent(record: SweepRecord): SweepEvent {
    const { sweepId, runCount, createdAt } = record.launched;
    return { type: 'sweep-started', sweepId, spec: record.spec, runCount, createdAt, status: record.status };
  }

  private moveTo(record: SweepRecord, status: 'running' | 'cancelling'): void {
    record.status = status;
    this.emit({ type: 'sweep-status', sweepId: record.launched.sweepId, status });
  }

  private finish(record: SweepRecord, status: FinishedSweepStatus): void {
    record.status = status;
    this.emit(this.finishedEvent(record, status));
    this.forgetIfDone(record.launched.sweepId);
  }

  /**
   * Forgets a sweep that has ended with every result it sent stored: nothing reads its record any more. A reload's
   * resendPending announces only sweeps still active or with results pending, cancel answers false for an ended sweep
   * as for an unknown one, and a Resume of it is queued afresh from the spec and stored runs the window sends.
   */
  private forgetIfDone(sweepId: string): void {
    const record = this.sweeps.get(sweepId);
    if (record && !isSweepActive(record.status) && !this.pending.has(sweepId)) this.sweeps.delete(sweepId);
  }

  private finishedEvent(record: SweepRecord, status: FinishedSweepStatus): SweepEvent {
    return {
      type: 'sweep-finished',
      sweepId: record.launched.sweepId,
      status,
      ...(record.message ? { message: record.message } : {}),
    };
  }

  private emit(event: SweepEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
