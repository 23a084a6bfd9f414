/**
 * The trace table, in long format: one row per (run, kept step, parameter) with θ, g, G, the effective step, the update
 * and the loss, each what a trace's row holds (docs/architecture.md, Glossary): the row of step s has θ after step s,
 * the gradient step s used (what entered G), G after it, its effective step and update, and the loss at θ; row 0 (no
 * step yet) leaves g, the effective step and the update empty. It is written from runs computed afresh in full double precision, never from stored traces (which may be kept
 * at lower precision): a run is a pure function of its config.
 */
import { SweepLimits } from '../contract/sweep-spec';
import type { RunConfig, RunResult } from '../contract/types';
import type { Column } from './csv';
import { traceEffectiveStep } from '../optim/effective-step';
import { stepUpdate } from '../views/series';

/** Above 16 parameters a trace keeps these three values across the parameters instead of one per parameter. */
const quantileNames = ['min', 'median', 'max'] as const;

export interface TraceRecord {
  runId: string;
  step: number;
  /** The parameter's index, from 0; or min, median or max across the parameters (the 'quantiles' layout). */
  parameter: number | (typeof quantileNames)[number];
  theta: number;
  /** The gradient step `step` used, what entered G (after weight decay); null in row 0. */
  g: number | null;
  /** The column G: the optimizer's accum after this step (G for AdaGrad); null when it has none (SGD). */
  accum: number | null;
  /** Derived from accum by the optimizer's rule (optim/effective-step.ts); null where the rule needs more than G. */
  effectiveStep: number | null;
  /** θ before the step − θ after it: what step `step` subtracted (stepUpdate); null in row 0. */
  update: number | null;
  loss: number;
}

export const traceColumns: readonly Column<TraceRecord>[] = [
  { header: 'run_id', cell: (r) => r.runId },
  { header: 'step', cell: (r) => r.step },
  { header: 'parameter', cell: (r) => r.parameter },
  { header: 'theta', cell: (r) => r.theta },
  { header: 'g', cell: (r) => r.g },
  { header: 'G', cell: (r) => r.accum },
  { header: 'effective_step', cell: (r) => r.effectiveStep },
  { header: 'update', cell: (r) => r.update },
  { header: 'loss', cell: (r) => r.loss },
];

/**
 * The rows of the runs' traces, run by run, step by step, parameter by parameter. In the 'quantiles' layout θ, g and
 * G are each their own min, median and max, and the effective step is the one of that G (so the row of the smallest G
 * has the largest step). A failed run has no rows.
 */
export function* traceRecords(results: Iterable<RunResult>): Generator<TraceRecord> {
  for (const result of results) yield* runTraceRecords(result);
}

function* runTraceRecords({ config, trace }: RunResult): Generator<TraceRecord> {
  const width = trace.width;
  const hasAccum = trace.accum.length > 0;
  for (let row = 0; row < trace.steps.length; row++) {
    const step = trace.steps[row];
    for (let j = 0; j < width; j++) {
      const at = row * width + j;
      const accum = hasAccum ? trace.accum[at] : null;
      yield {
        runId: config.id,
        step,
        parameter: trace.layout === 'parameters' ? j : quantileNames[j],
        theta: trace.theta[at],
        g: step === 0 ? null : trace.grad[at],
        accum,
        effectiveStep: traceEffectiveStep(config.optimizer, step, accum),
        update: step === 0 ? null : stepUpdate(trace, row, j),
        loss: trace.loss[row],
      };
    }
  }
}

/**
 * The same run, keeping every step (up to SweepLimits.maxTracePoints rows; a longer run keeps that many, chosen as
 * always). The trace only chooses which rows to copy, so every number is the same as the run's own.
 */
export const everyStepConfig = (config: RunConfig): RunConfig => ({
  ...config,
  traceMaxPoints: Math.max(config.traceMaxPoints, Math.min(config.steps + 1, SweepLimits.maxTracePoints)),
});
