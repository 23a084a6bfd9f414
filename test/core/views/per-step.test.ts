import { describe, expect, it } from 'vitest';
import { computePerStepTable, formatPerStep, perStepHeader, perStepQuantities, perStepRows } from '../../../src-core/views/per-step';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';
import { seedsPrintoutX2From4 } from '../../helpers/seeds';
import { expectClose } from '../../helpers/close';

describe('the per-step table', () => {
  it("reproduces the seeds' printout row for row, column for column", () => {
    const { table, totalSteps } = computePerStepTable(adagradRun());
    expect(totalSteps).toBe(10);
    const seeds = (value: number, quantity: Parameters<typeof formatPerStep>[1]) => formatPerStep(value, quantity, 'seeds');
    const rows = Array.from(table.steps, (t, i) =>
      [String(t), seeds(table.theta[i], 'theta'), seeds(table.grad[i], 'grad'), seeds(table.accum[i], 'accum'), seeds(table.effectiveStep[i], 'effectiveStep'), seeds(table.update[i], 'update')].join(' | '),
    );
    expect(rows).toEqual(seedsPrintoutX2From4);
  });

  it("holds the seeds' doubles: x 3.00000000125, g 8, G 64, step 1/(8+1e-8), update 4 − x", () => {
    const { table } = computePerStepTable(adagradRun());
    expect([table.theta[0], table.grad[0], table.accum[0], table.effectiveStep[0], table.update[0]]).toEqual([3.00000000125, 8, 64, 1 / (8 + 1e-8), 4 - 3.00000000125]);
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
    const { table } = computePerStepTable({ ...adagradRun(), objective: { id: 'elliptic-2d' }, start: [1, 1], optimizer: { ...optimizerDefaults.sgd, lr: 2 }, steps: 2000 });
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
    expect([NaN, Infinity, -Infinity].map((v) => formatPerStep(v, 'loss', 'seeds'))).toEqual(['NaN', 'Infinity', '-Infinity']);
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
    expect([perStepHeader(theta, { names: ['θ₀', 'θ₁'], width: 2 }, 1), perStepHeader(grad, { names: ['θ₀', 'θ₁'], width: 2 }, 1)]).toEqual(['θ₁', 'g₁']);
    expect(perStepHeader(grad, { names: ['min', 'median', 'max'], width: 3 }, 1)).toBe('g median');
  });
});
