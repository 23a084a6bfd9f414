/**
 * The four workloads of the speed issue, as the app would run them: sweep specs validated and expanded by src-core, so
 * the engine sees exactly the RunConfigs a user's sweep produces. Sizes are parameters so that the unit test can run the
 * same workloads small (test/bench/baselines.test.ts) and check the baselines against the engine.
 */
import type { ObjectiveConfig } from '../src-core/contract/engine';
import type { RunConfig, SweepSpecInput } from '../src-core/contract/sweep-spec';
import { expandSweep, validateSweepSpec } from '../src-core/sweep/expand';

function expand(spec: SweepSpecInput): RunConfig[] {
  const checked = validateSweepSpec(spec);
  if (!checked.ok) throw new Error(`bench workload: ${checked.message}`);
  return expandSweep('bench', checked.value);
}

export interface W1Size {
  /** Learning rates × epsilons: runs = lrCount × epsCount. */
  lrCount: number;
  epsCount: number;
  steps: number;
}

export const w1Size: W1Size = { lrCount: 100, epsCount: 100, steps: 1000 };

/**
 * W1: w² + 10b² from (1, 1), AdaGrad with the seeds' defaults, every run its own lr and eps (a log grid). lr stops at
 * 0.3 so that no run reaches subnormal numbers, which x86 computes in microcode ~100× slower, in C and JS alike: past
 * lr ≈ 0.5 the iterates underflow within 1,000 steps and the benchmark would time the FPU's assists instead of the code.
 * `trace` false keeps only the summary (the minimum trace of 3 rows); true lets the sweep size the trace as the app
 * does (200 rows a run at 10,000 runs).
 */
export function w1Spec(trace: boolean, size: W1Size = w1Size, decay: W1Decay = 'none'): SweepSpecInput {
  return {
    name: trace ? 'W1t' : 'W1',
    objectives: [{ id: 'elliptic-2d' }],
    optimizers: [
      {
        kind: 'adagrad',
        axes: {
          lr: { log: { from: 1e-3, to: 0.3, count: size.lrCount } },
          eps: { log: { from: 1e-10, to: 1e-4, count: size.epsCount } },
        },
        ...(decay === 'none'
          ? {}
          : { fixed: { weightDecay: w1WeightDecay, decoupledWeightDecay: decay === 'decoupled' } }),
      },
    ],
    steps: size.steps,
    traceMaxPoints: trace ? null : 3,
    maxRuns: 1_000_000,
  };
}

/** W1's runs, as the sweep expands them; `decay`: every run with weight decay w1WeightDecay (bench/weight-decay.ts). */
export const w1Configs = (trace: boolean, size: W1Size = w1Size, decay: W1Decay = 'none'): RunConfig[] =>
  expand(w1Spec(trace, size, decay));

/** W1 with weight decay, coupled (PyTorch's) or decoupled, as the issue measured it: 1e-4 in every run. */
export type W1Decay = 'none' | 'coupled' | 'decoupled';
export const w1WeightDecay = 1e-4;

export interface W2Size {
  dim: number;
  steps: number;
}

export const w2Size: W2Size = { dim: 1_000_000, steps: 100 };

/** W2: one run of AdaGrad (lr 0.1) on the ill-conditioned quadratic in d dimensions, κ = 10⁶; summary only. */
export function w2Config(size: W2Size = w2Size): RunConfig {
  const [config] = expand({
    name: 'W2',
    objectives: [{ id: 'ill-conditioned', dim: size.dim, condition: 1e6 }],
    optimizers: [{ kind: 'adagrad', fixed: { lr: 0.1 } }],
    steps: size.steps,
    traceMaxPoints: 3,
  });
  return config;
}

export interface W3Size {
  samples: number;
  features: number;
  nonZerosPerSample: number;
  epochs: number;
}

export const w3Size: W3Size = { samples: 20_000, features: 50_000, nonZerosPerSample: 10, epochs: 5 };

export type SparseLogregConfig = Extract<ObjectiveConfig, { id: 'sparse-logreg' }>;

/** W3: per-sample AdaGrad (lr 0.1) on sparse logistic regression, `epochs` passes over the data; summary only. */
export function w3Config(size: W3Size = w3Size): RunConfig {
  const [config] = expand({
    name: 'W3',
    objectives: [
      {
        id: 'sparse-logreg',
        samples: size.samples,
        features: size.features,
        nonZerosPerSample: size.nonZerosPerSample,
        zipfExponent: 1.1,
        seed: 42,
        batchSize: 1,
      },
    ],
    optimizers: [{ kind: 'adagrad', fixed: { lr: 0.1 } }],
    steps: size.samples * size.epochs,
    traceMaxPoints: 3,
  });
  return config;
}
