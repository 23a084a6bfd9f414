/**
 * Parallel coordinates of a random sweep of 300 runs: the chart is drawn, a brush typed on lr narrows the runs table to
 * exactly the runs whose lr lies in the brushed decade (counted here from the same spec, expanded in this process), a
 * drag on another axis narrows further, and clearing the brushes lists every run again.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { countText, fillSweepForm, runsCount } from './flows';
import { readSweeps } from './reliability-helpers';
import { expandSweep } from '../src-core/sweep/expand';
import type { SweepSpec } from '../src-core/contract/sweep-spec';

const RUNS = 300;

/** Pixels of the canvas in a saturated colour (the colour scale's lines; axes and text are grey): > 0 once drawn. */
const saturatedPixels = (page: Page) =>
  page.getByTestId('parallel-canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) >= 60) count++;
    return count;
  });

async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    // The canvas repaints at the next frame after the theme changes.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await page.getByTestId('sweep-summary').screenshot({ path: `test-results/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The lr shown in each listed row of the runs table (the rows in view: the table is virtualised). */
const listedLrs = (page: Page) =>
  page
    .getByTestId('run-row')
    .locator('[data-testid="cell-hp.lr"]')
    .evaluateAll((cells) => cells.map((c) => Number(c.textContent!.trim())));

