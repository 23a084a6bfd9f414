import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  describeObjective,
  describeStatus,
  formatDuration,
  formatRate,
  formatMetric,
  formatOutcome,
} from '../../../src-core/views/format';
import { axisTicks } from '../../../src-core/views/ticks';

describe('formatting for tables and charts', () => {
  it.each([
    [0, '0'],
    [1e-8, '1e-8'],
    [5.504912345e-9, '5.50491e-9'],
    [0.023854123, '0.0238541'],
    [7.25527, '7.25527'],
    [12345678, '1.23457e7'],
    [16777216, '1.67772e7'],
    [999999.9, '1e6'],
    [-2.5e-7, '-2.5e-7'],
    [Infinity, 'Infinity'],
    [NaN, 'NaN'],
  ])('formatMetric(%s) = %s', (x, text) => expect(formatMetric(x)).toBe(text));

  it.each([
    { min: 1e-8, max: 1e7, log: true },
    { min: -3e9, max: 2e7, log: false },
    { min: 0, max: 0.25, log: false },
  ])('writes a number in a table, a tooltip and on an axis alike ($min to $max)', (range) => {
    const { ticks } = axisTicks({ ...range, pixels: 600, extent: () => 14.4, gap: 21.6 });
    const labelled = ticks.filter((tick) => tick.label !== '');
    expect(labelled.length).toBeGreaterThan(2);
    for (const { value, label } of labelled) expect(formatOutcome(value)).toBe(label);
  });

  it('describes statuses and objectives in words', () => {
    const base = {
      finalLoss: 1,
      bestLoss: 1,
      bestStep: 0,
      stepsToTolerance: 4,
      divergedAt: 7,
      divergedIn: 'loss' as const,
    };
    expect(describeStatus({ ...base, status: 'diverged' })).toBe('diverged at step 7');
    expect(describeStatus({ ...base, status: 'converged' })).toBe('converged at step 4');
    expect(describeStatus({ ...base, status: 'failed', error: 'worker exited' })).toBe('failed: worker exited');
    expect(describeObjective({ id: 'rosenbrock', dim: 2 })).toBe('rosenbrock(dim=2)');
    expect(describeObjective({ id: 'quadratic-1d' })).toBe('quadratic-1d');
  });

  it.each([
    [0.4, 'under a second'],
    [42.4, '42 s'],
    [65, '1 min 5 s'],
    [3599, '59 min 59 s'],
    [7380, '2 h 3 min'],
  ])('says %s s as %s', (seconds, words) => {
    expect(formatDuration(seconds)).toBe(words);
  });
});

describe('rates', () => {
  it.each([
    [0.163, '0.16 runs/s'],
    [0.4, '0.4 runs/s'],
    [1.55, '1.6 runs/s'],
    [9.96, '10 runs/s'],
    [85.3, '85 runs/s'],
    [12_345.6, '12,346 runs/s'],
  ])('writes %d runs a second as "%s", never "0 runs/s" beside a time left', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});

describe('sizes', () => {
  it('reads in decimal units, three significant digits, as the storage panel and serve mode write them', () => {
    expect([0, 1, 999, 73_700, 3_000_000, 64_000_000, 10_700_000_000, 2e15].map(formatBytes)).toEqual([
      '0 B',
      '1 B',
      '999 B',
      '73.7 kB',
      '3 MB',
      '64 MB',
      '10.7 GB',
      '2000 TB',
    ]);
  });
});
