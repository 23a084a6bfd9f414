/**
 * What every implementation of a workload starts from, read off the engine's own RunConfigs and objectives so that the
 * baselines and the C reference solve exactly the problems the engine solves.
 */
import type { RunConfig } from '../../src-core/contract/types';
import { createObjective } from '../../src-core/objectives';
import { generateSparseDataset } from '../../src-core/objectives/sparse-data';
import { SampleOrder } from '../../src-core/objectives/sample-order';
import type { SparseLogregConfig } from '../workloads';

export interface W1Input {
  steps: number;
  lr: Float64Array;
  eps: Float64Array;
}

export function w1Input(configs: readonly RunConfig[]): W1Input {
  const adagrad = configs.map((c) => {
    if (c.optimizer.kind !== 'adagrad' || c.objective.id !== 'elliptic-2d')
      throw new Error('W1 runs AdaGrad on elliptic-2d');
    return c.optimizer;
  });
  return {
    steps: configs[0].steps,
    lr: Float64Array.from(adagrad, (o) => o.lr),
    eps: Float64Array.from(adagrad, (o) => o.eps),
  };
}

export interface W2Input {
  steps: number;
  lr: number;
  eps: number;
  /** κ^(i/(d−1)), as the objective computes them. */
  curvature: Float64Array;
}

export function w2Input(config: RunConfig): W2Input {
  if (config.optimizer.kind !== 'adagrad' || config.objective.id !== 'ill-conditioned')
    throw new Error('W2 runs AdaGrad on ill-conditioned');
  // The objective's gradient at x = 1 is its curvature vector.
  const objective = createObjective(config.objective);
  const curvature = new Float64Array(objective.dim);
  objective.evaluate(new Float64Array(objective.dim).fill(1), curvature);
  return { steps: config.steps, lr: config.optimizer.lr, eps: config.optimizer.eps, curvature };
}

export interface W3Input {
  samples: number;
  features: number;
  nonZerosPerSample: number;
  indices: Int32Array;
  labels: Uint8Array;
  /** The sample of each step, in the engine's order (SampleOrder from the run's seed). */
  order: Int32Array;
  /** The run's seed, which draws that order (C draws it too). */
  seed: number;
  lr: number;
  eps: number;
}

export function w3Input(config: RunConfig): W3Input {
  const objective = config.objective as SparseLogregConfig;
  if (config.optimizer.kind !== 'adagrad' || objective.id !== 'sparse-logreg' || objective.batchSize !== 1) {
    throw new Error('W3 runs per-sample AdaGrad on sparse-logreg');
  }
  const data = generateSparseDataset(objective);
  const sampleOrder = new SampleOrder(objective.samples, config.seed);
  const order = new Int32Array(config.steps);
  for (let t = 0; t < config.steps; t++) sampleOrder.nextBatch(order.subarray(t, t + 1), 1);
  return {
    samples: data.samples,
    features: data.features,
    nonZerosPerSample: data.nonZerosPerSample,
    indices: data.indices,
    labels: data.labels,
    order,
    seed: config.seed,
    lr: config.optimizer.lr,
    eps: config.optimizer.eps,
  };
}
