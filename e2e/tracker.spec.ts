import { expect, test } from '@playwright/test';
import { E2E_TOKEN } from './server';
import { canvasIsPainted } from './flows';

test('a seed preset, then three runs compared on the loss, G and θ charts', async ({ page }) => {
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.getByTestId('preset-five-optimizers').click();
  await expect(page.getByTestId('run-row')).toHaveCount(5);
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('run-status')).toHaveText(Array(5).fill('completed'));

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
