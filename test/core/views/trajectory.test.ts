import { describe, expect, it } from 'vitest';
import {
  clipPath,
  frameTrajectories,
  isPlanar,
  nearestStep,
  trajectoryPoints,
  viewBounds,
} from '../../../src-core/views/trajectory';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';

describe('trajectories over the plane', () => {
  it('follows θ of a w² + 10b² run step by step, framed with room around it', () => {
    const { trace } = executeRun(
      adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 5 }),
    );
    const path = trajectoryPoints(trace);
    expect(path.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(path[0]).toEqual({ x: 1, y: 1, step: 0 });
    expect(path[1]).toEqual({ x: trace.theta[2], y: trace.theta[3], step: 1 });
    const box = viewBounds([...path, { x: 0, y: 0 }]);
    expect(box.xMin).toBeLessThan(0);
    expect(box.xMax).toBeCloseTo(1.1);
    expect(
      viewBounds([
        { x: 3, y: 1 },
        { x: 3, y: 2 },
      ]),
    ).toEqual({ xMin: 2, xMax: 4, yMin: 0.9, yMax: 2.1 });
  });

  it('keeps the rows up to a divergence and leaves out any row whose θ is not finite', () => {
    const { trace, summary } = executeRun({
      ...adagradRun(),
      objective: { id: 'elliptic-2d' },
      start: [1, 1],
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
      steps: 2000,
      divergenceThreshold: 'off',
    });
    // b ← −39b, no threshold: the loss overflows first, at a finite θ, so the divergence row is on the path.
    expect([summary.status, summary.divergedIn]).toEqual(['diverged', 'loss']);
    expect(trajectoryPoints(trace).at(-1)!.step).toBe(summary.divergedAt);
    const rows = trace.steps.length;
    trace.theta[2 * (rows - 1) + 1] = Infinity;
    const path = trajectoryPoints(trace);
    expect(path).toHaveLength(rows - 1);
    expect(path.at(-1)!.step).toBe(trace.steps[rows - 2]);
  });

  it('frames the objective, not a run that diverges: its path leaves the view at the edge, heading where it went', () => {
    const start = [1, 1];
    const converging = trajectoryPoints(
      executeRun(adagradRun({ lr: 0.1 }, { objective: { id: 'elliptic-2d' }, start, steps: 200 })).trace,
    );
    const run = executeRun({
      ...adagradRun(),
      objective: { id: 'elliptic-2d' },
      start,
      optimizer: { ...optimizerDefaults.sgd, lr: 2 },
      steps: 2000,
      divergenceThreshold: 'off',
    });
    expect(run.summary.status).toBe('diverged');
    const diverging = trajectoryPoints(run.trace);
    expect(Math.max(...diverging.map((p) => Math.abs(p.y)))).toBeGreaterThan(1e100);
    // Without the framing the view spans what the diverging path reached.
    expect(viewBounds([...converging, ...diverging]).yMax).toBeGreaterThan(1e100);

    const { bounds, paths } = frameTrajectories([converging, diverging], { x: 0, y: 0 });
    // The region of the starts and the minimiser, 4 times its size on each side at most: not 1e153.
    for (const edge of Object.values(bounds)) expect(Math.abs(edge)).toBeLessThanOrEqual(1.1 * (1 + 4 * 1) + 1e-9);
    expect(bounds.xMin).toBeLessThan(0);
    expect(bounds.xMax).toBeGreaterThan(1);
    // The converging path is whole; the diverging one stops on the edge, once, with an arrow the way it went.
    expect(paths[0]).toEqual({ points: converging, exits: [] });
    const [framed] = [paths[1]];
    expect(framed.exits).toHaveLength(1);
    const [exit] = framed.exits;
    expect(framed.points.at(-1)).toEqual({ x: exit.x, y: exit.y, step: exit.step });
    const toEdge = Math.min(
      Math.abs(exit.y - bounds.yMax),
      Math.abs(exit.y - bounds.yMin),
      Math.abs(exit.x - bounds.xMax),
      Math.abs(exit.x - bounds.xMin),
    );
    expect(toEdge).toBeLessThan(1e-9);
    const outside = diverging.find((p) => p.step === exit.step)!;
    const before = diverging[diverging.indexOf(outside) - 1];
    expect(Math.abs(outside.y)).toBeGreaterThan(bounds.yMax);
    expect(Math.sign(exit.dy)).toBe(Math.sign(outside.y - before.y));
    expect(Math.hypot(exit.dx, exit.dy)).toBeCloseTo(1, 12);
    for (const p of framed.points)
      expect(p.x >= bounds.xMin && p.x <= bounds.xMax && p.y >= bounds.yMin && p.y <= bounds.yMax).toBe(true);
  });

  it('cuts a path that leaves the view and comes back into parts, with a gap between them', () => {
    const box = { xMin: 0, xMax: 10, yMin: 0, yMax: 10 };
    const path = [
      { x: 5, y: 5, step: 0 },
      { x: 15, y: 5, step: 1 },
      { x: 5, y: 6, step: 2 },
    ];
    const { points, exits } = clipPath(path, box);
    expect(exits).toEqual([{ x: 10, y: 5, dx: 1, dy: 0, step: 1 }]);
    expect(points[0]).toEqual(path[0]);
    expect(points[1]).toEqual({ x: 10, y: 5, step: 1 });
    expect(Number.isNaN(points[2].x)).toBe(true);
    expect(points[3]).toEqual({ x: 10, y: 5.5, step: 2 });
    expect(points[4]).toEqual(path[2]);
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
