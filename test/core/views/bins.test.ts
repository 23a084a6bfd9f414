import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BINS_PER_AXIS, binAxis, binEdges, binOf, binPoints, binsCsv } from '../../../src-core/views/bins';
import { scatterPoints } from '../../../src-core/views/scatter';
import { settingColumns } from '../../../src-core/views/swept-settings';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import type { RunStatus, SweepSpec } from '../../../src-core/contract/types';
import type { RunRecord } from '../../../src-core/views/heatmap';
import { adagradRun } from '../../helpers/configs';

describe('bin edges', () => {
  it('span min..max evenly, in log10 on a log scale', () => {
    expect([...binEdges(1e-4, 1, 4, 'log')].map((e) => Number(e.toPrecision(12)))).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect([...binEdges(0, 1, 4, 'linear')]).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect([...binEdges(3, 3, 14, 'linear')]).toEqual([3, 3]);
  });

  it('refuse a range that cannot be cut, naming the value', () => {
    expect(() => binEdges(0, 1, 4, 'log')).toThrow('Bin range on a log scale: from 0 (must be > 0)');
    expect(() => binEdges(2, 1, 4, 'linear')).toThrow('Bin range: from 2 to 1 (must be finite numbers, from ≤ to)');
    expect(() => binEdges(0, 1, 0, 'linear')).toThrow('Bin count: 0 (must be a whole number ≥ 1)');
  });

  test.prop([
    fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
    fc.double({ min: 1.001, max: 1e12, noNaN: true }),
    fc.integer({ min: 1, max: 40 }),
  ])('log edges are evenly spaced in log10, from min to max exactly', (min, ratio, count) => {
    const max = Math.min(min * ratio, Number.MAX_VALUE);
    fc.pre(max > min);
    const edges = binEdges(min, max, count, 'log');
    expect(edges.length).toBe(count + 1);
    expect([edges[0], edges[count]]).toEqual([min, max]);
    const step = (Math.log10(max) - Math.log10(min)) / count;
    for (let i = 1; i <= count; i++) {
      expect(edges[i]).toBeGreaterThan(edges[i - 1]);
      expect(Math.log10(edges[i]) - Math.log10(edges[i - 1])).toBeCloseTo(step, 9);
    }
  });
});

describe('the bin of a value', () => {
  const edges = binEdges(0, 1, 4, 'linear');
  it('is the bin an edge starts, the last bin for the maximum, -1 outside', () => {
    expect(binOf(edges, 0)).toBe(0);
    expect(binOf(edges, 0.25)).toBe(1);
    expect(binOf(edges, 0.2499)).toBe(0);
    expect(binOf(edges, 1)).toBe(3);
    expect(binOf(edges, 1.0001)).toBe(-1);
    expect(binOf(edges, -0.0001)).toBe(-1);
    expect(binOf(edges, NaN)).toBe(-1);
    expect(binOf(binEdges(3, 3, 14, 'linear'), 3)).toBe(0);
  });

  it('keeps its edges in order over a range a few ulps wide, each value in one bin (found by the property)', () => {
    const [min, max] = [1e-8, 1.0000000000000012e-8];
    const edges = binEdges(min, max, 3, 'log');
    expect(edges.every((e, i) => i === 0 || e >= edges[i - 1])).toBe(true);
    expect([edges[0], edges[3]]).toEqual([min, max]);
    // 10^t rounds the first inner edge to the minimum itself: bin 0 is empty, the minimum starts bin 1.
    expect(Array.from(edges)).toEqual([min, min, max, max]);
    expect(binOf(edges, min)).toBe(1);
    expect(binOf(edges, max)).toBe(2);
  });

  test.prop([
    fc.array(fc.double({ min: 1e-8, max: 1e8, noNaN: true }), { minLength: 1, maxLength: 50 }),
    fc.integer({ min: 1, max: 20 }),
    fc.boolean(),
  ])('every value in range is in exactly one bin: the one whose edges hold it', (values, count, log) => {
    const [min, max] = [Math.min(...values), Math.max(...values)];
    const edges = binEdges(min, max, count, log ? 'log' : 'linear');
    for (const v of values) {
      const i = binOf(edges, v);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(edges.length - 1);
      expect(edges[i]).toBeLessThanOrEqual(v);
      // Half-open bins, the last one closed.
      if (i < edges.length - 2) expect(v).toBeLessThan(edges[i + 1]);
      else expect(v).toBeLessThanOrEqual(edges[i + 1]);
    }
    // An edge is in the bin it starts; the last edge (the maximum) in the last bin.
    const increasing = edges.every((e, i) => i === 0 || e > edges[i - 1]);
    if (max > min && increasing) for (let i = 0; i < count; i++) expect(binOf(edges, edges[i])).toBe(i);
    expect(binOf(edges, max)).toBe(edges.length - 2);
  });
});

const record = (i: number, lr: number, wd: number, status: RunStatus, loss: number): RunRecord => ({
  config: adagradRun({ lr, weightDecay: wd }, { id: `s:${i}`, index: i }),
  summary: {
    status,
    finalLoss: loss,
    bestLoss: loss,
    bestStep: 0,
    stepsToTolerance: null,
    divergedAt: status === 'diverged' ? 1 : null,
    divergedIn: status === 'diverged' ? 'loss' : null,
  },
});

