import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { fillSweepForm, progressDone, runsCount } from './flows';

test('a sweep of 3,000 runs: the progress bar and ETA move, Cancel stops it and keeps the finished runs', async ({
  page,
}) => {
  await signIn(page);
  // Enough runs that Cancel comes while it runs, however fast the machine (its progress polled every 25 ms).
  await fillSweepForm(page, { name: 'big', lrs: 'log(1e-4, 1, 10000)', steps: '20000' });
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(10_000));
  await page.getByTestId('launch').click();

  const progress = page.getByTestId('progress').first();
  await expect(progress).toHaveAttribute('data-status', 'running');
  await expect.poll(() => progressDone(page), { timeout: 20_000, intervals: [25] }).toBeGreaterThan(0);
  await expect(page.getByTestId('progress-rate')).toHaveText(/[\d,]+ runs\/s/);
  await expect(page.getByTestId('progress-eta')).toHaveText(/left$/);
  const early = await progressDone(page);
  await expect.poll(() => progressDone(page), { intervals: [25] }).toBeGreaterThan(early);

  await page.getByTestId('cancel-sweep').click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled', { timeout: 2000 });
  const kept = await progressDone(page);
  expect(kept).toBeLessThan(10000);
  // Every finished run is stored and listed, once.
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(kept));
  await page.screenshot({ path: 'e2e/artifacts/cancelled-sweep.png' });
});

test('Cancel says "Cancelling…" at once, while the sweep\'s end is still on its way', async ({ page }) => {
  // The server's messages to the page are held after the click, as a backlog of results after a reload holds the
  // sweep's end back for a second or two: the button had read "Cancel" all the while.
  let held: (string | Buffer)[] | null = null;
  let releaseHeld = (): void => {};
  await page.routeWebSocket(/\/socket$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => (held ? held.push(message) : ws.send(message)));
    releaseHeld = () => {
      for (const message of held ?? []) ws.send(message);
      held = null;
    };
  });
  await signIn(page);
  await fillSweepForm(page, { name: 'cancelling', lrs: 'log(1e-4, 1, 10000)', steps: '20000' });
  await page.getByTestId('launch').click();
  const progress = page.getByTestId('progress').first();
  await expect(progress).toHaveAttribute('data-status', 'running');
  held = [];
  const cancel = page.getByTestId('cancel-sweep');
  await cancel.click();
  await expect(cancel).toHaveText('Cancelling…');
  await expect(cancel).toBeDisabled();
  releaseHeld();
  await expect(progress).toHaveAttribute('data-status', 'cancelled');
  await expect(cancel).toHaveCount(0);
});

test('reloading the page in the middle of a sweep ends with every run stored once', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'reload', lrs: 'log(1e-3, 1, 600)', steps: '20000' });
  await page.getByTestId('launch').click();
  await expect.poll(() => progressDone(page), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await expect(page.getByTestId('runs-count')).toHaveText('600 runs');
  // The export lists each stored run once: 600 distinct run ids, none missing.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const rows = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n').slice(1);
  expect(rows).toHaveLength(600);
  expect(new Set(rows.map((row) => row.split(',')[0])).size).toBe(600);
});

test('fewer workers: the choice applies at once and is remembered after a reload', async ({ page }) => {
  await signIn(page);
  const workers = page.getByTestId('worker-threads');
  // The choices come once the main process has said how many cores it has: counted before, they were none.
  await expect(workers.locator('option').first()).toBeAttached();
  const max = await workers.locator('option').count();
  await expect(workers).toHaveValue(String(max)); // every core by default
  await workers.selectOption('1');
  await fillSweepForm(page, { name: 'one worker', lrs: '1, 0.5, 0.1', steps: '100' });
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
  await page.reload();
  await expect(page.getByTestId('worker-threads')).toHaveValue('1');
  // The server is shared by the tests that follow: give them every core again.
  await page.getByTestId('worker-threads').selectOption(String(max));
  await expect(page.getByTestId('worker-threads')).toHaveValue(String(max));
});
