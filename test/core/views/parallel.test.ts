import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  axisLayout,
  brushBetween,
  brushedCsv,
  brushSpans,
  colorBuckets,
  inBrushes,
  parallelAxes,
  positionOf,
  valueAt,
  wholeAxis,
  type Brush,
  type ParallelAxis,
} from '../../../src-core/views/parallel';
import { expandSweep } from '../../../src-core/sweep/expand';
import type { RunStatus } from '../../../src-core/contract/types';
import { validSpec } from '../../helpers/configs';

const random = validSpec({
  name: 'random',
  objectives: [{ id: 'quadratic-1d' }],
  optimizers: [
    {
      kind: 'adagrad',
      fixed: {},
      axes: {
        lr: { logUniform: { from: 1e-4, to: 1 } },
        eps: { values: [1e-10, 1e-8] },
        weightDecay: { uniform: { from: 0, to: 0.1 } },
      },
    },
    { kind: 'sgd', fixed: {}, axes: { lr: { values: [0.1] } } },
  ],
  search: { mode: 'random', samples: 40, seed: 3 },
  steps: 5,
});
const statuses: RunStatus[] = ['completed', 'converged', 'diverged', 'failed'];
const runs = expandSweep('s', random).map((config, i) => ({
  config,
  summary: {
    status: statuses[i % 4],
    finalLoss: i % 4 === 2 ? Infinity : 10 ** -(i % 7),
    bestLoss: 10 ** -(i % 5) / 2,
    bestStep: 0,
    stepsToTolerance: null,
    divergedAt: null,
    divergedIn: null,
  },
}));
const axes = parallelAxes(runs, [random]);
const byName = new Map(axes.map((a) => [a.name, a]));
const request = { pixels: 300, extent: () => 14, gap: 20 };

