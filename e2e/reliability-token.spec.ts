/**
 * Serve mode's token in a real browser: it appears once, in the line the server prints, and nowhere after the first
 * load — not in the address bar, the history, any request the page makes (the WebSocket included), the referrer, or
 * anything the server logs while a sweep runs. The session cookie it is traded for is out of the page's reach.
 */
import { expect, test } from '@playwright/test';
import { fillSweepForm, launchAndWait } from './flows';
import { startServe, type ServeProcess } from './reliability-helpers';

const TOKEN = 'reliability-token-7c4e9a1b3d5f';
let server: ServeProcess;

test.beforeAll(async () => {
  server = await startServe(TOKEN);
});
test.afterAll(async () => {
  await server?.stop('SIGTERM');
});

test('the token leaves the address bar, history and every later request, and never reaches the log', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (ws) => requested.push(ws.url()));

  const historyBefore = await page.evaluate(() => history.length); // the blank page a new tab starts on
  await page.goto(`${server.url}?token=${TOKEN}`);
  await expect(page).toHaveURL(server.url);
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  await fillSweepForm(page, { name: 'token check', lrs: '1, 0.5, 0.1', steps: '50' });
  await launchAndWait(page, 3);
  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(3);

  const seen = await page.evaluate(() => ({
    href: location.href,
    historyLength: history.length,
    referrer: document.referrer,
    cookies: document.cookie,
    entries: performance.getEntries().map((entry) => entry.name),
  }));
  expect(seen.href).toBe(server.url);
  // The 303 replaced the token URL: one history entry for the visit, the clean URL (and none for the reload).
  expect(seen.historyLength).toBe(historyBefore + 1);
  expect(seen.referrer).toBe('');
  // HttpOnly: the page cannot read the session cookie it is signed in with.
  expect(seen.cookies).toBe('');
  for (const url of [...seen.entries, ...requested.slice(1)]) expect(url).not.toContain(TOKEN);
  expect(requested[0]).toContain(TOKEN); // the first load, and only it
  expect(requested.filter((url) => url.startsWith(`ws://127.0.0.1:${server.port}/socket`)).length).toBeGreaterThan(0);

  // The printed URL is the one place the token appears in the server's output.
  const lines = server.output().split('\n');
  expect(lines.filter((line) => line.includes(TOKEN))).toEqual([`AdaGrad Lab is serving at ${server.url}?token=${TOKEN}`]);
  console.log(`reliability-token: ${requested.length} requests and ${lines.length} log lines checked for the token`);
});
