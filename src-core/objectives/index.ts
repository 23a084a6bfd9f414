/**
 * The objective registry: `createObjective(config)` builds one (with its data and tables) and `objectiveInfo` describes
 * each id for the UI without building anything. One module per objective; this file only maps ids to them.
 */
import type { ObjectiveConfig, ObjectiveId } from '../contract/engine';
import { constantGradientInfo, createConstantGradient } from './constant-gradient';
import { createElliptic2d, elliptic2dInfo } from './elliptic-2d';
import { createIllConditioned, illConditionedInfo } from './ill-conditioned';
import { createLinearRegression, linearRegressionInfo } from './linear-regression';
import { createQuadratic1d, quadratic1dInfo } from './quadratic-1d';
import { createRastrigin, rastriginInfo } from './rastrigin';
import { createRosenbrock, rosenbrockInfo } from './rosenbrock';
import { createSparseLogreg, sparseLogregInfo } from './sparse-logreg';
import type { ConfigOf, Objective, ObjectiveInfo } from './types';

export type { ConfigOf, Objective, ObjectiveInfo, ParameterInfo, SparseObjective } from './types';
export { generateSparseDataset, type SparseDataset } from './sparse-data';

/** Per id, so the compiler insists on an entry for every ObjectiveConfig variant. */
export const objectiveInfo: { readonly [I in ObjectiveId]: ObjectiveInfo<ConfigOf<I>> } = {
  'quadratic-1d': quadratic1dInfo,
  'elliptic-2d': elliptic2dInfo,
  'linear-regression': linearRegressionInfo,
  'constant-gradient': constantGradientInfo,
  'sparse-logreg': sparseLogregInfo,
  rosenbrock: rosenbrockInfo,
  'ill-conditioned': illConditionedInfo,
  rastrigin: rastriginInfo,
};

/** The number of parameters an objective's θ has, read from its config by its own module (no data set is built). */
export const objectiveDimension = (config: ObjectiveConfig): number =>
  (objectiveInfo[config.id] as ObjectiveInfo).dimension(config);

/**
 * Builds the objective a validated config describes (ObjectiveConfigSchema). Costly ones (sparse-logreg's data set,
 * ill-conditioned's coefficients) do their work here, once: build one per run, or share one across runs of a sweep.
 */
export function createObjective(config: ObjectiveConfig): Objective {
  switch (config.id) {
    case 'quadratic-1d':
      return createQuadratic1d(config);
    case 'elliptic-2d':
      return createElliptic2d(config);
    case 'linear-regression':
      return createLinearRegression(config);
    case 'constant-gradient':
      return createConstantGradient(config);
    case 'sparse-logreg':
      return createSparseLogreg(config);
    case 'rosenbrock':
      return createRosenbrock(config);
    case 'ill-conditioned':
      return createIllConditioned(config);
    case 'rastrigin':
      return createRastrigin(config);
  }
}
