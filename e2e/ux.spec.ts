/**
 * A person's use of the app beyond one sweep: the keyboard alone, re-running and duplicating, comparing configs, the
 * themes. Screenshots of every view, light and dark, go to e2e/artifacts/ (look at them).
 */
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait, runsTableBuilt } from './flows';

const open = async (page: Page) => {
  await signIn(page);
  await expect(page.getByTestId('sweep-form')).toBeVisible();
};

/** The focused element's test id, or its id. */
const focused = (page: Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') || document.activeElement?.id || '');

/** Presses Tab until the element with this test id (or id) has the focus, at most `limit` times. */
async function tabTo(page: Page, target: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit && (await focused(page)) !== target; i++) await page.keyboard.press('Tab');
  expect(await focused(page)).toBe(target);
}

/** Replaces the focused field's text, as a person would: select all, type. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Screenshots in the light and the dark theme, as the system's preference would choose them. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
    await page.screenshot({ path: `e2e/artifacts/${name}-${colorScheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('keyboard only: a sweep filled in and launched with Tab, typing and Enter, ending with its runs listed', async ({
  page,
}) => {
  await open(page);
  await shoot(page, 'empty');
  // The first Tab reaches the skip links, and the one to the form moves there.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the sweep form' })).toBeFocused();
  await page.keyboard.press('Enter');
  await tabTo(page, 'field-name', 3);
  await typeOver(page, 'by keyboard');
  await tabTo(page, 'field-optimizers-0-lr');
  await typeOver(page, '1, 0.1');
  await tabTo(page, 'field-steps');
  await typeOver(page, 'x');
  await expect(page.locator('#field-steps')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-steps-error')).toHaveText('Invalid number of steps: "x" (must be a number)');
  await expect(page.locator('#field-steps')).toHaveAttribute('aria-describedby', /field-steps-error/);
  await expect(page.getByTestId('launch')).toBeDisabled();
  // Enter on an invalid form launches nothing.
  await page.keyboard.press('Enter');
  await shoot(page, 'form-invalid');
  await typeOver(page, '40');
  await expect(page.getByTestId('run-count')).toHaveText('2 runs');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs', { timeout: 30_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('run-row').first()).toContainText('by keyboard');

  // A run is charted from the keyboard too: out of the text fields (to a radio button), "/" reaches the filter, Tab
  // the rows, Enter selects.
  await tabTo(page, 'search-grid');
  await page.keyboard.press('/');
  await expect(page.getByTestId('runs-filter')).toBeFocused();
  await page.keyboard.type('0.1');
  await expect(page.getByTestId('runs-count')).toHaveText('1 of 2 runs');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('nothing like it');
  await expect(page.getByTestId('runs-none-match')).toContainText('No run matches “nothing like it”');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await tabTo(page, 'run-row');
  await page.keyboard.press('Enter');
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(1);
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
});

test('the shortcuts: "?" lists them, they never fire while typing, Ctrl+Enter launches from a field', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('field-name').focus();
  await page.keyboard.type('a/b?t');
  await expect(page.getByTestId('field-name')).toHaveValue('a/b?t');
  await expect(page.getByTestId('shortcuts-dialog')).not.toBeVisible();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs', { timeout: 30_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  // Launched once: the shortcut takes the place of the field's own Enter, it does not add to it.
  await expect(page.getByTestId('progress')).toHaveCount(1);
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');

  await page.locator('body').click({ position: { x: 1, y: 1 } });
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcuts-dialog')).toBeVisible();
  await shoot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-dialog')).not.toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByTestId('field-name')).toBeFocused();
});

test('a re-run of a run and a duplicate of a sweep pre-fill the form, and Launch runs them', async ({ page }) => {
  await open(page);
  await fillSweepForm(page, { name: 'three rates', start: '4', lrs: '1, 0.5, 0.1', steps: '30' });
  await launchAndWait(page, 3);

  await page.getByTestId('run-row').nth(1).click();
  await page.getByTestId('rerun-run').click();
  await expect(page.getByTestId('prefilled')).toContainText('Pre-filled from run three rates #2');
  await expect(page.getByTestId('field-name')).toBeFocused();
  await expect(page.getByTestId('field-name')).toHaveValue('re-run of three rates #2');
  await expect(page.getByTestId('field-optimizers-0-lr')).toHaveValue('0.5');
  await expect(page.getByTestId('field-start')).toHaveValue('4');
  await expect(page.getByTestId('field-traceMaxPoints')).toHaveValue('1000');
  await expect(page.getByTestId('run-count')).toHaveText('1 run');
  // Only the two columns scroll: the page itself stays put, header in view, however long the form.
  expect(await page.evaluate(() => [document.documentElement.scrollHeight <= innerHeight, scrollY])).toEqual([true, 0]);
  await shoot(page, 'rerun-prefilled');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText('4 runs', { timeout: 30_000 });
  await expect(page.getByTestId('prefilled')).toHaveCount(0);
  await runsTableBuilt(page);
  // The re-run computed the same numbers as the run it came from.
  const losses = await page.getByTestId('final-loss').allInnerTexts();
  expect(losses).toContain(losses[0]);
  expect(losses.filter((loss) => loss === losses[0])).toHaveLength(2);

  await page.getByTestId('progress').nth(1).getByTestId('duplicate-sweep').click();
  await expect(page.getByTestId('prefilled')).toContainText('Pre-filled from sweep “three rates”');
  await expect(page.getByTestId('field-name')).toHaveValue('copy of three rates');
  await expect(page.getByTestId('field-optimizers-0-lr')).toHaveValue('1, 0.5, 0.1');
  await expect(page.getByTestId('run-count')).toHaveText('3 runs');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText('7 runs', { timeout: 30_000 });
});

test('the compare table highlights the differing learning rate, and can show only the differences', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('preset-constant-gradient').click();
  // The preset opens its view: both runs on the update chart.
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('tab-update')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => canvasIsPainted(page, 'chart-update')).toBe(true);
  await shoot(page, 'preset-view');

  await page.getByTestId('view-table').click();
  const table = page.getByTestId('compare-table');
  const row = (name: string) => table.locator(`tr[data-name="${name}"]`);
  await expect(row('lr')).toHaveAttribute('data-differs', 'true');
  await expect(row('lr').locator('td')).toHaveText(['0.01', '0.1']);
  await expect(row('eps')).toHaveAttribute('data-differs', 'false');
  await expect(row('final loss')).toHaveAttribute('data-differs', 'true');
  // The differing cells are painted apart from the rest.
  const background = (name: string) =>
    row(name)
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td).backgroundColor);
  expect(await background('lr')).not.toBe(await background('eps'));
  await shoot(page, 'compare-table');
  await page.getByTestId('only-differences').check();
  await expect(row('eps')).toHaveCount(0);
  await expect(row('lr')).toBeVisible();

  await page.getByTestId('open-summary').first().click();
  await expect(page.getByTestId('sweep-summary')).toBeVisible();
  await shoot(page, 'summary');
});

test('two optimizer entries in one random search: AdaGrad with the Keras defaults and Adam, log-uniform learning rates', async ({
  page,
}) => {
  await open(page);
  await page.getByTestId('profile-keras').click();
  await expect(page.getByTestId('profile-keras')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('field-optimizers-0-epsPlacement')).toHaveValue('inside');
  await expect(page.getByTestId('field-optimizers-0-initialAccumulator')).toHaveValue('0.1');
  await page.getByTestId('add-optimizer').click();
  await page.getByTestId('field-optimizers-1-kind').selectOption('adam');
  await expect(page.getByTestId('field-optimizers-1-amsgrad')).toBeVisible();
  await page.getByTestId('field-optimizers-1-amsgrad').selectOption('false, true');
  await expect(page.getByTestId('run-count')).toHaveText('3 runs');

  await page.getByTestId('field-optimizers-0-lr').fill('loguniform(1e-3, 1)');
  await expect(page.locator('#field-optimizers-0-lr-error')).toContainText(
    'draws values at random, which a grid does not do. Choose "Random samples" under Search',
  );
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill('4');
  await page.getByTestId('field-optimizers-1-lr').fill('loguniform(1e-4, 0.1)');
  await expect(page.getByTestId('run-count')).toHaveText('8 runs');
  await shoot(page, 'form-random');
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText('8 runs', { timeout: 30_000 });
  // The optimizer's own cell, named as the form names it: the sweep's name ("AdaGrad, Adam on …") names both in every row.
  await expect(page.getByTestId('run-row').filter({ has: page.locator('td', { hasText: /^Adam$/ }) })).toHaveCount(4);
});

test('the theme follows the system until toggled, and the toggle is remembered', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await open(page);
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  expect(await theme()).toBe('dark');
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const darkBackground = await bg();
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await toggle.click();
  expect(await theme()).toBe('light');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  expect(await bg()).not.toBe(darkBackground);
  await page.reload();
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  expect(await theme()).toBe('light');
  await page.keyboard.press('t');
  expect(await theme()).toBe('dark');
  await page.reload();
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  expect(await theme()).toBe('dark');
  await context.close();
});