test('parallel coordinates: a typed lr brush lists exactly the runs in its decade, a drag narrows, clearing restores', async ({
  page,
}) => {
  await signIn(page);
  await fillSweepForm(page, {
    name: 'pcp random',
    lrs: 'loguniform(1e-4, 1)',
    eps: 'loguniform(1e-10, 1e-6)',
    weightDecays: 'uniform(0, 0.01)',
    steps: '30',
  });
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill(String(RUNS));
  await page.getByTestId('field-search-seed').fill('11');
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS), { timeout: 60_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');

  // The runs the app stored, counted here: the same spec expanded in this process (the expansion is deterministic).
  const [sweep] = (await readSweeps(page)) as unknown as { id: string; spec: SweepSpec }[];
  expect(sweep.spec.optimizers[0].axes.lr).toEqual({ logUniform: { from: 1e-4, to: 1 } });
  const configs = expandSweep(sweep.id, sweep.spec);
  expect(configs).toHaveLength(RUNS);
  const inDecade = configs.filter((c) => c.optimizer.lr >= 1e-3 && c.optimizer.lr <= 1e-2).length;
  expect(inDecade).toBeGreaterThan(20);
  expect(inDecade).toBeLessThan(RUNS / 2);

  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Parallel coordinates' }).click();
  await expect.poll(() => saturatedPixels(page)).toBeGreaterThan(2000);
  await expect(page.getByTestId('parallel-caption')).toContainText(runsCount(RUNS));

  // A selected run outside the decade: the brush will hide it from the charts, and say so.
  // (the largest lr: the table sorted by lr, descending)
  await page.getByTestId('sort-hp.lr').click();
  await page.getByTestId('sort-hp.lr').click();
  expect((await listedLrs(page))[0]).toBeGreaterThan(1e-2);
  await page.getByTestId('run-row').first().click();
  await expect(page.getByTestId('loss-chart')).toBeVisible();

  // Enter on a focused axis brushes it by typing, as a person without a mouse does: lr to a decade.
  await page.getByTestId('parallel-axis-lr').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('brush-from-lr')).toBeFocused();
  // It starts on the whole axis, its ends written as the axis writes numbers (three digits, rounded outward so that
  // every run is inside), not the data's raw doubles (0.00010234857203948).
  const lrsDrawn = configs.map((c) => c.optimizer.lr);
  for (const [end, outside] of [
    ['from', (x: number) => x <= Math.min(...lrsDrawn)],
    ['to', (x: number) => x >= Math.max(...lrsDrawn)],
  ] as const) {
    const text = await page.getByTestId(`brush-${end}-lr`).inputValue();
    expect(text, end).toBe(String(Number(Number(text).toPrecision(3))));
    expect(outside(Number(text)), `${end} ${text}`).toBe(true);
  }
  await page.getByTestId('brush-from-lr').fill('1e-3');
  await page.getByTestId('brush-from-lr').press('Enter');
  await page.getByTestId('brush-to-lr').fill('1e-2');
  await page.getByTestId('brush-to-lr').press('Enter');
  await expect(page.getByTestId('brush-from-lr')).toHaveValue('0.001');
  await expect(page.getByTestId('brush-to-lr')).toHaveValue('0.01');
  await expect(page.getByTestId('runs-count')).toHaveText(
    `${countText(inDecade)} of ${countText(RUNS)} runs (brushed)`,
  );
  await expect(page.getByTestId('parallel-csv')).toHaveText(`Save CSV (${runsCount(inDecade)})`);
  const lrs = await listedLrs(page);
  expect(lrs.length).toBe(Math.min(inDecade, lrs.length));
  expect(lrs.length).toBeGreaterThan(0);
  for (const lr of lrs) {
    expect(lr).toBeGreaterThanOrEqual(1e-3);
    expect(lr).toBeLessThanOrEqual(1e-2);
  }
  await expect(page.getByTestId('brush-hidden-selection')).toHaveText(
    '1 selected run hidden by the brush. Clear brush',
  );
  await expect(page.getByTestId('loss-chart')).toHaveCount(0);
  await shoot(page, 'parallel-brushed');

  // The exports: the canvas as PNG; the runs inside the brushes as CSV, each with its lr in the decade.
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('parallel-png').click()]);
  expect(png.suggestedFilename()).toBe('adagrad-lab-parallel.png');
  expect([...(await readFile(await png.path())).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('parallel-csv').click()]);
  const lines = (await readFile(await csv.path(), 'utf8')).trimEnd().split('\r\n');
  expect(lines[0]).toBe('run_id,lr,eps,weightDecay,final_loss,best_loss,status');
  expect(lines).toHaveLength(inDecade + 1);
  for (const line of lines.slice(1)) {
    const lr = Number(line.split(',')[1]);
    expect(lr >= 1e-3 && lr <= 1e-2).toBe(true);
  }

  // The other views show the brushed runs only: the scatter (a random sweep's map) is given exactly those.
  await page.getByRole('tab', { name: 'Scatter' }).click();
  await expect(page.getByTestId('scatter-chart')).toHaveAttribute('data-runs', String(inDecade));
  await expect(page.getByTestId('sweep-summary').getByRole('heading', { level: 2 })).toContainText(
    `${inDecade} of 300 runs (brushed)`,
  );
  await page.getByRole('tab', { name: 'Parallel coordinates' }).click();

  // A bad end is refused with a message naming the field, the value and what is allowed; the brush stays.
  await page.getByTestId('brush-to-lr').fill('-1');
  await page.getByTestId('brush-to-lr').press('Enter');
  await expect(page.getByTestId('brush-error')).toHaveText(
    'Learning rate to: -1 is not allowed on a log axis; type a number above 0.',
  );
  await expect(page.getByTestId('runs-count')).toHaveText(
    `${countText(inDecade)} of ${countText(RUNS)} runs (brushed)`,
  );
  await page.getByTestId('brush-to-lr').fill('1e-2');
  await page.getByTestId('brush-to-lr').press('Enter');
  await expect(page.getByTestId('brush-error')).toHaveCount(0);

  // A drag along the weightDecay axis, over its lower half, narrows further (AND).
  const axis = (await page.getByTestId('parallel-axis-weightDecay').boundingBox())!;
  const x = axis.x + axis.width / 2;
  await page.mouse.move(x, axis.y + axis.height * 0.95);
  await page.mouse.down();
  await page.mouse.move(x, axis.y + axis.height * 0.75, { steps: 4 });
  await page.mouse.move(x, axis.y + axis.height * 0.5, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('brush-weightDecay')).toBeVisible();
  const from = Number(await page.getByTestId('brush-from-weightDecay').inputValue());
  const to = Number(await page.getByTestId('brush-to-weightDecay').inputValue());
  const both = configs.filter(
    (c) =>
      c.optimizer.lr >= 1e-3 &&
      c.optimizer.lr <= 1e-2 &&
      c.optimizer.weightDecay >= from &&
      c.optimizer.weightDecay <= to,
  ).length;
  expect(both).toBeLessThan(inDecade);
  await expect(page.getByTestId('runs-count')).toHaveText(`${countText(both)} of ${countText(RUNS)} runs (brushed)`);
  await shoot(page, 'parallel-two-brushes');

  // Escape on the focused axis clears its brush; the table's button clears the rest.
  await page.getByTestId('parallel-axis-weightDecay').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('brush-weightDecay')).toHaveCount(0);
  await expect(page.getByTestId('runs-count')).toHaveText(
    `${countText(inDecade)} of ${countText(RUNS)} runs (brushed)`,
  );
  await page.getByTestId('runs-clear-narrowing').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS));
  await expect(page.getByTestId('brush-lr')).toHaveCount(0);
});

