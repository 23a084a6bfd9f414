/**
 * The size of a task an agent takes: at most what the lab itself sends (MAX_TASK_RUNS runs; MAX_TASK_TRACE_BYTES of
 * traces unless it is one run). A task written into Redis by someone else, valid in every field but holding a whole
 * 1,000,000-run sweep with its traces, had grown an agent to 3.7 GB before failing; the lab's own largest tasks, as
 * its batch sizers make them, must still pass.
 */
import { describe, expect, it } from 'vitest';
import { validateSweepSpec } from '../../../src-core/sweep/expand';
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import { checkTask, MAX_TASK_RUNS, MAX_TASK_TRACE_BYTES } from '../../../src-main/agents/task-checks';
import { BatchSizer } from '../../../src-main/batch-sizer';
import { batchSizeOf } from '../../../src-main/export/ordered-runs';
import { rangeConfigs, type RangeTask } from '../../../src-main/workers/range-task';
import { goodSpec } from '../../helpers/configs';

/** goodSpec (6 points of AdaGrad on x²) with `seeds` seeds and `steps` steps. */
function specOf(seeds: number, steps: number, points = 6): SweepSpec {
  const lrs = Array.from({ length: points / 2 }, (_, i) => 0.01 * (i + 1));
  const checked = validateSweepSpec({
    ...goodSpec,
    optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: lrs }, weightDecay: { values: [0, 0.01] } } }],
    seeds: Array.from({ length: seeds }, (_, i) => i),
    steps,
    maxRuns: 1_000_000,
  });
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
}

const task = (spec: SweepSpec, to: number, more: Partial<RangeTask> = {}): RangeTask => ({
  sweepId: 's',
  spec,
  from: 0,
  to,
  ...more,
});

describe('the size of a task an agent takes', () => {
  it('refuses a task of a whole 1,000,000-run sweep, naming its size and the limit', () => {
    const checked = checkTask(task(specOf(1_000, 1_000, 1_000), 1_000_000));
    expect(checked).toEqual({
      ok: false,
      message: 'Invalid task size: 1,000,000 runs (must be at most 65,536: the lab sends no larger task)',
    });
  });

  it('refuses runs whose traces would pass MAX_TASK_TRACE_BYTES, and takes one run of any trace size', () => {
    const spec = specOf(1_000, 100_000);
    const checked = checkTask(task(spec, 1_000, { everyStep: true }));
    expect(checked).toEqual({
      ok: false,
      message:
        'Invalid task size: 1,000 runs keeping up to 4,197 MiB of traces (must be at most 256 MiB, or one run: the lab sends no larger task)',
    });
    expect(checkTask(task(spec, 1, { everyStep: true })).ok).toBe(true);
    // The same runs without traces are the command line's summaries: taken.
    expect(checkTask(task(spec, 1_000, { everyStep: true, traces: false })).ok).toBe(true);
  });

  it('takes the largest tasks the lab itself makes', () => {
    // The command line's summaries: its largest batch, of the shortest runs.
    const short = specOf(1_000, 1, 1_000);
    const summaries = batchSizeOf(rangeConfigs(task(short, 1)).computed, 1_000_000, 1, false);
    expect(summaries).toBeLessThanOrEqual(MAX_TASK_RUNS);
    expect(checkTask(task(short, summaries, { traces: false, summaryRows: { sweepName: short.name } })).ok).toBe(true);
    // The command line's traces with --every-step, for each run length: its batches as ordered-runs.ts sizes them.
    for (const steps of [10, 1_000, 100_000]) {
      const spec = specOf(1_000, steps);
      const shapes = rangeConfigs(task(spec, 1, { everyStep: true })).computed;
      const size = batchSizeOf(shapes, 6_000, 1, true);
      expect(checkTask(task(spec, size, { everyStep: true })).ok, `${steps} steps`).toBe(true);
    }
    // The SweepService's: its batch sizer once a run is known to take no time, so only its caps hold.
    for (const steps of [10, 1_000, 100_000]) {
      const spec = specOf(1_000, steps);
      const sizer = new BatchSizer();
      sizer.observe(1_000, 0);
      const [config] = rangeConfigs(task(spec, 1)).computed;
      const size = sizer.next(6_000, config, 1);
      expect(checkTask(task(spec, size, { partBytes: 786_432 })).ok, `${steps} steps`).toBe(true);
    }
    expect(MAX_TASK_TRACE_BYTES).toBe(256 * 2 ** 20);
  });
});
