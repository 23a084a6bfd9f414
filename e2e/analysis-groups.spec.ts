import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait } from './flows';

/** The loss chart's pixels, to tell whether what it draws changed. */
const lossPixels = (page: Page) => page.getByTestId('loss-chart').evaluate((c: HTMLCanvasElement) => c.toDataURL());

/**
 * How many pixels of the loss chart show group `k`'s band alone: its colour (--series-k) at the band's opacity (0.2)
 * over the panel's background, within a few levels.
 */
const bandPixels = (page: Page, k: number) =>
  page.getByTestId('loss-chart').evaluate((canvas: HTMLCanvasElement, k: number) => {
    const probe = document.createElement('span');
    document.body.append(probe);
    const rgb = (css: string) => {
      probe.style.color = css;
      return (/rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color) ?? []).slice(1).map(Number);
    };
    const style = getComputedStyle(document.documentElement);
    const line = rgb(style.getPropertyValue(`--series-${k}`).trim());
    const background = rgb(style.getPropertyValue('--panel').trim());
    probe.remove();
    const fill = line.map((c, k) => 0.2 * c + 0.8 * background[k]);
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < pixels.length; i += 4) if (fill.every((c, k) => Math.abs(pixels[i + k] - c) <= 4)) count++;
    return count;
  }, k);

test('seed groups: a line and a band per learning rate over every selected run, the group table, and smoothing', async ({
  page,
}) => {
  // Twelve stochastic runs and many canvas reads, on a machine that may be busy.
  test.setTimeout(120_000);
  await signIn(page);
  // Per-sample AdaGrad on sparse logistic regression: each run's path depends on its seed (the order of its samples).
  await page.getByTestId('field-objectives-0').selectOption('sparse-logreg');
  await page.getByTestId('field-objectives-0-samples').fill('200');
  await page.getByTestId('field-objectives-0-features').fill('50');
  await page.getByTestId('field-objectives-0-batchSize').fill('1');
  await fillSweepForm(page, { name: 'seed-groups', lrs: '0.1, 1', steps: '1000' });
  // Twelve runs: more than the charts draw one line each (10), all of them in the groups.
  await page.getByTestId('field-seeds').fill('0, 1, 2, 3, 4, 5');
  await launchAndWait(page, 12);

  await page.getByTestId('select-shown').check();
  await expect(page.getByTestId('group-by')).toHaveValue('seeds');
  const box = page.getByTestId('loss-chart-box');
  await expect(box).toHaveAttribute('data-bands', '2');
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
  // Two groups in the legend: each one line (and its band), named by its lr and its 6 runs (the groups had been made
  // of the first 10 selected runs: 6 and 4).
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveText([
    'Learning rate 0.1 (6 runs)',
    'Learning rate 1 (6 runs)',
  ]);
  await expect(page.getByTestId('selection-capped')).toHaveCount(0);

  // The bands are painted: the translucent fill of each group's colour covers part of the plot.
  expect(await bandPixels(page, 1)).toBeGreaterThan(100);
  expect(await bandPixels(page, 2)).toBeGreaterThan(100);
  // The mean ± sd band instead: still two bands, drawn differently.
  const minMax = await lossPixels(page);
  await page.getByTestId('group-center').selectOption('mean');
  await page.getByTestId('group-band').selectOption('sd');
  await expect(box).toHaveAttribute('data-bands', '2');
  await expect.poll(() => lossPixels(page)).not.toBe(minMax);
  await page.getByTestId('selection').screenshot({ path: 'test-results/groups-light.png' });

  const groupTable = page.getByTestId('group-table');
  await expect(groupTable.getByTestId('group-runs')).toHaveText(['6', '6']);
  await expect(groupTable.getByTestId('group-diverged')).toHaveText(['0', '0']);
  await expect(groupTable.getByTestId('group-final')).toHaveText([/^\d\S* ± \d\S*$/, /^\d\S* ± \d\S*$/]);
  await expect(groupTable).not.toContainText(/NaN|null|undefined/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('group-table-csv').click()]);
  const csv = (await readFile(await download.path(), 'utf8')).split('\r\n');
  expect(csv[0]).toBe(
    'lr,runs,diverged,failed,final_loss_runs,final_loss_mean,final_loss_sd,best_loss_runs,best_loss_mean,best_loss_sd',
  );
  expect(csv[1]).toMatch(/^0\.1,6,0,0,6,[\d.e-]+,[\d.e-]+,6,/);

  // Smoothing moves the drawn line; its value is shown and the slider works by keyboard.
  const before = await lossPixels(page);
  const slider = page.getByTestId('smoothing');
  await slider.focus();
  for (let i = 0; i < 9; i++) await page.keyboard.press('PageUp');
  await expect(page.getByTestId('smoothing-value')).toHaveText('0.900');
  await expect.poll(() => lossPixels(page)).not.toBe(before);
  await page.getByTestId('selection').screenshot({ path: 'test-results/groups-smoothed-light.png' });
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('selection').screenshot({ path: 'test-results/groups-smoothed-dark.png' });
  await expect.poll(() => bandPixels(page, 2)).toBeGreaterThan(100);

  // Grouped by the settings ticked: the first that differs to begin with, then by seed alone (across learning rates).
  await page.getByTestId('group-by').selectOption('settings');
  await expect(page.getByTestId('group-setting-lr')).toBeChecked();
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveText([
    'Learning rate 0.1 (6 runs)',
    'Learning rate 1 (6 runs)',
  ]);
  await page.getByTestId('group-setting-seed').check();
  // Twelve groups of one run: the chart draws ten, the table lists all twelve.
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveCount(10);
  await expect(page.getByTestId('selection-capped')).toHaveText(
    'Charting the first 10 of the 12 groups; the table lists them all.',
  );
  await expect(page.getByTestId('group-runs')).toHaveCount(12);
  await expect(page.getByTestId('loss-chart-legend').locator('li').first()).toHaveText(
    'Learning rate 0.1, Seed 0 (1 run)',
  );
  await page.getByTestId('group-setting-lr').uncheck();
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveText([
    'Seed 0 (2 runs)',
    'Seed 1 (2 runs)',
    'Seed 2 (2 runs)',
    'Seed 3 (2 runs)',
    'Seed 4 (2 runs)',
    'Seed 5 (2 runs)',
  ]);
  await expect(page.getByTestId('group-runs')).toHaveText(['2', '2', '2', '2', '2', '2']);
  await page.getByTestId('selection').screenshot({ path: 'test-results/groups-by-seed-dark.png' });

  // No grouping: one line per run again, and no band.
  await page.getByTestId('group-by').selectOption('none');
  await expect(box).toHaveAttribute('data-bands', '0');
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveCount(10);
  await expect(page.getByTestId('selection-capped')).toHaveText('Showing the first 10 of the 12 selected runs.');
  await expect(page.getByTestId('group-table')).toHaveCount(0);
});

