import type { RunAnnotations } from './annotations';
import type { MenuCommand } from './menu-commands';
import type { LabRequests } from './methods';
import type { ExecutorStatus, RunConfig, RunSummary, SweepEvent, SweepSpec } from './types';

/**
 * 'summary': one row per run, every hyperparameter and metric. 'traces': long format, one row per step and parameter.
 * 'runs': the Runs JSON (src-core/export/runs-json.ts): each sweep's spec and its runs, which the app imports back.
 */
export const exportKinds = ['summary', 'traces', 'runs'] as const;
export type ExportKind = (typeof exportKinds)[number];

/** The start of an export: what it holds and the file name to offer. */
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

/** A sweep whose runs a Runs JSON export holds: what recreates it on import. */
export interface ExportSweep {
  id: string;
  name: string;
  spec: SweepSpec;
}

/** The next runs of an export, in the order their rows are to be written. */
export interface ExportPage {
  exportId: string;
  runs: ExportRun[];
  /** Runs JSON: the sweeps of this page's runs that no earlier page brought (each sent once). The CSVs have none. */
  sweeps?: ExportSweep[];
}

/** Ends an export: completes the file or the download, or with `abort` discards it. */
export interface ExportEnd {
  exportId: string;
  abort: boolean;
}

/** Runs [from, to) of a sweep that the window has stored: what it acknowledges. */
export interface StoredRange {
  sweepId: string;
  from: number;
  to: number;
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

/** Where sweeps run: this machine's worker threads, or agents (`adagrad-lab agent`) through a Redis queue. */
export type SweepExecutorChoice = { on: 'this-computer' } | { on: 'agents'; url: string; queue?: string };

/** Reads the setting (null), or chooses where the next sweeps run. */
export type SweepExecutorRequest = SweepExecutorChoice | null;

/** An agent alive on the lab's queue, as it announces itself; `compatible`: it runs this lab's engine version. */
export interface AgentInfo {
  id: string;
  host: string;
  threads: number;
  engine: number;
  node: string;
  pid: number;
  compatible: boolean;
}

/**
 * Where the next sweeps run. For agents: the URL with its password masked (sent back unchanged, it keeps the
 * password), the queue, the agents seen and the queue's status (null until Redis first answered or failed).
 * `previousUntilSweepEnds`: a sweep running now keeps the executor it started on; the choice applies from the next.
 */
export type SweepExecutorState =
  | { on: 'this-computer'; previousUntilSweepEnds: boolean }
  | {
      on: 'agents';
      url: string;
      queue: string;
      agents: AgentInfo[];
      status: ExecutorStatus | null;
      previousUntilSweepEnds: boolean;
    };

/** A connection test of a Redis URL (and queue) before choosing it. */
export interface RedisTestRequest {
  url: string;
  queue?: string;
}

/** `connected`: Redis answered; `message` says what was found, credentials masked. */
export interface RedisTestOutcome {
  connected: boolean;
  message: string;
  agents: AgentInfo[];
}

/**
 * How serve mode's socket stands (the desktop's IPC has no connection to lose):
 * - 'connecting': not signed in yet (requests wait);
 * - 'open': signed in;
 * - 'lost': the socket closed; it reconnects by itself with its session (requests fail at once meanwhile);
 * - 'signed-out': the server refused to sign in: 'unknown-session' (it restarted, or the session expired),
 *   'no-credential' (opened without a link), 'bad-link' (a used or wrong link), 'throttled' (too many failed sign-ins).
 *   It stays so until a fresh link is opened.
 */
export type LabConnection =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'lost' }
  | { state: 'signed-out'; reason: 'unknown-session' | 'no-credential' | 'bad-link' | 'throttled'; detail: string };

/**
 * The one interface the renderer talks to, whichever transport carries it (Electron preload or serve-mode socket):
 * a function per method of the registry (methods.ts), and the events.
 */
export interface LabApi extends LabRequests {
  onEvent(listener: (event: SweepEvent) => void): () => void;
  /** Serve mode only: the connection's state now, and each change of it. */
  onConnection?(listener: (connection: LabConnection) => void): () => void;
}

/**
 * What the desktop preload exposes: the LabApi and the application menu's commands for the page (only known command
 * names, the payload alone). Serve mode has no menu, so the renderer treats onMenuCommand as optional.
 */
export interface DesktopLabApi extends LabApi {
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}
