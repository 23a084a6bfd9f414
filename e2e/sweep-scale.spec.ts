/**
 * A 100,000-run sweep end to end in Chromium through serve mode: reloaded mid-sweep, the server killed mid-sweep and
 * the sweep resumed on a new one; at the end every run is stored once, with its trace, counted in IndexedDB.
 */
import { expect, test, type Page } from '@playwright/test';
import { fillSweepForm, progressDone, readCount, runsCount } from './flows';
import { countStored, readSweeps, startServe } from './reliability-helpers';

const TOKEN = 'sweep-scale-token-0ddba11';
const RUNS = 100_000;
/** The runs stored and listed ("N runs"): behind the progress count, by what is on its way to the store. */
const listedOf = async (page: Page): Promise<number> =>
  readCount((await page.getByTestId('runs-count').innerText()).split(' ')[0]);

test('a 100,000-run sweep: a reload and a killed server mid-sweep, Resume, and every run stored once', async ({
  context,
  page,
}) => {
  test.setTimeout(600_000);
  const first = await startServe(TOKEN);
  let second: Awaited<ReturnType<typeof startServe>> | null = null;
  try {
    await page.goto(`${first.url}#token=${TOKEN}`);
    await fillSweepForm(page, {
      name: 'a hundred thousand',
      lrs: 'log(1e-4, 1, 1000)',
      eps: 'log(1e-10, 1e-4, 100)',
      steps: '100',
    });
    await page.getByTestId('sweep-form').getByTestId('field-maxRuns').fill(String(RUNS));
    await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
    const launchedAt = Date.now();
    await page.getByTestId('launch').click();
    await expect.poll(() => progressDone(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(10_000);
    const [{ id: sweepId }] = await readSweeps(page);

    // A reload mid-sweep: what was sent and not stored comes again, and the sweep goes on.
    await page.reload();
    const progress = page.getByTestId('progress').first();
    await expect(progress).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
    const afterReload = await progressDone(page);
    // Stored, not only computed, and past the 20,000 the kill below expects: under load the store ran up to 10,000
    // runs behind the progress, and the progress read right after the reload can be the stored count (13,600 to 19,059
    // stored at the kill, in 4 of 10 runs at load 2.5–3.6, the server's socket as on main or as now).
    await expect
      .poll(() => listedOf(page), { timeout: 60_000 })
      .toBeGreaterThan(Math.max(afterReload + 10_000, 20_000));

    // The server killed mid-sweep; a new one on the same port (the same origin, so the same IndexedDB).
    await first.stop('SIGKILL');
    await page.close();
    second = await startServe(TOKEN, first.port);
    const reopened = await context.newPage();
    await reopened.goto(`${second.url}#token=${TOKEN}`);
    const again = reopened.getByTestId('progress').first();
    await expect(again).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
    const survived = await countStored(reopened, sweepId, RUNS);
    expect(survived.distinctRuns).toBe(survived.runs);
    expect(survived.traces).toBe(survived.runs);
    expect(survived.runs).toBeGreaterThan(20_000);
    expect(survived.runs).toBeLessThan(RUNS);

    await reopened.getByTestId('resume-sweep').click();
    await expect(again).toHaveAttribute('data-status', 'completed', { timeout: 480_000 });
    const seconds = (Date.now() - launchedAt) / 1000;
    await expect(reopened.getByTestId('runs-count')).toHaveText(runsCount(RUNS));
    const stored = await countStored(reopened, sweepId, RUNS);
    expect(stored).toEqual({ runs: RUNS, distinctRuns: RUNS, traces: RUNS, missing: 0 });
    console.log(
      `sweep-scale: ${RUNS} runs × 100 steps; reloaded after ${afterReload}, the server killed with ${survived.runs} stored; ` +
        `resumed; ${stored.distinctRuns} stored once each with their traces, ${seconds.toFixed(0)} s from Launch`,
    );
  } finally {
    await second?.stop('SIGTERM');
    await first.stop('SIGTERM');
  }
});
