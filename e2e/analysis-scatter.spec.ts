import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait } from './flows';

/** The summary in the light and the dark theme, into test-results/ (not committed): look at them. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.getByTestId('sweep-summary').screenshot({ path: `test-results/scatter-${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Whether the scatter's canvas shows colour (the scale's, the diverged red): axes, text and grid are greys. */
const colourful = (page: Page) =>
  page.getByTestId('scatter-canvas').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) count++;
    return count > 2000;
  });

test('a random sweep of 200 runs opens on the scatter: loss against lr, diverged runs counted, two settings binned', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await signIn(page);
  // RMSProp on Rosenbrock: lr drawn log-uniformly up to 10, so some runs blow up.
  await page.getByTestId('field-objectives-0').selectOption('rosenbrock');
  await page.getByTestId('field-optimizers-0-kind').selectOption('rmsprop');
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill('200');
  await page.getByTestId('field-search-seed').fill('1');
  await fillSweepForm(page, {
    name: 'random',
    lrs: 'loguniform(1e-4, 10)',
    eps: 'loguniform(1e-10, 1e-2)',
    weightDecays: 'uniform(0, 0.1)',
    steps: '200',
  });
  await launchAndWait(page, 200);
  await page.getByTestId('open-summary').first().click();

  // Opens on the scatter, loss against lr, on a log axis.
  await expect(page.getByTestId('sweep-view-scatter')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('scatter-x')).toHaveValue('lr');
  await expect.poll(() => canvasIsPainted(page, 'scatter-canvas')).toBe(true);
  const caption = page.getByTestId('scatter-caption');
  const diverged = Number(await caption.getAttribute('data-diverged'));
  expect(diverged).toBeGreaterThan(0);
  expect(diverged).toBeLessThan(200);
  await expect(caption).toContainText(`✕ ${diverged} diverged (at the top: no loss to draw)`);
  await expect(caption).toContainText(`${200 - diverged} runs drawn`);
  await expect(caption).not.toContainText(/NaN|undefined|null/);
  await shoot(page, 'loss-vs-lr');

  // The runs table lists as many diverged runs as the caption counts.
  await page.getByTestId('runs-status-filter').selectOption('diverged');
  await expect(page.getByTestId('runs-count')).toHaveText(`${diverged} of 200 runs`);
  await page.getByTestId('runs-status-filter').selectOption('all');

  // Two settings, as points coloured by loss, then binned: every run in one bin.
  await page.getByTestId('scatter-mode').selectOption('pair');
  await expect(page.getByTestId('scatter-y')).toHaveValue('eps');
  await expect(page.getByTestId('scatter-color-scale')).toContainText(`diverged or failed (${diverged})`);
  await expect(page.getByTestId('scatter-chart')).toHaveAttribute('data-points', String(200 - diverged));
  await shoot(page, 'lr-eps-points');
  await page.getByTestId('scatter-kind').selectOption('bins');
  const chart = page.getByTestId('scatter-chart');
  await expect(chart).toHaveAttribute('data-kind', 'bins');
  await expect(chart).toHaveAttribute('data-points', '200');
  const bins = Number(await chart.getAttribute('data-bins'));
  expect(bins).toBeGreaterThan(14);
  expect(bins).toBeLessThanOrEqual(14 * 14);
  await expect(caption).toContainText(`200 runs in ${bins} bins`);
  await expect.poll(() => colourful(page)).toBe(true);
  await shoot(page, 'lr-eps-bins');

  // Save CSV: the bins, each with its runs; the counts add up to the sweep.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scatter-csv').click()]);
  expect(download.suggestedFilename()).toBe('adagrad-lab-lr-eps-bins.csv');
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  expect(lines[0]).toBe('lr_from,lr_to,eps_from,eps_to,runs,diverged,best_final_loss,best_run_id');
  expect(lines.length - 1).toBe(bins);
  expect(lines.slice(1).reduce((n, line) => n + Number(line.split(',')[4]), 0)).toBe(200);
  expect(lines.slice(1).reduce((n, line) => n + Number(line.split(',')[5]), 0)).toBe(diverged);

  // A click on a bin opens its best run (a bin whose runs all diverged has none: it opens one of them).
  const best = new Set(lines.slice(1).map((line) => line.split(',')[7]));
  const box = (await page.getByTestId('scatter-canvas').boundingBox())!;
  const selected = page.locator('tr[aria-selected="true"]');
  // Across the middle until a click lands on a bin; each click is given time to select (the selection bar says so)
  // before the next, so a slow machine does not click past its bin.
  const selectedCount = page.getByTestId('selected-count');
  for (let k = 0; k < 9; k++) {
    await page.mouse.click(box.x + box.width * (0.3 + 0.05 * k), box.y + box.height * 0.5);
    if (
      await selectedCount.waitFor({ timeout: 1500 }).then(
        () => true,
        () => false,
      )
    )
      break;
  }
  await expect(selectedCount).toHaveText('1 run selected');
  await expect(selected).toHaveCount(1);
  const opened = (await selected.getAttribute('data-run-id'))!;
  if (!best.has(opened)) await expect(selected.getByTestId('run-status')).toContainText('diverged');
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);

  // The map: no categorical map of 200 values each, no line per value, and a way to the scatter.
  await page.getByTestId('sweep-view-map').click();
  await expect(page.getByTestId('map-too-many')).toContainText(
    'Too many values for a map of one cell per value: Learning rate takes 200, Epsilon takes 200, Weight decay takes 200.',
  );
  await expect(page.getByTestId('heatmap')).toHaveCount(0);
  await expect(page.getByTestId('curves-line').locator('option')).toHaveText(['(one line)']);
  await shoot(page, 'map-too-many');
  await page.getByTestId('open-scatter').click();
  await expect(page.getByTestId('sweep-view-scatter')).toHaveAttribute('aria-selected', 'true');
  // Theme switches, mode switches: nothing threw on the way.
  expect(problems).toEqual([]);
});

