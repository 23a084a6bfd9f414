import { describe, expect, it } from 'vitest';
import { metricSeries } from '../../src-core/series';
import { executeRun } from '../../src-core/run';
import { adagradRun } from '../helpers/configs';
import { optimizerDefaults } from '../../src-core/optim';

describe('trace series', () => {
  it('splits per-parameter columns and names them', () => {
    const { trace } = executeRun(adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 3 }));
    const theta = metricSeries(trace, 'theta');
    expect(theta.map((s) => s.name)).toEqual(['θ₀', 'θ₁']);
    expect(Array.from(theta[1].values)).toEqual([trace.theta[1], trace.theta[3], trace.theta[5], trace.theta[7]]);
    expect(metricSeries(trace, 'loss')).toEqual([{ name: '', values: trace.loss }]);
  });

  it('gives min, median and max above 16 parameters, and nothing for an accumulator SGD lacks', () => {
    const wide = executeRun(adagradRun({ lr: 0.1 }, { objective: { id: 'ill-conditioned', dim: 20, condition: 10 }, start: null, steps: 2 }));
    expect(metricSeries(wide.trace, 'accum').map((s) => s.name)).toEqual(['min', 'median', 'max']);
    const sgd = executeRun({ ...adagradRun(), optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } });
    expect(metricSeries(sgd.trace, 'accum')).toEqual([]);
  });
});