test('a group whose runs diverged: counted in its legend entry and its row, its final loss "—"', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await page.getByTestId('field-optimizers-0-kind').selectOption('sgd');
  await fillSweepForm(page, { name: 'diverging-groups', lrs: '0.05, 2', steps: '200' });
  await page.getByTestId('field-seeds').fill('0, 1');
  await launchAndWait(page, 4);
  await page.getByTestId('select-shown').check();
  await expect(page.getByTestId('group-by')).toHaveValue('seeds');
  await expect(page.getByTestId('loss-chart-legend').locator('li')).toHaveText([
    'Learning rate 0.05 (2 runs)',
    'Learning rate 2 (2 runs, 2 diverged)',
  ]);
  // Each diverged run is marked where it diverged, named by its group and seed.
  await expect(page.getByTestId('loss-chart-markers').locator('li')).toHaveText([
    /^✕ Learning rate 2, Seed 0: diverged at step \d+/,
    /^✕ Learning rate 2, Seed 1: diverged at step \d+/,
  ]);
  const rows = page.getByTestId('group-row');
  await expect(rows.nth(1).getByTestId('group-diverged')).toHaveText('2');
  // No run of lr = 2 ended without diverging: no final loss to average. Its best losses (one path: the objective is
  // deterministic) have no spread.
  await expect(rows.nth(1).getByTestId('group-final')).toHaveText('— (0 of 2)');
  await expect(rows.nth(1).getByTestId('group-best')).toHaveText(/^\S+ ± 0$/);
  await expect(page.getByTestId('group-table')).not.toContainText(/NaN|null|undefined/);
  await page.getByTestId('selection').screenshot({ path: 'test-results/groups-diverged-light.png' });
  // Every run on its own, smoothed, its raw curve faint behind.
  await page.getByTestId('group-by').selectOption('none');
  await page.getByTestId('smoothing').fill('0.95');
  await expect(page.getByTestId('smoothing-value')).toHaveText('0.950');
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('selection').screenshot({ path: 'test-results/runs-smoothed-dark.png' });
});
