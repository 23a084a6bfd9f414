/**
 * A full disk, in a real browser with the real app: IndexedDB refuses writes as it does when the origin's quota is
 * used up. Chromium gives a test no way to shrink the quota (the DevTools override does not reach IndexedDB's
 * checks), so the page's IndexedDB is made to refuse `put` with the QuotaExceededError a full disk raises; everything
 * above it, Dexie, the store, the app and the main process, is the real code. While the disk is full nothing more is
 * stored and nothing is half-written; what was stored stays whole and unique; the sweep waits, not lost, and Retry,
 * once there is room, stores every run exactly once.
 */
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { fillSweepForm, runsCount } from './flows';
import { expectWholeAndUnique, readStored, readSweeps } from './reliability-helpers';

test('the disk fills mid-sweep: nothing half-written, the sweep waits, Retry stores every run once', async ({ page }) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    const full = () => (window as unknown as { diskFull?: boolean }).diskFull === true;
    for (const method of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (full() && (this.name === 'runPages' || this.name === 'tracePages')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      };
    }
  });
  await signIn(page);
  await fillSweepForm(page, { name: 'full disk', lrs: 'log(1e-4, 1, 1500)', steps: '20000' });
  await page.getByTestId('launch').click();
  const stored = async () => Number.parseInt((await page.getByTestId('runs-count').textContent()) ?? '0', 10) || 0;
  await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
  const [sweep] = await readSweeps(page);

  await page.evaluate(() => ((window as unknown as { diskFull: boolean }).diskFull = true));
  await expect(page.getByTestId('storage-full')).toContainText('Storage is full', { timeout: 30_000 });
  await expect(page.getByTestId('storage-full')).toContainText('nothing was half-written');
  // Whatever was stored before the disk filled is whole, once each, and stays so while it is full.
  const atFull = await expectWholeAndUnique(page, sweep.id);
  expect(atFull.ids.length).toBeLessThan(1500);
  await page.waitForTimeout(1000);
  expect((await readStored(page, sweep.id)).runs.length).toBe(atFull.ids.length);
  expect((await readSweeps(page))[0].status).not.toBe('completed');
  await page.screenshot({ path: 'e2e/artifacts/storage-full.png' });

  // Room again (runs deleted elsewhere, say): Retry asks the main process for everything it kept.
  await page.evaluate(() => ((window as unknown as { diskFull: boolean }).diskFull = false));
  await page.getByTestId('retry-storing').click();
  await expect(page.getByTestId('storage-full')).toHaveCount(0);
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(1500));
  const after = await expectWholeAndUnique(page, sweep.id, 1500);
  console.log(`reliability-quota: disk full with ${atFull.ids.length} of 1500 stored; after Retry ${after.ids.length} stored, each once, ${after.recomputed} recomputed bit-identical`);
});
