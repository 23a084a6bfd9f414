/**
 * The setting samples (RunList.settingSamples) of a whole grid sweep whose configs are all its spec's, found from the
 * spec without building every run's config: what lets start-up leave configs unbuilt (./run-list.svelte.ts).
 *
 * A grid run's config is its objective's, its optimizer entry's fixed settings, one point of each of the entry's axes
 * and one seed, at the index src-core/sweep/expand.ts's gridLayout gives. Each axis sets one setting, so a setting
 * differs among the sweep's runs exactly when it differs among: the first run of each objective and entry, and for each
 * axis (and the seeds) one run that moves that coordinate alone to a point whose value differs, if any does.
 */
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import { gridLayout } from '../../../src-core/sweep/expand';
import { specConfigs } from '../storage/page-codec';

/** How many points of an axis are tried for one whose value differs from its first; past that, every config is built. */
const PROBES = 8;

/**
 * The indexes of the samples of sweep `sweepId`'s listed runs (`listed`), each of which has its grid spec's config: the
 * samples of the whole grid, when every one of them is listed. Then they are exact for the runs listed, however few:
 * those differ in no setting the whole grid does not, and the samples, listed themselves, show each one that it does.
 * So a sweep still coming in, or with runs deleted, is sampled without building its configs. Null when the spec is not
 * a grid (a random search), when a sample is not listed, or when no differing point was found among the first PROBES
 * of an axis that has more: the caller then builds the configs and samples them.
 */
export function gridSamples(sweepId: string, spec: SweepSpec, listed: (index: number) => boolean): number[] | null {
  if (spec.search.mode !== 'grid') return null;
  const { seeds, perObjective, entries } = gridLayout(spec);
  const configAt = (index: number) => specConfigs(sweepId, spec, index, index).get(index);
  const found = new Set<number>();
  /** Of the runs base + j·stride (j = 1 … size − 1), the first whose `value` differs from base's; -1: none; null: unknown. */
  const differing = (base: number, stride: number, size: number, value: (index: number) => unknown): number | null => {
    const first = value(base);
    for (let j = 1; j < Math.min(size, PROBES + 1); j++)
      if (value(base + j * stride) !== first) return base + j * stride;
    return size - 1 <= PROBES ? -1 : null;
  };
  for (let o = 0; o < spec.objectives.length; o++) {
    for (const { keys, sizes, points, firstPoint } of entries) {
      const base = o * perObjective + firstPoint * seeds;
      found.add(base);
      let stride = points * seeds;
      const moves = keys.map((key, a) => {
        stride /= sizes[a];
        return differing(
          base,
          stride,
          sizes[a],
          (index) => (configAt(index)?.optimizer as unknown as Record<string, unknown> | undefined)?.[key],
        );
      });
      moves.push(differing(base, 1, seeds, (index) => configAt(index)?.seed));
      for (const move of moves) {
        if (move === null) return null;
        if (move >= 0) found.add(move);
      }
    }
  }
  return [...found].every(listed) ? [...found] : null;
}
