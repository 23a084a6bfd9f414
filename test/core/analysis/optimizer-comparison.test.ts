import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  compareOptimizers,
  comparisonMissing,
  goodRange,
  optimizerRowName,
  type ComparedRun,
} from '../../../src-core/analysis/optimizer-comparison';
import { optimizerDefaults } from '../../../src-core/optim';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import type { RunStatus } from '../../../src-core/contract/types';
import { adagradRun } from '../../helpers/configs';

let next = 0;
/** A hand-made run: an optimizer at an lr with a final loss; NaN loss means it diverged. */
function run(optimizer: OptimizerConfig, lr: number, loss: number, status?: RunStatus): ComparedRun {
  const config = adagradRun({}, { id: `s:${next++}`, objective: { id: 'elliptic-2d' } });
  const diverged = Number.isNaN(loss);
  return {
    config: { ...config, optimizer: { ...optimizer, lr } },
    summary: {
      status: status ?? (diverged ? 'diverged' : 'completed'),
      finalLoss: loss,
      bestLoss: diverged ? 1 : loss,
      bestStep: 0,
      stepsToTolerance: null,
      divergedAt: diverged ? 5 : null,
      divergedIn: diverged ? 'loss' : null,
    },
  };
}
const lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10];
const curve = (optimizer: OptimizerConfig, losses: number[]) => losses.map((loss, i) => run(optimizer, lrs[i], loss));
const { adagrad, sgd, adam } = optimizerDefaults;

describe('the tuned comparison', () => {
  it('measures the width over the contiguous good range around the best lr', () => {
    // Best 1e-3 at lr 0.01; within 10×: lrs 1e-3 … 0.1 (0.009 and 0.005); 1 is 50× worse.
    const [row] = compareOptimizers(curve(adagrad, [1, 0.009, 0.001, 0.005, 0.05, NaN]));
    expect(row).toMatchObject({
      optimizer: 'AdaGrad',
      objective: 'f(w, b) = w² + 10b²',
      bestLoss: 0.001,
      bestLr: 0.01,
      goodFrom: 1e-3,
      goodTo: 0.1,
      outside: 0,
      diverged: 1,
      failed: 0,
    });
    expect(row.widthDecades).toBeCloseTo(2, 12);
    // Factor 2: only 1e-3 itself and nothing within 2× → 0 decades; factor 60: up to lr 1.
    expect(compareOptimizers(curve(adagrad, [1, 0.009, 0.001, 0.005, 0.05, NaN]), { factor: 2 })[0].widthDecades).toBe(
      0,
    );
    expect(
      compareOptimizers(curve(adagrad, [1, 0.009, 0.001, 0.005, 0.05, NaN]), { factor: 60 })[0].widthDecades,
    ).toBeCloseTo(3, 12);
  });

  it('a bad or diverged lr breaks the range: an isolated lucky lr does not widen it', () => {
    const [bad] = compareOptimizers(curve(sgd, [0.002, 1, 0.001, 0.002, 1, 0.003]));
    expect([bad.goodFrom, bad.goodTo, bad.outside]).toEqual([1e-2, 1e-1, 2]);
    const [diverged] = compareOptimizers(curve(sgd, [0.002, NaN, 0.001, 0.002, NaN, 0.003]));
    expect([diverged.goodFrom, diverged.goodTo, diverged.outside, diverged.diverged]).toEqual([1e-2, 1e-1, 2, 2]);
  });

  it('all diverged: no best, no range, every run counted', () => {
    const [row] = compareOptimizers([...curve(adam, [NaN, NaN, NaN]), run(adam, 5, NaN, 'failed')]);
    expect(row).toMatchObject({ bestLr: null, goodFrom: null, widthDecades: null, diverged: 3, failed: 1 });
    expect(row.bestLoss).toBeNaN();
  });

  it('one lr: a width of 0 decades, and the view says it needs a swept lr', () => {
    const rows = compareOptimizers([run(adagrad, 0.1, 0.5), run(sgd, 0.1, 0.7)]);
    expect(rows.map((r) => [r.optimizer, r.bestLr, r.widthDecades])).toEqual([
      ['AdaGrad', 0.1, 0],
      ['SGD', 0.1, 0],
    ]);
    expect(comparisonMissing(rows)).toMatch(/a swept learning rate/);
    expect(comparisonMissing(compareOptimizers(curve(adagrad, [1, 2])))).toMatch(
      /two optimizers or more \(this sweep has 1\)/,
    );
  });

  it('SGD with momentum is a row of its own; several runs at one lr: the best loss counts', () => {
    const momentum = { ...sgd, momentum: 0.9 };
    expect(optimizerRowName(momentum)).toBe('SGD, momentum 0.9');
    const rows = compareOptimizers([run(sgd, 0.1, 0.5), run(momentum, 0.1, 0.2), run(momentum, 0.1, 0.05)]);
    expect(rows.map((r) => [r.optimizer, r.bestLoss, r.points[0].runs])).toEqual([
      ['SGD', 0.5, 1],
      ['SGD, momentum 0.9', 0.05, 2],
    ]);
    expect(comparisonMissing(rows)).toMatch(/a swept learning rate/);
  });

  it('a floor counts every lr that reached it as good, past a best of exactly 0', () => {
    const runs = curve(adagrad, [1e-3, 1e-21, 0, 1e-15, 1, 2]);
    expect(compareOptimizers(runs)[0].widthDecades).toBe(0);
    expect(compareOptimizers(runs, { floor: 1e-10 })[0]).toMatchObject({ goodFrom: 1e-3, goodTo: 0.1 });
  });

  it('refuses a factor that is not > 1 and a negative floor, naming the field and the value', () => {
    const runs = curve(adagrad, [1, 2]);
    expect(() => compareOptimizers(runs, { factor: 1 })).toThrow(
      'Invalid good-range factor: 1 (must be a finite number > 1)',
    );
    expect(() => compareOptimizers(runs, { factor: NaN })).toThrow(/factor: NaN/);
    expect(() => compareOptimizers(runs, { floor: -1 })).toThrow(
      'Invalid loss floor: -1 (must be a finite number >= 0)',
    );
  });
});

