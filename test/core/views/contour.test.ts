import { describe, expect, it } from 'vitest';
import { NO_BAND, bandEdges, levelBands, quantileLevels, sampleObjective } from '../../../src-core/views/contour';
import { createObjective } from '../../../src-core/objectives';

describe('contour plot of a two-parameter objective', () => {
  const elliptic = createObjective({ id: 'elliptic-2d' });
  const bounds = { xMin: -2, xMax: 2, yMin: -1, yMax: 1 };

  it('samples f at cell centres, row 0 at the lowest θ₁', () => {
    const grid = sampleObjective(elliptic, bounds, 4, 2);
    // Centres: θ₀ ∈ {−1.5, −0.5, 0.5, 1.5}, θ₁ ∈ {−0.5, 0.5}.
    expect(Array.from(grid.values.slice(0, 4))).toEqual([-1.5, -0.5, 0.5, 1.5].map((w) => w * w + 10 * 0.25));
    expect(() => sampleObjective(createObjective({ id: 'quadratic-1d' }), bounds, 4, 4)).toThrow(/needs 2/);
  });

  it('chooses levels that split the grid into bands of about equal area', () => {
    const grid = sampleObjective(elliptic, bounds, 200, 100);
    const levels = quantileLevels(grid.values, 9);
    expect(levels).toHaveLength(9);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    const bands = levelBands(grid.values, levels);
    const counts = new Array(10).fill(0);
    bands.forEach((b) => counts[b]++);
    for (const count of counts)
      expect(Math.abs(count - grid.values.length / 10)).toBeLessThan(grid.values.length * 0.01);
  });

  it('puts each value in the band of the levels at or below it, and non-finite values in none', () => {
    expect(Array.from(levelBands([0, 1, 1.5, 2, 5, NaN, Infinity], [1, 2]))).toEqual([0, 1, 1, 2, 2, NO_BAND, NO_BAND]);
    expect(quantileLevels([3, 3, 3, 3], 5)).toEqual([]);
  });

  it('marks the cells where the band changes: the iso-lines', () => {
    // Bands of a 3 × 2 grid: [0 0 1] over [0 0 1]: the middle column borders the right one.
    expect(Array.from(bandEdges(Uint8Array.of(0, 0, 1, 0, 0, 1), 3, 2))).toEqual([0, 1, 0, 0, 1, 0]);
    expect(Array.from(bandEdges(Uint8Array.of(0, 0, 1, 1), 2, 2))).toEqual([1, 1, 0, 0]);
  });
});
