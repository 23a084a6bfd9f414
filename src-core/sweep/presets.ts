/**
 * One-click sweeps that reproduce the seeds: each is a SweepSpec input, validated like anything a user types, with the
 * one line it demonstrates and the view that shows it best. test/core/sweep/presets.test.ts holds each to the seeds' numbers.
 */
import type { SweepSpecInput } from '../contract/sweep-spec';
import type { Metric } from '../views/series';

/** What the step charts show: one chart, and its axes where they matter (each tab's own default otherwise). */
export interface ChartView {
  /** The chart to open. */
  metric: Metric;
  logX?: boolean;
  logY?: boolean;
}

export interface PresetView extends ChartView {
  /** The runs to select, by their index in the sweep's expansion; every run when absent. */
  runs?: readonly number[];
}

/** A view of the sweep summary, for a preset about the sweep as a whole rather than its runs' steps. */
export interface PresetSummary {
  summary: 'optimizers';
}

export interface Preset {
  id: string;
  label: string;
  /** One line: what to look at once it has run. */
  shows: string;
  spec: SweepSpecInput;
  view: PresetView | PresetSummary;
}

/** An AdaGrad entry with the seeds' class defaults (eps 1e-8 outside the root) and `extra` fixed. */
const adagrad = (lr: number | number[], extra: Record<string, unknown> = {}) => ({
  kind: 'adagrad' as const,
  fixed: extra,
  axes: { lr: { values: Array.isArray(lr) ? lr : [lr] } },
});

/** Four lrs a decade from 1e-4 to 10 (21 points): wide enough that every optimizer both stalls and diverges in it. */
const tunedLrs = { log: { from: 1e-4, to: 10, count: 21 } };

