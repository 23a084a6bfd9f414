/**
 * The optimizers the engine runs, built from the transforms in transforms.ts. createOptimizer validates a config
 * (RangeError with the rule's message, see rules.ts) and returns, for AdaGrad, the fused kernel of adagrad.ts, and
 * for the others the composed chain.
 */
import type {
  AdagradConfig,
  AdamConfig,
  OptimizerConfig,
  OptimizerKind,
  RmspropConfig,
  SgdConfig,
} from '../contract/engine';
import { adagradKernel } from './adagrad';
import { checkFlag, checkMaximize, isEpsPlacement, isValidNumber, kindMessage } from './rules';
import { effectiveStep } from './effective-step';
import {
  adagradSchedule,
  adamSchedule,
  addWeightDecay,
  chain,
  constantSchedule,
  enteringGradient,
  momentum,
  negate,
  scaleByAdam,
  scaleByLearningRate,
  scaleByRms,
  scaleByRss,
  type Slots,
  type Transform,
} from './transforms';

export interface OptimizerState {
  /** Steps taken. step() increments it first, so during step t it is t, from 1, like PyTorch's state['step']. */
  t: number;
  /** One plain object of Float64Arrays per transform of the optimizer's chain, in order. */
  inner: Slots[];
}

export interface Optimizer {
  readonly config: OptimizerConfig;
  init(dim: number): OptimizerState;
  /** One step, in place on θ and the state; `grad` is read, not changed. */
  step(theta: Float64Array, grad: Float64Array, state: OptimizerState): void;
  /**
   * What a trace's `accum` column records: AdaGrad's G, RMSProp's square_avg, Adam's exp_avg_sq (v); null for SGD. The
   * state's own array, not a copy.
   */
  accum(state: OptimizerState): Float64Array | null;
  /**
   * The gradient the last step used, after the transforms of the chain that come before its statistics (weight decay
   * when coupled, …): what entered G (`enteringGradient`), the trace's `grad` column. NaN before the first step. The
   * state's own array, not a copy.
   */
  gradient(state: OptimizerState): Float64Array;
  /** Per coordinate, the effective step a unit gradient gets at the last step t (step 1 before any step): effective-step.ts. */
  effectiveStep(state: OptimizerState, out: Float64Array): void;
}

type ConfigOf<K extends OptimizerKind> = Extract<OptimizerConfig, { kind: K }>;

/** The state array a transform keeps under `key` (slot names are unique within every chain built here). */
function slot(state: OptimizerState, key: string): Float64Array | null {
  for (const s of state.inner) if (key in s) return s[key];
  return null;
}

/** What distinguishes one optimizer from another: its chain, and how to read its step size back from the state. */
interface Plan {
  transforms: Transform[];
  accumKey: string | null;
  effectiveStep(state: OptimizerState, out: Float64Array): void;
}

/** PyTorch's maximize: the gradient negated at the head of the chain, before weight decay. */
const maximizing = (c: OptimizerConfig): Transform[] => (checkMaximize(c.maximize) ? [negate()] : []);

function adagradPlan(c: AdagradConfig): Plan {
  const schedule = adagradSchedule(c.lr, c.lrDecay);
  const decay = addWeightDecay(c.weightDecay);
  // PyTorch's order: θ + (−clr·g)/(√G + eps) (addcdiv_). Decoupled decay is the lab's own (Optax's adamw order):
  // θ + (−clr)·(g/(√G + eps) + wd·θ); with wd = 0 there is no decay to decouple, and the step is PyTorch's.
  return {
    transforms:
      checkFlag('decoupledWeightDecay', c.decoupledWeightDecay) && c.weightDecay !== 0
        ? [...maximizing(c), enteringGradient, scaleByRss(c), decay, scaleByLearningRate(schedule)]
        : [...maximizing(c), decay, enteringGradient, scaleByRss(c, schedule)],
    accumKey: 'accum',
    effectiveStep(state, out) {
      const accum = slot(state, 'accum')!;
      const t = Math.max(state.t, 1);
      for (let i = 0; i < out.length; i++) out[i] = effectiveStep(c, t, accum[i]);
    },
  };
}

function sgdPlan(c: SgdConfig): Plan {
  const schedule = constantSchedule(c.lr);
  const withMomentum = momentum(c); // validates momentum, dampening, nesterov even when momentum is 0 and it is left out
  return {
    transforms: [
      ...maximizing(c),
      addWeightDecay(c.weightDecay),
      enteringGradient,
      ...(c.momentum !== 0 ? [withMomentum] : []),
      scaleByLearningRate(schedule),
    ],
    accumKey: null,
    effectiveStep: (_state, out) => void out.fill(c.lr),
  };
}