describe('the axes of a sweep', () => {
  it('has one per swept setting on its scale, then the final and best loss on log axes', () => {
    expect(axes.map((a) => [a.name, a.scale])).toEqual([
      ['optimizer', 'categorical'],
      ['lr', 'log'],
      ['eps', 'log'],
      ['weightDecay', 'linear'],
      ['final loss', 'log'],
      ['best loss', 'log'],
    ]);
    expect(byName.get('optimizer')!.categories).toEqual(['adagrad', 'sgd']);
  });

  it('puts diverged and failed runs in the band above the loss axes, missing settings at NaN', () => {
    const final = byName.get('final loss')!;
    runs.forEach((run, r) => {
      const lost = run.summary.status === 'diverged' || run.summary.status === 'failed';
      expect(final.values[r]).toBe(lost ? Infinity : run.summary.finalLoss);
      expect(byName.get('best loss')!.values[r]).toBe(lost ? Infinity : run.summary.bestLoss);
    });
    const layout = axisLayout(final, request);
    expect(layout.diverged).toBe(
      runs.filter((r) => r.summary.status === 'diverged' || r.summary.status === 'failed').length,
    );
    expect(positionOf(layout, Infinity)).toBe(Infinity);
    const wd = axisLayout(byName.get('eps')!, request);
    expect(wd.missing).toBe(runs.filter((r) => r.config.optimizer.kind === 'sgd').length);
    expect(positionOf(wd, NaN)).toBeNaN();
  });

  it('keeps a log loss axis where losses reached 0, those in a band below it, counted, the best colour', () => {
    const zero = runs.map((run, i) => ({
      ...run,
      summary: { ...run.summary, finalLoss: i < 3 ? 0 : 10 ** -(i % 6), status: 'completed' as const },
    }));
    const loss = parallelAxes(zero, [random]).find((a) => a.name === 'final loss')!;
    expect(loss.scale).toBe('log');
    const layout = axisLayout(loss, request);
    expect(layout.zeros).toBe(3);
    expect(layout.min).toBeGreaterThan(0);
    expect(layout.min).toBeLessThanOrEqual(1e-5);
    expect(positionOf(layout, 0)).toBe(-Infinity);
    expect(positionOf(layout, 1e-5)).toBeGreaterThanOrEqual(0);
    // A drag from the bottom takes the zeros in; one starting above the bottom does not.
    const fromBottom = brushBetween(layout, -0.1, 0.5) as Extract<Brush, { kind: 'range' }>;
    expect(fromBottom.min).toBe(0);
    expect(inBrushes([loss], new Map([[loss.name, fromBottom]]))[0]).toBe(1);
    expect((brushBetween(layout, 0.2, 0.5) as Extract<Brush, { kind: 'range' }>).min).toBeGreaterThan(0);
    expect(colorBuckets(loss, 32).bucket[0]).toBe(0);
  });

  it('puts a setting with 0 among decades on a log axis, 0 in the band below (weight decay 0, 1e-4 … 1e4)', () => {
    const decays = [0, 1e-4, 1e-2, 1, 100, 1e4];
    const grid = validSpec({
      name: 'weight decay',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { weightDecay: { values: decays } } }],
      steps: 5,
    });
    const summary = { ...runs[0].summary, status: 'completed' as const, finalLoss: 1, bestLoss: 1 };
    const gridRuns = expandSweep('w', grid).map((config) => ({ config, summary }));
    const decay = parallelAxes(gridRuns, [grid]).find((a) => a.name === 'weightDecay')!;
    expect(decay.scale).toBe('log');
    const layout = axisLayout(decay, request);
    expect(layout.zeros).toBe(1);
    expect(positionOf(layout, 0)).toBe(-Infinity);
    // The decades evenly apart (on a linear axis 1e-4 … 100 all sat within 1 % of its foot).
    const [p4, p2, p0, p100] = [1e-4, 1e-2, 1, 100].map((v) => positionOf(layout, v));
    expect(p2 - p4).toBeCloseTo(p100 - p0, 9);
    expect(p4).toBeGreaterThanOrEqual(0);
    expect(layout.ticks.filter((t) => t.label !== '').length).toBeGreaterThanOrEqual(3);
    // Where some runs lack the setting, the band below is theirs ("none"): the axis stays linear.
    const eps = validSpec({
      ...grid,
      optimizers: [
        { kind: 'adagrad', fixed: {}, axes: { eps: { values: [0, 1e-8, 1e-4] } } },
        { kind: 'sgd', fixed: {}, axes: {} },
      ],
    });
    const epsRuns = expandSweep('e', eps).map((config) => ({ config, summary }));
    expect(parallelAxes(epsRuns, [eps]).find((a) => a.name === 'eps')!.scale).toBe('linear');
  });

  it('places losses spanning more than the doubles’ range of ratios (1e-320 to 16) and colours them apart', () => {
    const extreme = runs.map((run, i) => ({
      ...run,
      summary: { ...run.summary, finalLoss: [1e-320, 1e-100, 1, 16][i % 4], status: 'completed' as const },
    }));
    const loss = parallelAxes(extreme, [random]).find((a) => a.name === 'final loss')!;
    const layout = axisLayout(loss, request);
    const positions = [1e-320, 1e-100, 1, 16].map((v) => positionOf(layout, v));
    expect(positions.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(4);
    expect(valueAt(layout, positionOf(layout, 1e-100))).toBeCloseTo(1e-100, 110);
    const [lowest, middle, , highest] = colorBuckets(loss, 32).bucket;
    expect([lowest, highest]).toEqual([0, 31]);
    expect(middle).toBeGreaterThan(0);
    expect(middle).toBeLessThan(31);
  });

  it('takes a linear loss axis where a loss went below 0 (a log axis cannot hold it)', () => {
    const negative = runs.map((run, i) => ({
      ...run,
      summary: { ...run.summary, finalLoss: i === 0 ? -1 : 1, status: 'completed' as const },
    }));
    expect(parallelAxes(negative, [random]).find((a) => a.name === 'final loss')!.scale).toBe('linear');
  });

  it('spaces categories evenly, each in the middle of its slot, with its name as the form gives it as the tick', () => {
    const layout = axisLayout(byName.get('optimizer')!, request);
    expect([positionOf(layout, 0), positionOf(layout, 1)]).toEqual([0.25, 0.75]);
    expect(layout.ticks).toEqual([
      { value: 0, label: 'AdaGrad' },
      { value: 1, label: 'SGD' },
    ]);
    expect(valueAt(layout, 0.1)).toBe(0);
    expect(valueAt(layout, 0.9)).toBe(1);
  });

  it('draws each numeric axis over a range holding every value, with labels that do not overlap', () => {
    for (const axis of axes.filter((a) => a.scale !== 'categorical')) {
      const layout = axisLayout(axis, request);
      for (const v of axis.values) {
        if (!Number.isFinite(v)) continue;
        const p = positionOf(layout, v);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1 + 1e-12);
      }
      const labelled = layout.ticks.filter((t) => t.label !== '').map((t) => positionOf(layout, t.value) * 300);
      for (let i = 1; i < labelled.length; i++)
        expect(labelled[i] - labelled[i - 1]).toBeGreaterThanOrEqual(14 + 20 - 1e-9);
    }
  });
});

