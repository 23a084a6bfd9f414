import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importanceCsv, parameterImportance } from '../../../src-core/analysis/importance';
import { importancePlan } from '../../../src-core/analysis/importance-inputs';
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import type { RunConfig, RunStatus, RunSummary } from '../../../src-core/contract/types';
import type { RunRecord } from '../../../src-core/views/heatmap';
import { adagradRun, summaryOf } from '../../helpers/configs';
import { optimizerDefaults } from '../../../src-core/optim';

const summary = (finalLoss: number, status: RunStatus = 'completed'): RunSummary => summaryOf(status, finalLoss);
/** Runs over lr × eps (and anything else given), each with its loss. */
const runs = (rows: { lr: number; eps: number; loss: number; status?: RunStatus; over?: Partial<RunConfig> }[]) =>
  rows.map(({ lr, eps, loss, status, over }, index): RunRecord => ({
    config: adagradRun({ lr, eps }, { id: `s:${index}`, index, ...over }),
    summary: summary(loss, status),
  }));
const grid = (loss: (lr: number, eps: number) => number) =>
  [1e-3, 1e-2, 1e-1, 1].flatMap((lr) => [1e-8, 1e-6, 1e-4].map((eps) => ({ lr, eps, loss: loss(lr, eps) })));

describe('importancePlan: what goes into the fit', () => {
  it('takes log10 of a log-scale setting and of the loss, and maps each setting onto [0, 1] by its extent', () => {
    const plan = importancePlan(runs(grid((lr) => lr)), [], 'finalLoss');
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.settings).toEqual([
      { name: 'lr', scale: 'log' },
      { name: 'eps', scale: 'log' },
    ]);
    // lr 1e-3 … 1: log10 −3 … 0, so 1e-2 sits at 1/3; eps 1e-8, 1e-6, 1e-4 at 0, 1/2, 1.
    expect([...plan.input.columns[0]].slice(0, 4)).toEqual([0, 0, 0, 1 / 3]);
    expect([...plan.input.columns[1]].slice(0, 3)).toEqual([0, 0.5, 1]);
    expect(plan.input.bounds).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect([...plan.input.y].slice(0, 4)).toEqual([-3, -3, -3, -2]);
  });

  it('gives a setting of tiny units its share all the same (sklearn would see eps in [1e-10, 2e-10] as one value)', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ lr: 0.1, eps: 1e-10 * (1 + i / 7), loss: 2 ** i }));
    const records = runs(rows).map((r, i) => ({ ...r, config: { ...r.config, seed: i % 2 } }));
    const outcome = parameterImportance(records, [], 'finalLoss');
    expect(outcome.ok && outcome.ranking.map((r) => r.name)).toEqual(['eps', 'seed']);
    expect(outcome.ok && outcome.ranking[0].importance).toBeGreaterThan(0.9);
  });

  it('leaves out failed runs and runs without a finite loss, and counts diverged runs it keeps', () => {
    const rows = grid((lr) => lr);
    rows[0] = { ...rows[0], loss: NaN, status: 'diverged' } as (typeof rows)[number];
    rows[1] = { ...rows[1], loss: Infinity } as (typeof rows)[number];
    rows[2] = { ...rows[2], status: 'failed' } as (typeof rows)[number];
    rows[3] = { ...rows[3], loss: 1e12, status: 'diverged' } as (typeof rows)[number];
    const plan = importancePlan(runs(rows), [], 'finalLoss');
    expect(plan.report).toMatchObject({ runs: 12, used: 9, leftOut: 3, usedDiverged: 1 });
    expect(plan.ok && plan.input.y.length).toBe(9);
  });

  it('clamps a loss of exactly 0 to the smallest positive loss and says how many', () => {
    const plan = importancePlan(runs(grid((lr) => (lr === 1 ? 0 : lr))), [], 'finalLoss');
    expect(plan.report).toMatchObject({ zerosClamped: 3, clampedTo: 1e-3, logTarget: true });
    expect(plan.ok && Math.max(...plan.input.y)).toBe(-1);
    expect(plan.ok && Math.min(...plan.input.y)).toBe(-3);
  });

  it('fits the loss itself when a loss is negative (no logarithm), and says so', () => {
    const plan = importancePlan(runs(grid((lr) => lr - 0.5)), [], 'finalLoss');
    expect(plan.report.logTarget).toBe(false);
    expect(plan.ok && plan.input.y[0]).toBe(1e-3 - 0.5);
  });

  it('one-hot encodes a categorical setting, one column per category present, bounds [0, 1]', () => {
    const placements = ['outside', 'inside', 'inside-guarded'] as const;
    const records = runs(grid((lr) => lr)).map((r, i) => ({
      ...r,
      config: { ...r.config, optimizer: { ...r.config.optimizer, epsPlacement: placements[i % 3] } } as RunConfig,
    }));
    const plan = importancePlan(records, [], 'finalLoss');
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    const placement = plan.settings.findIndex((s) => s.name === 'epsPlacement');
    expect(plan.settings[placement].scale).toBe('categorical');
    const columns = plan.input.groups[placement];
    expect(columns).toHaveLength(3);
    expect(columns.map((c) => plan.input.bounds[c])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);
    const rowSums = records.map((_, r) => columns.reduce((sum, c) => sum + plan.input.columns[c][r], 0));
    expect(rowSums).toEqual(records.map(() => 1));
  });

  it('does not assess a setting some used runs lack (SGD has no eps), nor one constant among the used runs', () => {
    const adagrad = runs(grid((lr) => lr));
    const sgd = [1e-3, 1e-2, 1e-1].map((lr, i): RunRecord => ({
      config: adagradRun({}, { id: `t:${i}`, optimizer: { ...optimizerDefaults.sgd, lr } }),
      summary: summary(lr),
    }));
    const mixed = importancePlan([...adagrad, ...sgd], [], 'finalLoss');
    expect(mixed.ok && mixed.settings.map((s) => s.name)).toEqual(['optimizer', 'lr']);
    expect(mixed.report.notAssessed).toEqual([{ name: 'eps', reason: 'absent from 3 of the used runs' }]);

    // The only run with seed 9 is left out: among the used runs, seed is 0 everywhere.
    const seeded = adagrad.map((r, i) => (i === 0 ? { config: { ...r.config, seed: 9 }, summary: summary(NaN) } : r));
    expect(importancePlan(seeded, [], 'finalLoss').report.notAssessed).toEqual([
      { name: 'seed', reason: 'one value in every used run' },
    ]);
  });

  it('needs 2 usable runs and 2 varied settings, and says which', () => {
    const one = importancePlan(
      runs([
        { lr: 1, eps: 1e-8, loss: 1 },
        { lr: 2, eps: 1e-9, loss: NaN },
      ]),
      [],
      'finalLoss',
    );
    expect(one).toMatchObject({
      ok: false,
      message: 'Importance needs at least 2 runs with a finite final loss; this sweep has 1.',
    });
    const lrOnly = importancePlan(runs([1, 2, 3].map((lr) => ({ lr, eps: 1e-8, loss: lr }))), [], 'bestLoss');
    expect(lrOnly).toMatchObject({
      ok: false,
      message: 'Importance compares at least 2 settings that vary among the used runs; this sweep has 1 (lr).',
    });
  });
});

