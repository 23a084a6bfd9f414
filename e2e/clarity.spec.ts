/**
 * What a person reads is right and clear (issue 13): a diverged run's loss, settings that differ, the compare table's
 * names and width, the form's words, the header at 1280 × 800, a preset run twice, Resume after Cancel. Each checked
 * from the DOM; screenshots go to e2e/artifacts/clarity-*.png (look at them).
 */
import { expect, test, type Page } from '@playwright/test';
import { countText, fillSweepForm, launchAndWait, openRunChart, progressDone, runsCount } from './flows';
import { expectWholeAndUnique, readSweeps } from './reliability-helpers';
import { signIn } from './sign-in';

const open = async (page: Page) => {
  await signIn(page);
  await expect(page.getByTestId('sweep-form')).toBeVisible();
};

const shoot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/clarity-${name}.png` });

/** The final-loss cells of the rows shown, top to bottom. */
const finalLosses = async (page: Page): Promise<string[]> => {
  const index = await page
    .locator('table.runs thead tr')
    .first()
    .locator('th')
    .evaluateAll((ths) => ths.findIndex((th) => th.textContent?.includes('Final loss')));
  return page
    .getByTestId('run-row')
    .evaluateAll((rows, i) => rows.map((row) => (row.children[i] as HTMLElement).innerText.trim()), index);
};

test("a diverged run's final loss reads ∞ with its step, sorts past the finite ones and is found by filters", async ({
  page,
}) => {
  await open(page);
  // SGD on x² from 4: lr 2 triples |θ| each step until the loss overflows; lr 0.1 and 1 do not diverge.
  await page.getByTestId('field-optimizers-0-kind').selectOption('sgd');
  await fillSweepForm(page, { name: 'overflow', lrs: '0.1, 2, 1', steps: '1000' });
  // The blank fields' defaults read as their hints write numbers (was 1000000 beside "Blank: 10⁶", 10000).
  await expect(page.getByTestId('field-divergenceThreshold')).toHaveAttribute('placeholder', '1,000,000');
  await expect(page.getByTestId('field-maxRuns')).toHaveAttribute('placeholder', '10,000');
  // Off: the run goes on until its loss overflows to ∞ (the default threshold would stop it, finite, when it blows up).
  await page.getByTestId('field-divergenceThreshold').fill('off');
  await launchAndWait(page, 3);
  const diverged = page.locator('tr.diverged');
  await expect(diverged).toHaveCount(1);
  const cell = diverged.locator('td').filter({ hasText: /^∞ \(diverged at step \d+\)$/ });
  await expect(cell).toHaveCount(1);
  expect(await page.getByTestId('run-row').allInnerTexts()).not.toContainEqual(expect.stringMatching(/\bnull\b/));

  await page.getByTestId('sort-finalLoss').click();
  expect((await finalLosses(page)).at(-1)).toMatch(/^∞ \(diverged at step \d+\)$/);
  await page.getByTestId('sort-finalLoss').click();
  expect((await finalLosses(page))[0]).toMatch(/^∞ /);

  for (const filter of ['> 1e6', 'inf', 'diverged']) {
    await page.getByTestId('filter-finalLoss').fill(filter);
    await expect(page.getByTestId('runs-count')).toContainText('1 of 3');
    await expect(page.getByTestId('run-row')).toHaveCount(1);
  }
  await page.getByTestId('filter-finalLoss').fill('NaN');
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.getByTestId('filter-finalLoss').fill('');
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  await shoot(page, 'diverged-row');
});

test('swept eps placement shows in the runs table; the compare table names settings as the form does and fits many runs', async ({
  page,
}) => {
  await open(page);
  await fillSweepForm(page, { name: 'placements', lrs: '0.1, 0.3, 1', steps: '50' });
  await page.getByTestId('field-optimizers-0-epsPlacement').selectOption({ label: 'all' });
  // Three placements (outside, inside, inside with Optax's guard) × three rates.
  await launchAndWait(page, 9);
  // Not chosen in Columns, shown because it differs: the three rows of each lr read apart.
  const header = page.locator('table.runs thead tr').first();
  await expect(header).toContainText('Eps placement');
  await expect(header).toContainText('Learning rate');
  const rows = await page.getByTestId('run-row').allInnerTexts();
  expect(new Set(rows.map((row) => row.replace(/^\s*\S+\s+\S+\s+\d+/, ''))).size).toBe(9);

  await page.getByTestId('select-shown').check();
  await page.getByTestId('view-table').click();
  const table = page.getByTestId('compare-table');
  await expect(table.locator('tr[data-name="epsPlacement"] th')).toHaveText(/Eps placement$/);
  await expect(table.locator('tr[data-name="lr"] th')).toHaveText(/Learning rate$/);
  // The form's "default" start, with the value it stands for.
  await expect(table.locator('tr[data-name="start"] td').first()).toHaveText('default (4)');
  const names = await table.locator('tbody th[scope="row"]').allInnerTexts();
  for (const name of names) expect(name).not.toMatch(/[a-z][A-Z]/);
  // Nine runs at 1280 px: the page does not widen; the table scrolls sideways under its first column.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  const box = table.locator('.compare-box');
  const firstColumn = table.locator('tr[data-name="lr"] th');
  const leftBefore = (await firstColumn.boundingBox())!.x;
  await box.evaluate((element) => (element.scrollLeft = element.scrollWidth));
  expect((await firstColumn.boundingBox())!.x).toBe(leftBefore);
  await expect(firstColumn).toBeVisible();
  await shoot(page, 'compare-six');
});

test('the form says what its fields mean, in plain words, and its help has room', async ({ page }) => {
  await open(page);
  await expect(page.locator('label[for="field-seeds"]')).toHaveText('Seeds');
  await expect(page.locator('#field-seeds-hint')).toHaveText(
    '1 run per setting, with seed 0. List seeds (0, 1, 2) to repeat each setting.',
  );
  await page.getByTestId('field-seeds').fill('0, 1, 2');
  await expect(page.locator('#field-seeds-hint')).toHaveText('3 runs per setting, one per seed.');

  await page.getByTestId('field-optimizers-0-lr').fill('loguniform(1e-3, 1)');
  const error = page.locator('#field-optimizers-0-lr-error');
  await expect(error).toHaveText(
    'Learning rate: loguniform(0.001, 1) draws values at random, which a grid does not do. Choose "Random samples" under Search, or type log(0.001, 1, 5) for 5 values on a grid.',
  );
  await expect(error).not.toContainText('logUniform');

  await page.getByText('What these do').first().click();
  const help = page.locator('details.help dd').first();
  await help.scrollIntoViewIfNeeded();
  // Each explanation the panel's width, under its name, not a narrow column beside it.
  const [dd, panel] = [(await help.boundingBox())!, (await page.locator('details.help').first().boundingBox())!];
  expect(dd.width).toBeGreaterThan(0.8 * panel.width);
  await shoot(page, 'form-help');
});

test('the header holds one row at 1280 × 800: the whole formula, and an export message that does not wrap it', async ({
  page,
}) => {
  await open(page);
  const header = page.locator('header.top');
  const formula = page.getByTestId('formula');
  await expect(formula).toHaveText('G ← G + g² · θ ← θ − lr·g/(√G+ε)');
  const whole = await formula.evaluate(
    (element) =>
      element.scrollWidth <= element.clientWidth && element.getBoundingClientRect().right <= window.innerWidth,
  );
  expect(whole).toBe(true);
  const height = (await header.boundingBox())!.height;
  expect(height).toBeLessThanOrEqual(64);
  await fillSweepForm(page, { lrs: '0.1, 0.2', steps: '20' });
  await launchAndWait(page, 2);
  await page.getByTestId('export-csv').click();
  await expect(page.getByTestId('export-status')).toHaveText('Exported 2 runs');
  expect((await header.boundingBox())!.height).toBe(height);
  // Nothing in the header wraps onto a second line: every control is one line high.
  const tall = await header
    .locator('button, select, label')
    .evaluateAll((elements) => elements.filter((e) => e.getBoundingClientRect().height > 40).map((e) => e.textContent));
  expect(tall).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await shoot(page, 'header-exported');
});

test('in a narrower window the header wraps: every control stays inside it, and the page does not scroll sideways', async ({
  page,
}) => {
  await open(page);
  for (const viewport of [
    { width: 1100, height: 700 },
    { width: 900, height: 600 },
  ]) {
    await page.setViewportSize(viewport);
    // Below about 1230 px the export buttons had been pushed past the window's right edge.
    const outside = await page
      .locator('header.top')
      .locator('button, select, input, a')
      .evaluateAll(
        (elements, width) =>
          elements.filter((e) => e.getBoundingClientRect().right > width).map((e) => e.textContent?.trim()),
        viewport.width,
      );
    expect(outside, `at ${viewport.width} px`).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  }
  await shoot(page, 'header-900');
});

test("at 900 × 600 the chart's tabs keep a line each, its switches going under them", async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await open(page);
  await fillSweepForm(page, { lrs: '0.1', steps: '20' });
  await launchAndWait(page, 1);
  await openRunChart(page, 0);
  // Squeezed beside the smoothing slider and the log switches, the tabs had stood in a column 115 px wide.
  const heights = await page
    .getByRole('tablist', { name: 'Chart' })
    .getByRole('tab')
    .evaluateAll((tabs) =>
      tabs.map((tab) => [tab.textContent?.trim(), Math.round(tab.getBoundingClientRect().height)]),
    );
  const [, oneLine] = heights[0];
  expect(heights.filter(([, height]) => height !== oneLine)).toEqual([]);
  await shoot(page, 'chart-tabs-900');
});

test("at 900 × 600 the runs table's tools are read whole: the status choice is not cut, the count is one line", async ({
  page,
}) => {
  await open(page);
  await fillSweepForm(page, { lrs: '0.1, 0.2', steps: '20' });
  await launchAndWait(page, 2);
  const status = page.getByTestId('runs-status-filter');
  const count = page.getByTestId('runs-count');
  const [wide, line] = [(await status.boundingBox())!.width, (await count.boundingBox())!.height];
  await page.setViewportSize({ width: 900, height: 600 });
  await page.getByTestId('runs-filter').fill('no such run');
  await expect(count).toHaveText('0 of 2 runs');
  // The search box had kept its width and squeezed the others: "every stat", and "0 of 2" over "runs".
  expect((await status.boundingBox())!.width).toBe(wide);
  expect((await count.boundingBox())!.height).toBe(line);
});

test('at 900 × 600 the column chooser is read whole inside the results, its boxes in a column before their labels', async ({
  page,
}) => {
  await open(page);
  await fillSweepForm(page, { lrs: '0.1, 0.2', steps: '20' });
  await launchAndWait(page, 2);
  await page.setViewportSize({ width: 900, height: 600 });
  await page.getByTestId('column-chooser').locator('summary').click();
  const results = (await page.locator('main.content').boundingBox())!;
  const boxes = await page
    .getByTestId('column-chooser')
    .locator('fieldset')
    .evaluateAll((fieldsets) =>
      fieldsets.map((fieldset) =>
        [...fieldset.querySelectorAll('label')].map((label) => {
          const [box, whole] = [label.querySelector('input')!.getBoundingClientRect(), label.getBoundingClientRect()];
          return {
            text: label.textContent!.trim(),
            left: whole.left,
            right: whole.right,
            boxLeft: box.left,
            boxWidth: box.width,
          };
        }),
      ),
    );
  expect(boxes.flat().length).toBeGreaterThan(30);
  for (const group of boxes) {
    for (const label of group) {
      // Its four groups had run off the results' left edge, which cut the Run group (Sweep, #, objective…) away.
      expect(label.left, label.text).toBeGreaterThanOrEqual(results.x);
      expect(label.right, label.text).toBeLessThanOrEqual(results.x + results.width);
      // Each box had grown to 115 px with the search box's rule, centred, so boxes and labels stood ragged.
      expect(label.boxWidth, label.text).toBeLessThan(20);
      expect(label.boxLeft, label.text).toBeCloseTo(group[0].boxLeft, 0);
    }
  }
  await page.screenshot({ path: 'e2e/artifacts/clarity-columns-900.png' });
});

test('a preset run twice makes two sweeps named apart, and says so', async ({ page }) => {
  await open(page);
  await page.getByTestId('preset-constant-gradient').click();
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(2, { timeout: 30_000 });
  await page.locator('details.presets summary').click();
  await page.getByTestId('preset-constant-gradient').click();
  await expect(page.getByTestId('preset-notice')).toHaveText(
    /^Launched as “(.+) \(2\)”: a sweep named “\1” is listed already\.$/,
  );
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(4), { timeout: 30_000 });
  const names = (await page.getByTestId('open-summary').allInnerTexts()).map((name) =>
    name.replace(/: open its summary$/, '').trim(),
  );
  const base = names.find((name) => !name.includes('(2)'))!;
  expect(names.sort()).toEqual([base, `${base} (2)`].sort());
  await shoot(page, 'preset-twice');
});

test('a cancelled sweep resumes: exactly its missing runs are computed and stored, under the same ids', async ({
  page,
}) => {
  await open(page);
  await fillSweepForm(page, { name: 'stop and go', lrs: 'log(1e-4, 1, 2000)', steps: '20000' });
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(2000));
  await page.getByTestId('launch').click();
  const progress = page.getByTestId('progress').first();
  await expect.poll(() => progressDone(page), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByTestId('cancel-sweep').click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled');
  const [sweep] = await readSweeps(page);
  const kept = await expectWholeAndUnique(page, sweep.id, undefined, 3);
  expect(kept.ids.length).toBeLessThan(2000);
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(kept.ids.length));
  const resume = page.getByTestId('resume-sweep');
  await expect(resume).toHaveText(`Resume the ${countText(2000 - kept.ids.length)} missing runs`);
  await shoot(page, 'cancelled');

  await resume.click();
  await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(2000));
  const all = await expectWholeAndUnique(page, sweep.id, 2000, 3);
  expect(all.ids).toEqual(expect.arrayContaining(kept.ids));
  await expect(resume).toHaveCount(0);
});

test('a resumed sweep can be cancelled again: its Cancel is not left at "Cancelling…"', async ({ page }) => {
  await open(page);
  // Long enough (2,000 runs of a million steps) to be running still whenever it is looked at.
  await fillSweepForm(page, { name: 'stop, go, stop', lrs: 'log(1e-4, 1, 2000)', steps: '1000000' });
  await page.getByTestId('launch').click();
  const progress = page.getByTestId('progress').first();
  const cancel = progress.getByTestId('cancel-sweep');
  await expect.poll(() => progressDone(page), { timeout: 30_000 }).toBeGreaterThan(0);
  await cancel.click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled');
  await progress.getByTestId('resume-sweep').click();
  await expect(progress).toHaveAttribute('data-status', 'running');
  await expect(cancel).toHaveText('Cancel');
  await expect(cancel).toBeEnabled();
  await cancel.click();
  await expect(progress).toHaveAttribute('data-status', 'cancelled');
});

test('an ended sweep still counts its diverged runs after a reload (its card had lost them with the progress)', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('field-objectives-0').selectOption('elliptic-2d');
  await page.getByTestId('field-optimizers-0-kind').selectOption('sgd');
  await fillSweepForm(page, { name: 'counted', lrs: '0.05, 2, 3', steps: '200' });
  await launchAndWait(page, 3);
  const outcomes = page.getByTestId('progress').first().getByTestId('progress-outcomes');
  await expect(outcomes).toHaveText('0 converged · 2 diverged · 0 failed');
  await page.reload();
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  await expect(outcomes).toHaveText('0 converged · 2 diverged · 0 failed');
});