describe('brushes', () => {
  const lr = byName.get('lr')!;

  it('keep the runs inside every brush (AND), ends included; diverged runs fail a loss range', () => {
    const sorted = [...lr.values].sort((a, b) => a - b);
    const brushes = new Map<string, Brush>([
      ['lr', { kind: 'range', min: sorted[5], max: sorted[30] }],
      ['final loss', { kind: 'range', min: 0, max: 1e300 }],
    ]);
    const mask = inBrushes(axes, brushes);
    runs.forEach((run, r) => {
      const inside =
        run.config.optimizer.lr >= sorted[5] &&
        run.config.optimizer.lr <= sorted[30] &&
        run.summary.status !== 'diverged' &&
        run.summary.status !== 'failed';
      expect(mask[r]).toBe(inside ? 1 : 0);
    });
    expect(mask.reduce((n, x) => n + x, 0)).toBeGreaterThan(0);
  });

  it('keep a category’s runs, and exclude the runs that lack a brushed setting', () => {
    const mask = inBrushes(axes, new Map([['optimizer', { kind: 'categories', categories: ['sgd'] }]]));
    runs.forEach((run, r) => expect(mask[r]).toBe(run.config.optimizer.kind === 'sgd' ? 1 : 0));
    const wd = inBrushes(axes, new Map([['eps', wholeAxis(byName.get('eps')!)]]));
    runs.forEach((run, r) => expect(wd[r]).toBe(run.config.optimizer.kind === 'sgd' ? 0 : 1));
  });

  it('ignore a brush on an axis the sweep does not have', () => {
    expect([...inBrushes(axes, new Map([['momentum', { kind: 'range', min: 5, max: 6 }]]))].every((x) => x === 1)).toBe(
      true,
    );
  });

  it('made by a drag snap to three significant digits, or to the categories they span', () => {
    const layout = axisLayout(lr, request);
    const brush = brushBetween(layout, 0.8, 0.2);
    expect(brush.kind).toBe('range');
    if (brush.kind !== 'range') return;
    expect(brush.min).toBe(Number(valueAt(layout, 0.2).toPrecision(3)));
    expect(brush.max).toBe(Number(valueAt(layout, 0.8).toPrecision(3)));
    const optimizer = axisLayout(byName.get('optimizer')!, request);
    expect(brushBetween(optimizer, 0, 0.5)).toEqual({ kind: 'categories', categories: ['adagrad'] });
    expect(brushBetween(optimizer, 0.1, 0.9)).toEqual({ kind: 'categories', categories: ['adagrad', 'sgd'] });
    expect(brushBetween(optimizer, 0.6, 0.62)).toEqual({ kind: 'categories', categories: ['sgd'] });
    expect(brushSpans(optimizer, { kind: 'categories', categories: ['sgd'] })).toEqual([[0.5, 1]]);
  });

  it('added from the list span every run, their ends rounded outward to three digits as the axis labels them', () => {
    const axis = (values: number[]): ParallelAxis => ({
      name: 'final loss',
      scale: 'log',
      categories: [],
      values: Float64Array.from(values),
      loss: true,
    });
    // The raw ends were typed into the brush's fields as they are: "15.735879502690734".
    expect(wholeAxis(axis([0.0009996, 3, 15.735879502690734, Infinity]))).toEqual({
      kind: 'range',
      min: 0.000999,
      max: 15.8,
    });
    expect(wholeAxis(axis([-15.73, 0, 9.996]))).toEqual({ kind: 'range', min: -15.8, max: 10 });
    // Ends that need no rounding, and a lone value, stay as they are.
    expect(wholeAxis(axis([1e-10, 0.01]))).toEqual({ kind: 'range', min: 1e-10, max: 0.01 });
    expect(wholeAxis(axis([4e-323, 4e-323]))).toEqual({ kind: 'range', min: 4e-323, max: 4e-323 });
    const values = [0.00123456, 0.5, 2.71828, 1234567];
    const mask = inBrushes([axis(values)], new Map([['final loss', wholeAxis(axis(values))]]));
    expect([...mask]).toEqual([1, 1, 1, 1]);
  });

  it('export the runs inside as CSV: id, settings, losses, status', () => {
    const mask = inBrushes(axes, new Map([['optimizer', { kind: 'categories', categories: ['sgd'] }]]));
    const lines = brushedCsv(runs, axes, mask).trim().split('\r\n');
    expect(lines[0]).toBe('run_id,optimizer,lr,eps,weightDecay,final_loss,best_loss,status');
    const sgd = runs.filter((r) => r.config.optimizer.kind === 'sgd');
    expect(lines.length - 1).toBe(sgd.length);
    const s = sgd[0];
    expect(lines[1]).toBe(
      `${s.config.id},sgd,0.1,,${s.config.optimizer.weightDecay},${s.summary.finalLoss},${s.summary.bestLoss},${s.summary.status}`,
    );
  });
});

