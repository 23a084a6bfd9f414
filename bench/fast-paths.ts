/**
 * Which path each AdaGrad option takes, told by the engine's own predicates (laneGroupKey, laneLayout, takesLazySteps),
 * so that the bench says which configs leave the fast paths its figures measure: WebAssembly lanes for the lane
 * objectives, the lazy per-sample kernel for sparse logistic regression. A config that leaves one is named with the
 * reason.
 */
import { optimizerDefaults } from '../src-core/optim';
import type { AdagradConfig } from '../src-core/contract/engine';
import type { RunConfig } from '../src-core/contract/types';
import { createObjective } from '../src-core/objectives';
import { laneLayout } from '../src-core/optim/adagrad-lanes';
import { wasmLaneKernel } from '../src-core/optim/wasm/lane-kernel';
import { wasmLogisticKernel } from '../src-core/optim/wasm/sparse-kernel';
import { laneGroupKey } from '../src-core/run/lanes';
import { takesLazySteps } from '../src-core/run/stochastic';

/** Every AdaGrad option away from its default, one at a time, and the run-level option. */
const variants: [string, Partial<AdagradConfig>, Partial<RunConfig>?][] = [
  ['defaults', {}],
  ['eps inside', { epsPlacement: 'inside' }],
  ['eps inside, guarded (Optax)', { epsPlacement: 'inside-guarded' }],
  ['eps 0, G₀ 0', { eps: 0 }],
  ['lr decay', { lrDecay: 0.1 }],
  ['initial accumulator', { initialAccumulator: 0.1 }],
  ['maximize', { maximize: true }],
  [
    'lr decay, maximize, eps inside, G₀ 0.1 together',
    { lrDecay: 0.1, maximize: true, epsPlacement: 'inside', initialAccumulator: 0.1 },
  ],
  ['weight decay', { weightDecay: 0.01 }],
  ['decoupled weight decay', { weightDecay: 0.01, decoupledWeightDecay: true }],
  [
    'weight decay with maximize, lr decay, eps inside (guarded)',
    { weightDecay: 0.01, maximize: true, lrDecay: 0.1, epsPlacement: 'inside-guarded' },
  ],
  ['continue after non-finite', {}, { continueAfterNonFinite: true }],
];

const run = (
  objective: RunConfig['objective'],
  optimizer: Partial<AdagradConfig>,
  extra: Partial<RunConfig> = {},
): RunConfig => ({
  id: 'b:0',
  sweepId: 'b',
  index: 0,
  objective,
  start: null,
  optimizer: { ...optimizerDefaults.adagrad, ...optimizer },
  steps: 10,
  seed: 0,
  tolerance: null,
  traceMaxPoints: 3,
  ...extra,
});

/** Why a per-sample run takes dense steps: the lazy step would not be exact (src-core/optim/sparse-adagrad.ts). */
function denseReason(config: RunConfig): string {
  const o = config.optimizer as AdagradConfig;
  if (config.continueAfterNonFinite) return 'goes on after a non-finite value';
  if (o.weightDecay !== 0) return 'weight decay moves every coordinate every step';
  if (o.maximize) return 'maximize turns untouched −0 into +0';
  return 'eps 0 with G₀ 0 divides 0 by 0 on untouched coordinates';
}

/** One line per variant: the path on a lane objective (w² + 10b²) and on per-sample sparse logistic regression. */
export function fastPathLines(): string[] {
  const lanes = createObjective({ id: 'elliptic-2d' });
  const wasm = wasmLaneKernel();
  const logistic = wasmLogisticKernel();
  return variants.map(([label, optimizer, extra]) => {
    const dense = run({ id: 'elliptic-2d' }, optimizer, extra);
    const lanePath =
      laneGroupKey(dense, lanes) === null
        ? `FALLS BACK to the step-by-step loop (${dense.continueAfterNonFinite ? 'a run that goes on after a non-finite value cannot be parked as a lane' : 'not a lane objective'})`
        : laneLayout([dense.optimizer as AdagradConfig], wasm).kernel
          ? 'WebAssembly lanes'
          : 'FALLS BACK to the JavaScript lanes (no WebAssembly here)';
    const sparse = run(
      {
        id: 'sparse-logreg',
        samples: 10,
        features: 10,
        nonZerosPerSample: 2,
        zipfExponent: 1.1,
        seed: 0,
        batchSize: 1,
      },
      optimizer,
      extra,
    );
    const sparsePath = takesLazySteps(sparse)
      ? logistic
        ? 'WebAssembly lazy steps'
        : 'FALLS BACK to JavaScript lazy steps (no WebAssembly here)'
      : `FALLS BACK to dense steps (${denseReason(sparse)})`;
    return `${label}: lanes ${lanePath}; per-sample logistic ${sparsePath}`;
  });
}