const losses = fc.array(fc.oneof(fc.double({ min: 1e-30, max: 1e10, noNaN: true }), fc.constant(NaN), fc.constant(0)), {
  minLength: 1,
  maxLength: 25,
});
const factor = fc.double({ min: 1.000001, max: 1e6, noNaN: true });

describe('the good range, over random loss curves', () => {
  test.prop([losses, factor, fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true }))])(
    'holds the best lr, and only good lrs',
    (values, f, floor) => {
      const points = values.map((loss) => ({ loss }));
      const range = goodRange(points, f, floor);
      if (values.every(Number.isNaN)) return void expect(range).toBeNull();
      expect(range).not.toBeNull();
      const { best, from, to } = range!;
      expect(from).toBeLessThanOrEqual(best);
      expect(to).toBeGreaterThanOrEqual(best);
      const finite = values.filter(Number.isFinite);
      expect(values[best]).toBe(Math.min(...finite));
      const limit = Math.max(values[best] * f, floor);
      for (let i = from; i <= to; i++) expect(values[i]).toBeLessThanOrEqual(limit);
    },
  );

  test.prop([losses, factor, factor])('grows (weakly) with the factor', (values, a, b) => {
    const runs = values.map((loss, i) => run(adagrad, 10 ** (i / 4 - 4), loss));
    const [low, high] = [Math.min(a, b), Math.max(a, b)];
    const [narrow] = compareOptimizers(runs, { factor: low });
    const [wide] = compareOptimizers(runs, { factor: high });
    if (narrow.widthDecades === null) return void expect(wide.widthDecades).toBeNull();
    expect(wide.widthDecades!).toBeGreaterThanOrEqual(narrow.widthDecades);
    expect(wide.goodFrom!).toBeLessThanOrEqual(narrow.goodFrom!);
    expect(wide.goodTo!).toBeGreaterThanOrEqual(narrow.goodTo!);
  });
});
