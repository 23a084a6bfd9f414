/**
 * A filled contour plot of a two-parameter objective: f sampled on a grid, levels that split the grid into bands of
 * about equal area (so a narrow valley and a wide bowl both show structure), each cell's band, and the cells where the
 * band changes (the iso-lines). The renderer paints bands and edges pixel by pixel; everything here is plain arrays.
 */
import type { Objective } from '../objectives';

export interface Bounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export interface Grid {
  nx: number;
  ny: number;
  /** f at the centre of each cell, row-major; row 0 is the lowest y, column 0 the lowest x. */
  values: Float64Array;
}

/** The cell centres of a grid along one axis. */
const centre = (min: number, max: number, cells: number, i: number): number => min + ((i + 0.5) / cells) * (max - min);

/** Samples f(θ₀, θ₁) of a two-parameter objective on nx × ny cells over `bounds`. */
export function sampleObjective(objective: Objective, bounds: Bounds, nx: number, ny: number): Grid {
  if (objective.dim !== 2)
    throw new RangeError(
      `sampleObjective: ${objective.config.id} has ${objective.dim} parameters (a contour plot needs 2)`,
    );
  if (!(Number.isInteger(nx) && nx >= 1 && Number.isInteger(ny) && ny >= 1))
    throw new RangeError(`sampleObjective: grid ${nx} × ${ny}`);
  const theta = new Float64Array(2);
  const grad = new Float64Array(2);
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    theta[1] = centre(bounds.yMin, bounds.yMax, ny, j);
    for (let i = 0; i < nx; i++) {
      theta[0] = centre(bounds.xMin, bounds.xMax, nx, i);
      values[j * nx + i] = objective.evaluate(theta, grad);
    }
  }
  return { nx, ny, values };
}

/**
 * Up to `count` ascending, distinct levels at the (k / (count + 1))-quantiles of the finite values: each band then
 * covers about the same share of the grid. Fewer when the values take fewer distinct values.
 */
export function quantileLevels(values: ArrayLike<number>, count: number): number[] {
  const kept: number[] = [];
  for (let c = 0; c < values.length; c++) if (Number.isFinite(values[c])) kept.push(values[c]);
  const finite = Float64Array.from(kept).sort();
  const levels: number[] = [];
  if (finite.length === 0) return levels;
  for (let k = 1; k <= count; k++) {
    const level = finite[Math.min(finite.length - 1, Math.floor((k / (count + 1)) * finite.length))];
    if (level > finite[0] && (levels.length === 0 || level > levels[levels.length - 1])) levels.push(level);
  }
  return levels;
}

/** A cell whose value is not finite is in no band. */
export const NO_BAND = 255;

/** Each cell's band: how many levels are ≤ its value (0 … levels.length); NO_BAND for non-finite values. */
export function levelBands(values: ArrayLike<number>, levels: readonly number[]): Uint8Array {
  if (levels.length >= NO_BAND) throw new RangeError(`levelBands: ${levels.length} levels (at most ${NO_BAND - 1})`);
  const bands = new Uint8Array(values.length);
  for (let c = 0; c < values.length; c++) {
    const v = values[c];
    if (!Number.isFinite(v)) {
      bands[c] = NO_BAND;
      continue;
    }
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (levels[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    bands[c] = lo;
  }
  return bands;
}

/** 1 for each cell whose band differs from its right or upper neighbour's: the iso-lines, one cell wide. */
export function bandEdges(bands: Uint8Array, nx: number, ny: number): Uint8Array {
  const edges = new Uint8Array(bands.length);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const c = j * nx + i;
      if ((i + 1 < nx && bands[c + 1] !== bands[c]) || (j + 1 < ny && bands[c + nx] !== bands[c])) edges[c] = 1;
    }
  }
  return edges;
}