/** An axis over `values` on a scale. */
const axisOf = (values: number[], scale: 'log' | 'linear'): ParallelAxis => ({
  name: 'x',
  scale,
  categories: [],
  values: Float64Array.from(values),
  loss: false,
});

// Settings a sweep could take: positive values over 24 decades, at least 2% apart; signed values to 1e-3 in ±1e6.
// (Two values 1e-15 apart, 1 and 1.000000000000001, hang axisTicks (ticks.ts) on a log or linear axis.)
const positive = fc.integer({ min: -1200, max: 1200 }).map((e) => 10 ** (e / 100));
const anyFinite = fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 1000);

describe('properties', () => {
  test.prop([
    fc.constantFrom('log' as const, 'linear' as const),
    fc.array(positive, { minLength: 2, maxLength: 60 }),
    fc.nat(),
    fc.nat(),
  ])('a brush from run a’s value to run b’s keeps exactly the runs between, ends included', (scale, raw, i, j) => {
    const values = scale === 'log' ? raw : raw.map((x, k) => (k % 2 ? -x : x));
    const [a, b] = [values[i % values.length], values[j % values.length]];
    const mask = inBrushes(
      [axisOf(values, scale)],
      new Map([['x', { kind: 'range', min: Math.min(a, b), max: Math.max(a, b) }]]),
    );
    values.forEach((v, r) => expect(mask[r]).toBe(v >= Math.min(a, b) && v <= Math.max(a, b) ? 1 : 0));
    expect(mask[i % values.length]).toBe(1);
    expect(mask[j % values.length]).toBe(1);
  });

  test.prop([fc.array(positive, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'position ↔ value round-trips on a log axis',
    (values, p) => {
      const layout = axisLayout(axisOf(values, 'log'), request);
      for (const v of values) expect(valueAt(layout, positionOf(layout, v)) / v).toBeCloseTo(1, 9);
      expect(positionOf(layout, valueAt(layout, p))).toBeCloseTo(p, 9);
    },
  );

  test.prop([fc.array(anyFinite, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'position ↔ value round-trips on a linear axis',
    (values, p) => {
      const layout = axisLayout(axisOf(values, 'linear'), request);
      const span = layout.max - layout.min;
      for (const v of values)
        expect(Math.abs(valueAt(layout, positionOf(layout, v)) - v)).toBeLessThanOrEqual(1e-9 * span);
      expect(positionOf(layout, valueAt(layout, p))).toBeCloseTo(p, 9);
    },
  );
});

describe('colour buckets', () => {
  it('spread the runs over the buckets in log10 of the loss, lost runs apart', () => {
    const final = byName.get('final loss')!;
    const { bucket, low, high, log } = colorBuckets(final, 10);
    expect(log).toBe(true);
    const finite = [...final.values].filter(Number.isFinite);
    expect([low, high]).toEqual([Math.min(...finite), Math.max(...finite)]);
    final.values.forEach((v, r) => {
      if (!Number.isFinite(v)) return expect(bucket[r]).toBe(10);
      expect(bucket[r]).toBe(Math.min(9, Math.floor((Math.log10(v / low) / Math.log10(high / low)) * 10)));
    });
    expect(bucket[final.values.indexOf(low)]).toBe(0);
    expect(bucket[final.values.indexOf(high)]).toBe(9);
  });
});
