import type { StoredRange } from '../contract/api';

/**
 * The runs as ranges of consecutive indexes per sweep, ascending: what the window acknowledges after a write, a few
 * ranges where a list of run ids would be one string per run for the main process to look up.
 */
export function storedRanges(runs: readonly { sweepId: string; index: number }[]): StoredRange[] {
  const bySweep = new Map<string, number[]>();
  for (const { sweepId, index } of runs) {
    const indexes = bySweep.get(sweepId) ?? [];
    indexes.push(index);
    bySweep.set(sweepId, indexes);
  }
  const ranges: StoredRange[] = [];
  for (const [sweepId, indexes] of bySweep) {
    indexes.sort((a, b) => a - b);
    let from = indexes[0];
    for (let i = 1; i <= indexes.length; i++) {
      // A repeated index (a run stored twice in one write) extends nothing and breaks nothing.
      if (i < indexes.length && indexes[i] <= indexes[i - 1] + 1) continue;
      ranges.push({ sweepId, from, to: indexes[i - 1] + 1 });
      from = indexes[i];
    }
  }
  return ranges;
}
