/**
 * The setting samples (RunList.settingSamples) of a whole grid sweep whose configs are all its spec's, found from the
 * spec without building every run's config: what lets start-up leave configs unbuilt (./run-list.svelte.ts); and of
 * any part of one that is listed (listedGridSamples), found from the listed runs' places.
 *
 * A grid run's config is its objective's, its optimizer entry's fixed settings, one point of each of the entry's axes
 * and one seed, at the index src-core/sweep/expand.ts's gridLayout gives. Each axis sets one setting, so a setting
 * differs among the sweep's runs exactly when it differs among: the first run of each objective and entry, and for each
 * axis (and the seeds) one run that moves that coordinate alone to a point whose value differs, if any does.
 */
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import { gridLayout } from '../../../src-core/sweep/expand';
import { gridPicks } from '../../../src-core/sweep/entries';
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

/** Where a run of a grid lies: its objective and entry (its group), and its coordinate on each axis, then its seed's. */
function placeInGrid(layout: ReturnType<typeof gridLayout>, index: number): { group: number; coordinates: number[] } {
  const { seeds, perObjective, entries } = layout;
  const objective = Math.floor(index / perObjective);
  const point = Math.floor((index - objective * perObjective) / seeds);
  let e = entries.length - 1;
  while (entries[e].firstPoint > point) e--;
  const { sizes, firstPoint } = entries[e];
  const coordinates = gridPicks(sizes, point - firstPoint);
  coordinates.push(index % seeds);
  return { group: objective * entries.length + e, coordinates };
}

/**
 * The samples of the listed runs (`indexes`) of a grid sweep whose configs are all its spec's, when the grid's own
 * (gridSamples) are not all listed: a sweep whose first runs are not stored yet (a worker's first run is slow, later
 * pages come first) or were deleted. Building every listed run's config instead was a 40 ms task at a sweep's first
 * publication (docs/performance-ui.md). Found from the runs' places: for each objective and entry, its first listed
 * run, and for each of its axes (and the seeds) a listed run of the same objective and entry whose value there differs
 * from that run's, if any does; only the configs compared are built. Exact, as gridSamples is: a setting that differs
 * among the listed runs differs between two of one objective and entry along one of its axes (each value of an axis
 * is one of its coordinates, whose first listed run is compared), or between objectives and entries (their first runs
 * show it). Null for a random search, or when an axis has more than PROBES coordinates listed besides the first run's
 * and none of the first PROBES differs (the caller then builds the configs and samples them).
 */
export function listedGridSamples(sweepId: string, spec: SweepSpec, indexes: Iterable<number>): number[] | null {
  if (spec.search.mode !== 'grid') return null;
  const layout = gridLayout(spec);
  /** Per group: its first listed run, its coordinates, and per axis the first listed run at each other coordinate. */
  const groups = new Map<
    number,
    { base: number; keys: string[]; at: number[]; others: Map<number, number>[]; overflow: boolean[] }
  >();
  for (const index of indexes) {
    const { group, coordinates } = placeInGrid(layout, index);
    const known = groups.get(group);
    if (!known) {
      const axes = coordinates.length;
      groups.set(group, {
        base: index,
        keys: layout.entries[group % layout.entries.length].keys,
        at: coordinates,
        others: Array.from({ length: axes }, () => new Map()),
        overflow: new Array<boolean>(axes).fill(false),
      });
      continue;
    }
    coordinates.forEach((c, a) => {
      const others = known.others[a];
      if (c === known.at[a] || others.has(c)) return;
      if (others.size < PROBES) others.set(c, index);
      else known.overflow[a] = true;
    });
  }
  const configAt = (index: number) => specConfigs(sweepId, spec, index, index).get(index);
  const found: number[] = [];
  for (const { base, keys, others, overflow } of groups.values()) {
    found.push(base);
    const baseConfig = configAt(base);
    for (let a = 0; a < others.length; a++) {
      // The last "axis" is the seeds'.
      const key = keys[a] as string | undefined;
      const value = (index: number) => {
        const config = index === base ? baseConfig : configAt(index);
        return key === undefined ? config?.seed : (config?.optimizer as unknown as Record<string, unknown>)?.[key];
      };
      const first = value(base);
      const differing = [...others[a].values()].find((index) => value(index) !== first);
      if (differing !== undefined) found.push(differing);
      else if (overflow[a]) return null;
    }
  }
  return found;
}
