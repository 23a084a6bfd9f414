/**
 * A full disk, in a real browser with the real app: IndexedDB refuses writes as it does when the origin's quota is
 * used up. Chromium gives a test no way to shrink the quota (the DevTools override does not reach IndexedDB's
 * checks), so the page's IndexedDB is made to refuse `put` (the first write after the disk fills gets one page put through) with the QuotaExceededError a full disk raises; everything
 * above it, Dexie, the store, the app and the main process, is the real code. While the disk is full nothing more is
 * stored and nothing is half-written (the disk fills midway through a write: some of its puts reach IndexedDB before
 * one fails, and none of them is kept); what was stored stays whole and unique; the sweep waits, not lost, and Retry,
 * once there is room, stores every run exactly once.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { fillSweepForm, runsCount } from './flows';
import { expectWholeAndUnique, readStored, readSweeps } from './reliability-helpers';

/** What the page's IndexedDB let through and refused since the disk filled (see the init script below). */
interface Disk {
  /** Set when the disk fills: the first write that starts putting pages after it gets one put through, then fails. */
  full: boolean;
  /**
   * The disk fills once, as the write after this many writes of run pages starts (counted by the page itself, so the write
   * that fails is a mid-sweep one however fast the sweep runs).
   */
  fullAfterWrites: number;
  /** Writes of run pages so far. */
  writes: number;
  /** The puts of that write let through: the store and the run ids in the page put. */
  passed: { store: string; ids: string[] }[];
  refused: number;
}

test('the disk fills midway through a write: nothing of it is kept, the sweep waits, Retry stores every run once', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    const disk: Disk = { full: false, fullAfterWrites: Infinity, writes: 0, passed: [], refused: 0 };
    (window as unknown as { disk: Disk }).disk = disk;
    // Puts per transaction (one transaction is one write of the app), and the write chosen to fail midway.
    const puts = new WeakMap<IDBTransaction, number>();
    let victim: IDBTransaction | null = null;
    for (const method of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'runPages' || this.name === 'tracePages') {
          const before = puts.get(this.transaction) ?? 0;
          puts.set(this.transaction, before + 1);
          if (before === 0 && this.name === 'runPages' && ++disk.writes === disk.fullAfterWrites + 1) disk.full = true;
          if (disk.full) {
            // A write already putting when the disk filled may finish; the next one to start is let through one put
            // and refused the next; every put after that is refused.
            const startsNow = victim === null && before === 0;
            if (startsNow) victim = this.transaction;
            if (startsNow) {
              // A trace page lists its traces; a run page holds its runs' indexes as a column (page-codec.ts).
              const record = args[0] as { sweepId: string; indexes?: Int32Array; entries?: { runId: string }[] };
              const ids = record.indexes
                ? Array.from(record.indexes, (index) => `${record.sweepId}:${String(index).padStart(6, '0')}`)
                : (record.entries ?? []).map((entry) => entry.runId);
              disk.passed.push({ store: this.name, ids });
            } else if (victim !== null) {
              disk.refused++;
              throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
            }
          }
        }
        return original.apply(this, args);
      };
    }
  });
  const disk = () => page.evaluate(() => (window as unknown as { disk: Disk }).disk);
  await signIn(page);
  await fillSweepForm(page, { name: 'full disk', lrs: 'log(1e-4, 1, 1500)', steps: '20000' });
  // The disk fills after the first write of runs (at most 500 of the 1,500): the second write puts a page (it reaches
  // IndexedDB), then its next put fails.
  await page.evaluate(() => ((window as unknown as { disk: Disk }).disk.fullAfterWrites = 1));
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('storage-full')).toContainText('Storage is full', { timeout: 30_000 });
  await expect(page.getByTestId('storage-full')).toContainText('nothing was half-written');
  const [sweep] = await readSweeps(page);
  const failed = await disk();
  expect(failed.passed).toHaveLength(1); // a put of the failing write went through …
  expect(failed.refused).toBeGreaterThanOrEqual(1); // … and the next one failed, midway through the write
  const putThenLost = failed.passed[0].ids;
  expect(putThenLost.length).toBeGreaterThan(0);
  // Nothing of that write is kept: counted in IndexedDB itself, not in the app's view of it.
  const atFull = await expectWholeAndUnique(page, sweep.id);
  expect(atFull.ids.length).toBeLessThan(1500);
  const { runs: runsAtFull, traceIds: tracesAtFull } = await readStored(page, sweep.id);
  // The page put is the write's: its new results merged into what the page held. What is stored of that page is what
  // it held before the write (a subset, missing at least the write's new runs), never the page as the write put it.
  const keptRuns = putThenLost.filter((id) => runsAtFull.some((run) => run.id === id));
  const keptTraces = putThenLost.filter((id) => tracesAtFull.includes(id));
  expect(keptRuns.length).toBeLessThan(putThenLost.length);
  expect(keptTraces).toEqual(keptRuns);

  // Every result reaches the window (the main process computed the whole sweep and the window applied its progress):
  // none of them was stored meanwhile, and nothing more reached IndexedDB.
  await expect(page.getByTestId('progress-count').first()).toHaveText(/^1,500 \/ 1,500/, { timeout: 60_000 });
  expect((await readStored(page, sweep.id)).runs.length).toBe(atFull.ids.length);
  expect((await disk()).passed).toHaveLength(1);
  expect((await readSweeps(page))[0].status).not.toBe('completed');
  await page.screenshot({ path: 'e2e/artifacts/storage-full.png' });

  // Room again (runs deleted elsewhere, say): Retry asks the main process for everything it kept.
  await page.evaluate(() => ((window as unknown as { disk: Disk }).disk.full = false));
  await page.getByTestId('retry-storing').click();
  await expect(page.getByTestId('storage-full')).toHaveCount(0);
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(1500));
  const after = await expectWholeAndUnique(page, sweep.id, 1500);
  console.log(
    `reliability-quota: disk full midway through a write (1 page put, then refused; a page of ${putThenLost.length} runs, ${putThenLost.length - keptRuns.length} of them new, not kept) with ${atFull.ids.length} of 1500 stored; after Retry ${after.ids.length} stored, each once, ${after.recomputed} recomputed bit-identical`,
  );
});
