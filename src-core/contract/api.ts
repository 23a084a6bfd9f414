import type { RunAnnotations } from './annotations';
import type { Result } from './result';
import type { RunConfig, RunSummary, SweepEvent, SweepLaunched } from './types';

/** 'summary': one row per run, every hyperparameter and metric. 'traces': long format, one row per step and parameter. */
export const exportKinds = ['summary', 'traces'] as const;
export type ExportKind = (typeof exportKinds)[number];

/** The start of a CSV export: what it holds and the file name to offer. */
export interface ExportStart {
  kind: ExportKind;
  suggestedName: string;
  /** Traces only: every step of each run (up to SweepLimits.maxTracePoints rows) instead of the steps its trace keeps. */
  everyStep: boolean;
}

/** exportId is null when the user cancelled the save dialog: nothing was opened. */
export interface ExportStarted {
  exportId: string | null;
}

/** One run to export: its config, its stored summary, the name of its sweep and what a person attached to it. */
export interface ExportRun {
  config: RunConfig;
  summary: RunSummary;
  sweepName: string;
  /** Absent where runs carry none (the CLI). */
  annotations?: RunAnnotations;
}

/** The next runs of an export, in the order their rows are to be written. */
export interface ExportPage {
  exportId: string;
  runs: ExportRun[];
}

/** Ends an export: completes the file or the download, or with `abort` discards it. */
export interface ExportEnd {
  exportId: string;
  abort: boolean;
}

/** An interrupted sweep as the renderer stored it: its spec, and the runs it already has. */
export interface ResumeRequest {
  sweepId: string;
  createdAt: number;
  spec: unknown;
  storedRunIds: string[];
}

/** Where an export went: the path the user chose on the desktop; no path for a browser download. */
export interface ExportOutcome {
  saved: boolean;
  path?: string;
}

/** How many worker threads sweeps use: `threads` of the `max` the machine's pool has. */
export interface WorkerThreads {
  threads: number;
  max: number;
}

/** Asks for `threads` workers (clamped to 1 … max), or with null only reads the setting. */
export interface WorkerThreadsRequest {
  threads: number | null;
}

/**
 * The one interface the renderer talks to, whichever transport carries it (Electron preload or serve-mode socket).
 * launchSweep takes the unvalidated form value: the main side validates it once with the shared schema.
 */
export interface LabApi {
  launchSweep(spec: unknown): Promise<Result<SweepLaunched>>;
  /** The renderer has stored these runs: the main process may forget them. */
  acknowledge(runIds: string[]): Promise<Result<number>>;
  /** Ask for every result sent but not yet acknowledged (after a reload). */
  resendPending(): Promise<Result<number>>;
  /**
   * A CSV export, written as a stream: startExport opens the file (the desktop's save dialog; the browser's download),
   * each writeExport adds the rows of a page of runs and resolves once they are written (the traces are computed afresh
   * in the main process), finishExport completes or discards it. An export left idle is discarded after a while.
   */
  startExport(request: ExportStart): Promise<Result<ExportStarted>>;
  /** Resolves with the number of runs written so far. */
  writeExport(page: ExportPage): Promise<Result<number>>;
  finishExport(request: ExportEnd): Promise<Result<ExportOutcome>>;
  /** Stops a queued or running sweep; the runs already finished are kept. False when it had already ended. */
  cancelSweep(sweepId: string): Promise<Result<boolean>>;
  /** Computes the runs of an interrupted sweep that were never stored, under the same sweep and run ids. */
  resumeSweep(request: ResumeRequest): Promise<Result<SweepLaunched>>;
  /** Reads or changes how many workers sweeps use, so the machine stays usable during a long sweep; at once. */
  workerThreads(request: WorkerThreadsRequest): Promise<Result<WorkerThreads>>;
  onEvent(listener: (event: SweepEvent) => void): () => void;
}