export const presets: readonly Preset[] = [
  {
    id: 'x2-from-4',
    label: 'x² from 4, lr 1',
    shows: 'The worked example: x goes 4 → 3 → 2.4 → 1.967…, the step lr/√G shrinking as G grows.',
    spec: {
      name: 'Seeds: x² from 4, lr 1',
      objectives: [{ id: 'quadratic-1d' }],
      start: [4],
      optimizers: [adagrad(1)],
      steps: 10,
    },
    view: { metric: 'theta' },
  },
  {
    id: 'x2-from-5',
    label: 'x² from 5, lr 0.1',
    shows: 'The from-scratch loop, 50 steps: fast at first, then slower and slower as G piles up.',
    spec: {
      name: 'Seeds: x² from 5, lr 0.1',
      objectives: [{ id: 'quadratic-1d' }],
      start: [5],
      optimizers: [adagrad(0.1)],
      steps: 50,
    },
    view: { metric: 'theta' },
  },
  {
    id: 'elliptic',
    label: 'w² + 10b²',
    shows: "b's gradient is 10× steeper, so its G grows 100× faster: its step shrinks and both reach 0 together.",
    spec: { name: 'Seeds: w² + 10b²', objectives: [{ id: 'elliptic-2d' }], optimizers: [adagrad(0.1)], steps: 100 },
    view: { metric: 'accum' },
  },
  {
    id: 'linear-regression',
    label: 'Linear regression (PyTorch)',
    shows: 'X = [1, 2, 3, 4], y = 2X, optim.Adagrad(lr=0.1) for 100 epochs from (w, b) = (0, 0).',
    spec: {
      name: 'Seeds: linear regression',
      objectives: [{ id: 'linear-regression' }],
      start: [0, 0],
      // torch.optim.Adagrad's own eps.
      optimizers: [adagrad(0.1, { eps: 1e-10 })],
      steps: 100,
    },
    view: { metric: 'loss' },
  },
  {
    id: 'constant-gradient',
    label: '2×2 constant gradient',
    shows: 'The NumPy class from seed 42, lr 0.01 and 0.1, 5 steps: each step is lr/√t, G grows as t·g².',
    spec: {
      name: 'Seeds: 2×2 constant gradient',
      objectives: [{ id: 'constant-gradient' }],
      optimizers: [adagrad([0.01, 0.1])],
      steps: 5,
    },
    view: { metric: 'update' },
  },
  {
    id: 'weight-decay',
    label: '2×2 with and without weight decay',
    shows: 'lr 0.01, weight decay 0 vs 0.01, 3 steps: the L2 term wd·W joins the gradient before G.',
    spec: {
      name: 'Seeds: 2×2 weight decay',
      objectives: [{ id: 'constant-gradient' }],
      optimizers: [{ kind: 'adagrad', fixed: { lr: 0.01 }, axes: { weightDecay: { values: [0, 0.01] } } }],
      steps: 3,
    },
    view: { metric: 'theta' },
  },
  {
    id: 'lr-comparison',
    label: '2×2, lr 0.01 vs 0.1',
    // The seeds draw W_1, then W_2, then grads: three randn(2, 2) calls after seed 42. The seeds ran W_1 at lr 0.01
    // and W_2 at lr 0.1 (runs 0 and 3 of this 2 × 2 grid); the other two runs cross them.
    shows: 'The seeds’ W_1 at lr 0.01 and W_2 at lr 0.1 (grads drawn third), 3 steps: 10× the lr, 10× the step.',
    spec: {
      name: 'Seeds: 2×2 lr 0.01 vs 0.1',
      objectives: [
        { id: 'constant-gradient', startDraw: 1, gradientDraw: 3 },
        { id: 'constant-gradient', startDraw: 2, gradientDraw: 3 },
      ],
      optimizers: [adagrad([0.01, 0.1])],
      steps: 3,
    },
    view: { metric: 'theta', runs: [0, 3] },
  },
  {
    id: 'adagrad-vs-rmsprop',
    label: 'AdaGrad vs RMSProp',
    shows: "Same constant gradient: AdaGrad's G grows without bound while RMSProp's average levels off.",
    spec: {
      name: 'Seeds: AdaGrad vs RMSProp',
      objectives: [{ id: 'constant-gradient' }],
      optimizers: [adagrad(0.1), { kind: 'rmsprop', fixed: { lr: 0.1 }, axes: {} }],
      // RMSProp's average reaches 1 − 0.99ᵗ of g²: 99.996% by step 1000, while AdaGrad's G is t·g².
      steps: 1000,
    },
    // Log-log with the G chart's "∝ t" reference: AdaGrad's G = t·g² is a straight line of slope 1 that never bends,
    // on the reference, while RMSProp's rises the same way and then turns flat at g² (by step ~300). On log y over a
    // linear x, log t itself flattens, so AdaGrad seemed to level off too; on linear y, RMSProp's g² is 1/1000 of
    // AdaGrad's last G and its whole curve lies on the axis.
    view: { metric: 'accum', logX: true, logY: true },
  },
  {
    id: 'five-optimizers',
    label: 'AdaGrad vs SGD, Momentum, RMSProp, Adam',
    shows: "The seeds' comparison table, run on w² + 10b²: who adapts, who accelerates.",
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
    view: { metric: 'loss' },
  },
  {
    id: 'tuned-comparison',
    label: 'Tuned comparison',
    shows:
      "The five optimizers, each over 21 lrs from 1e-4 to 10, on w² + 10b² and Rosenbrock: the sweep summary's Optimizers view gives each one's best loss, its lr and how many decades of lr come within 10× of it.",
    spec: {
      name: 'Tuned comparison',
      objectives: [{ id: 'elliptic-2d' }, { id: 'rosenbrock', dim: 2 }],
      optimizers: [
        { kind: 'adagrad', fixed: {}, axes: { lr: tunedLrs } },
        { kind: 'sgd', fixed: {}, axes: { lr: tunedLrs } },
        { kind: 'sgd', fixed: { momentum: 0.9 }, axes: { lr: tunedLrs } },
        { kind: 'rmsprop', fixed: {}, axes: { lr: tunedLrs } },
        { kind: 'adam', fixed: {}, axes: { lr: tunedLrs } },
      ],
      steps: 200,
    },
    // Its 210 runs are about their lr, not their steps: the Optimizers view its card names.
    view: { summary: 'optimizers' },
  },
];
