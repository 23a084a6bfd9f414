import { describe, expect, it } from 'vitest';
import { takeGroup, type InboxEvent } from '../../../src-renderer/lib/state/event-groups';
import type { RunResult, SweepSpec } from '../../../src-core/contract/types';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';

const result = (i: number): RunResult => executeRun(adagradRun({}, { id: `s:${i}`, index: i, steps: 2 }));
const results = (from: number, to: number): InboxEvent => ({
  type: 'results',
  sweepId: 's',
  results: Array.from({ length: to - from }, (_, k) => result(from + k)),
});
const progress = (done: number): InboxEvent => ({
  type: 'progress',
  sweepId: 's',
  progress: { done, total: 9, converged: 0, diverged: 0, failed: 0, runsPerSecond: 1, etaSeconds: 1 },
});
const started: InboxEvent = {
  type: 'sweep-started',
  sweepId: 's',
  spec: { name: 'n' } as SweepSpec,
  runCount: 9,
  createdAt: 4,
  status: 'queued',
};
const ids = (group: ReturnType<typeof takeGroup>) => group.results.map((r) => r.config.id);

describe('group commit', () => {
  it('takes every queued event of one write: the start, its moves, the results, the latest progress and the end', () => {
    const queue: InboxEvent[] = [
      started,
      { type: 'sweep-status', sweepId: 's', status: 'running' },
      results(0, 2),
      progress(2),
      results(2, 3),
      progress(3),
      { type: 'sweep-finished', sweepId: 's', status: 'completed' },
    ];
    const group = takeGroup(queue, 100);
    expect(queue).toEqual([]);
    expect(group.started).toEqual([
      { id: 's', name: 'n', spec: { name: 'n' }, runCount: 9, createdAt: 4, status: 'queued' },
    ]);
    expect(ids(group)).toEqual(['s:0', 's:1', 's:2']);
    expect(group.progress.get('s')?.done).toBe(3);
    expect(group.statuses).toEqual([
      { sweepId: 's', status: 'running' },
      { sweepId: 's', status: 'completed' },
    ]);
  });

  it('stops at the results limit, splitting a large event, and leaves the rest in order for the next write', () => {
    const queue: InboxEvent[] = [results(0, 3), results(3, 9), progress(9)];
    expect(ids(takeGroup(queue, 4))).toEqual(['s:0', 's:1', 's:2', 's:3']);
    expect(ids(takeGroup(queue, 4))).toEqual(['s:4', 's:5', 's:6', 's:7']);
    const last = takeGroup(queue, 4);
    expect(ids(last)).toEqual(['s:8']);
    expect(last.progress.get('s')?.done).toBe(9);
    expect(queue).toEqual([]);
  });
});
