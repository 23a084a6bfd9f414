import { describe, expect, it } from 'vitest';
import { isPlanar, nearestStep, trajectoryPoints, viewBounds } from '../../../src-core/views/trajectory';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';

describe('trajectories over the plane', () => {
  it('follows θ of a w² + 10b² run step by step, framed with room around it', () => {
    const { trace } = executeRun(adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 5 }));
    const path = trajectoryPoints(trace);
    expect(path.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(path[0]).toEqual({ x: 1, y: 1, step: 0 });
    expect(path[1]).toEqual({ x: trace.theta[2], y: trace.theta[3], step: 1 });
    const box = viewBounds([...path, { x: 0, y: 0 }]);
    expect(box.xMin).toBeLessThan(0);
    expect(box.xMax).toBeCloseTo(1.1);
    expect(viewBounds([{ x: 3, y: 1 }, { x: 3, y: 2 }])).toEqual({ xMin: 2, xMax: 4, yMin: 0.9, yMax: 2.1 });
  });

  it('keeps the rows up to a divergence and leaves out any row whose θ is not finite', () => {
    const { trace, summary } = executeRun({ ...adagradRun(), objective: { id: 'elliptic-2d' }, start: [1, 1], optimizer: { ...optimizerDefaults.sgd, lr: 2 }, steps: 2000 });
    // b ← −39b: the loss overflows first, at a finite θ, so the divergence row is on the path.
    expect([summary.status, summary.divergedIn]).toEqual(['diverged', 'loss']);
    expect(trajectoryPoints(trace).at(-1)!.step).toBe(summary.divergedAt);
    const rows = trace.steps.length;
    trace.theta[2 * (rows - 1) + 1] = Infinity;
    const path = trajectoryPoints(trace);
    expect(path).toHaveLength(rows - 1);
    expect(path.at(-1)!.step).toBe(trace.steps[rows - 2]);
  });

  it('is only for traces of two parameters', () => {
    const { trace } = executeRun(adagradRun());
    expect(isPlanar(trace)).toBe(false);
    expect(() => trajectoryPoints(trace)).toThrow(/needs 2 parameters/);
  });

  it('finds the point nearest a hovered step', () => {
    const path = [0, 1, 2, 10, 100].map((step) => ({ x: step, y: 0, step }));
    expect([0, 2, 5, 6, 60, 1000, -3].map((s) => nearestStep(path, s))).toEqual([0, 2, 2, 3, 4, 4, 0]);
    expect(nearestStep([], 3)).toBe(-1);
  });
});
