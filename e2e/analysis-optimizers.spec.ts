/**
 * G's weight-decay parts (the "G parts" tab and the per-step table's columns) and the sweep summary's tuned optimizer
 * comparison, each against src-core's own numbers for the same runs, recomputed in the test process.
 */
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, runsCount } from './flows';
import { presets } from '../src-core/sweep/presets';
import { expandSweep, validateSweepSpec } from '../src-core/sweep/expand';
import { executeRun } from '../src-core/run/execute';
import { computePerStepTable } from '../src-core/views/per-step';
import { partSeries, shareTenths } from '../src-core/views/accum-parts';
import { compareOptimizers } from '../src-core/analysis/optimizer-comparison';
import { formatMetric } from '../src-core/views/format';

/** The preset's runs, as the app expands them (the ids differ; the configs' numbers do not). */
function presetConfigs(id: string) {
  const checked = validateSweepSpec(presets.find((p) => p.id === id)!.spec);
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('e2e', checked.value);
}

async function runPreset(page: Page, preset: string, runs: number) {
  await signIn(page);
  await page.getByTestId(`preset-${preset}`).click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(runs), { timeout: 45_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
}

/** Screenshots in the light and the dark theme (test-results/, not committed). */
async function shoot(page: Page, name: string, testid: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.getByTestId(testid).screenshot({ path: `test-results/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test("the seeds' weight-decay preset: G's parts charted with their shares, and in the per-step table", async ({
  page,
}) => {
  await runPreset(page, 'weight-decay', 2);
  // The preset selects both runs: the tab charts the first and says so.
  await page.getByTestId('tab-accum-parts').click();
  await expect(page.getByTestId('accum-parts')).toContainText('Showing the first of 2 selected runs');
  // The step charts' switches go with them: log x and log y had stayed beside G's parts, switching nothing there.
  await expect(page.getByTestId('log-x')).toBeHidden();
  await expect(page.getByTestId('log-y')).toBeHidden();

  await page.getByTestId('run-row').nth(1).click();
  const parts = page.getByTestId('accum-parts');
  await expect(parts).toContainText('(weight decay 0.01)');
  await expect(parts).not.toContainText('Showing the first');
  await expect.poll(() => canvasIsPainted(page, 'chart-accum-parts')).toBe(true);

  // The readout at the last step (step 3), summed over the 4 parameters: src-core's shares, adding up to 100%.
  const { table } = computePerStepTable(presetConfigs('weight-decay')[1]);
  const at = (key: 'gradSquares' | 'crossTerm' | 'decayTerm') => partSeries(table, key, null)[2];
  const shares = shareTenths({
    gradSquares: at('gradSquares'),
    crossTerm: at('crossTerm'),
    decayTerm: at('decayTerm'),
  })!;
  const readout = page.getByTestId('accum-parts-share');
  await expect(readout).toHaveText(
    `at step 3: ${(shares.gradSquares / 10).toFixed(1)}% from ∇f², ${(shares.crossTerm / 10).toFixed(1)}% cross term, ${(shares.decayTerm / 10).toFixed(1)}% decay²`,
  );
  const percents = (await readout.innerText()).match(/-?\d+\.\d(?=%)/g)!.map(Number);
  expect(percents).toHaveLength(3);
  expect(Math.round(percents.reduce((a, b) => a + b, 0) * 10)).toBe(1000);
  expect(shares.decayTerm).toBeGreaterThanOrEqual(0);

  // One parameter at a time (4 parameters: a select).
  await page.getByTestId('accum-parts-parameter').selectOption('1');
  await expect(readout).toContainText('at step 3:');
  await shoot(page, 'g-parts', 'accum-parts');

  // The per-step table: three more column groups, their numbers src-core's.
  const headers = await page.getByTestId('per-step-table').locator('thead th').allInnerTexts();
  for (const part of ['Σ∇f²', '2wd·Σ∇f·θ', 'wd²·Σθ²'])
    expect(headers.filter((h) => h.startsWith(`${part} θ`))).toHaveLength(4);
  const column = headers.indexOf('2wd·Σ∇f·θ θ₂');
  const cells = await page
    .getByTestId('per-step-table')
    .locator(`tbody tr[data-testid="step-row"] td:nth-child(${column + 1})`)
    .allInnerTexts();
  expect(cells.map((c) => c.trim())).toEqual([0, 1, 2].map((row) => String(table.crossTerm[row * 4 + 2])));
  await page.getByTestId('per-step-table').evaluate((t) => (t.parentElement!.scrollLeft = 10_000));
  await shoot(page, 'per-step-parts', 'per-step');

  // Without weight decay: the decay parts are exactly 0; the readout is all ∇f².
  await page.getByTestId('run-row').nth(0).click();
  await expect(page.getByTestId('accum-parts')).toContainText('(weight decay 0)');
  await expect(readout).toHaveText('at step 3: 100.0% from ∇f², 0.0% cross term, 0.0% decay²');
});

test('the tuned comparison: one row per optimizer × objective, src-core’s numbers, narrower for a smaller factor', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await runPreset(page, 'tuned-comparison', 210);
  // The preset opens what its card names: the sweep summary's Optimizers view (was the loss chart of 10 runs).
  await expect(page.getByTestId('sweep-summary')).toBeVisible();
  await expect(page.getByTestId('sweep-view-optimizers')).toHaveAttribute('aria-selected', 'true');
  const results = presetConfigs('tuned-comparison').map((config) => executeRun(config));

  const read = async () =>
    page
      .getByTestId('comparison-row')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));
  const expected = (factor: number) =>
    compareOptimizers(results, { factor })
      .map((r) => [
        r.optimizer,
        r.objective,
        Number.isNaN(r.bestLoss) ? 'all diverged' : formatMetric(r.bestLoss),
        r.bestLr === null ? '—' : formatMetric(r.bestLr),
        // One good lr is written alone (AdaGrad on w² + 10b²: "1", was "1 – 1").
        r.goodFrom === null
          ? '—'
          : r.goodFrom === r.goodTo
            ? formatMetric(r.goodFrom)
            : `${formatMetric(r.goodFrom)} – ${formatMetric(r.goodTo!)}`,
        r.widthDecades === null ? '—' : r.widthDecades.toFixed(2),
      ])
      .sort();
  const shown = async () => (await read()).map((cells) => cells.slice(0, 6)).sort();

  await expect(page.getByTestId('comparison-row')).toHaveCount(10);
  expect(await shown()).toEqual(expected(10));
  await expect.poll(() => canvasIsPainted(page, 'comparison-chart')).toBe(true);
  await shoot(page, 'optimizer-comparison', 'sweep-summary');
  await shoot(page, 'optimizer-comparison-chart', 'comparison-chart-box');

  const widths = async () => new Map((await read()).map((cells) => [`${cells[0]} ${cells[1]}`, Number(cells[5])]));
  const wide = await widths();
  await page.getByTestId('comparison-factor').fill('2');
  await expect.poll(shown).toEqual(expected(2));
  for (const [row, width] of await widths()) expect(width).toBeLessThanOrEqual(wide.get(row)!);

  await page.getByTestId('comparison-factor').fill('1');
  await expect(page.getByTestId('comparison-error')).toHaveText(
    'Invalid good-range factor: 1 (must be a finite number > 1)',
  );

  // A best lr opens its run; SGD keeps no G, and the G parts tab says so instead of drawing zeros.
  await page.getByTestId('comparison-factor').fill('10');
  await page.getByTestId('comparison-row').filter({ hasText: /^SGD/ }).first().getByRole('button').click();
  await page.getByTestId('tab-accum-parts').click();
  await expect(page.getByTestId('accum-parts-missing')).toHaveText(
    'No parts of G to show: SGD keeps no accumulator: G has no weight-decay parts.',
  );
  await shoot(page, 'g-parts-sgd', 'accum-parts');
});

test('a sweep of one optimizer: its Optimizers view says what a comparison needs, with no controls that do nothing', async ({
  page,
}) => {
  await runPreset(page, 'lr-comparison', 4);
  await page.getByTestId('open-summary').first().click();
  await page.getByTestId('sweep-view-optimizers').click();
  await expect(page.getByTestId('comparison-missing')).toHaveText(
    'Comparing optimizers needs a sweep with two optimizers or more (this sweep has 1): e.g. the preset “Tuned comparison”.',
  );
  // The factor, the floor, the loss and Save CSV changed nothing here (the walk saw them beside the message).
  await expect(page.getByTestId('comparison-factor')).toHaveCount(0);
  await expect(page.getByTestId('comparison-csv')).toHaveCount(0);
  await shoot(page, 'optimizer-comparison-missing', 'sweep-summary');
});