test('parallel coordinates: diverged runs are drawn apart and counted; the optimizer is an axis of names', async ({
  page,
}) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'pcp diverging', lrs: 'log(1e-2, 100, 20)', steps: '20' });
  // A loss ten times the first diverges: the largest rates overshoot x² that far.
  await page.getByTestId('field-divergenceThreshold').fill('10');
  await page.getByTestId('add-optimizer').click();
  await page.getByTestId('field-optimizers-1-kind').selectOption('sgd');
  await page.getByTestId('field-optimizers-1-lr').fill('0.01, 0.1');
  await expect(page.getByTestId('run-count')).toHaveText('22 runs');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(22), { timeout: 30_000 });
  await page.getByTestId('runs-status-filter').selectOption('diverged');
  const diverged = Number((await page.getByTestId('runs-count').innerText()).split(' ')[0]);
  expect(diverged).toBeGreaterThan(0);
  expect(diverged).toBeLessThan(20);
  await page.getByTestId('runs-status-filter').selectOption('all');

  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Parallel coordinates' }).click();
  await expect(page.getByTestId('parallel-caption')).toContainText(
    `22 runs; ${diverged} diverged: red lines, in the band above the loss axes.`,
  );
  await expect(page.getByTestId('parallel-scale')).toContainText(`diverged or failed (${diverged})`);
  // The axis to brush is never blank: the first free one until another is chosen.
  const addAxis = page.getByTestId('brush-add-axis');
  await expect(addAxis).toHaveValue((await addAxis.locator('option').first().getAttribute('value'))!);
  // A brush on the final loss keeps only runs with a finite loss in its range: never a diverged one.
  await addAxis.selectOption('Final loss');
  await page.getByTestId('brush-add').click();
  await expect(page.getByTestId('runs-count')).toHaveText(`${22 - diverged} of 22 runs (brushed)`);
  // A categorical axis brushes by name: SGD's two runs (neither diverged).
  await addAxis.selectOption('Optimizer');
  await page.getByTestId('brush-add').click();
  await page.getByTestId('brush-optimizer').getByLabel('AdaGrad').uncheck();
  await expect(page.getByTestId('runs-count')).toHaveText('2 of 22 runs (brushed)');
  await shoot(page, 'parallel-diverged');

  // Pointing at a line names its run; a click charts it. Down the middle of the first segment until a line is met.
  const [first, second] = await Promise.all(
    ['optimizer', 'lr'].map(async (name) => (await page.getByTestId(`parallel-axis-${name}`).boundingBox())!),
  );
  const tip = page.getByTestId('parallel-tip');
  const midX = (first.x + first.width / 2 + second.x + second.width / 2) / 2;
  for (let y = first.y; y < first.y + first.height && !(await tip.isVisible()); y += 3) await page.mouse.move(midX, y);
  await expect(tip).toContainText('Optimizer SGD');
  await expect(tip).toContainText('Click to chart this run');
  const lr = /Learning rate (\S+)/.exec(await tip.innerText())![1];
  await page.screenshot({ path: 'test-results/parallel-hover.png' });
  await page.mouse.down();
  await page.mouse.up();
  const selected = page.locator('tr[aria-selected="true"]');
  await expect(selected).toHaveCount(1);
  await expect(selected.locator('[data-testid="cell-hp.lr"]')).toHaveText(lr);
  await page.mouse.move(midX, first.y + first.height + 80);
  await expect(tip).toHaveCount(0);
});
