/**
 * The registry of the requests the renderer makes of the main process: one line per method, its name, its IPC channel,
 * its request type and its reply type. Everything else is derived from it: the LabApi type (api.ts), the IPC channel
 * names (channels.ts), the preload's functions, the handler table (src-main/handlers.ts), the methods serve mode
 * answers (socket.ts) and the socket client. Adding a method is one line here (and its handler, which typecheck asks for).
 *
 * Types only, besides the entries themselves: the preload imports this module and is bundled alone for the sandbox.
 */
import type {
  ExportEnd,
  ExportOutcome,
  ExportPage,
  ExportStart,
  ExportStarted,
  RedisTestOutcome,
  RedisTestRequest,
  ResumeRequest,
  StoredRange,
  SweepExecutorRequest,
  SweepExecutorState,
  WorkerThreads,
  WorkerThreadsRequest,
} from './api';
import type { Result } from './result';
import type { SweepLaunched } from './types';

/** Carries a method's request and reply types; never set, never read. */
declare const signature: unique symbol;

/** One method: the IPC channel that carries it in Electron (serve mode names the method itself). */
export interface MethodEntry<Request, Reply> {
  readonly channel: string;
  readonly [signature]?: { request: Request; reply: Reply };
}

/** An entry of the registry; `Request` is void for a method that takes no payload. */
const method = <Request, Reply>(channel: string): MethodEntry<Request, Reply> => ({ channel });

export const labMethods = {
  /** Takes the unvalidated form value: the main side validates it once with the shared schema. */
  launchSweep: method<unknown, SweepLaunched>('lab:launch-sweep'),
  /** The renderer has stored these runs: the main process may forget them. Replies how many were pending. */
  acknowledge: method<StoredRange[], number>('lab:acknowledge'),
  /** Ask for every result sent but not yet acknowledged (after a reload). */
  resendPending: method<void, number>('lab:resend-pending'),
  /** Stops a queued or running sweep; the runs already finished are kept. False when it had already ended. */
  cancelSweep: method<string, boolean>('lab:cancel-sweep'),
  /** Computes the runs of an interrupted sweep that were never stored, under the same sweep and run ids. */
  resumeSweep: method<ResumeRequest, SweepLaunched>('lab:resume-sweep'),
  /**
   * A CSV export, written as a stream: startExport opens the file (the desktop's save dialog; the browser's download),
   * each writeExport adds the rows of a page of runs and resolves once they are written (the traces are computed afresh
   * in the main process), finishExport completes or discards it. An export left idle is discarded after a while.
   */
  startExport: method<ExportStart, ExportStarted>('lab:start-export'),
  /** Resolves with the number of runs written so far. */
  writeExport: method<ExportPage, number>('lab:write-export'),
  finishExport: method<ExportEnd, ExportOutcome>('lab:finish-export'),
  /** Reads or changes how many workers sweeps use, so the machine stays usable during a long sweep; at once. */
  workerThreads: method<WorkerThreadsRequest, WorkerThreads>('lab:worker-threads'),
  /** Reads (null) or chooses where sweeps run: this computer or agents through Redis; from the next sweep on. */
  sweepExecutor: method<SweepExecutorRequest, SweepExecutorState>('lab:sweep-executor'),
  /** Connects to a Redis URL for a few seconds and says what it found: reachable or not, the agents on the queue. */
  testRedis: method<RedisTestRequest, RedisTestOutcome>('lab:test-redis'),
} as const;

export type LabMethods = typeof labMethods;
export type MethodName = keyof LabMethods;
export type RequestOf<K extends MethodName> =
  LabMethods[K] extends MethodEntry<infer Request, unknown> ? Request : never;
export type ReplyOf<K extends MethodName> = LabMethods[K] extends MethodEntry<unknown, infer Reply> ? Reply : never;

/** Every method as a function of the renderer's API: no parameter where the request is void. */
export type LabRequests = {
  [K in keyof LabMethods]: [RequestOf<K>] extends [void]
    ? () => Promise<Result<ReplyOf<K>>>
    : (request: RequestOf<K>) => Promise<Result<ReplyOf<K>>>;
};

/** The method names, in the registry's order (serve mode's refusal of an unknown method lists them so). */
export const methodNames = Object.keys(labMethods) as readonly MethodName[];
