/**
 * Group commit by page. Results arrive in batches that do not line up with storage pages (./run-pages), and writing
 * into a page that is partly stored means reading it and writing all of it again: at ~100 results a batch that would
 * write a sweep's runs two or three times over. So results wait here until their page is complete, then go to disk
 * whole; the pages of a sweep that ends go at once, and a page waits at most `maxHoldMs` after its first result
 * (a slow sweep still shows its runs that soon, and a page that cannot fill here, a resumed sweep's, goes then).
 *
 * What waits here is not acknowledged, so the main process keeps it, as it keeps every result not yet stored: a
 * reload loses none of it.
 */
import type { ResultToStore } from './db';
import { groupByPage, PAGE_SIZE } from './run-pages';

interface HeldPage {
  sweepId: string;
  page: number;
  /** When its first result arrived. */
  since: number;
  results: Map<number, ResultToStore>;
}

export class PageAssembly {
  private readonly held = new Map<string, HeldPage>();

  constructor(readonly maxHoldMs = 250) {}

  /** When the page that has waited longest is due, or null when nothing waits. */
  get nextDue(): number | null {
    let since = Infinity;
    for (const page of this.held.values()) since = Math.min(since, page.since);
    return since === Infinity ? null : since + this.maxHoldMs;
  }

  /**
   * Takes results in and returns those to write now: the pages they complete. A sweep's run count comes from
   * `runCountOf`; the results of a sweep it does not know are not held.
   */
  admit(
    results: readonly ResultToStore[],
    runCountOf: (sweepId: string) => number | undefined,
    now: number,
  ): ResultToStore[] {
    const ready: ResultToStore[] = [];
    for (const { key, items } of groupByPage(results, ({ config }) => config)) {
      const [sweepId, page] = key;
      const id = JSON.stringify(key);
      const held = this.held.get(id) ?? { sweepId, page, since: now, results: new Map<number, ResultToStore>() };
      for (const [index, result] of items) held.results.set(index, result);
      const runCount = runCountOf(sweepId);
      const complete = runCount === undefined || held.results.size >= Math.min(PAGE_SIZE, runCount - page * PAGE_SIZE);
      if (complete) {
        this.held.delete(id);
        ready.push(...held.results.values());
      } else {
        this.held.set(id, held);
      }
    }
    return ready;
  }

  /** Every result that waits for these sweeps (they ended), and every page due by `now`. */
  release(endedSweeps: ReadonlySet<string>, now: number): ResultToStore[] {
    return this.take((page) => endedSweeps.has(page.sweepId) || page.since + this.maxHoldMs <= now);
  }

  /** Forgets everything that waits (a write failed: the main process sends it again on request); returns how much. */
  drop(): number {
    return this.take(() => true).length;
  }

  private take(which: (page: HeldPage) => boolean): ResultToStore[] {
    const taken: ResultToStore[] = [];
    for (const [id, page] of this.held) {
      if (!which(page)) continue;
      this.held.delete(id);
      taken.push(...page.results.values());
    }
    return taken;
  }
}
