/**
 * One-click sweeps that reproduce the seeds: each is a SweepSpec input, validated like anything a user types.
 */
import type { SweepSpecInput } from './contract/sweep-spec';

export interface Preset {
  id: string;
  label: string;
  /** What to look at once it has run. */
  description: string;
  spec: SweepSpecInput;
}

const adagrad = (lr: number | number[], extra: Record<string, unknown> = {}) => ({
  kind: 'adagrad' as const,
  fixed: extra,
  axes: { lr: { values: Array.isArray(lr) ? lr : [lr] } },
});

export const presets: readonly Preset[] = [
  {
    id: 'x2-from-4',
    label: 'x² from 4, lr 1',
    description: "The worked example: x goes 4 → 3 → 2.4 → 1.967…; the per-step table matches the seeds' printout.",
    spec: { name: 'Seeds: x² from 4, lr 1', objectives: [{ id: 'quadratic-1d' }], start: [4], optimizers: [adagrad(1)], steps: 10 },
  },
  {
    id: 'x2-from-5',
    label: 'x² from 5, lr 0.1',
    description: 'The from-scratch loop: 50 steps; the step size shrinks, convergence slows.',
    spec: { name: 'Seeds: x² from 5, lr 0.1', objectives: [{ id: 'quadratic-1d' }], start: [5], optimizers: [adagrad(0.1)], steps: 50 },
  },
  {
    id: 'elliptic',
    label: 'w² + 10b²',
    description: 'b, the steeper direction, gets the smaller step: AdaGrad balances the steps.',
    spec: { name: 'Seeds: w² + 10b²', objectives: [{ id: 'elliptic-2d' }], optimizers: [adagrad([0.1, 0.5])], steps: 100 },
  },
  {
    id: 'linear-regression',
    label: 'Linear regression (PyTorch toy)',
    description: 'X = [1,2,3,4], y = 2X, Adagrad(lr=0.1), 100 epochs from (w, b) = (0, 0).',
    spec: {
      name: 'Seeds: linear regression',
      objectives: [{ id: 'linear-regression' }],
      start: [0, 0],
      optimizers: [adagrad(0.1, { eps: 1e-10 })],
      steps: 100,
    },
  },
  {
    id: 'constant-gradient',
    label: '2×2 constant gradient (seed 42)',
    description: 'The NumPy class: lr 0.01 vs 0.1, with and without weight decay 0.01, 5 steps.',
    spec: {
      name: 'Seeds: 2×2 constant gradient',
      objectives: [{ id: 'constant-gradient' }],
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: [0.01, 0.1] }, weightDecay: { values: [0, 0.01] } } }],
      steps: 5,
    },
  },
  {
    id: 'adagrad-vs-rmsprop',
    label: 'AdaGrad vs RMSProp',
    description: "G grows without bound while RMSProp's average levels off; compare their accumulators.",
    spec: {
      name: 'Seeds: AdaGrad vs RMSProp',
      objectives: [{ id: 'constant-gradient' }],
      optimizers: [adagrad(0.1), { kind: 'rmsprop', fixed: { lr: 0.1 }, axes: {} }],
      // RMSProp's average reaches 1 − 0.99ᵗ of g²: 99.996% by step 1000, while AdaGrad's G is t·g².
      steps: 1000,
    },
  },
  {
    id: 'five-optimizers',
    label: 'AdaGrad vs SGD, Momentum, RMSProp, Adam',
    description: "The seeds' comparison table, run on w² + 10b².",
    spec: {
      name: 'Seeds: five optimizers',
      objectives: [{ id: 'elliptic-2d' }],
      optimizers: [
        adagrad(0.5),
        { kind: 'sgd', fixed: { lr: 0.05 }, axes: {} },
        { kind: 'sgd', fixed: { lr: 0.05, momentum: 0.9 }, axes: {} },
        { kind: 'rmsprop', fixed: { lr: 0.05 }, axes: {} },
        { kind: 'adam', fixed: { lr: 0.1 }, axes: {} },
      ],
      steps: 200,
    },
  },
];
