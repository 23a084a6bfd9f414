/**
 * What a sweep spec's optimizer entries hold, read without expanding them: their axes in the expansion's order, the
 * size of each, the hyperparameters an entry's runs share, the number of runs, and a grid point's place on its axes.
 * The expansion (expand.ts), the checks across fields (checks.ts) and the window's grid samples
 * (src-renderer/lib/state/grid-samples.ts) read a spec through these.
 */
import type { Axis, OptimizerAxis, SweepSpec } from '../contract/sweep-spec';
import { optimizerDefaults } from '../optim';

/** A discrete axis's number of points without listing them; Infinity for a continuous one. */
export const axisSize = (axis: Axis): number =>
  'values' in axis
    ? axis.values.length
    : 'linear' in axis
      ? axis.linear.count
      : 'log' in axis
        ? axis.log.count
        : Infinity;

/** An entry's axes in key-sorted order, the order the expansion steps them in (the first key slowest). */
export const axesOf = (entry: OptimizerAxis): [string, Axis][] =>
  (Object.entries(entry.axes) as [string, Axis | undefined][])
    .filter((pair): pair is [string, Axis] => pair[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The number of runs a spec expands to, computed without expanding it, so that a grid of 10⁹ runs is refused at once.
 * Grid: Σ over `optimizers` of the product of its axis sizes, × objectives × seeds. Random: samples × optimizers ×
 * objectives × seeds.
 */
export function countRuns(spec: SweepSpec): number {
  const perObjectiveAndSeed =
    spec.search.mode === 'random'
      ? spec.search.samples * spec.optimizers.length
      : spec.optimizers.reduce(
          (sum, entry) => sum + axesOf(entry).reduce((product, [, axis]) => product * axisSize(axis), 1),
          0,
        );
  return perObjectiveAndSeed * spec.objectives.length * spec.seeds.length;
}

/** The hyperparameters an entry's runs all share: the kind's defaults under `fixed`. */
export const baseOf = (entry: OptimizerAxis): Record<string, unknown> => ({
  ...optimizerDefaults[entry.kind],
  ...entry.fixed,
});

/**
 * Point `p` of a grid entry as its axes' indexes, in mixed radix over their `sizes` (the last axis fastest, as the
 * expansion steps them). Computed afresh for every point rather than stepped like an odometer: an odometer's carry
 * runs only when an axis wraps, and V8, having optimized the expansion before the first wrap, deoptimized it there
 * in every worker ("insufficient type feedback").
 */
export function gridPicks(sizes: readonly number[], p: number): number[] {
  const picks = new Array<number>(sizes.length);
  for (let a = sizes.length - 1, rest = p; a >= 0; a--) {
    picks[a] = rest % sizes[a];
    rest = Math.floor(rest / sizes[a]);
  }
  return picks;
}
