/**
 * The app's exports, in the main process: the renderer opens one, sends the runs page by page, and ends it. Each
 * page is written before its call resolves, so the renderer can never run ahead of the disk or the download, and the
 * whole file is never held anywhere. The summary CSV and the Runs JSON are written from the stored configs and
 * summaries the pages carry (the Runs JSON with the specs of their sweeps, each sent with the page of its first run);
 * the traces are computed afresh from the configs on the worker pool, in full precision, never taken from stored
 * traces.
 */
import { randomUUID } from 'node:crypto';
import type {
  ExportEnd,
  ExportKind,
  ExportOutcome,
  ExportPage,
  ExportStart,
  ExportStarted,
  ExportSweep,
} from '../../src-core/contract/api';
import { errorMessage, fail, ok, type Result } from '../../src-core/contract/result';
import { show } from '../../src-core/contract/show';
import { csvHeader, csvRows } from '../../src-core/export/csv';
import { RunsJsonWriter } from '../../src-core/export/runs-json';
import { summaryColumns } from '../../src-core/export/summary-table';
import { everyStepConfig, traceColumns, traceRecords } from '../../src-core/export/trace-table';
import type { RunExecutor } from '../pool';
import { runInOrder } from './ordered-runs';
import type { ExportSink } from './sink';

/** Opens where export `exportId` goes; null when the user declined (cancelled the save dialog). */
export type OpenExportSink = (exportId: string, suggestedName: string, kind: ExportKind) => Promise<ExportSink | null>;

export interface ExportSessionsOptions {
  /** An export with no call for this long is discarded (the window that started it is gone). */
  idleMs?: number;
  newExportId?: () => string;
}

interface Session {
  request: ExportStart;
  sink: ExportSink;
  headerWritten: boolean;
  runsWritten: number;
  /** Runs JSON: its writer, and the sweeps the pages brought so far (by id). */
  json: { writer: RunsJsonWriter; sweeps: Map<string, ExportSweep> } | null;
  /** Calls on one export run one after another, in the order they came. */
  queue: Promise<unknown>;
  idleTimer: NodeJS.Timeout | null;
}

/** Exports open at once; each holds a file or a download. */
const MAX_OPEN = 8;

export class ExportSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly newExportId: () => string;

  constructor(
    private readonly executor: RunExecutor,
    private readonly openSink: OpenExportSink,
    options: ExportSessionsOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 120_000;
    this.newExportId = options.newExportId ?? randomUUID;
  }

  async start(request: ExportStart): Promise<Result<ExportStarted>> {
    if (this.sessions.size >= MAX_OPEN)
      return fail(
        'invalid-input',
        `Invalid export request: ${MAX_OPEN} exports are open already (must be fewer: finish one first)`,
      );
    const exportId = this.newExportId();
    let sink: ExportSink | null;
    try {
      sink = await this.openSink(exportId, request.suggestedName, request.kind);
    } catch (error) {
      return fail('internal', `Could not open ${request.suggestedName}: ${errorMessage(error)}`);
    }
    if (!sink) return ok({ exportId: null });
    const session: Session = {
      request,
      sink,
      headerWritten: false,
      runsWritten: 0,
      json: request.kind === 'runs' ? { writer: new RunsJsonWriter(), sweeps: new Map() } : null,
      queue: Promise.resolve(),
      idleTimer: null,
    };
    this.sessions.set(exportId, session);
    this.armIdleTimer(exportId, session);
    return ok({ exportId });
  }

  /** Writes the page's rows; resolves with the runs written so far. A failure discards the export. */
  write(page: ExportPage): Promise<Result<number>> {
    return this.enqueue(page.exportId, async (session) => {
      await this.writeRows(session, page);
      session.runsWritten += page.runs.length;
      return session.runsWritten;
    });
  }

  finish({ exportId, abort }: ExportEnd): Promise<Result<ExportOutcome>> {
    return this.enqueue(exportId, async (session) => {
      this.sessions.delete(exportId);
      if (abort) {
        await session.sink.abort();
        return { saved: false };
      }
      if (!session.headerWritten) await this.writeRows(session, { exportId, runs: [] });
      if (session.json) await session.sink.write([session.json.writer.tail()]);
      return session.sink.finish();
    });
  }

  /** Discards every open export (the app is quitting, the server closing). */
  async discardAll(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of open) if (session.idleTimer) clearTimeout(session.idleTimer);
    await Promise.all(open.map((session) => session.sink.abort()));
  }

  private enqueue<T>(exportId: string, task: (session: Session) => Promise<T>): Promise<Result<T>> {
    const notOpen = (): Result<never> =>
      fail(
        'not-found',
        `Invalid export id: ${show(exportId)} (must be an open export's; it has ended, or was discarded after ${this.idleMs / 1000} s without a call)`,
      );
    const session = this.sessions.get(exportId);
    if (!session) return Promise.resolve(notOpen());
    const run = async (): Promise<Result<T>> => {
      // A call queued behind one that ended the export finds it gone.
      if (this.sessions.get(exportId) !== session) return notOpen();
      // Not idle while working: a long page of traces must not be discarded under its own feet.
      if (session.idleTimer) clearTimeout(session.idleTimer);
      try {
        return ok(await task(session));
      } catch (error) {
        this.sessions.delete(exportId);
        await session.sink.abort();
        return fail('internal', `Could not export ${session.request.suggestedName}: ${errorMessage(error)}`);
      } finally {
        if (this.sessions.get(exportId) === session) this.armIdleTimer(exportId, session);
      }
    };
    const result = session.queue.then(run);
    session.queue = result;
    return result;
  }

  private armIdleTimer(exportId: string, session: Session): void {
    session.idleTimer = setTimeout(() => {
      if (this.sessions.get(exportId) !== session) return;
      this.sessions.delete(exportId);
      void session.sink.abort();
    }, this.idleMs);
    session.idleTimer.unref();
  }

  /** The header first, once; then the rows of the page's runs. */
  private async writeRows(session: Session, { runs, sweeps = [] }: ExportPage): Promise<void> {
    const { kind, everyStep } = session.request;
    const { json } = session;
    if (!session.headerWritten) {
      const header = json
        ? json.writer.head()
        : kind === 'summary'
          ? csvHeader(summaryColumns)
          : csvHeader(traceColumns);
      await session.sink.write([header]);
      session.headerWritten = true;
    }
    if (json) {
      for (const sweep of sweeps) json.sweeps.set(sweep.id, sweep);
      await session.sink.write([json.writer.page(runs, (id) => json.sweeps.get(id))]);
      return;
    }
    if (kind === 'summary') {
      await session.sink.write(csvRows(summaryColumns, runs));
      return;
    }
    const configs = runs.map((run) => (everyStep ? everyStepConfig(run.config) : run.config));
    for await (const results of runInOrder(this.executor, configs))
      await session.sink.write(csvRows(traceColumns, traceRecords(results)));
  }
}
