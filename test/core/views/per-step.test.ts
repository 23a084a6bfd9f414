import { describe, expect, it } from 'vitest';
import {
  computePerStepTable,
  formatPerStep,
  perStepCsv,
  perStepHeader,
  perStepQuantities,
  perStepRows,
} from '../../../src-core/views/per-step';
import { metricSeries } from '../../../src-core/views/series';
import { csvHeader, csvRows } from '../../../src-core/export/csv';
import { everyStepConfig, traceColumns, traceRecords } from '../../../src-core/export/trace-table';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';
import { seedsPrintoutX2From4 } from '../../helpers/seeds';
import { expectClose } from '../../helpers/close';

describe('the per-step table', () => {
  it("reproduces the seeds' printout row for row, column for column", () => {
    const { table, totalSteps } = computePerStepTable(adagradRun());
    expect(totalSteps).toBe(10);
    const seeds = (value: number, quantity: Parameters<typeof formatPerStep>[1]) =>
      formatPerStep(value, quantity, 'seeds');
    const rows = Array.from(table.steps, (t, i) =>
      [
        String(t),
        seeds(table.theta[i], 'theta'),
        seeds(table.grad[i], 'grad'),
        seeds(table.accum[i], 'accum'),
        seeds(table.effectiveStep[i], 'effectiveStep'),
        seeds(table.update[i], 'update'),
      ].join(' | '),
    );
    expect(rows).toEqual(seedsPrintoutX2From4);
  });

  it("holds the seeds' doubles: x 3.00000000125, g 8, G 64, step 1/(8+1e-8), update 4 − x", () => {
    const { table } = computePerStepTable(adagradRun());
    expect([table.theta[0], table.grad[0], table.accum[0], table.effectiveStep[0], table.update[0]]).toEqual([
      3.00000000125,
      8,
      64,
      1 / (8 + 1e-8),
      4 - 3.00000000125,
    ]);
    // Step 3 against the seed loop's doubles (it groups lr/(√G+ε)·g differently: a few ulps apart at most).
    expectClose(table.theta[2], 1.9672689343004457, 1e-14);
    expectClose(table.accum[2], 123.040000062448, 1e-14);
    expectClose(table.effectiveStep[2], 0.09015230564267492, 1e-14);
    expectClose(table.update[2], 0.4327310673895544, 1e-13);
    expect(Array.from(table.loss.slice(0, 2))).toEqual([3.00000000125 ** 2, table.theta[1] ** 2]);
  });

  it('has a column group per parameter and no step size where the rule is not derivable', () => {
    const config = adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 4 });
    const { table } = computePerStepTable({ ...config, optimizer: { ...optimizerDefaults.rmsprop, centered: true } });
    expect(table.names).toEqual(['θ₀', 'θ₁']);
    expect(table.theta.length).toBe(8);
    expect(table.accum.length).toBe(8);
    expect(table.effectiveStep.length).toBe(0);
  });

  it('stops at the divergence step, whose row shows the non-finite values', () => {
    const { table } = computePerStepTable({
      ...adagradRun(),
      objective: { id: 'elliptic-2d' },
      start: [1, 1],
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
      steps: 2000,
      divergenceThreshold: 'off',
    });
    const last = table.steps.length - 1;
    expect(table.steps[last]).toBeLessThan(2000);
    expect(Number.isFinite(table.loss[last])).toBe(false);
    expect(table.loss.slice(0, last).every(Number.isFinite)).toBe(true);
    expect(Array.from(table.effectiveStep.slice(0, 2))).toEqual([2, 2]);
  });

  it('shows the first steps of a run too long for the budget: exactly the first rows of the whole run', () => {
    const config = adagradRun({ lr: 0.1 }, { start: [5], steps: 50 });
    const { table, totalSteps } = computePerStepTable(config, 21);
    expect(totalSteps).toBe(50);
    expect(table.steps.length).toBe(20);
    const whole = computePerStepTable(config).table;
    expect(Array.from(table.theta)).toEqual(Array.from(whole.theta.slice(0, 20)));
  });

  it('prints full precision as the shortest round-trip text, and non-finite values as they are', () => {
    expect(formatPerStep(1 / (8 + 1e-8), 'effectiveStep', 'full')).toBe('0.12499999984374999'); // as Python's repr prints it
    expect(Number(formatPerStep(0.1 + 0.2, 'theta', 'full'))).toBe(0.1 + 0.2);
    expect([NaN, Infinity, -Infinity].map((v) => formatPerStep(v, 'loss', 'seeds'))).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });

  it('refuses a trace that skipped steps', () => {
    const { trace } = executeRun(adagradRun({}, { steps: 100, traceMaxPoints: 10 }));
    expect(() => perStepRows(trace, optimizerDefaults.adagrad)).toThrow(/must keep every step/);
  });
});

describe('per-step column headers', () => {
  it('name the quantity for one parameter, its symbol and subscript for several, symbol and quantile for wide models', () => {
    const [theta, grad] = perStepQuantities;
    expect(perStepHeader(grad, { names: ['θ₀'], width: 1 }, 0)).toBe('gradient');
    expect([
      perStepHeader(theta, { names: ['θ₀', 'θ₁'], width: 2 }, 1),
      perStepHeader(grad, { names: ['θ₀', 'θ₁'], width: 2 }, 1),
    ]).toEqual(['θ₁', 'g₁']);
    expect(perStepHeader(grad, { names: ['min', 'median', 'max'], width: 3 }, 1)).toBe('g median');
  });
});

