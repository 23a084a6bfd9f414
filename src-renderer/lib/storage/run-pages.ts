/**
 * Where a run's records live on disk. IndexedDB's cost is per record far more than per byte (a record is a request, a
 * key, an entry in every index, a write of its own), so the runs and traces of a sweep are stored in pages: the runs
 * numbered floor(index / PAGE_SIZE) of one sweep are one record, keyed [sweepId, page]. The key follows from the run id
 * alone, so a resend writes to the same page, and writing a run that is there already replaces it (merged by index).
 * Measured sizes and why: docs/performance-ui.md.
 */
import { runId } from '../../../src-core/sweep/expand';

/**
 * Runs per page, for runs and traces alike: a run page is then complete exactly when its trace page is, which is
 * what the group commit waits for (./page-assembly). Measured (docs/performance-ui.md): pages of 100 keep the records
 * of a 10,000-run sweep at 200 and a page's put well under a millisecond of the main thread, while a partial page
 * (a resumed sweep, a slow one) costs little to merge; the start-up read of 100 run pages is a few ms more than of 20.
 */
export const PAGE_SIZE = 100;

/** A page's key: the sweep, then floor(index / PAGE_SIZE). */
export type PageKey = [sweepId: string, page: number];

/** What a run's place is read from: its sweep and its index in it. */
export interface RunAddress {
  sweepId: string;
  index: number;
}

/** A page of traces as stored: its entries in index order (a page of runs holds columns: ./page-codec). */
export interface StoredPage<T> {
  sweepId: string;
  page: number;
  entries: T[];
  /** entries.length, indexed so that counting what is stored reads no page. */
  count: number;
}

/** The sweep and index a run id names: the inverse of src-core's runId. */
export function runAddress(id: string): RunAddress {
  const colon = id.lastIndexOf(':');
  const sweepId = id.slice(0, colon);
  const index = Number(id.slice(colon + 1));
  if (colon < 0 || !Number.isSafeInteger(index) || index < 0 || runId(sweepId, index) !== id) {
    throw new Error(`Invalid run id: "${id}" (must be a sweep id, ":" and the run's index in 6 or more digits)`);
  }
  return { sweepId, index };
}

export const pageKey = ({ sweepId, index }: RunAddress): PageKey => [sweepId, Math.floor(index / PAGE_SIZE)];

/** Items of one page, by index (a later item replaces an earlier one at the same index). */
export interface PageGroup<T> {
  key: PageKey;
  items: Map<number, T>;
}

/** Items grouped by the page each belongs to, the pages in the order they first appear. */
export function groupByPage<T>(items: Iterable<T>, addressOf: (item: T) => RunAddress): PageGroup<T>[] {
  const bySweep = new Map<string, Map<number, PageGroup<T>>>();
  const groups: PageGroup<T>[] = [];
  for (const item of items) {
    const address = addressOf(item);
    const key = pageKey(address);
    const pages = bySweep.get(key[0]) ?? bySweep.set(key[0], new Map()).get(key[0])!;
    let group = pages.get(key[1]);
    if (!group) {
      group = { key, items: new Map() };
      pages.set(key[1], group);
      groups.push(group);
    }
    group.items.set(address.index, item);
  }
  return groups;
}

/** A page's entries with `incoming` written over `stored` at the same index, in index order. */
export function mergeEntries<T>(stored: readonly T[], incoming: Iterable<T>, indexOf: (entry: T) => number): T[] {
  const byIndex = new Map<number, T>();
  for (const entry of stored) byIndex.set(indexOf(entry), entry);
  for (const entry of incoming) byIndex.set(indexOf(entry), entry);
  return [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index)!);
}
