import { describe, expect, it } from 'vitest';
import { defaultAxes, heatmapCells, sweepAxes } from '../../src-core/heatmap';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep';
import { executeRun } from '../../src-core/run';

const sweep = (spec: unknown) => {
  const checked = validateSweepSpec(spec);
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('h', checked.value).map((c) => executeRun(c));
};

describe('sweep heatmap', () => {
  const runs = sweep({
    name: 'grid',
    objectives: [{ id: 'quadratic-1d' }],
    optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: [0.1, 1, 1e6] }, eps: { values: [1e-8, 1e-4] }, weightDecay: { values: [0, 0.1] } } }],
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
      const inCell = runs.filter((r) => String(r.config.optimizer.lr) === x.values[cell.x] && String((r.config.optimizer as { eps: number }).eps) === y.values[cell.y]);
      expect(cell.runs).toBe(2);
      expect(cell.value).toBe(Math.min(...inCell.map((r) => r.summary.finalLoss)));
      expect(inCell.find((r) => r.config.id === cell.bestRunId)?.summary.finalLoss).toBe(cell.value);
    }
  });
});
