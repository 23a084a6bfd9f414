import type { Result } from './result';
import type { SweepEvent, SweepLaunched } from './types';

/** A text file the user asked to save: the desktop shows a save dialog, the browser downloads it. */
export interface SaveFileRequest {
  suggestedName: string;
  content: string;
}

/** An interrupted sweep as the renderer stored it: its spec, and the runs it already has. */
export interface ResumeRequest {
  sweepId: string;
  createdAt: number;
  spec: unknown;
  storedRunIds: string[];
}

export interface SaveFileOutcome {
  saved: boolean;
  path?: string;
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
  saveFile(request: SaveFileRequest): Promise<Result<SaveFileOutcome>>;
  /** Stops a queued or running sweep; the runs already finished are kept. False when it had already ended. */
  cancelSweep(sweepId: string): Promise<Result<boolean>>;
  /** Computes the runs of an interrupted sweep that were never stored, under the same sweep and run ids. */
  resumeSweep(request: ResumeRequest): Promise<Result<SweepLaunched>>;
  onEvent(listener: (event: SweepEvent) => void): () => void;
}
