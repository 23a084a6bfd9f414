/**
 * Results from anywhere: a sweep run by the command line (`node out/main/cli.js … --json`, as on a cluster) imported
 * through the page's file chooser, listed beside a local sweep, one of its runs charted (its trace recomputed from its
 * config), and a re-import that adds nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { canvasIsPainted, fillSweepForm, launchAndWait, runsCount } from './flows';
import { signIn } from './sign-in';

async function importFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-open').click();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-choose').click()]);
  await chooser.setFiles(path);
}

test('a CLI --json file imports beside a local sweep; one of its runs charts; a re-import adds nothing', async ({
  page,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'adagrad-import-'));
  try {
    const file = join(dir, 'cluster.json');
    // Four runs, one of which diverges (lr 1e300: an infinite loss, written "Infinity" in the JSON).
    execFileSync(process.execPath, [
      'out/main/cli.js',
      '--lr=0.1, 1, 1e300',
      '--eps=1e-8',
      '--seeds=0, 1',
      '--start=4',
      '--steps=30',
      '--sweep-id=cluster-7',
      '--name=cluster lr sweep',
      '--json',
      file,
      '--quiet',
    ]);
    await signIn(page);
    await fillSweepForm(page, { name: 'local sweep', start: '4', lrs: '0.5', eps: '1e-8', steps: '30' });
    await launchAndWait(page, 1);

    await importFile(page, file);
    await expect(page.getByTestId('import-summary')).toHaveText('6 new, 0 already stored, 0 refused');
    await expect(page.getByTestId('import-report')).toContainText('“cluster lr sweep” (cluster-7): 6 runs of its 6');
    await page.getByTestId('import-dialog').screenshot({ path: 'test-results/import-dialog-light.png' });
    await page.getByTestId('import-close').click();

    // Beside the local sweep: both sweeps listed, seven runs in the table.
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(7));
    const cards = page.getByTestId('progress');
    await expect(cards).toHaveCount(2);
    await expect(cards.filter({ hasText: 'cluster lr sweep' })).toHaveAttribute('data-status', 'completed');
    await expect(cards.filter({ hasText: 'local sweep' })).toHaveAttribute('data-status', 'completed');
    await expect(page.locator('[data-run-id="cluster-7:000004"]')).toContainText('diverged');

    // Its sweep opens in the summary as a local one does.
    await cards.filter({ hasText: 'cluster lr sweep' }).getByTestId('open-summary').click();
    await expect(page.getByTestId('sweep-summary')).toBeVisible();

    // An imported run charts: its trace, absent from the file, is recomputed from its config.
    await page.locator('[data-run-id="cluster-7:000002"]').click();
    await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
    await page.screenshot({ path: 'test-results/import-charted-light.png' });

    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await importFile(page, file);
    await expect(page.getByTestId('import-summary')).toHaveText('0 new, 6 already stored, 0 refused');
    await page.getByTestId('import-dialog').screenshot({ path: 'test-results/import-dialog-dark.png' });
    await page.getByTestId('import-close').click();
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(7));
    await page.screenshot({ path: 'test-results/import-charted-dark.png' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the app’s summary CSV is refused with why, and nothing is stored', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'adagrad-import-'));
  try {
    const file = join(dir, 'runs.csv');
    execFileSync(process.execPath, ['out/main/cli.js', '--lr=0.1', '--steps=5', '--summary', file, '--quiet']);
    await signIn(page);
    await importFile(page, file);
    await expect(page.getByTestId('import-refused')).toContainText(
      'Nothing was imported: This is the app’s summary CSV export: it cannot be imported',
    );
    await page.getByTestId('import-dialog').screenshot({ path: 'test-results/import-refused-light.png' });
    await page.getByTestId('import-close').click();
    await expect(page.getByTestId('progress')).toHaveCount(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run that is not its spec’s is refused by field; the others import, dropped on the window; Resume computes the refused one', async ({
  page,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'adagrad-import-'));
  try {
    const file = join(dir, 'tampered.json');
    execFileSync(process.execPath, [
      'out/main/cli.js',
      '--lr=0.1, 1, 2',
      '--start=4',
      '--steps=20',
      '--sweep-id=tampered',
      '--name=tampered sweep',
      '--json',
      file,
      '--quiet',
    ]);
    const text = (await readFile(file, 'utf8')).replace('"lr":2,', '"lr":3,');
    await writeFile(file, text);
    await signIn(page);
    await expect(page.getByTestId('storage-panel')).toBeVisible();
    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    // A drop on the window, as the operating system's drag and drop delivers a file.
    await page.evaluate((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], 'tampered.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, text);
    await expect(page.getByTestId('import-summary')).toHaveText('2 new, 0 already stored, 1 refused');
    await expect(page.getByTestId('import-refusals')).toHaveText(
      'run tampered:000002: runs.2.config.optimizer.lr: 3 is not what its sweep’s spec gives run 2 (2), so the run cannot belong to that sweep',
    );
    await page.getByTestId('import-dialog').screenshot({ path: 'test-results/import-refusals-dark.png' });
    await page.getByTestId('import-close').click();
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(2));
    const card = page.getByTestId('progress');
    await expect(card).toHaveAttribute('data-status', 'cancelled');
    await card.getByTestId('resume-sweep').click();
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(3));
    await expect(card).toHaveAttribute('data-status', 'completed');
    await expect(page.locator('[data-run-id="tampered:000002"]')).toBeVisible();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
