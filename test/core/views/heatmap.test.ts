import { describe, expect, it } from 'vitest';
import {
  MAX_LINES,
  MAX_MAP_VALUES,
  defaultAxes,
  fewValuedAxes,
  heatmapCells,
  lossCurves,
  numericAxes,
  sweepAxes,
} from '../../../src-core/views/heatmap';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { executeRun } from '../../../src-core/run/execute';

const sweep = (spec: unknown) => {
  const checked = validateSweepSpec(spec);
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('h', checked.value).map((c) => executeRun(c));
};

describe('sweep heatmap', () => {
  const runs = sweep({
    name: 'grid',
    objectives: [{ id: 'quadratic-1d' }],
    optimizers: [
      {
        kind: 'adagrad',
        fixed: {},
        axes: { lr: { values: [0.1, 1, 1e6] }, eps: { values: [1e-8, 1e-4] }, weightDecay: { values: [0, 0.1] } },
      },
    ],
    steps: 20,
  });

  it('finds the swept axes, numeric values in order', () => {
    expect(sweepAxes(runs).map((a) => [a.name, a.values])).toEqual([
      ['lr', ['0.1', '1', '1000000']],
      ['eps', ['1e-8', '0.0001']],
      ['weightDecay', ['0', '0.1']],
    ]);
  });

  it('has one cell per pair of values holding the lowest loss of its runs', () => {
    const [x, y] = defaultAxes(sweepAxes(runs))!;
    expect([x.name, y.name]).toEqual(['lr', 'eps']);
    const cells = heatmapCells(runs, x, y, 'finalLoss');
    expect(cells).toHaveLength(6);
    for (const cell of cells) {
      const inCell = runs.filter(
        (r) =>
          String(r.config.optimizer.lr) === x.values[cell.x] &&
          String((r.config.optimizer as { eps: number }).eps) === y.values[cell.y],
      );
      expect(cell.runs).toBe(2);
      expect(cell.value).toBe(Math.min(...inCell.map((r) => r.summary.finalLoss)));
      expect(inCell.find((r) => r.config.id === cell.bestRunId)?.summary.finalLoss).toBe(cell.value);
    }
  });
});

describe('loss against a swept setting', () => {
  const runs = sweep({
    name: 'curves',
    objectives: [{ id: 'elliptic-2d' }],
    optimizers: [
      { kind: 'sgd', fixed: {}, axes: { lr: { values: [0.01, 0.05, 0.2] }, momentum: { values: [0, 0.5] } } },
    ],
    steps: 1000,
    divergenceThreshold: 'off', // runs go on to overflow, rather than stop when they blow up
  });
  const axes = sweepAxes(runs);
  const lr = axes.find((a) => a.name === 'lr')!;
  const momentum = axes.find((a) => a.name === 'momentum')!;

  it('draws one curve per value of the line axis, points in ascending lr, the lowest loss at each', () => {
    const curves = lossCurves(runs, lr, momentum, 'finalLoss');
    expect(curves.map((c) => c.label)).toEqual(['0', '0.5']);
    for (const curve of curves) {
      expect(curve.points.map((p) => p.x)).toEqual([0.01, 0.05, 0.2]);
      for (const p of curve.points) {
        const run = runs.find((r) => r.config.id === p.bestRunId)!;
        expect([run.config.optimizer.lr, String((run.config.optimizer as { momentum: number }).momentum)]).toEqual([
          p.x,
          curve.label,
        ]);
        expect(p.y).toBe(Number.isFinite(run.summary.finalLoss) ? run.summary.finalLoss : NaN);
      }
    }
  });

  it('marks where every run diverged: at lr 0.2, b ← (1 − 0.2·20)·b = −3b overflows within 1000 steps', () => {
    const [plain] = lossCurves(runs, lr, momentum, 'finalLoss');
    const last = plain.points.at(-1)!;
    expect(last).toMatchObject({ x: 0.2, runs: 1, diverged: 1 });
    expect(last.y).toBeNaN();
    // Best loss: the step-0 loss is finite, so even a diverged run has one.
    expect(lossCurves(runs, lr, null, 'bestLoss')[0].points.every((p) => Number.isFinite(p.y))).toBe(true);
  });

  it('takes only numeric axes as x', () => {
    const mixed = sweep({
      name: 'm',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [
        { kind: 'adagrad', fixed: {}, axes: { lr: { values: [0.1, 1] } } },
        { kind: 'sgd', fixed: { lr: 0.1 }, axes: {} },
      ],
      steps: 5,
    });
    expect(numericAxes(sweepAxes(mixed)).map((a) => a.name)).toEqual(['lr']);
  });

  it('offers as map axes and lines only the settings with at most MAX_MAP_VALUES and MAX_LINES values', () => {
    const axes = sweepAxes(
      sweep({
        name: 'many',
        objectives: [{ id: 'quadratic-1d' }],
        optimizers: [
          {
            kind: 'adagrad',
            fixed: {},
            axes: { lr: { log: { from: 1e-3, to: 1, count: MAX_LINES } }, eps: { values: [1e-8, 1e-6] } },
          },
          { kind: 'adagrad', fixed: {}, axes: { lr: { values: [2] } } },
        ],
        steps: 1,
      }),
    );
    // lr: the grid's 12 values and one more (13); eps: two (the second entry's default, 1e-8, is one of them).
    expect(axes.map((a) => [a.name, a.values.length])).toEqual([
      ['lr', MAX_LINES + 1],
      ['eps', 2],
    ]);
    expect(fewValuedAxes(axes, MAX_LINES).map((a) => a.name)).toEqual(['eps']);
    expect(fewValuedAxes(axes, MAX_MAP_VALUES).map((a) => a.name)).toEqual(['lr', 'eps']);
    expect(fewValuedAxes(axes, MAX_LINES + 1).map((a) => a.name)).toEqual(['lr', 'eps']);
  });
});
