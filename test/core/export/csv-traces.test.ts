/** The long-format trace table: one row per kept step and parameter, every number the run's own double. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvHeader, csvRows } from '../../../src-core/export/csv';
import { everyStepConfig, traceColumns, traceRecords } from '../../../src-core/export/trace-table';
import { optimizerDefaults } from '../../../src-core/optim';
import { executeRun, failedRun } from '../../../src-core/run/execute';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import type { RunResult } from '../../../src-core/contract/types';
import { adagradRun } from '../../helpers/configs';
import { expectClose } from '../../helpers/close';
import { rowsDiffer, x2ByHand, type HandRow } from '../../helpers/x2-by-hand';

/** The CSV text of these runs' traces, parsed back by an independent RFC 4180 parser. */
function writtenRows(results: RunResult[]): Record<string, string>[] {
  const text = csvHeader(traceColumns) + [...csvRows(traceColumns, traceRecords(results))].join('');
  return parse(text, { columns: true });
}

/** A cell as a number; an empty cell as null. */
const value = (cell: string): number | null => (cell === '' ? null : Number(cell));

/**
 * The effective step of trace row `t` from its G, PyTorch's rules written out here (not the engine's effective-step.ts):
 * AdaGrad (lr/(1+(t−1)·lr_decay))/(√G+eps) or /√(G+eps); Adam (lr/(1−β₁ᵗ))/(√G/√(1−β₂ᵗ)+eps), G = v; SGD lr.
 */
function effectiveStepByRule(o: OptimizerConfig, t: number, G: number): number | null {
  if (t === 0) return null;
  switch (o.kind) {
    case 'adagrad':
      return (
        o.lr / (1 + (t - 1) * o.lrDecay) / (o.epsPlacement === 'inside' ? Math.sqrt(G + o.eps) : Math.sqrt(G) + o.eps)
      );
    case 'adam':
      return o.lr / (1 - o.beta1 ** t) / (Math.sqrt(G) / Math.sqrt(1 - o.beta2 ** t) + o.eps);
    case 'rmsprop':
      return o.lr / (Math.sqrt(G) + o.eps);
    case 'sgd':
      return o.lr;
  }
}

