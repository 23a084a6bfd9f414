import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait, runsCount } from './flows';
import { computePerStepTable } from '../src-core/views/per-step';
import { adagradRun } from '../test/helpers/configs';
import { seedsPrintoutX2From4 } from '../test/helpers/seeds';

/** The text of the per-step table's body rows, cells joined by " | ". */
const tableRows = (page: Page) =>
  page
    .getByTestId('per-step-table')
    .locator('tbody tr:not(.spacer)')
    .evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()).join(' | ')),
    );

async function runPreset(page: Page, preset: string, runs: number) {
  await signIn(page);
  await page.getByTestId(`preset-${preset}`).click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(runs));
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
}

test("x² from 4: the per-step table shows the seeds' printout, and exact doubles", async ({ page }) => {
  await runPreset(page, 'x2-from-4', 1);
  await page.getByTestId('run-row').first().click();
  await expect(page.getByTestId('per-step-status')).toHaveText('completed');
  await page.getByTestId('per-step-precision').selectOption('seeds');
  // The seeds' loop prints: step | x | gradient | G | learning rate | update; the table adds the loss.
  const rows = await tableRows(page);
  expect(rows.map((r) => r.split(' | ').slice(0, 6).join(' | '))).toEqual(seedsPrintoutX2From4);
  await page.getByTestId('per-step-precision').selectOption('full');
  const { table } = computePerStepTable(adagradRun());
  const exact = Array.from(table.steps, (t, i) =>
    [t, table.theta[i], table.grad[i], table.accum[i], table.effectiveStep[i], table.update[i], table.loss[i]]
      .map(String)
      .join(' | '),
  );
  expect(await tableRows(page)).toEqual(exact);
  expect(exact[0]).toBe('1 | 3.00000000125 | 8 | 64 | 0.12499999984374999 | 0.9999999987499999 | 9.0000000075');
  // Its CSV: the exact doubles whatever digits are shown; row t the gradient step t used, 2θₜ₋₁, and G_t = G_{t−1} + g².
  await page.getByTestId('per-step-precision').selectOption('seeds');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('per-step-csv').click()]);
  const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
  expect(lines[0]).toBe('step,theta,g,G,effective_step,update,loss');
  expect(lines[1]).toBe('1,3.00000000125,8,64,0.12499999984374999,0.9999999987499999,9.0000000075');
  const rowsOfCsv = lines.slice(1).map((line) => line.split(',').map(Number));
  rowsOfCsv.slice(1).forEach(([, , g, G], i) => {
    expect(g).toBe(2 * rowsOfCsv[i][1]);
    expect(G).toBe(rowsOfCsv[i][3] + g * g);
  });
  await page.getByTestId('per-step').screenshot({ path: 'e2e/artifacts/per-step-table.png' });
});

test('the step size chart: a 1/√t reference, log axes, zoom and reset, Save PNG', async ({ page }) => {
  await runPreset(page, 'x2-from-5', 1);
  await page.getByTestId('run-row').first().click();
  await page.getByTestId('tab-stepSize').click();
  const box = page.getByTestId('chart-stepSize-box');
  await expect.poll(() => canvasIsPainted(page, 'chart-stepSize')).toBe(true);
  // 50 step sizes and the reference line through the first of them.
  await expect(box).toHaveAttribute('data-points', '100');
  await page.getByTestId('log-x').check();
  await expect(page.getByTestId('log-y')).toBeChecked();
  await page.locator('figure.chart').first().screenshot({ path: 'e2e/artifacts/step-size-log-log.png' });

  await expect(box).toHaveAttribute('data-zoomed', 'false');
  await expect(page.getByTestId('chart-stepSize-reset')).toBeDisabled();
  const canvas = page.getByTestId('chart-stepSize');
  const area = (await canvas.boundingBox())!;
  await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
  // The wheel alone scrolls the page (e2e/chart-axes.spec.ts); Ctrl + wheel zooms.
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await expect(box).toHaveAttribute('data-zoomed', 'true');
  await page.getByTestId('chart-stepSize-reset').focus();
  await page.keyboard.press('Enter');
  await expect(box).toHaveAttribute('data-zoomed', 'false');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-stepSize-png').click()]);
  expect(download.suggestedFilename()).toBe('adagrad-lab-stepSize.png');
  const png = await readFile(await download.path());
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});