function rmspropPlan(c: RmspropConfig): Plan {
  // PyTorch's RMSprop buffer starts at zero (b = μ·0 + u at step 1) where SGD's starts as a copy of u: the two differ
  // only in the sign of a zero, so RMSprop reuses SGD's momentum with no dampening.
  // Without momentum the step is PyTorch's param.addcdiv_(grad, avg, value=-lr): the rate goes into scaleByRms.
  const withMomentum = momentum({ momentum: c.momentum, dampening: 0, nesterov: false });
  const schedule = constantSchedule(c.lr);
  return {
    transforms:
      c.momentum !== 0
        ? [
            ...maximizing(c),
            addWeightDecay(c.weightDecay),
            enteringGradient,
            scaleByRms(c),
            withMomentum,
            scaleByLearningRate(schedule),
          ]
        : [...maximizing(c), addWeightDecay(c.weightDecay), enteringGradient, scaleByRms(c, schedule)],
    accumKey: 'squareAvg',
    effectiveStep(state, out) {
      const v = slot(state, 'squareAvg')!;
      const m = slot(state, 'gradAvg');
      const t = Math.max(state.t, 1);
      for (let i = 0; i < out.length; i++) out[i] = effectiveStep(c, t, m ? v[i] - m[i] * m[i] : v[i]);
    },
  };
}

function adamPlan(c: AdamConfig): Plan {
  const schedule = adamSchedule(c.lr, c.beta1);
  return {
    transforms: [...maximizing(c), addWeightDecay(c.weightDecay), enteringGradient, scaleByAdam(c, schedule)],
    accumKey: 'expAvgSq',
    effectiveStep(state, out) {
      const t = Math.max(state.t, 1);
      const v = slot(state, 'maxExpAvgSq') ?? slot(state, 'expAvgSq')!;
      for (let i = 0; i < out.length; i++) out[i] = effectiveStep(c, t, v[i]);
    },
  };
}

function planFor(config: OptimizerConfig): Plan {
  switch (config?.kind) {
    case 'adagrad':
      return adagradPlan(config);
    case 'sgd':
      return sgdPlan(config);
    case 'rmsprop':
      return rmspropPlan(config);
    case 'adam':
      return adamPlan(config);
    default:
      throw new RangeError(kindMessage((config as { kind?: unknown } | null)?.kind));
  }
}

function checkDims(theta: Float64Array, grad: Float64Array): void {
  if (grad.length !== theta.length)
    throw new RangeError(`Invalid gradient: ${grad.length} values for ${theta.length} parameters`);
}

/** The optimizer as its chain of transforms, applied with θ ← θ + u. Every kind runs this way except AdaGrad (fused). */
export function createComposedOptimizer(config: OptimizerConfig): Optimizer {
  return composed(config).optimizer;
}

/**
 * The composed optimizer, and `enter`: the chain up to its enteringGradient alone, which fills that slot for a fused
 * step that does not run the chain (createOptimizer), so the gradient it records is the chain's own.
 */
function composed(config: OptimizerConfig): {
  optimizer: Optimizer;
  enter: (theta: Float64Array, grad: Float64Array, state: OptimizerState) => void;
} {
  const plan = planFor(config);
  const pipeline = chain(...plan.transforms);
  const tap = plan.transforms.indexOf(enteringGradient as unknown as Transform);
  const head = plan.transforms.slice(0, tap + 1);
  const gradient = (state: OptimizerState): Float64Array => state.inner[tap].gradient;
  let u = new Float64Array(0); // scratch for the update, reallocated only when the dimension changes
  const enter = (theta: Float64Array, grad: Float64Array, state: OptimizerState): void => {
    const g = gradient(state);
    g.set(grad);
    // The transforms before enteringGradient, on its slot itself.
    for (let k = 0; k < head.length - 1; k++) head[k].update(g, state.inner[k], theta, state.t);
  };
  const optimizer: Optimizer = {
    config: Object.freeze({ ...config }),
    init: (dim) => ({ t: 0, inner: pipeline.init(dim) }),
    step(theta, grad, state) {
      checkDims(theta, grad);
      if (u.length !== theta.length) u = new Float64Array(theta.length);
      u.set(grad);
      state.t += 1;
      pipeline.update(u, state.inner, theta, state.t);
      for (let i = 0; i < theta.length; i++) theta[i] = theta[i] + u[i];
    },
    accum: (state) => (plan.accumKey === null ? null : slot(state, plan.accumKey)),
    gradient,
    effectiveStep: plan.effectiveStep,
  };
  return { optimizer, enter };
}

/** Validates `config` (RangeError naming the field, the value and what is allowed) and builds its optimizer. */
export function createOptimizer(config: OptimizerConfig): Optimizer {
  const { optimizer, enter } = composed(config);
  if (optimizer.config.kind !== 'adagrad') return optimizer;
  const hyperparameters = optimizer.config;
  return {
    ...optimizer,
    step(theta, grad, state) {
      checkDims(theta, grad);
      state.t += 1;
      enter(theta, grad, state);
      adagradKernel(theta, grad, slot(state, 'accum')!, state.t, hyperparameters);
    },
  };
}

