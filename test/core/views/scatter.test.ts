import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  JITTER,
  categoryJitter,
  defaultSetting,
  logPosition,
  positiveRange,
  scatterCsv,
  scatterPoints,
} from '../../../src-core/views/scatter';
import { settingColumns } from '../../../src-core/views/swept-settings';
import type { RunStatus } from '../../../src-core/contract/types';
import type { RunRecord } from '../../../src-core/views/heatmap';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun, summaryOf } from '../../helpers/configs';

const summary = summaryOf;

const run = (id: number, lr: number, weightDecay: number, status: RunStatus, loss: number): RunRecord => ({
  config: adagradRun({ lr, weightDecay }, { id: `s:${id}`, index: id }),
  summary: summary(status, loss),
});

describe('scatter points', () => {
  const runs = [
    run(0, 0.1, 0, 'completed', 0.5),
    run(1, 1, 0.01, 'diverged', Infinity),
    run(2, 0.01, 0.02, 'converged', 1e-9),
    run(3, 10, 0.03, 'failed', NaN),
    run(4, 0.001, 0.04, 'completed', 2),
  ];
  const columns = settingColumns(runs, []);
  const lr = columns.find((c) => c.setting.name === 'lr')!;
  const wd = columns.find((c) => c.setting.name === 'weightDecay')!;

  it('draws loss against a setting, the diverged and failed runs apart at their x', () => {
    const { points, apart, missing } = scatterPoints(runs, lr, null, 'finalLoss');
    expect([...points.run]).toEqual([0, 2, 4]);
    expect([...points.x]).toEqual([0.1, 0.01, 0.001]);
    expect([...points.y]).toEqual([0.5, 1e-9, 2]);
    expect([...apart.run]).toEqual([1, 3]);
    expect([...apart.x]).toEqual([1, 10]);
    expect(missing).toBe(0);
  });

  it('draws one setting against another, each point keeping its loss', () => {
    const { points, apart } = scatterPoints(runs, lr, wd, 'finalLoss');
    expect([...points.y]).toEqual([0, 0.02, 0.04]);
    expect([...points.loss]).toEqual([0.5, 1e-9, 2]);
    expect([...apart.y]).toEqual([0.01, 0.03]);
  });

  it('counts the runs lacking a setting as missing, never as points', () => {
    const sgd: RunRecord = {
      config: adagradRun({}, { id: 's:9', optimizer: { ...optimizerDefaults.sgd, lr: 0.5 } }),
      summary: summary('completed', 1),
    };
    const all = [
      ...runs.map((r, i) => ({ ...r, config: { ...r.config, optimizer: { ...r.config.optimizer, eps: 10 ** -i } } })),
      sgd,
    ];
    const cols = settingColumns(all, []);
    const [x, y] = ['lr', 'eps'].map((n) => cols.find((c) => c.setting.name === n)!);
    const drawn = scatterPoints(all, x, y, 'finalLoss');
    expect(drawn.missing).toBe(1);
    expect(drawn.points.run.length + drawn.apart.run.length).toBe(5);
  });

  it('saves every run as CSV, diverged and failed ones included, with exact values and statuses', () => {
    const csv = [...scatterCsv(runs, scatterPoints(runs, lr, wd, 'finalLoss'), lr, wd, 'finalLoss')].join('');
    expect(csv.split('\r\n')).toEqual([
      'run_id,lr,weightDecay,final_loss,status',
      's:0,0.1,0,0.5,completed',
      's:1,1,0.01,Infinity,diverged',
      's:2,0.01,0.02,1e-9,converged',
      's:3,10,0.03,NaN,failed',
      's:4,0.001,0.04,2,completed',
      '',
    ]);
  });

  it('spreads a category over ±JITTER around its index, the same way every time', () => {
    const mixed = [
      ...runs,
      {
        config: adagradRun({}, { id: 's:7', optimizer: { ...optimizerDefaults.sgd } }),
        summary: summary('completed', 3),
      },
    ];
    const optimizer = settingColumns(mixed, []).find((c) => c.setting.name === 'optimizer')!;
    expect(optimizer.setting.scale).toBe('categorical');
    const { points } = scatterPoints(mixed, optimizer, null, 'finalLoss');
    const sgdPoint = points.run.indexOf(5);
    expect(Math.abs(points.x[sgdPoint] - 1)).toBeLessThanOrEqual(JITTER);
    expect(scatterPoints(mixed, optimizer, null, 'finalLoss').points.x).toEqual(points.x);
    // Not all at one place: the runs of AdaGrad spread out.
    expect(new Set(points.x).size).toBe(points.x.length);
  });

  test.prop([fc.string()])('the jitter stays within ±JITTER', (id) => {
    const j = categoryJitter(id);
    expect(Math.abs(j)).toBeLessThanOrEqual(JITTER);
    expect(categoryJitter(id)).toBe(j);
  });

  test.prop([
    fc.array(
      fc.record({
        lr: fc.double({ min: 1e-6, max: 10, noNaN: true }),
        status: fc.constantFrom<RunStatus>('completed', 'converged', 'diverged', 'failed'),
        loss: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Infinity), fc.constant(NaN)),
      }),
      { minLength: 2, maxLength: 40 },
    ),
  ])('every run is a point, apart or missing, exactly once', (drawn) => {
    const records = drawn.map((d, i) => run(i, d.lr, 0, d.status, d.loss));
    const lrColumn = settingColumns(records, []).find((c) => c.setting.name === 'lr');
    fc.pre(lrColumn !== undefined);
    const { points, apart, missing } = scatterPoints(records, lrColumn!, null, 'finalLoss');
    expect(missing).toBe(0);
    expect([...points.run, ...apart.run].sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    for (const k of points.run) expect(Number.isFinite(records[k].summary.finalLoss)).toBe(true);
    const divergedOrFailed = records.filter((r) => ['diverged', 'failed'].includes(r.summary.status)).length;
    expect(apart.run.length).toBeGreaterThanOrEqual(divergedOrFailed);
  });
});

describe('the colour scale of a loss', () => {
  it('spans the positive finite values, in log10', () => {
    expect(positiveRange(Float64Array.of(0, 1e-3, Infinity, 10, NaN, -1))).toEqual({ low: 1e-3, high: 10 });
    expect(positiveRange(Float64Array.of(0, -1))).toBeNull();
    expect(logPosition(1e-3, 1e-3, 10)).toBe(0);
    expect(logPosition(10, 1e-3, 10)).toBe(1);
    expect(logPosition(0.1, 1e-3, 10)).toBeCloseTo(0.5, 12);
    expect(logPosition(0, 1e-3, 10)).toBe(0);
  });
});

describe('the setting drawn by default', () => {
  it('is lr, else the first numeric setting', () => {
    const runs = [run(0, 0.1, 0, 'completed', 1), run(1, 0.2, 0.1, 'completed', 1)];
    expect(defaultSetting(settingColumns(runs, []))?.setting.name).toBe('lr');
    const noLr = [run(0, 0.1, 0, 'completed', 1), run(1, 0.1, 0.1, 'completed', 1)];
    expect(defaultSetting(settingColumns(noLr, []))?.setting.name).toBe('weightDecay');
  });
});
