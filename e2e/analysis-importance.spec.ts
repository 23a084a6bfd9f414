import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { fillSweepForm, launchAndWait } from './flows';

test('importance: a random sweep where lr spans 3 decades and eps barely moves ranks lr first, and saves its CSV', async ({
  page,
}) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'importance', lrs: 'loguniform(1e-4, 1e-1)', eps: 'uniform(1e-10, 2e-10)' });
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill('60');
  await launchAndWait(page, 60);

  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Importance' }).click();
  const table = page.getByTestId('importance-table');
  await expect(table.locator('tbody tr')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('importance-progress')).toHaveCount(0);
  const ranking = await table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-setting'), Number(r.getAttribute('data-importance'))]),
    );
  expect(ranking.map(([name]) => name)).toEqual(['lr', 'eps']);
  const [[, lr], [, eps]] = ranking as [string, number][];
  expect(lr).toBeGreaterThan(0.9);
  expect(lr + eps).toBeCloseTo(1, 12);
  await expect(page.getByTestId('importance-status')).toHaveText('Used 60 of 60 runs.');
  await expect(page.getByTestId('importance')).toContainText("fANOVA, 64 trees (Optuna's default)");
  await expect(page.getByTestId('importance-chart')).toHaveAttribute('data-bars', '2');

  const download = page.waitForEvent('download');
  await page.getByTestId('importance-csv').click();
  const csv = await readFile(await (await download).path(), 'utf8');
  expect(csv).toBe(`setting,importance\r\nlr,${lr}\r\neps,${eps}\r\n`);

  // The best loss is a second target; the same control by keyboard.
  await page.getByTestId('importance-target').focus();
  await page.getByTestId('importance-target').selectOption('bestLoss');
  await expect(table.locator('caption')).toContainText('Importance for the best loss');
  await expect(table.locator('tbody tr').first()).toHaveAttribute('data-setting', 'lr');

  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await page.waitForTimeout(200);
    await page.getByTestId('sweep-summary').screenshot({ path: `test-results/importance-${theme}.png` });
  }

  // In a 900-pixel window the chart goes above the table, as wide as the view: beside it, it had 210 px, 100 of
  // them axis, and its title was squeezed unreadable.
  await page.setViewportSize({ width: 900, height: 600 });
  const view = (await page.getByTestId('importance').boundingBox())!;
  await expect
    .poll(async () => (await page.getByTestId('importance-chart').boundingBox())!.width)
    .toBeGreaterThan(0.9 * view.width);
  expect((await table.boundingBox())!.y).toBeGreaterThan((await page.getByTestId('importance-chart').boundingBox())!.y);
});

test('importance: a run that blew up to ∞ is left out and counted; one setting left says so instead of drawing', async ({
  page,
}) => {
  await signIn(page);
  // lr = 1e200 sends x to −1e200 on the first step: its loss overflows to ∞.
  await fillSweepForm(page, { name: 'one setting', lrs: '0.01, 0.1, 1e200', eps: '1e-10' });
  await launchAndWait(page, 3);
  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Importance' }).click();
  await expect(page.getByTestId('importance-status')).toHaveText(
    'Used 2 of 3 runs; 1 left out: no finite final loss (diverged or failed).',
  );
  await expect(page.getByTestId('importance-message')).toHaveText(
    'Importance compares at least 2 settings that vary among the used runs; this sweep has 1 (lr).',
  );
  await expect(page.getByTestId('importance-chart')).toHaveCount(0);
});

test('importance follows a running sweep: the bars are redrawn as runs arrive and end on every run', async ({
  page,
}) => {
  await signIn(page);
  await fillSweepForm(page, {
    name: 'running',
    lrs: 'loguniform(1e-4, 1e-1)',
    eps: 'loguniform(1e-10, 1e-6)',
    weightDecays: '0, 0.01, 0.1',
    steps: '20000',
  });
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill('1500');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'running');
  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Importance' }).click();
  // Some answer for part of the sweep while it runs, then the answer for all of it.
  await expect(page.getByTestId('importance-status')).toHaveText(/^Used [\d,]+ of [\d,]+ runs/, { timeout: 30_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('importance-status')).toHaveText('Used 1,500 of 1,500 runs.', { timeout: 30_000 });
  await expect(page.getByTestId('importance-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('importance-table').locator('tbody tr').first()).toHaveAttribute('data-setting', 'lr');
  await page.getByTestId('sweep-summary').screenshot({ path: 'test-results/importance-three-settings.png' });
});