describe('the trace table', () => {
  it("holds the seeds' x² from 4 with lr 1: θ 4, 3, 2.4, 1.9672689…, g = 2θ, G and lr/(√G+eps)", () => {
    const result = executeRun(adagradRun({}, { steps: 3 }));
    const rows = writtenRows([result]);
    expect(Object.keys(rows[0])).toEqual([
      'run_id',
      'step',
      'parameter',
      'theta',
      'g',
      'G',
      'effective_step',
      'update',
      'loss',
    ]);
    expect(rows.map((r) => r.step)).toEqual(['0', '1', '2', '3']);
    expect(rows.map((r) => r.theta)).toEqual(['4', '3.00000000125', '2.40000000169', '1.9672689343004457']);
    expect(rows.map((r) => r.G)).toEqual(['0', '64', '100.00000003', '123.040000062448']);
    // Step 0 took no step; step k's size is lr/(√G_k+eps), G_k including the gradient that step used.
    expect(rows.map((r) => r.effective_step)).toEqual([
      '',
      '0.12499999984374999',
      '0.099999999885',
      '0.09015230564267492',
    ]);
    // Row t: the gradient step t used, 2θₜ₋₁ (what entered G), and what it subtracted, θₜ₋₁ − θₜ; none in row 0.
    expect(rows.map((r) => r.g)).toEqual(['', '8', '6.0000000025', '4.80000000338']);
    expect(rows.map((r) => r.update)).toEqual([
      '',
      String(4 - 3.00000000125),
      String(3.00000000125 - 2.40000000169),
      String(2.40000000169 - 1.9672689343004457),
    ]);
    for (const row of rows) expect(Number(row.loss)).toBe(Number(row.theta) ** 2);
    rows.slice(1).forEach((row, t) => expect(Number(row.g)).toBe(2 * Number(rows[t].theta)));
  });

  it("writes exactly the run's doubles, one row per kept step and parameter, for every run in order", () => {
    const results = [
      executeRun(
        adagradRun(
          { lr: 0.3, epsPlacement: 'inside' },
          { objective: { id: 'elliptic-2d' }, start: [1.5, -0.7], steps: 40 },
        ),
      ),
      executeRun({
        ...adagradRun(
          {},
          { id: 's:000001', objective: { id: 'rosenbrock', dim: 3 }, start: null, steps: 500, traceMaxPoints: 50 },
        ),
        optimizer: { ...optimizerDefaults.adam, lr: 0.01 },
      }),
    ];
    const rows = writtenRows(results);
    let at = 0;
    for (const { config, trace } of results) {
      expect(trace.steps.length).toBeLessThanOrEqual(config.traceMaxPoints);
      for (let k = 0; k < trace.steps.length; k++) {
        for (let j = 0; j < trace.width; j++) {
          const row = rows[at++];
          const i = k * trace.width + j;
          expect(row.run_id).toBe(config.id);
          expect(Number(row.step)).toBe(trace.steps[k]);
          expect(Number(row.parameter)).toBe(j);
          expect(Object.is(Number(row.theta), trace.theta[i])).toBe(true);
          expect(value(row.g)).toBe(trace.steps[k] === 0 ? null : trace.grad[i]);
          expect(value(row.update)).toBe(trace.steps[k] === 0 ? null : 0 - trace.update[i]);
          expect(Object.is(Number(row.G), trace.accum[i])).toBe(true);
          const expected = effectiveStepByRule(config.optimizer, trace.steps[k], trace.accum[i]);
          if (expected === null) expect(row.effective_step).toBe('');
          else expectClose(value(row.effective_step)!, expected, 1e-14);
          expect(Object.is(Number(row.loss), trace.loss[k])).toBe(true);
        }
      }
    }
    expect(at).toBe(rows.length);
  });

  it.each([
    [
      'AdaGrad, eps 1 inside the root, lr decay 0.5',
      {
        kind: 'adagrad',
        lr: 1,
        eps: 1,
        inside: true,
        lrDecay: 0.5,
        weightDecay: 0,
        decoupled: false,
        initialAccumulator: 0,
      },
    ],
    [
      'AdaGrad, eps 0.01 outside, G₀ 0.1',
      {
        kind: 'adagrad',
        lr: 0.5,
        eps: 0.01,
        inside: false,
        lrDecay: 0,
        weightDecay: 0,
        decoupled: false,
        initialAccumulator: 0.1,
      },
    ],
    [
      'AdaGrad, decoupled weight decay 0.1',
      {
        kind: 'adagrad',
        lr: 0.5,
        eps: 0.01,
        inside: false,
        lrDecay: 0,
        weightDecay: 0.1,
        decoupled: true,
        initialAccumulator: 0,
      },
    ],
    ['RMSProp', { kind: 'rmsprop', lr: 0.05, alpha: 0.9, eps: 0.1 }],
    ['Adam, bias-corrected', { kind: 'adam', lr: 0.1, beta1: 0.8, beta2: 0.9, eps: 0.5 }],
  ] as const)("writes every column of x² from 4 as PyTorch's rule computed by hand gives it (%s)", (_name, hand) => {
    const optimizer: OptimizerConfig =
      hand.kind === 'adagrad'
        ? {
            kind: 'adagrad',
            lr: hand.lr,
            eps: hand.eps,
            epsPlacement: hand.inside ? 'inside' : 'outside',
            lrDecay: hand.lrDecay,
            weightDecay: hand.weightDecay,
            decoupledWeightDecay: hand.decoupled,
            initialAccumulator: hand.initialAccumulator,
          }
        : hand.kind === 'rmsprop'
          ? { ...optimizerDefaults.rmsprop, lr: hand.lr, alpha: hand.alpha, eps: hand.eps }
          : { ...optimizerDefaults.adam, lr: hand.lr, beta1: hand.beta1, beta2: hand.beta2, eps: hand.eps };
    const rows = writtenRows([executeRun({ ...adagradRun({}, { steps: 6 }), optimizer })]);
    const written: HandRow[] = rows.map((r) => ({
      step: Number(r.step),
      theta: Number(r.theta),
      g: value(r.g) ?? NaN,
      update: value(r.update) ?? NaN,
      G: Number(r.G),
      effectiveStep: value(r.effective_step),
      loss: Number(r.loss),
    }));
    expect(rowsDiffer(written, x2ByHand(hand, 4, 6), 1e-13)).toBeNull();
  });

  it('writes min, median and max as the parameter above 16 parameters, and leaves G empty without an accumulator', () => {
    const result = executeRun({
      ...adagradRun({}, { objective: { id: 'rastrigin', dim: 40 }, start: null, steps: 5 }),
      optimizer: { ...optimizerDefaults.sgd, lr: 0.001 },
    });
    expect(result.trace.layout).toBe('quantiles');
    const rows = writtenRows([result]);
    expect(rows).toHaveLength(6 * 3);
    expect(rows.slice(0, 3).map((r) => r.parameter)).toEqual(['min', 'median', 'max']);
    rows.forEach((row, i) => {
      expect(Object.is(Number(row.theta), result.trace.theta[i])).toBe(true);
      expect(row.G).toBe('');
      expect(row.effective_step).toBe(row.step === '0' ? '' : '0.001');
    });
  });

  it('writes a diverged run up to the step it diverged at, its non-finite values as NaN and Infinity', () => {
    const result = executeRun(
      adagradRun({ lr: 1e308 }, { objective: { id: 'rosenbrock', dim: 2 }, start: null, steps: 50 }),
    );
    const rows = writtenRows([result]);
    const last = rows.at(-1)!;
    expect(Number(last.step)).toBe(result.summary.divergedAt);
    expect(Object.is(Number(last.loss), result.trace.loss.at(-1))).toBe(true);
    expect(rows.some((r) => ['NaN', 'Infinity', '-Infinity'].includes(r.loss))).toBe(true);
  });

  it('has no rows for a failed run', () => {
    expect(writtenRows([failedRun(adagradRun(), new Error('worker died'))])).toEqual([]);
  });
});

describe('everyStepConfig', () => {
  it('keeps every step of a run longer than its trace, with the numbers of the run as it was', () => {
    const config = adagradRun({ lr: 0.1 }, { steps: 3000, traceMaxPoints: 100 });
    const kept = executeRun(config).trace;
    const full = executeRun(everyStepConfig(config)).trace;
    expect(kept.steps.length).toBeLessThanOrEqual(100);
    expect(Array.from(full.steps)).toEqual(Array.from({ length: 3001 }, (_, k) => k));
    kept.steps.forEach((step, k) => {
      expect(full.theta[step]).toBe(kept.theta[k]);
      expect(full.accum[step]).toBe(kept.accum[k]);
      expect(full.loss[step]).toBe(kept.loss[k]);
    });
  });

  it('stops at the longest trace a run may keep, and never shrinks one', () => {
    expect(everyStepConfig(adagradRun({}, { steps: 1_000_000 })).traceMaxPoints).toBe(100_000);
    expect(everyStepConfig(adagradRun({}, { steps: 1, traceMaxPoints: 3 })).traceMaxPoints).toBe(3);
    expect(everyStepConfig(adagradRun({}, { steps: 10, traceMaxPoints: 1000 })).traceMaxPoints).toBe(1000);
  });
});
