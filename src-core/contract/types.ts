/** Data that crosses threads, processes and storage. Plain objects and typed arrays only, so they clone everywhere. */
import type { RunConfig, SweepSpec } from './sweep-spec';

export type { RunConfig, SweepSpec } from './sweep-spec';
/**
 * Where a sweep is in its life: 'queued' behind another sweep, 'running', 'cancelling' (asked to stop; its batches in
 * flight are being aborted), then one of the three ends. Sweeps run one after another in launch order.
 */
export type SweepStatus = 'queued' | 'running' | 'cancelling' | 'cancelled' | 'completed' | 'failed';
export type FinishedSweepStatus = Extract<SweepStatus, 'cancelled' | 'completed' | 'failed'>;
/** The statuses of a sweep the main process is still working on: it has not reached one of its ends. */
export const activeSweepStatuses = ['queued', 'running', 'cancelling'] as const satisfies readonly Exclude<
  SweepStatus,
  FinishedSweepStatus
>[];
export type ActiveSweepStatus = (typeof activeSweepStatuses)[number];
/** Takes any status text, so that a store's own statuses (the renderer's 'interrupted') can be asked too. */
export const isSweepActive = (status: string): status is ActiveSweepStatus =>
  (activeSweepStatuses as readonly string[]).includes(status);

export type RunStatus = 'completed' | 'converged' | 'diverged' | 'failed';

/** Where divergence showed first, in the order a step computes things: the accumulator, then θ, then the loss at θ. */
export type DivergedIn = 'accumulator' | 'parameters' | 'loss';

export interface RunSummary {
  /**
   * 'converged': a tolerance was given and the final loss is at or below it. 'completed': every step ran, without
   * converging. 'diverged': the loss, θ or the accumulator became non-finite; the run stopped there. 'failed': the
   * run threw (set by the runner, with `error`).
   */
  status: RunStatus;
  /** The loss at the last step run (the divergence step when diverged, so possibly non-finite). */
  finalLoss: number;
  /** The lowest finite loss and the first step reaching it; the step-0 loss when even that was not finite. */
  bestLoss: number;
  bestStep: number;
  /** The first step whose loss is ≤ tolerance; null without a tolerance or when no step reached it. */
  stepsToTolerance: number | null;
  /** The step at which the run diverged, and what went non-finite first there; both null unless diverged. */
  divergedAt: number | null;
  divergedIn: DivergedIn | null;
  /** Why a run failed (an exception in its worker); absent otherwise. */
  error?: string;
}

/** The kept rows of one run, as columns. Every per-row column is `rows × width` values, row-major. */
export interface RunTrace {
  /** The step number of each kept row, ascending; 0 is the start. */
  steps: Uint32Array;
  loss: Float64Array;
  /** The number of parameters. */
  dim: number;
  /**
   * 'parameters': one value per parameter (dim ≤ perParameterLimit).
   * 'quantiles': min, median, max across the parameters, for models too wide to chart one line per parameter.
   */
  layout: 'parameters' | 'quantiles';
  /** Values per row: dim, or 3 for 'quantiles'. */
  width: number;
  theta: Float64Array;
  /** The gradient evaluated at that row's θ (the one the next step uses). */
  grad: Float64Array;
  /** The optimizer's accumulator after that step; empty (length 0) when the optimizer has none. */
  accum: Float64Array;
  /** θ_k − θ_{k−1}; row 0 is zeros. */
  update: Float64Array;
}

export interface RunResult {
  config: RunConfig;
  summary: RunSummary;
  trace: RunTrace;
}

/** A trace value column as the window gets it: float32 where that keeps every value (src-core/run/compact-trace.ts). */
export type TraceColumn = Float32Array | Float64Array;

/** A RunTrace with its value columns compacted; a RunTrace is one too. */
export interface CompactTrace extends Omit<RunTrace, 'loss' | 'theta' | 'grad' | 'accum' | 'update'> {
  loss: TraceColumn;
  theta: TraceColumn;
  grad: TraceColumn;
  accum: TraceColumn;
  update: TraceColumn;
}

/** A result as the main process sends it to the window: its summary exact, its trace compacted. */
export interface CompactRunResult extends Omit<RunResult, 'trace'> {
  trace: CompactTrace;
}

/**
 * The results of consecutive runs as columns, as a worker computes them and as they travel to the window and are kept
 * until it has stored them (src-core/run/result-batch.ts lays them out and reads them back). The configs are not in
 * it: they follow from the sweep's spec and the runs' indexes.
 */
export interface ResultColumns {
  /** SUMMARY_WIDTH numbers per run. */
  summaries: Float64Array;
  /** [run within the batch, message] of each failed run. */
  errors: [number, string][];
  /** SHAPE_WIDTH numbers per run: where its trace starts in `traces`, its shape and which columns are float32. Empty
   * for results computed without traces. */
  shapes: Int32Array;
  /** Every run's trace, one after another, each from an 8-byte aligned offset. */
  traces: Uint8Array;
}

/** The results of runs [from, to) of a sweep. */
export interface ResultBatch extends ResultColumns {
  from: number;
  to: number;
}

/** Where a sweep stands, sent a few times a second while it runs. */
export interface SweepProgress {
  done: number;
  total: number;
  converged: number;
  diverged: number;
  failed: number;
  /** Runs finished per second since the sweep started; 0 before the first. */
  runsPerSecond: number;
  /** Seconds left at that rate; null until there is a rate. */
  etaSeconds: number | null;
}

export interface SweepLaunched {
  sweepId: string;
  runCount: number;
  createdAt: number;
}

export type SweepEvent =
  /** A sweep was queued, or is announced again after a reload, with where it stands now. */
  | {
      type: 'sweep-started';
      sweepId: string;
      spec: SweepSpec;
      runCount: number;
      createdAt: number;
      status: SweepStatus;
    }
  /** A sweep moved on before its end: from queued to running, or from running to cancelling. */
  | { type: 'sweep-status'; sweepId: string; status: Exclude<SweepStatus, FinishedSweepStatus> }
  | { type: 'progress'; sweepId: string; progress: SweepProgress }
  /** Runs [from, to) of a sweep, computed: as columns, never one object per run (src-core/run/result-batch.ts). */
  | { type: 'results'; sweepId: string; batch: ResultBatch }
  | { type: 'sweep-finished'; sweepId: string; status: FinishedSweepStatus; message?: string }
  /**
   * Where the executor of sweeps stands when it is not simply this machine's pool: agents through Redis, ready, without
   * a compatible agent, or unreachable (tasks wait; the sweep continues when it is back). Sent at each change.
   */
  | { type: 'executor-status'; status: ExecutorStatus };

/** See the 'executor-status' event; `message` says it in words, credentials masked. */
export interface ExecutorStatus {
  state: 'ready' | 'no-agents' | 'unreachable';
  message: string;
}
