/** Data that crosses threads, processes and storage. Plain objects and typed arrays only, so they clone everywhere. */

export type ObjectiveId = 'quadratic-1d';
export type OptimizerId = 'adagrad';
export type RunStatus = 'completed' | 'diverged' | 'failed';
export type SweepStatus = 'running' | 'completed' | 'failed';

/** One run: a pure function of this object. */
export interface RunConfig {
  id: string;
  sweepId: string;
  /** Position in the sweep's expansion; fixes the display order. */
  index: number;
  objective: ObjectiveId;
  start: number[];
  optimizer: OptimizerId;
  lr: number;
  eps: number;
  weightDecay: number;
  steps: number;
}

export interface RunSummary {
  status: RunStatus;
  finalLoss: number;
  bestLoss: number;
  bestStep: number;
  /** First step at which the loss, θ or G became non-finite; null when it never did. */
  divergedAt: number | null;
  /** Why a run failed (an exception in its worker); absent otherwise. */
  error?: string;
}

/**
 * The state after each step k = 0..steps (row 0 is the start), as columns.
 * theta, grad and accum hold `dim` values per row: theta[k*dim+i] is θ_i after k steps, grad[k*dim+i] the gradient
 * evaluated there (the one step k+1 uses) and accum[k*dim+i] the accumulator G_i after k steps.
 * The effective step size lr/(√G+eps) is derived from accum, never stored.
 */
export interface RunTrace {
  dim: number;
  loss: Float64Array;
  theta: Float64Array;
  grad: Float64Array;
  accum: Float64Array;
}

export interface RunResult {
  config: RunConfig;
  summary: RunSummary;
  trace: RunTrace;
}

/** The user's sweep as validated; expands to one RunConfig per point of the grid. */
export interface SweepSpec {
  name: string;
  objective: ObjectiveId;
  start: number[];
  lrs: number[];
  eps: number[];
  weightDecays: number[];
  steps: number;
}

export interface SweepLaunched {
  sweepId: string;
  runCount: number;
  createdAt: number;
}

export type SweepEvent =
  | { type: 'sweep-started'; sweepId: string; spec: SweepSpec; runCount: number; createdAt: number }
  | { type: 'progress'; sweepId: string; done: number; total: number }
  | { type: 'results'; sweepId: string; results: RunResult[] }
  | { type: 'sweep-finished'; sweepId: string; status: SweepStatus; message?: string };
