import { describe, expect, it } from 'vitest';
import { BrushState, type BrushedSweep } from '../../../src-renderer/lib/state/brush.svelte';
import { RunsView } from '../../../src-renderer/lib/runs-table/runs-view.svelte';
import type { StoredRun } from '../../../src-renderer/lib/storage/records';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';

function stored(sweepId: string, index: number, lr: number): StoredRun {
  const { config, summary } = executeRun(adagradRun({ lr }, { id: `${sweepId}:${index}`, index, steps: 10 }));
  return { id: config.id, sweepId, index, createdAt: 1, config, summary, tags: [], starred: false, note: '' };
}

const lrs = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
const a = lrs.map((lr, i) => stored('a', i, lr));
const b = lrs.map((lr, i) => stored('b', i, lr));
const spec = { optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: lrs } } }] } as unknown as SweepSpec;

describe('the brush state', () => {
  let open: BrushedSweep | null = { id: 'a', spec, runs: a };
  const brush = new BrushState(() => open);
  const view = new RunsView(
    () => [...a, ...b],
    () => 'sweep',
    null,
    () =>
      brush.active
        ? { label: 'brushed', keeps: brush.keeps, clearLabel: 'Clear brush', clear: () => brush.clear() }
        : null,
  );

  it('picks the open sweep’s runs inside every brush, ends included; the runs table lists only those', () => {
    expect(brush.axes.map((axis) => [axis.name, axis.scale])).toEqual([
      ['lr', 'log'],
      ['final loss', 'log'],
      ['best loss', 'log'],
    ]);
    expect(view.shown).toHaveLength(12);
    brush.set('lr', { kind: 'range', min: 0.003, max: 0.03 });
    expect(brush.runs.map((r) => r.config.optimizer.lr)).toEqual([0.003, 0.01, 0.03]);
    expect(view.shown.map((r) => r.id)).toEqual(['a:1', 'a:2', 'a:3']);
    expect(b.some(brush.keeps)).toBe(false);
    expect(view.narrowing()?.label).toBe('brushed');
  });

  it('is cleared by the table’s button, and when the summary opens another sweep', () => {
    view.narrowing()!.clear();
    expect(brush.active).toBe(false);
    expect(view.shown).toHaveLength(12);
    brush.set('lr', { kind: 'range', min: 0.1, max: 1 });
    expect(brush.runs).toHaveLength(2);
    open = { id: 'b', spec, runs: b };
    brush.follow('b');
    expect(brush.active).toBe(false);
    expect(brush.runs).toBe(b);
    brush.set('lr', { kind: 'range', min: 0.1, max: 1 });
    // A summary whose sweep is gone (deleted) has no brush.
    open = null;
    expect(brush.active).toBe(false);
    expect(view.shown).toHaveLength(12);
  });
});
