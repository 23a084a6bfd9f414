/**
 * The sweep of one run: what an import recreates for a run that came without its sweep's spec (the command line's
 * `--run` writes `"spec": null`), so that it is stored, listed and resumed as any sweep is. Its one run, index 0, is
 * the config itself.
 */
import { SweepLimits, type OptimizerAxis, type RunConfig, type SweepSpecInput } from '../contract/sweep-spec';

export function specOfRun(config: RunConfig): SweepSpecInput {
  const { kind, ...hyperparameters } = config.optimizer;
  return {
    name: `run ${config.id}`,
    objectives: [config.objective],
    start: config.start,
    optimizers: [{ kind, fixed: hyperparameters, axes: {} } as OptimizerAxis],
    steps: config.steps,
    seeds: [config.seed],
    tolerance: config.tolerance,
    ...(config.divergenceThreshold === undefined ? {} : { divergenceThreshold: config.divergenceThreshold }),
    ...(config.continueAfterNonFinite ? { continueAfterNonFinite: true } : {}),
    traceMaxPoints: config.traceMaxPoints,
    search: { mode: 'grid' },
    maxRuns: SweepLimits.defaultMaxRuns,
  } as SweepSpecInput;
}