describe('parameterImportance', () => {
  it('ranks the setting the loss depends on first, and the CSV lists the ranking', () => {
    const outcome = parameterImportance(runs(grid((lr, eps) => lr ** 2 * (1 + eps))), [], 'finalLoss');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.ranking.map((r) => r.name)).toEqual(['lr', 'eps']);
    expect(outcome.ranking[0].importance).toBeGreaterThan(0.95);
    expect(importanceCsv(outcome.ranking).join('')).toBe(
      `setting,importance\r\nlr,${outcome.ranking[0].importance}\r\neps,${outcome.ranking[1].importance}\r\n`,
    );
  });

  it('says so when the loss is the same in every run', () => {
    expect(parameterImportance(runs(grid(() => 0.5)), [], 'finalLoss')).toMatchObject({
      ok: false,
      message: 'The target is the same in every run: there is no variance to explain',
    });
  });

  it('gives the same bars for the same runs (the forest seed is fixed)', () => {
    const records = runs(grid((lr, eps) => lr + eps * 1e3));
    expect(parameterImportance(records, [], 'finalLoss')).toEqual(parameterImportance(records, [], 'finalLoss'));
  });
});

describe('parameterImportance on a real sweep (scripts/fanova-inputs.ts: 200 AdaGrad runs on elliptic-2d)', () => {
  const inputs = JSON.parse(readFileSync(new URL('../../fixtures/fanova-inputs.json', import.meta.url), 'utf8')) as {
    spec: SweepSpec;
    runs: RunRecord[];
  };
  const optuna = JSON.parse(readFileSync(new URL('../../fixtures/optuna-fanova.json', import.meta.url), 'utf8')) as {
    datasets: { name: string; settings: { name: string }[]; mean: number[]; std: number[] }[];
  };
  const reference = optuna.datasets.find((d) => d.name === 'elliptic-sweep')!;

  it("matches Optuna's importances within 4 of its seed-to-seed standard deviations (+0.001)", () => {
    const outcome = parameterImportance(inputs.runs, [inputs.spec], 'finalLoss');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    reference.settings.forEach(({ name }, i) => {
      const got = outcome.ranking.find((r) => r.name === name)!.importance;
      expect(Math.abs(got - reference.mean[i]), name).toBeLessThanOrEqual(4 * reference.std[i] + 0.001);
    });
  });
});
