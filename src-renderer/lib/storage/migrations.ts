/**
 * Record upgrades between database versions, pure functions of the old record so that they are tested on fixtures;
 * the versions that apply them are declared in ./schema.
 * v1 (the first release): AdaGrad only, f(x)=x² only, every step traced per parameter.
 * v2: the engine's configs and bounded traces, in float64.
 * v5: a trace's gradient column means the gradient step t used (what entered G), no longer ∇f at θₜ.
 * v6: run pages hold columns (./page-codec), configs only where the sweep's spec does not give them.
 */
import type { RunConfig, RunSummary, RunTrace, SweepSpec } from '../../../src-core/contract/types';
import { runsPage, type RunPage } from './page-codec';
import type { StoredRun } from './records';
import { mergeEntries, type PageKey } from './run-pages';
import { toStoredTrace, type PackedTrace, type StoredTrace } from './trace-storage';

export interface RunV1 {
  config: {
    id: string;
    sweepId: string;
    index: number;
    objective: 'quadratic-1d';
    start: number[];
    optimizer: 'adagrad';
    lr: number;
    eps: number;
    weightDecay: number;
    steps: number;
  };
  summary: {
    status: 'completed' | 'diverged' | 'failed';
    finalLoss: number;
    bestLoss: number;
    bestStep: number;
    divergedAt: number | null;
    error?: string;
  };
}

export interface SpecV1 {
  name: string;
  objective: 'quadratic-1d';
  start: number[];
  lrs: number[];
  eps: number[];
  weightDecays: number[];
  steps: number;
}

export interface TraceV1 {
  dim: number;
  loss: Float64Array;
  theta: Float64Array;
  grad: Float64Array;
  accum: Float64Array;
}

/** v1's AdaGrad was the seeds' class: eps outside the root, G from 0, L2 weight decay, no lr decay, minimizing. */
const adagradV1 = (lr: number, eps: number, weightDecay: number) =>
  ({
    kind: 'adagrad',
    lr,
    eps,
    epsPlacement: 'outside',
    weightDecay,
    decoupledWeightDecay: false,
    initialAccumulator: 0,
    lrDecay: 0,
    maximize: false,
  }) as const;

export function upgradeRunV1({ config, summary }: RunV1): { config: RunConfig; summary: RunSummary } {
  return {
    config: {
      id: config.id,
      sweepId: config.sweepId,
      index: config.index,
      objective: { id: config.objective },
      start: config.start,
      optimizer: adagradV1(config.lr, config.eps, config.weightDecay),
      steps: config.steps,
      seed: 0,
      tolerance: null,
      // v1 kept every step.
      traceMaxPoints: config.steps + 1,
    },
    summary: {
      ...summary,
      stepsToTolerance: null,
      divergedIn: summary.status === 'diverged' ? 'loss' : null,
    },
  };
}

export function upgradeSpecV1(spec: SpecV1): SweepSpec {
  return {
    name: spec.name,
    objectives: [{ id: spec.objective }],
    start: spec.start,
    optimizers: [
      {
        kind: 'adagrad',
        fixed: {},
        axes: { lr: { values: spec.lrs }, eps: { values: spec.eps }, weightDecay: { values: spec.weightDecays } },
      },
    ],
    steps: spec.steps,
    seeds: [0],
    tolerance: null,
    traceMaxPoints: spec.steps + 1,
    search: { mode: 'grid' },
    maxRuns: 10_000,
  };
}

/** v1 kept row k = step k for every step; the update column is derived from θ. */
export function upgradeTraceV1(trace: TraceV1): Omit<RunTrace, 'dim'> {
  const rows = trace.loss.length;
  const update = new Float64Array(trace.theta.length);
  for (let i = trace.dim; i < trace.theta.length; i++) update[i] = trace.theta[i] - trace.theta[i - trace.dim];
  return {
    steps: Uint32Array.from({ length: rows }, (_, k) => k),
    loss: trace.loss,
    layout: 'parameters',
    width: trace.dim,
    theta: trace.theta,
    grad: trace.grad,
    accum: trace.accum,
    update,
  };
}

/** v2 → v3: a run gains tags, a star and a note (none yet). */
export function upgradeRunV2<R extends object>(run: R): R & { tags: string[]; starred: boolean; note: string } {
  return { ...run, tags: [], starred: false, note: '' };
}

/** v2 → v3: a trace's columns are narrowed by the same rule new traces follow (./trace-storage). */
export function upgradeTraceV2(trace: RunTrace & { runId: string }): StoredTrace {
  return toStoredTrace(trace.runId, trace);
}

/**
 * v4 → v5: row t of a trace's gradient column now holds the gradient step t used, what entered G (docs/architecture.md,
 * Glossary); a stored trace holds ∇f at θₜ, before weight decay, which cannot be turned into it (its rows are a
 * selection, its θ maybe float32). The column is emptied (its bytes stay, unread): the gradient chart shows nothing for
 * such a run rather than the old meaning under the new name; the per-step table and the trace CSV recompute the run.
 */
export function upgradeTracePageV4<P extends { entries: PackedTrace[] }>(page: P): P {
  const gradient = 3; // steps, loss, θ, g, G, update
  return {
    ...page,
    entries: page.entries.map((entry) => ({
      ...entry,
      columns: entry.columns.map((column, c) => (c === gradient ? [column[0], column[1], 0] : column)),
    })),
  };
}

/** A page of runs as v4 and v5 stored it: each run a whole object, in index order. */
export interface RunPageV5 {
  sweepId: string;
  page: number;
  entries: StoredRun[];
  count: number;
  tags: string[];
}

/** A v4/v5 page of these runs (one page's), in index order. */
export function runPageV5([sweepId, page]: PageKey, runs: readonly StoredRun[]): RunPageV5 {
  const entries = mergeEntries([], runs, (run) => run.index);
  return {
    sweepId,
    page,
    entries,
    count: entries.length,
    tags: [...new Set(entries.flatMap((run) => run.tags))].sort(),
  };
}

/**
 * v5 → v6: a page of run objects becomes a page of columns (./page-codec), each config compared with what its sweep's
 * spec (`spec`, undefined when the sweep is not stored) gives at its index and kept whole where it differs, so that
 * every run reads back as it was.
 */
export const upgradeRunPageV5 = ({ sweepId, page, entries }: RunPageV5, spec: SweepSpec | undefined): RunPage =>
  runsPage([sweepId, page], entries, spec);