test('a diverging run: "diverged at step k" in the table and a marker on every chart', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await page.getByTestId('field-optimizers-0-kind').selectOption('sgd');
  await fillSweepForm(page, { name: 'diverge', lrs: '0.05, 2', steps: '200' });
  // Off: the run goes on until its loss overflows (with the default threshold it stops when it blows up: below).
  await page.getByTestId('field-divergenceThreshold').fill('off');
  await launchAndWait(page, 2);
  await expect(page.getByTestId('run-status')).toHaveText(['completed', 'diverged at step 97']);
  await page.getByTestId('run-row').nth(1).click();

  await expect(page.getByTestId('per-step-status')).toHaveText('diverged at step 97');
  // A step the table does not have is named with what it has (it had scrolled to the end without a word).
  await page.getByTestId('per-step-goto').fill('500');
  await page.getByTestId('per-step-goto').press('Enter');
  await expect(page.locator('#per-step-goto-error')).toHaveText(
    'Invalid step: 500 (must be a whole number from 1 to 97)',
  );
  await expect(page.getByTestId('per-step-goto')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('per-step-goto').fill('97');
  await page.getByTestId('per-step-goto').press('Enter');
  await expect(page.locator('#per-step-goto-error')).toHaveCount(0);
  await expect(page.getByTestId('diverged-row')).toContainText('Infinity');
  await expect(page.getByTestId('diverged-row').locator('td').first()).toHaveText('97');

  await expect(page.getByTestId('loss-chart-markers')).toHaveText(
    '✕ SGD, Learning rate 2: diverged at step 97: loss = ∞',
  );
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
  await page.locator('figure.chart').first().screenshot({ path: 'e2e/artifacts/diverged-loss.png' });
  // Exact digits, 23–24 characters near the overflow: every number fits its cell (none runs into the next one).
  const overflowing = await page
    .getByTestId('per-step-table')
    .locator('td')
    .evaluateAll((cells) => cells.filter((td) => td.scrollWidth > td.clientWidth).map((td) => td.textContent));
  expect(overflowing).toEqual([]);
  await page.getByTestId('per-step').screenshot({ path: 'e2e/artifacts/diverged-table.png' });
  await page.getByTestId('tab-theta').click();
  await expect(page.getByTestId('chart-theta-markers')).toHaveText(/diverged at step 97/);
});

test('a run that blows up: diverged at the step its loss goes above 10⁶ × its initial loss', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await page.getByTestId('field-optimizers-0-kind').selectOption('sgd');
  await fillSweepForm(page, { name: 'blow-up', lrs: '2', steps: '200' });
  await launchAndWait(page, 1);
  // SGD with lr 2 on w² + 10b² from (1, 1): w ← −3w, b ← −39b; f₀ = 11 and the loss 9^k + 10·39^(2k) is 15 219 at
  // step 1, then 23 134 491 > 1.1·10⁷ at step 2.
  await expect(page.getByTestId('run-status')).toHaveText(['diverged at step 2']);
  await page.getByTestId('run-row').first().click();
  await expect(page.getByTestId('loss-chart-markers')).toHaveText(/diverged at step 2: loss = 2.31345e7$/);
  await expect(page.getByTestId('diverged-row').locator('td').first()).toHaveText('2');
});

test('w² + 10b²: paths over the contours, linked to the step charts', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await fillSweepForm(page, { name: 'paths', lrs: '0.1, 0.5', steps: '100' });
  await launchAndWait(page, 2);
  const boxes = page.getByTestId('compare-run');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const trajectory = page.getByTestId('trajectory');
  await expect(trajectory).toBeVisible();
  await expect.poll(() => canvasIsPainted(page, 'trajectory-chart')).toBe(true);

  // Hover the middle of the loss chart: the trajectory rings that step on both paths.
  const loss = (await page.getByTestId('loss-chart').boundingBox())!;
  await page.mouse.move(loss.x + loss.width * 0.3, loss.y + loss.height * 0.4);
  await expect(trajectory).toHaveAttribute('data-highlight-step', /^\d+$/);
  const step = Number(await trajectory.getAttribute('data-highlight-step'));
  expect(step).toBeGreaterThan(0);
  await expect(page.getByTestId('trajectory-hover')).toContainText(`step ${step}: Learning rate 0.1 at (`);
  await trajectory.screenshot({ path: 'e2e/artifacts/trajectory.png' });

  // And back: a point of a path sets the step the table highlights.
  const path = (await page.getByTestId('trajectory-chart').boundingBox())!;
  await page.mouse.move(path.x + path.width * 0.5, path.y + path.height * 0.5);
  await expect(trajectory).not.toHaveAttribute('data-highlight-step', String(step));
});

