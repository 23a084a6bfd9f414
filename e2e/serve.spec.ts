import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { executeRun } from '../src-core/run/execute';
import { summaryColumns } from '../src-core/export/summary-table';
import { signIn } from './sign-in';
import { adagradRun } from '../test/helpers/configs';
import { canvasIsPainted, fillSweepForm, launchAndWait, openRunChart } from './flows';

test('a sweep of 3 learning rates: launch, chart, export, reload', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });

  await signIn(page);
  // The token leaves the address bar at once: it is traded for a session over the socket.
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('empty-runs')).toBeVisible();

  await fillSweepForm(page, {
    name: 'three rates',
    start: '4',
    lrs: '1, 0.5, 0.1',
    eps: '1e-8',
    weightDecays: '0',
    steps: '60',
  });
  await launchAndWait(page, 3);
  await expect(page.getByTestId('run-status')).toHaveText(['completed', 'completed', 'completed']);

  await openRunChart(page, 0);
  // The README's screenshot: the three runs overlaid on the step size lr/(√G+ε), log-log, against its 1/√t reference.
  await page.getByTestId('select-shown').check();
  await page.getByTestId('tab-stepSize').click();
  await page.getByTestId('log-x').check();
  await expect.poll(() => canvasIsPainted(page, 'chart-stepSize')).toBe(true);
  await page.screenshot({ path: 'docs/screenshot.png' });
  await page.getByTestId('run-row').first().click();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^adagrad-lab-runs-.*\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = csv
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  expect(header).toEqual(summaryColumns.map((c) => c.header));
  expect(rows).toHaveLength(3);
  const column = (name: string) => header.indexOf(name);
  for (const row of rows) {
    const lr = Number(row[column('lr')]);
    const expected = executeRun(
      adagradRun({ lr }, { id: row[column('run_id')], sweepId: row[column('sweep_id')], steps: 60 }),
    );
    // Exactly the doubles src-core computes, written in shortest round-trip form.
    expect(row[column('final_loss')]).toBe(String(expected.summary.finalLoss));
    expect(row[column('best_loss')]).toBe(String(expected.summary.bestLoss));
    expect(row[column('status')]).toBe('completed');
  }
  expect(rows.map((r) => Number(r[column('lr')])).sort()).toEqual([0.1, 0.5, 1]);

  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  expect(problems).toEqual([]);
});

test('the form refuses a bad learning rate with a message naming the field and value', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, { lrs: '0.1, -0.5' });
  await expect(page.locator('#field-optimizers-0-lr-error')).toHaveText(
    'Invalid learning rate: -0.5 (must be a finite number > 0)',
  );
  await expect(page.getByTestId('launch')).toBeDisabled();
  await fillSweepForm(page, { lrs: '0.1, abc' });
  await expect(page.getByText('Invalid learning rate: "abc" (must be a number)')).toBeVisible();
  await expect(page.getByTestId('launch')).toBeDisabled();
});
