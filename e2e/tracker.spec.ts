import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait, readCount } from './flows';

test('a seed preset, then three runs compared on the loss, G and θ charts', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('preset-five-optimizers').click();
  await expect(page.getByTestId('runs-count')).toHaveText('5 runs');
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('run-status')).toHaveText(Array(5).fill('completed'));
  // The preset opens its view, every run on the loss chart; start the comparison afresh.
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(5);
  await page.getByTestId('clear-selection').click();

  const boxes = page.getByTestId('compare-run');
  for (const i of [0, 1, 4]) await boxes.nth(i).check();
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(3);
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);

  await page.getByTestId('tab-accum').click();
  // AdaGrad and Adam keep an accumulator; SGD does not, and simply has no G line.
  await expect.poll(() => canvasIsPainted(page, 'chart-accum')).toBe(true);
  await page.getByTestId('tab-theta').click();
  await expect.poll(() => canvasIsPainted(page, 'chart-theta')).toBe(true);
  await page.screenshot({ path: 'e2e/artifacts/compare-theta.png' });

  // A plain click selects that run alone again.
  await page.getByTestId('run-row').nth(2).click();
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(1);
});

test('a 300-run sweep: its summary maps final loss over lr × eps, one cell per pair, and opens the best run', async ({
  page,
}) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'map', lrs: 'log(1e-3, 10, 30)', eps: 'log(1e-10, 1, 10)', steps: '200' });
  await launchAndWait(page, 300);
  await page.getByTestId('open-summary').first().click();
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap).toHaveAttribute('data-cells', '300');
  await expect(page.getByTestId('heatmap-x')).toHaveValue('lr');
  await expect(page.getByTestId('heatmap-y')).toHaveValue('eps');
  await expect
    .poll(() =>
      heatmap.locator('canvas').evaluate((c: HTMLCanvasElement) =>
        c
          .getContext('2d')!
          .getImageData(0, 0, c.width, c.height)
          .data.some((v, i) => i % 4 === 3 && v > 0),
      ),
    )
    .toBe(true);
  await page.screenshot({ path: 'e2e/artifacts/sweep-summary.png' });
  // Nothing was selected before: the chart appears for the run the click opened.
  await expect(page.getByTestId('loss-chart')).toHaveCount(0);
  await page.getByTestId('best-runs').getByRole('listitem').first().getByRole('button').click();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
});

test('the runs table sorts, filters and stays light at thousands of rows', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'table', lrs: 'log(1e-4, 100, 2000)', steps: '50' });
  await launchAndWait(page, 2000);
  // Virtualised: only the rows in view are in the page.
  expect(await page.getByTestId('run-row').count()).toBeLessThan(60);

  await page.getByTestId('sort-finalLoss').click();
  const losses = async () => (await page.getByTestId('final-loss').allInnerTexts()).map(Number);
  const ascending = await losses();
  expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
  await page.getByTestId('sort-finalLoss').click();
  const descending = await losses();
  expect(descending).toEqual([...descending].sort((a, b) => b - a));

  await page.getByTestId('runs-filter').fill('0.0001');
  // The search narrows the table to some of the runs, never none and never all, and every row shown matches it.
  await expect(page.getByTestId('runs-count')).toHaveText(/^[\d,]+ of 2,000 runs$/);
  const found = readCount((await page.getByTestId('runs-count').innerText()).split(' ')[0]);
  expect(found).toBeGreaterThan(0);
  expect(found).toBeLessThan(2000);
  const shownRows = await page.getByTestId('run-row').allInnerTexts();
  expect(shownRows.length).toBeGreaterThan(0);
  for (const text of shownRows) expect(text).toContain('0.0001');
  await page.getByTestId('runs-filter').fill('');
  await page.getByTestId('runs-status-filter').selectOption('diverged');
  await expect(page.getByTestId('runs-count')).toHaveText('0 of 2,000 runs');
});