describe('one meaning per column: row t holds step t (docs/architecture.md, Glossary)', () => {
  // x² from 4, lr 1, eps 1e-8, weight decay 0.1. Row 1 by hand: coupled, g = 2·4 + 0.1·4 = 8.4, G = 8.4² = 70.56,
  // θ = 4 − 8.4/(√70.56 + 1e-8); decoupled, g = 2·4 = 8, G = 64, θ = 4 − (8/(8 + 1e-8) + 0.1·4).
  const coupled = computePerStepTable(adagradRun({ weightDecay: 0.1 })).table;
  const decoupled = computePerStepTable(adagradRun({ weightDecay: 0.1, decoupledWeightDecay: true })).table;
  const row = (table: typeof coupled, i: number) => [
    table.theta[i],
    table.grad[i],
    table.accum[i],
    table.update[i],
    table.loss[i],
  ];

  it('coupled weight decay: g is what entered G, 2θₜ₋₁ + wd·θₜ₋₁, and G_t = G_{t−1} + g_t² row by row', () => {
    expect(row(coupled, 0)).toEqual([3.000000001190476, 8.4, 70.56, 4 - 3.000000001190476, 3.000000001190476 ** 2]);
    expect(coupled.grad[1]).toBe(6.3000000025); // 2.1 × 3.000000001190476, to the last digit
    for (let t = 1; t < coupled.steps.length; t++) {
      const before = coupled.theta[t - 1];
      expect(coupled.grad[t]).toBe(2 * before + 0.1 * before);
      expect(coupled.accum[t]).toBe(coupled.accum[t - 1] + coupled.grad[t] ** 2);
      expect(coupled.update[t]).toBe(before - coupled.theta[t]);
    }
  });

  it('decoupled weight decay: g is the gradient alone, 2θₜ₋₁; the decay goes to θ, not to G', () => {
    expect(row(decoupled, 0)).toEqual([2.60000000125, 8, 64, 4 - 2.60000000125, 2.60000000125 ** 2]);
    for (let t = 1; t < decoupled.steps.length; t++) {
      const before = decoupled.theta[t - 1];
      expect(decoupled.grad[t]).toBe(2 * before);
      expect(decoupled.accum[t]).toBe(decoupled.accum[t - 1] + decoupled.grad[t] ** 2);
      expectClose(
        decoupled.update[t],
        decoupled.grad[t] / (Math.sqrt(decoupled.accum[t]) + 1e-8) + 0.1 * before,
        1e-15,
      );
    }
  });
});

describe('the per-step CSV agrees with the trace CSV and the charts', () => {
  const parse = (chunks: Iterable<string>) => {
    const [head, ...lines] = [...chunks]
      .join('')
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    return lines.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i]])));
  };

  it('writes the exact doubles the table holds, and the trace CSV has the same numbers in its rows of steps 1…', () => {
    const config = adagradRun({ weightDecay: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1.5, -0.7], steps: 6 });
    const { table } = computePerStepTable(config);
    const perStep = parse(perStepCsv(table));
    expect(Object.keys(perStep[0])).toEqual([
      'step',
      'theta_0',
      'theta_1',
      'g_0',
      'g_1',
      'G_0',
      'G_1',
      'effective_step_0',
      'effective_step_1',
      'update_0',
      'update_1',
      'loss',
      'G_grad_squares_0',
      'G_grad_squares_1',
      'G_cross_term_0',
      'G_cross_term_1',
      'G_decay_term_0',
      'G_decay_term_1',
    ]);
    expect(perStep.map((r) => Number(r.g_1))).toEqual(Array.from(table.grad.filter((_, i) => i % 2 === 1)));
    const traces = parse([
      csvHeader(traceColumns),
      ...csvRows(traceColumns, traceRecords([executeRun(everyStepConfig(config))])),
    ]);
    for (const row of traces.filter((r) => r.step !== '0')) {
      const mine = perStep[Number(row.step) - 1];
      const j = row.parameter;
      expect([row.theta, row.g, row.G, row.effective_step, row.update, row.loss]).toEqual([
        mine[`theta_${j}`],
        mine[`g_${j}`],
        mine[`G_${j}`],
        mine[`effective_step_${j}`],
        mine[`update_${j}`],
        mine.loss,
      ]);
    }
    // The charts' series: the gradient and the update start at step 1, with the table's values.
    const { trace } = executeRun(config);
    const [g0] = metricSeries(trace, 'grad', config.optimizer);
    const [u0] = metricSeries(trace, 'update', config.optimizer);
    expect(Array.from(g0.steps)).toEqual(Array.from(table.steps));
    expect(Array.from(g0.values)).toEqual(Array.from(table.grad.filter((_, i) => i % 2 === 0)));
    expect(Array.from(u0.values)).toEqual(Array.from(table.update.filter((_, i) => i % 2 === 0)));
  });
});