const drawnRun = fc.record({
  lr: fc.double({ min: 1e-5, max: 10, noNaN: true }),
  wd: fc.double({ min: 0, max: 0.1, noNaN: true }),
  status: fc.constantFrom<RunStatus>('completed', 'converged', 'diverged', 'failed'),
  loss: fc.double({ min: 0, max: 1e4, noNaN: true }),
});

describe('binned runs', () => {
  test.prop([fc.array(drawnRun, { minLength: 2, maxLength: 60 })])(
    'every run with both settings is in one bin; counts add up; a bin holds the best loss of its runs',
    (drawn) => {
      const runs = drawn.map((d, i) =>
        record(i, d.lr, d.wd, d.status, ['diverged', 'failed'].includes(d.status) ? Infinity : d.loss),
      );
      const columns = settingColumns(runs, []);
      const [lr, wd] = ['lr', 'weightDecay'].map((n) => columns.find((c) => c.setting.name === n));
      fc.pre(lr !== undefined && wd !== undefined);
      const scatter = scatterPoints(runs, lr!, wd!, 'finalLoss');
      const [x, y] = [binAxis(lr!), binAxis(wd!)];
      const bins = binPoints(scatter, x, y);
      expect(bins.reduce((n, b) => n + b.count, 0)).toBe(runs.length);
      expect(new Set(bins.map((b) => `${b.i},${b.j}`)).size).toBe(bins.length);
      for (const bin of bins) {
        const inside = runs.filter(
          (r) =>
            binOf(x.edges, r.config.optimizer.lr) === bin.i && binOf(y.edges, r.config.optimizer.weightDecay) === bin.j,
        );
        expect(inside.length).toBe(bin.count);
        const finite = inside.filter((r) => Number.isFinite(r.summary.finalLoss)).map((r) => r.summary.finalLoss);
        if (finite.length === 0) expect(bin.best).toBeNaN();
        else {
          expect(bin.best).toBe(Math.min(...finite));
          expect(runs[bin.bestRun].summary.finalLoss).toBe(bin.best);
        }
        expect(bin.diverged).toBe(inside.filter((r) => !Number.isFinite(r.summary.finalLoss)).length);
      }
    },
  );

  it('cut a random sweep: log bins for lr, linear for weight decay, names for a categorical setting', () => {
    const check = validateSweepSpec({
      name: 'random',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [
        {
          kind: 'adagrad',
          fixed: {},
          axes: { lr: { logUniform: { from: 1e-4, to: 10 } }, eps: { uniform: { from: 1e-3, to: 0.1 } } },
        },
        { kind: 'sgd', fixed: {}, axes: { lr: { logUniform: { from: 1e-4, to: 10 } } } },
      ],
      search: { mode: 'random', samples: 100, seed: 3 },
      steps: 5,
    });
    if (!check.ok) throw new Error(check.message);
    const spec: SweepSpec = check.value;
    const runs = expandSweep('s', spec).map((config) => ({
      config,
      summary: record(0, 1, 0, 'completed', config.optimizer.lr).summary,
    }));
    const columns = settingColumns(runs, [spec]);
    const byName = (n: string) => columns.find((c) => c.setting.name === n)!;
    const lr = binAxis(byName('lr'));
    expect(lr.edges.length).toBe(BINS_PER_AXIS + 1);
    const ratios = [...lr.edges].slice(1).map((e, i) => e / lr.edges[i]);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 9);
    const eps = binAxis(byName('eps'));
    const widths = [...eps.edges].slice(1).map((e, i) => e - eps.edges[i]);
    for (const w of widths) expect(w).toBeCloseTo(widths[0], 12);
    const optimizer = binAxis(byName('optimizer'));
    expect(optimizer.labels).toEqual(['adagrad', 'sgd']);
    expect([...optimizer.edges]).toEqual([-0.5, 0.5, 1.5]);
    // lr × optimizer: every run in one of the 14 × 2 bins; SGD has no eps, so lr × eps has AdaGrad's runs only.
    const byOptimizer = binPoints(scatterPoints(runs, byName('lr'), byName('optimizer'), 'finalLoss'), lr, optimizer);
    expect(byOptimizer.reduce((n, b) => n + b.count, 0)).toBe(200);
    expect(Math.max(...byOptimizer.map((b) => b.j))).toBe(1);
    const scatter = scatterPoints(runs, byName('lr'), byName('eps'), 'finalLoss');
    expect(scatter.missing).toBe(100);
    expect(binPoints(scatter, lr, eps).reduce((n, b) => n + b.count, 0)).toBe(100);
    // The CSV: a categorical axis by name, a numeric one by its edges; a row per bin holding runs.
    const csv = [...binsCsv(runs, byOptimizer, lr, optimizer, 'finalLoss')].join('').split('\r\n');
    expect(csv[0]).toBe('lr_from,lr_to,optimizer,runs,diverged,best_final_loss,best_run_id');
    expect(csv).toHaveLength(byOptimizer.length + 2);
    const first = csv[1].split(',');
    expect([Number(first[0]), Number(first[1])]).toEqual([lr.edges[0], lr.edges[1]]);
    expect(['adagrad', 'sgd']).toContain(first[2]);
  });
});
