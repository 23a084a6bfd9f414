import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';
import { fillSweepForm, launchAndWait } from './flows';

test('tag, star and note a run; delete two and undo; choose a column; see the storage used', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'kept', lrs: '1, 0.5, 0.1, 0.05', steps: '30' });
  await launchAndWait(page, 4);
  const rows = page.getByTestId('run-row');

  // Star from the table itself, keyboard only.
  await rows.nth(0).getByTestId('star-run').focus();
  await page.keyboard.press('Enter');
  await expect(rows.nth(0).getByTestId('star-run')).toHaveAttribute('aria-pressed', 'true');

  // Tag and note the selected run.
  await rows.nth(1).click();
  await page.getByTestId('tag-input').fill('  baseline  ');
  await page.getByTestId('tag-input').press('Enter');
  await expect(page.getByTestId('tag-chip')).toHaveText([/^baseline\s*×$/]);
  await expect(rows.nth(1).getByTestId('cell-tags')).toHaveText('baseline');
  await page.getByTestId('tag-input').fill('a'.repeat(41));
  await page.getByTestId('add-tag').click();
  await expect(page.getByTestId('tag-error')).toHaveText(
    `Invalid tag: "${'a'.repeat(40)}…" (must be at most 40 characters, it has 41)`,
  );
  await page.getByTestId('note-input').fill('lr 0.5: the smooth one');
  await page.getByTestId('save-note').click();
  await expect(page.getByTestId('save-note')).toBeDisabled();

  // A chosen column stays chosen after a reload; so do the tag, the star and the note.
  await page.getByTestId('column-chooser').locator('summary').click();
  await page.getByTestId('column-note').check();
  await page.reload();
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1).getByTestId('cell-note')).toHaveText('lr 0.5: the smooth one');
  await expect(rows.nth(1).getByTestId('cell-tags')).toHaveText('baseline');
  await expect(rows.nth(0).getByTestId('star-run')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('filter-starred').check();
  await expect(page.getByTestId('runs-count')).toHaveText('1 of 4 runs');
  await page.getByTestId('filter-starred').uncheck();

  // The storage panel counts what is stored.
  await expect(page.getByTestId('storage-counts')).toHaveText('4 runs · 4 traces · 1 sweep');
  await expect(page.getByTestId('storage-used')).toHaveText(/^[\d.]+ [kMG]?B used of [\d.]+ [kMGT]?B available$/);

  // Delete two runs (click, then Shift+click), then undo: exactly those come back, with their note and tag.
  await rows.nth(1).click();
  await rows.nth(2).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('2 runs selected');
  await page.getByTestId('delete-selected').click();
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs');
  await expect(page.getByTestId('storage-counts')).toHaveText('2 runs · 2 traces · 1 sweep');
  await expect(page.getByTestId('undo-toast')).toContainText('Deleted 2 runs');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('runs-count')).toHaveText('4 runs');
  await expect(rows.nth(1).getByTestId('cell-note')).toHaveText('lr 0.5: the smooth one');
  await expect(page.getByTestId('storage-counts')).toHaveText('4 runs · 4 traces · 1 sweep');
  await page.screenshot({ path: 'e2e/artifacts/storage.png' });
});

test('a large deletion asks first; select-all-shown selects exactly the runs the filter shows', async ({ page }) => {
  await signIn(page);
  await fillSweepForm(page, { name: 'many', lrs: 'log(1e-3, 1, 150)', steps: '20' });
  await launchAndWait(page, 150);
  await page.getByTestId('filter-hp.lr').fill('<=0.01');
  // lr_k = 1e-3·1000^(k/149), k = 0…149, is at most 0.01 exactly for k/149 ≤ 1/3: k = 0…49, 50 of the 150 runs.
  const shown = 50;
  await expect(page.getByTestId('runs-count')).toHaveText(`${shown} of 150 runs`);
  await page.getByTestId('select-shown').check();
  await expect(page.getByTestId('selected-count')).toHaveText(`${shown} runs selected`);
  await page.getByTestId('filter-hp.lr').fill('');
  await page.getByTestId('select-shown').check();
  await expect(page.getByTestId('selected-count')).toHaveText('150 runs selected');

  await page.getByTestId('delete-selected').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('Delete 150 runs and their traces?');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('confirm-dialog')).toHaveCount(0);
  await expect(page.getByTestId('runs-count')).toHaveText('150 runs');
  await page.getByTestId('delete-selected').click();
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('empty-runs')).toBeVisible();
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('runs-count')).toHaveText('150 runs');
});
