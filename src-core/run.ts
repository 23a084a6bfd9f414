import type { RunConfig, RunResult, RunSummary, RunTrace } from './contract/types';
import { createObjective } from './objectives';
import { adagradStep, initAdagrad } from './optim/adagrad';

const allFinite = (xs: Float64Array): boolean => {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
  return true;
};

/**
 * Runs one config to the end, recording the state after every step (see RunTrace).
 * A non-finite loss, θ or G is a result, not an error: the run stops there with status 'diverged'.
 */
export function executeRun(config: RunConfig): RunResult {
  const objective = createObjective({ id: config.objective });
  const dim = objective.dim;
  const rows = config.steps + 1;
  const trace: RunTrace = {
    dim,
    loss: new Float64Array(rows),
    theta: new Float64Array(rows * dim),
    grad: new Float64Array(rows * dim),
    accum: new Float64Array(rows * dim),
  };
  const theta = Float64Array.from(config.start);
  const grad = new Float64Array(dim);
  const state = initAdagrad(dim);

  let bestLoss = Infinity;
  let bestStep = 0;
  let divergedAt: number | null = null;
  let lastStep = 0;
  for (let step = 0; step <= config.steps; step++) {
    if (step > 0) adagradStep(theta, grad, state, config);
    const loss = objective.evaluate(theta, grad);
    trace.loss[step] = loss;
    trace.theta.set(theta, step * dim);
    trace.grad.set(grad, step * dim);
    trace.accum.set(state.accum, step * dim);
    lastStep = step;
    if (!Number.isFinite(loss) || !allFinite(theta) || !allFinite(state.accum)) {
      divergedAt = step;
      break;
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      bestStep = step;
    }
  }

  const kept = lastStep + 1;
  const summary: RunSummary = {
    status: divergedAt === null ? 'completed' : 'diverged',
    finalLoss: trace.loss[lastStep],
    bestLoss,
    bestStep,
    divergedAt,
  };
  return kept === rows ? { config, summary, trace } : { config, summary, trace: truncateTrace(trace, kept) };
}

function truncateTrace(trace: RunTrace, rows: number): RunTrace {
  const n = rows * trace.dim;
  return {
    dim: trace.dim,
    loss: trace.loss.slice(0, rows),
    theta: trace.theta.slice(0, n),
    grad: trace.grad.slice(0, n),
    accum: trace.accum.slice(0, n),
  };
}

/** The buffers of a result, for transferring it between threads instead of copying it. */
export function transferablesOf(result: RunResult): ArrayBuffer[] {
  const { loss, theta, grad, accum } = result.trace;
  return [loss.buffer, theta.buffer, grad.buffer, accum.buffer] as ArrayBuffer[];
}
