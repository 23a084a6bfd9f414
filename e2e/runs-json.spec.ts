/**
 * The app's own export, imported back: a sweep run in the app, one run starred and one tagged (and noted), the Runs
 * JSON downloaded, then imported into an empty database (a fresh browser profile): the same runs listed with their
 * tag, star and note, the same summaries, the sweep recreated; a second import adds nothing, and exporting again gives
 * the very same file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { RunSummary } from '../src-core/contract/types';
import { fromNonFinite } from '../src-core/export/json';
import { executeRun } from '../src-core/run/execute';
import { canvasIsPainted, fillSweepForm, launchAndWait, runsCount } from './flows';
import { signIn } from './sign-in';

interface RunsJsonFile {
  format: string;
  version: number;
  sweeps: {
    id: string;
    name: string;
    spec: { name: string };
    runs: {
      config: Parameters<typeof executeRun>[0];
      summary: Record<keyof RunSummary, unknown>;
      annotations?: unknown;
    }[];
  }[];
}

/** Clicks Runs JSON and returns the downloaded file's name and text. */
async function exportRunsJson(page: Page): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-runs-json').click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

async function importFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-open').click();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-choose').click()]);
  await chooser.setFiles(path);
}

/** Each listed run's id with what its row says: status, losses, tags and star. */
const rowsOf = (page: Page) =>
  page.getByTestId('run-row').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-run-id'),
      text: row.textContent?.replace(/\s+/g, ' ').trim(),
      starred: row.querySelector('[data-testid="star-run"]')?.getAttribute('aria-pressed'),
    })),
  );

test('Runs JSON: exported, imported into an empty profile, gives the same runs, sweep, tags, star and note', async ({
  page,
  browser,
}) => {
  const dir = await mkdtemp(join(tmpdir(), 'adagrad-runs-json-'));
  try {
    await signIn(page);
    // lr 1e300 diverges at once: an infinite loss, which JSON can only hold as "Infinity".
    await fillSweepForm(page, { name: 'round trip', start: '4', lrs: '0.1, 1, 1e300', eps: '1e-8', steps: '30' });
    await launchAndWait(page, 3);
    const rows = page.getByTestId('run-row');
    await rows.nth(0).getByTestId('star-run').click();
    await expect(rows.nth(0).getByTestId('star-run')).toHaveAttribute('aria-pressed', 'true');
    await rows.nth(1).click();
    const tag = 'λ “best” "quoted"';
    await page.getByTestId('tag-input').fill(tag);
    await page.getByTestId('tag-input').press('Enter');
    await expect(rows.nth(1).getByTestId('cell-tags')).toHaveText(tag);
    await page.getByTestId('note-input').fill('lr = 1, see "why"');
    await page.getByTestId('save-note').click();
    await expect(page.getByTestId('save-note')).toBeDisabled();
    const before = await rowsOf(page);
    await page.getByTestId('export-bar').screenshot({ path: 'test-results/runs-json-bar-light.png' });

    const exported = await exportRunsJson(page);
    expect(exported.name).toMatch(/^adagrad-lab-runs-[\dT-]+\.json$/);
    const file: RunsJsonFile = JSON.parse(exported.text);
    expect(file.format).toBe('adagrad-lab-runs');
    expect(file.version).toBe(1);
    expect(file.sweeps.map((sweep) => [sweep.name, sweep.spec.name, sweep.runs.length])).toEqual([
      ['round trip', 'round trip', 3],
    ]);
    // The summaries are the engine's, bit for bit, the infinite loss included.
    for (const run of file.sweeps[0].runs) {
      const summary = Object.fromEntries(
        Object.entries(run.summary).map(([key, value]) => [key, key.endsWith('Loss') ? fromNonFinite(value) : value]),
      );
      expect(summary).toEqual(executeRun(run.config).summary);
    }
    expect(exported.text).toContain('"finalLoss":"Infinity"');
    expect(file.sweeps[0].runs.filter((run) => run.annotations)).toHaveLength(2);
    const path = join(dir, exported.name);
    await writeFile(path, exported.text);

    // An empty database: a fresh browser profile, as a colleague's machine would be.
    const context = await browser.newContext({ colorScheme: 'dark' });
    try {
      const fresh = await context.newPage();
      await signIn(fresh);
      await expect(fresh.locator('html')).toHaveAttribute('data-theme', 'dark');
      await expect(fresh.getByTestId('progress')).toHaveCount(0);
      await importFile(fresh, path);
      await expect(fresh.getByTestId('import-summary')).toHaveText('3 new, 0 already stored, 0 refused');
      await expect(fresh.getByTestId('import-report')).toContainText('“round trip”');
      await fresh.getByTestId('import-dialog').screenshot({ path: 'test-results/runs-json-import-dark.png' });
      await fresh.getByTestId('import-close').click();
      await expect(fresh.getByTestId('runs-count')).toHaveText(runsCount(3));
      await expect(fresh.getByTestId('progress')).toHaveAttribute('data-status', 'completed');
      // The same rows: ids, settings, status, losses, the tag and the star.
      expect(await rowsOf(fresh)).toEqual(before);
      await fresh.getByTestId('run-row').nth(1).click();
      await expect(fresh.getByTestId('note-input')).toHaveValue('lr = 1, see "why"');
      // Its trace, absent from the file, is recomputed from its config.
      await expect.poll(() => canvasIsPainted(fresh, 'loss-chart')).toBe(true);
      await fresh.screenshot({ path: 'test-results/runs-json-imported-dark.png' });
      await fresh.getByTestId('export-bar').screenshot({ path: 'test-results/runs-json-bar-dark.png' });

      // Again: nothing new; and the file it exports is the very same.
      await importFile(fresh, path);
      await expect(fresh.getByTestId('import-summary')).toHaveText('0 new, 3 already stored, 0 refused');
      await fresh.getByTestId('import-close').click();
      await expect(fresh.getByTestId('runs-count')).toHaveText(runsCount(3));
      expect((await exportRunsJson(fresh)).text).toBe(exported.text);
    } finally {
      await context.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
