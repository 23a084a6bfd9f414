/**
 * Faults in a real browser, each against a serve-mode process of its own: the renderer crashing while batches are
 * being written, and the whole app (server and page) killed mid-sweep and started again. After each, every run that
 * was stored is whole (its trace there, bit-identical to src-core for a sample), no run is stored twice, and the sweep
 * completes: by the replay of unacknowledged results after a crash, by Resume after a kill, which computes only the
 * runs that were missing. (Reload mid-sweep: e2e/sweep-runner.spec.ts.)
 */
import { expect, test, type Page } from '@playwright/test';
import type { SocketReply } from '../src-core/contract/socket';
import { decodeFrame } from '../src-core/transport/wire';
import { runIdsIn } from '../test/helpers/sweep-events';
import { countText, fillSweepForm, runsCount } from './flows';
import { countStored, expectWholeAndUnique, readStored, readSweeps, startServe } from './reliability-helpers';

const TOKEN = 'reliability-faults-token-51c0ffee';
/**
 * Launches a sweep of `runs` learning rates from the form and waits until some, not all, of them are stored: counted in
 * IndexedDB, not read from the progress bar, which counts the runs computed (those the window has not stored yet too).
 */
async function launchAndWaitForSome(page: Page, name: string, runs: number, some: number): Promise<string> {
  await fillSweepForm(page, { name, lrs: `log(1e-4, 1, ${runs})`, steps: '20000' });
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(runs));
  await page.getByTestId('launch').click();
  await expect.poll(async () => (await readSweeps(page)).length, { timeout: 30_000 }).toBe(1);
  const [sweep] = await readSweeps(page);
  await expect
    // Often: the window stores runs a page (200) at a time, and the kill must come well before the last page.
    .poll(async () => (await countStored(page, sweep.id, runs)).runs, { timeout: 30_000, intervals: [50] })
    .toBeGreaterThanOrEqual(some);
  return sweep.id;
}

test('the renderer crashes while results are being written: what was stored is whole, the rest arrives, none twice', async ({
  context,
  page,
}) => {
  test.setTimeout(120_000);
  const server = await startServe(TOKEN);
  try {
    await page.goto(`${server.url}#token=${TOKEN}`);
    const sweepId = await launchAndWaitForSome(page, 'crash', 1000, 50);
    const storedAtCrash = (await readStored(page, sweepId)).runs.length;
    const cdp = await context.newCDPSession(page);
    // The renderer process dies at once, mid-transaction or not. The command itself never gets its answer.
    const crashed = page.waitForEvent('crash');
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;

    const reopened = await context.newPage();
    await reopened.goto(await server.link()); // a new tab signs in with a fresh link (sessions live in a tab)
    await expect(reopened.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', {
      timeout: 90_000,
    });
    await expect(reopened.getByTestId('runs-count')).toHaveText(runsCount(1000));
    const { ids, recomputed } = await expectWholeAndUnique(reopened, sweepId, 1000);
    console.log(
      `reliability-faults: renderer crash with ${storedAtCrash} of 1000 stored; after reopening ${ids.length} stored, each once, ${recomputed} recomputed bit-identical`,
    );
  } finally {
    await server.stop('SIGTERM');
  }
});

test('the whole app is killed mid-sweep: the sweep shows interrupted, Resume computes only the missing runs', async ({
  context,
  page,
}) => {
  test.setTimeout(180_000);
  const first = await startServe(TOKEN);
  let second: Awaited<ReturnType<typeof startServe>> | null = null;
  try {
    await page.goto(`${first.url}#token=${TOKEN}`);
    const sweepId = await launchAndWaitForSome(page, 'kill', 1500, 100);
    await first.stop('SIGKILL');
    await page.close();

    // The same port, so the browser finds the same origin and the same IndexedDB; a new server, so sign in again.
    second = await startServe(TOKEN, first.port);
    const reopened = await context.newPage();
    const computedAfterRestart: string[] = [];
    reopened.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string') return;
        const message = decodeFrame(new Uint8Array(payload)) as SocketReply;
        if ('event' in message && message.event.type === 'results')
          computedAfterRestart.push(...runIdsIn(message.event));
      }),
    );
    await reopened.goto(`${second.url}#token=${TOKEN}`);
    const progress = reopened.getByTestId('progress').first();
    await expect(progress).toHaveAttribute('data-status', 'interrupted', { timeout: 20_000 });

    // What survived the kill is whole and unique, and nothing was computed yet.
    const survived = await expectWholeAndUnique(reopened, sweepId);
    expect(survived.ids.length).toBeGreaterThanOrEqual(100);
    expect(survived.ids.length).toBeLessThan(1500);
    await expect(reopened.getByTestId('resume-sweep')).toHaveText(
      `Resume the ${countText(1500 - survived.ids.length)} missing runs`,
    );
    expect(computedAfterRestart).toEqual([]);

    await reopened.getByTestId('resume-sweep').click();
    await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
    await expect(reopened.getByTestId('runs-count')).toHaveText(runsCount(1500));
    const final = await expectWholeAndUnique(reopened, sweepId, 1500);

    // Resume computed exactly the runs that were missing: none of the survivors again, each missing one once.
    const survivors = new Set(survived.ids);
    expect(computedAfterRestart.filter((id) => survivors.has(id))).toEqual([]);
    expect(new Set(computedAfterRestart).size).toBe(computedAfterRestart.length);
    expect(computedAfterRestart.length).toBe(1500 - survived.ids.length);
    console.log(
      `reliability-faults: SIGKILL with ${survived.ids.length} of 1500 stored (${survived.recomputed} recomputed bit-identical); ` +
        `Resume computed ${computedAfterRestart.length}, the missing ones only; ${final.ids.length} stored once each (${final.recomputed} recomputed)`,
    );
  } finally {
    await second?.stop('SIGTERM');
    await first.stop('SIGTERM');
  }
});
