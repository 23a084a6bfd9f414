import { describe, expect, it } from 'vitest';
import { geometry, nearestRun } from '../../../src-renderer/lib/charts/parallel-canvas';

// Three axes at x = 76, 438, 800 (a 916-px box); three runs, their ys run-major.
const g = geometry(916, 400, 3);
const ys = Float32Array.from(
  [
    [100, 100, 100], // run 0: flat at y = 100
    [100, 300, 100], // run 1: down to 300 at the middle axis
    [300, 300, 300], // run 2: flat at y = 300
  ].flat(),
);

describe('the run pointed at on the parallel coordinates', () => {
  it('is the line passing nearest, its y interpolated between the two axes around the pointer', () => {
    const middle = (g.xs[0] + g.xs[1]) / 2;
    // Halfway to the middle axis run 1 is at y = 200: nearer than run 0 at 100 or run 2 at 300.
    expect(nearestRun(g, ys, 3, { x: middle, y: 198 }, null)).toBe(1);
    expect(nearestRun(g, ys, 3, { x: middle, y: 103 }, null)).toBe(0);
    expect(nearestRun(g, ys, 3, { x: (g.xs[1] + g.xs[2]) / 2, y: 297 }, null)).toBe(2);
    // Between the second and third axes, run 1 climbs back: a quarter of the way it is at 250.
    expect(nearestRun(g, ys, 3, { x: g.xs[1] + (g.xs[2] - g.xs[1]) / 4, y: 252 }, null)).toBe(1);
  });

  it('is none farther than 6 px from every line, and beyond the outer axes the nearest axis point counts', () => {
    expect(nearestRun(g, ys, 3, { x: (g.xs[0] + g.xs[1]) / 2, y: 150 }, null)).toBe(-1);
    expect(nearestRun(g, ys, 3, { x: 10, y: 296 }, null)).toBe(2);
    expect(nearestRun(g, ys, 3, { x: 10, y: 180 }, null)).toBe(-1);
    expect(nearestRun(g, ys, 3, { x: 900, y: 296 }, null)).toBe(2);
  });

  it('with brushes, is only a run inside them: the faint ones are not candidates', () => {
    expect(nearestRun(g, ys, 3, { x: g.xs[1], y: 300 }, Uint8Array.from([1, 0, 1]))).toBe(2);
    expect(nearestRun(g, ys, 3, { x: g.xs[0], y: 100 }, Uint8Array.from([0, 0, 1]))).toBe(-1);
  });
});
