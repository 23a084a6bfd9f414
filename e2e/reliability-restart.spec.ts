/**
 * A page left open through a server restart (issue 13; issue 14 item 9): while the server is gone the page says the
 * connection is lost, shows the running sweep interrupted with no Cancel, and tries again by itself; once a new server
 * answers on the same port, it does not know the page's session, and the page says exactly what to do. Signed in again
 * with a fresh link in the same tab, the sweep is offered for Resume, which completes it.
 */
import { expect, test } from '@playwright/test';
import { countText, fillSweepForm, progressDone } from './flows';
import { expectWholeAndUnique, readSweeps, startServe } from './reliability-helpers';

const TOKEN = 'reliability-restart-token-9d2e4f60';
/** Enough runs that the sweep is still running when the server is killed, however fast the machine stores them. */
const RUNS = 4000;

test('the server restarts under an open page: lost, interrupted, told what to do, resumed', async ({ page }) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  const first = await startServe(TOKEN);
  let second: Awaited<ReturnType<typeof startServe>> | null = null;
  try {
    await page.goto(`${first.url}#token=${TOKEN}`);
    await fillSweepForm(page, { name: 'restart', lrs: `log(1e-4, 1, ${RUNS})`, steps: '20000' });
    await page.getByTestId('launch').click();
    const progress = page.getByTestId('progress').first();
    await expect(progress).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('cancel-sweep')).toBeVisible();
    // Killed as soon as runs are stored (polled every 25 ms: a fast machine stores thousands a second).
    await expect.poll(() => progressDone(page), { timeout: 30_000, intervals: [25] }).toBeGreaterThan(0);

    await first.stop('SIGKILL');
    await expect(page.getByTestId('connection')).toHaveText('Connection to the lab server lost — reconnecting…');
    await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'lost');
    await expect(progress).toHaveAttribute('data-status', 'interrupted');
    await expect(page.getByTestId('cancel-sweep')).toHaveCount(0);
    await expect(page.getByTestId('resume-sweep')).toBeDisabled();

    second = await startServe(TOKEN, first.port);
    await expect(page.getByTestId('connection')).toHaveText(
      `The server restarted: run \`adagrad-lab link --port ${first.port}\` (or press Enter in the terminal of \`npm run serve\`) and open the new link. Sweeps stopped mid-way can then be resumed.`,
      { timeout: 20_000 },
    );
    await expect(progress).toHaveAttribute('data-status', 'interrupted');

    await page.goto(await second.link());
    await expect(page.getByTestId('connection')).toHaveCount(0);
    const [sweep] = await readSweeps(page);
    const stored = (await expectWholeAndUnique(page, sweep.id)).ids.length;
    await expect(page.getByTestId('resume-sweep')).toHaveText(`Resume the ${countText(RUNS - stored)} missing runs`);
    await expect(page.getByTestId('resume-sweep')).toBeEnabled();
    await page.getByTestId('resume-sweep').click();
    await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
    await expectWholeAndUnique(page, sweep.id, RUNS);
    expect(problems).toEqual([]);
    console.log(
      `reliability-restart: ${stored} of ${RUNS} stored when the server was killed; the page said so, and Resume completed the sweep`,
    );
  } finally {
    await second?.stop('SIGTERM');
    await first.stop('SIGTERM');
  }
});