test('the sweep summary fills in while the sweep runs and draws loss against lr, one line per eps', async ({
  page,
}) => {
  await signIn(page);
  // eps takes 12 values, as many as the lines per value may be (MAX_LINES); a million steps a run keep the
  // sweep running while its summary fills in.
  await fillSweepForm(page, { name: 'live', lrs: 'log(1e-3, 1e3, 10)', eps: 'log(1e-10, 1, 12)', steps: '1000000' });
  await expect(page.getByTestId('run-count')).toHaveText('120 runs');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'running');
  await page.getByTestId('open-summary').first().click();
  const heatmap = page.getByTestId('heatmap');
  const cells = async () => Number(await heatmap.getAttribute('data-cells'));
  await expect.poll(cells, { timeout: 20_000 }).toBeGreaterThan(0);
  const early = await cells();
  await expect.poll(cells).toBeGreaterThan(early);
  await page.getByTestId('cancel-sweep').click();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'cancelled');

  await expect(page.getByTestId('curves-x')).toHaveValue('lr');
  await expect(page.getByTestId('curves-line')).toHaveValue('eps');
  // 12 eps values: one line each, 10 points per line.
  await expect.poll(() => canvasIsPainted(page, 'loss-curves')).toBe(true);
  // From lr ≈ 0.5 on, AdaGrad lands x² exactly on 0: a log axis cannot show it, and the chart says so.
  await expect(page.getByTestId('loss-curves-hidden')).toHaveText('Not drawn on the log axis: final loss ≤ 0.');
  await page.getByTestId('sweep-summary').screenshot({ path: 'e2e/artifacts/sweep-summary-curves.png' });
});

test('loss against lr where every best loss is exactly 0: drawn on a linear axis, saying why, not an empty chart', async ({
  page,
}) => {
  await signIn(page);
  // AdaGrad lands x² from 4 exactly on 0 within 300 steps at lr 4 and 5: a log axis would draw nothing at all.
  await fillSweepForm(page, { name: 'zeros', lrs: '4, 5', steps: '300' });
  await launchAndWait(page, 2);
  await page.getByTestId('open-summary').first().click();
  await expect(page.getByTestId('curves-all-zero')).toHaveText(
    'Every final loss here is 0 (or none, where every run diverged): a log axis would show nothing, so this one is linear.',
  );
  await expect(page.getByTestId('sweep-summary').getByRole('checkbox', { name: 'log y' })).toBeDisabled();
  await expect.poll(() => canvasIsPainted(page, 'loss-curves')).toBe(true);
  await expect(page.getByTestId('loss-curves-hidden')).toHaveCount(0);
  await expect(page.locator('[data-points]').filter({ has: page.getByTestId('loss-curves') })).toHaveAttribute(
    'data-points',
    '2',
  );
});

test('Rosenbrock in two dimensions: paths along the curved valley', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('field-objectives-0').selectOption('rosenbrock');
  await fillSweepForm(page, { name: 'valley', lrs: '0.05, 0.5', steps: '3000' });
  await launchAndWait(page, 2);
  await page.getByTestId('compare-run').nth(0).check();
  await page.getByTestId('compare-run').nth(1).check();
  await expect.poll(() => canvasIsPainted(page, 'trajectory-chart')).toBe(true);
  await expect(page.getByTestId('trajectory')).toContainText('Paths over the contours of Rosenbrock');
  await page.getByTestId('trajectory').screenshot({ path: 'e2e/artifacts/trajectory-rosenbrock.png' });
});

test('charts follow the colour scheme: the canvas background is the theme panel colour', async ({ page }) => {
  await runPreset(page, 'x2-from-4', 1);
  await page.getByTestId('run-row').first().click();
  await page.getByTestId('tab-loss').click();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
  const corner = () =>
    page
      .getByTestId('loss-chart')
      .evaluate((c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(1, 1, 1, 1).data].slice(0, 3));
  // The theme's --panel colour as the browser paints it.
  const panel = () =>
    page.evaluate(() => {
      const context = document.createElement('canvas').getContext('2d')!;
      context.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--panel');
      context.fillRect(0, 0, 1, 1);
      return [...context.getImageData(0, 0, 1, 1).data].slice(0, 3);
    });
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await panel();
  await expect.poll(corner).toEqual(light);
  await page.emulateMedia({ colorScheme: 'dark' });
  // The theme follows the system's change event, a moment after it.
  await expect.poll(panel).not.toEqual(light);
  const dark = await panel();
  await expect.poll(corner).toEqual(dark);
  await page.locator('figure.chart').first().screenshot({ path: 'e2e/artifacts/loss-dark.png' });
});
