import type { ObjectiveId } from '../contract/types';

/** A function to minimise, with its gradient computed in the same pass. */
export interface Objective {
  id: ObjectiveId;
  label: string;
  formula: string;
  description: string;
  dim: number;
  defaultStart: number[];
  minimum: { value: number; at: number[] };
  /** Writes ∇f(θ) into gradOut and returns f(θ). */
  evaluate(theta: Float64Array, gradOut: Float64Array): number;
}

const quadratic1d: Objective = {
  id: 'quadratic-1d',
  label: 'f(x) = x²',
  formula: 'f(x) = x², f′(x) = 2x',
  description: "The seeds' worked example: a single parameter rolling down a parabola.",
  dim: 1,
  defaultStart: [4],
  minimum: { value: 0, at: [0] },
  evaluate(theta, gradOut) {
    const x = theta[0];
    gradOut[0] = 2 * x;
    return x * x;
  },
};

export const objectives: Readonly<Record<ObjectiveId, Objective>> = { 'quadratic-1d': quadratic1d };

export function getObjective(id: ObjectiveId): Objective {
  return objectives[id];
}