/** Whether an AdaGrad config passes every rule adagradPlan applies: told without building anything. */
const adagradIsValid = (c: AdagradConfig): boolean =>
  isValidNumber('lr', c.lr) &&
  isValidNumber('lrDecay', c.lrDecay) &&
  isValidNumber('initialAccumulator', c.initialAccumulator) &&
  isValidNumber('eps', c.eps) &&
  isEpsPlacement(c.epsPlacement) &&
  isValidNumber('weightDecay', c.weightDecay) &&
  typeof c.decoupledWeightDecay === 'boolean' &&
  (c.maximize === undefined || typeof c.maximize === 'boolean');

/**
 * Throws createOptimizer's RangeError for a bad config, and does nothing for a good one: for runs that step without an
 * Optimizer (src-core/run/lanes.ts), where building one per run just to check it cost more than the run (a good AdaGrad config
 * is told apart without building anything).
 */
export function checkOptimizer(config: OptimizerConfig): void {
  if (config?.kind === 'adagrad' && adagradIsValid(config)) return;
  createOptimizer(config);
}

/** PyTorch's defaults (torch/optim/*.py), except AdaGrad, whose defaults are the seeds' NumPy class. */
export const optimizerDefaults: { readonly [K in OptimizerKind]: Readonly<ConfigOf<K>> } = Object.freeze({
  adagrad: Object.freeze({
    kind: 'adagrad',
    lr: 0.01,
    eps: 1e-8,
    epsPlacement: 'outside',
    weightDecay: 0,
    decoupledWeightDecay: false,
    initialAccumulator: 0,
    lrDecay: 0,
    maximize: false,
  }),
  // lr 1e-3: torch.optim.SGD's default since it stopped requiring lr (2.x); momentum, dampening, nesterov off.
  sgd: Object.freeze({
    kind: 'sgd',
    lr: 1e-3,
    momentum: 0,
    dampening: 0,
    nesterov: false,
    weightDecay: 0,
    maximize: false,
  }),
  rmsprop: Object.freeze({
    kind: 'rmsprop',
    lr: 0.01,
    alpha: 0.99,
    eps: 1e-8,
    momentum: 0,
    centered: false,
    weightDecay: 0,
    maximize: false,
  }),
  adam: Object.freeze({
    kind: 'adam',
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay: 0,
    amsgrad: false,
    maximize: false,
  }),
});

export type AdagradProfileName = 'seeds' | 'pytorch' | 'keras' | 'optax';
export type AdagradProfile = Omit<AdagradConfig, 'kind'> & { label: string; description: string };

const noDecay = { weightDecay: 0, decoupledWeightDecay: false, lrDecay: 0, maximize: false } as const;

/** AdaGrad as four sources set it up by default; each differs from the others in lr, eps, eps placement or G₀. */
export const adagradProfiles: Readonly<Record<AdagradProfileName, Readonly<AdagradProfile>>> = Object.freeze({
  // The seeds' NumPy class (seeds/001): AdaGrad(lr=0.01, eps=1e-8, weight_decay=0.0), w -= lr·g/(√G + ε), G from zeros.
  seeds: Object.freeze({
    label: 'Seeds (NumPy class)',
    description: 'lr 0.01, eps 1e-8 outside the root, G starts at 0: the NumPy AdaGrad class of the seeds.',
    lr: 0.01,
    eps: 1e-8,
    epsPlacement: 'outside',
    initialAccumulator: 0,
    ...noDecay,
  }),
  // torch/optim/adagrad.py: Adagrad(lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10);
  // std = state_sum.sqrt().add_(eps).
  pytorch: Object.freeze({
    label: 'PyTorch',
    description: 'torch.optim.Adagrad defaults: lr 0.01, eps 1e-10 outside the root, G starts at 0.',
    lr: 0.01,
    eps: 1e-10,
    epsPlacement: 'outside',
    initialAccumulator: 0,
    ...noDecay,
  }),
  // keras/src/optimizers/adagrad.py: Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7);
  // variable -= lr·g / sqrt(accumulator + epsilon).
  keras: Object.freeze({
    label: 'Keras',
    description: 'keras.optimizers.Adagrad defaults: lr 0.001, eps 1e-7 inside the root, G starts at 0.1.',
    lr: 0.001,
    eps: 1e-7,
    epsPlacement: 'inside',
    initialAccumulator: 0.1,
    ...noDecay,
  }),
  // optax/_src/alias.py adagrad = chain(scale_by_rss(initial_accumulator_value=0.1, eps=1e-7), scale_by_learning_rate);
  // scale_by_rss multiplies by where(G > 0, rsqrt(G + eps), 0). Optax has no default learning rate: 0.01 is PyTorch's.
  optax: Object.freeze({
    label: 'Optax',
    description:
      'optax.adagrad defaults: eps 1e-7 inside the root (no update where G = 0), G starts at 0.1; lr 0.01 (Optax requires one).',
    lr: 0.01,
    eps: 1e-7,
    epsPlacement: 'inside-guarded',
    initialAccumulator: 0.1,
    ...noDecay,
  }),
});
