/**
 * A range task (src-main/workers/range-task.ts) computes in the worker what the main thread used to: the configs of
 * its indexes, their results, and the summary CSV rows, the same bytes as rows written from the decoded results.
 */
import { describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../src-core/contract/sweep-spec';
import { csvRows } from '../../src-core/export/csv';
import { summaryColumns } from '../../src-core/export/summary-table';
import { everyStepConfig } from '../../src-core/export/trace-table';
import { executeBatch } from '../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import { countStatuses, decodeResults, decodeSummaries, encodeResults } from '../../src-core/run/result-batch';
import { rangeConfigs, runRangeTask } from '../../src-main/workers/range-task';

const valid = (input: unknown): SweepSpec => {
  const result = validateSweepSpec(input);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

const grid = valid({
  name: 'range, "quoted"',
  objectives: [{ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 2 }],
  // lr up to 1e3 on rosenbrock: some runs diverge.
  optimizers: [
    { kind: 'adagrad', axes: { lr: { log: { from: 1e-3, to: 1e3, count: 7 } }, weightDecay: { values: [0, 0.1] } } },
    { kind: 'sgd', axes: { lr: { values: [0.01, 2] } } },
  ],
  steps: 30,
  seeds: [0, 1],
});
const random = valid({
  name: 'random',
  objectives: [{ id: 'elliptic-2d' }],
  optimizers: [{ kind: 'adagrad', axes: { lr: { logUniform: { from: 1e-4, to: 10 } } } }],
  search: { mode: 'random', samples: 25, seed: 3 },
  steps: 20,
  seeds: [5, 6],
});

describe('runRangeTask', () => {
  for (const [name, spec] of [
    ['grid', grid],
    ['random', random],
  ] as const)
    it(`gives the ${name} sweep's results, range by range, and its summary rows byte for byte`, () => {
      const all = expandSweep('s', spec);
      const expected = encodeResults(executeBatch(all, false), { traces: false });
      const rowsOf = (summaries: ReturnType<typeof decodeSummaries>, offset: number) =>
        csvRows(
          summaryColumns,
          summaries.map((summary, i) => ({ config: all[offset + i], summary, sweepName: spec.name })),
        );
      const expectedCsv = [...rowsOf(decodeSummaries(expected), 0)].join('');
      expect(countStatuses(expected).diverged + countStatuses(expected).failed).toBeGreaterThanOrEqual(
        name === 'grid' ? 1 : 0,
      );
      let csv = '';
      const summaries: number[] = [];
      for (const [from, to] of [
        [0, 1],
        [1, 17],
        [17, all.length - 3],
        [all.length - 3, all.length],
      ]) {
        const task = { sweepId: 's', spec, from, to, traces: false, summaryRows: { sweepName: spec.name } };
        expect(rangeConfigs(task).configs).toEqual(all.slice(from, to));
        const got = runRangeTask(task);
        expect(got.parts).toHaveLength(1);
        expect(got.parts[0]).toMatchObject({ from, to });
        expect(countStatuses(got.parts[0]).runs).toBe(to - from);
        summaries.push(...got.parts[0].summaries);
        csv += got.summaryCsv!.join('');
      }
      expect(summaries).toEqual([...expected.summaries]);
      expect(csv).toBe(expectedCsv);
    });

  it('computes every step when asked, with traces, and writes no rows unless asked', () => {
    const task = { sweepId: 's', spec: grid, from: 3, to: 9, everyStep: true };
    const { configs, computed } = rangeConfigs(task);
    expect(computed).toEqual(configs.map(everyStepConfig));
    const got = runRangeTask(task);
    expect(got.summaryCsv).toBeUndefined();
    const results = decodeResults(got.parts[0], computed);
    const direct = executeBatch(computed);
    expect(results.map((r) => [r.config.id, r.summary, r.trace.steps.length])).toEqual(
      direct.map((r) => [r.config.id, r.summary, r.trace.steps.length]),
    );
    expect(results[0].trace.steps.length).toBe(31);
  });

  it('cuts its results into parts of bounded bytes when asked, the same runs in order', () => {
    const task = { sweepId: 's', spec: grid, from: 2, to: 12 };
    const whole = runRangeTask(task).parts;
    const parts = runRangeTask({ ...task, partBytes: whole[0].traces.byteLength / 3 }).parts;
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.map((p) => [p.from, p.to]).flat()).toEqual([
      2,
      ...parts.slice(1).flatMap((p) => [p.from, p.from]),
      12,
    ]);
    const { computed } = rangeConfigs(task);
    const decoded = parts.flatMap((p) => decodeResults(p, computed.slice(p.from - 2, p.to - 2)));
    expect(decoded).toEqual(decodeResults(whole[0], computed));
  });
});