test('a grid sweep still opens on its map, a setting of too many values left to the scatter', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, {
    name: 'grid',
    lrs: 'log(1e-3, 0.1, 4)',
    eps: '1e-8, 1e-6',
    weightDecays: 'lin(0, 0.041, 42)',
    steps: '50',
  });
  await launchAndWait(page, 336);
  await page.getByTestId('open-summary').first().click();
  await expect(page.getByTestId('sweep-view-map')).toHaveAttribute('aria-selected', 'true');
  // lr × eps: 8 cells, each the best of 42 weight decays, which take too many values for an axis (or lines).
  await expect(page.getByTestId('heatmap')).toHaveAttribute('data-cells', '8');
  await expect(page.getByTestId('map-left-out')).toHaveText(
    'not on the map, more than 40 values: Weight decay (see Scatter)',
  );
  await expect(page.getByTestId('heatmap-x').locator('option')).toHaveText(['Learning rate', 'Epsilon']);
  await expect(page.getByTestId('curves-line').locator('option')).toHaveText(['(one line)', 'Epsilon']);
  // Its scatter: every run against lr.
  await page.getByTestId('sweep-view-scatter').click();
  await expect(page.getByTestId('scatter-chart')).toHaveAttribute('data-points', '336');
  await expect.poll(() => canvasIsPainted(page, 'scatter-canvas', 10)).toBe(true);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scatter-png').click()]);
  expect(png.suggestedFilename()).toBe('adagrad-lab-lr-loss.png');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('scatter-csv').click()]);
  const { readFile } = await import('node:fs/promises');
  const rows = (await readFile(await csv.path(), 'utf8')).trim().split('\r\n');
  expect(rows[0]).toBe('run_id,lr,final_loss,status');
  expect(rows).toHaveLength(337);
});
