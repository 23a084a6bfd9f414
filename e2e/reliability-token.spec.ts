/**
 * Serve mode's sign-in in a real browser. The link's token is in the fragment, so no request carries it, and it
 * leaves the address bar before anything else; it works once, so a history entry that kept it grants nothing. The
 * session it is exchanged for lives in the tab's sessionStorage (no cookie: a cookie would go to every port of
 * 127.0.0.1), survives a reload, and is never in any URL; the server's log never holds either. localhost:PORT is
 * redirected to the one canonical origin, so one server has one store of runs.
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

test('the token leaves the address bar at once, is in no request, works once; the session is no cookie', async ({
  page,
  context,
}) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (ws) => requested.push(ws.url()));

  const historyBefore = await page.evaluate(() => history.length); // the blank page a new tab starts on
  await page.goto(`${server.url}#token=${TOKEN}`);
  await expect(page).toHaveURL(server.url);
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  await fillSweepForm(page, { name: 'token check', lrs: '1, 0.5, 0.1', steps: '50' });
  await launchAndWait(page, 3);
  // A reload keeps the tab signed in: its session is in sessionStorage.
  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  await expect(page.getByTestId('connection')).toHaveCount(0);

  const seen = await page.evaluate(() => ({
    href: location.href,
    historyLength: history.length,
    referrer: document.referrer,
    cookies: document.cookie,
    session: sessionStorage.getItem('adagrad-lab-session'),
    entries: performance.getEntries().map((entry) => entry.name),
  }));
  expect(seen.href).toBe(server.url);
  // replaceState rewrote the visit's entry: one history entry, the clean URL (and none for the reload).
  expect(seen.historyLength).toBe(historyBefore + 1);
  expect(seen.referrer).toBe('');
  expect(seen.cookies).toBe('');
  expect(await context.cookies()).toEqual([]);
  expect(seen.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(seen.session).not.toContain(TOKEN);
  // The fragment never reaches the server: no request URL holds the token, the first load included.
  for (const url of [...seen.entries, ...requested]) {
    expect(url).not.toContain(TOKEN);
    expect(url).not.toContain(seen.session);
  }
  expect(requested.filter((url) => url.startsWith(`ws://127.0.0.1:${server.port}/socket`)).length).toBeGreaterThan(1);

  // The same link again (a leaked history entry, a second tab) is refused, and the page says what to do.
  const again = await context.newPage();
  await again.goto(`${server.url}#token=${TOKEN}`);
  await expect(again.getByTestId('connection')).toHaveText(
    `This link was used already or is not valid (each link works once): run \`adagrad-lab link --port ${server.port}\` (or press Enter in the terminal of \`npm run serve\`) and open the new link.`,
  );
  expect(await again.evaluate(() => sessionStorage.getItem('adagrad-lab-session'))).toBeNull();
  // A fresh link signs that tab in, pasted into it (only the fragment changes: no reload).
  await again.goto(await server.link());
  await expect(again.getByTestId('connection')).toHaveCount(0);
  await expect(again.getByTestId('run-row')).toHaveCount(3);
  await again.close();

  // The printed URL is the one place the first token appears in the server's output.
  const lines = server.output().split('\n');
  expect(lines.filter((line) => line.includes(TOKEN))).toEqual([
    `AdaGrad Lab is serving at ${server.url}#token=${TOKEN}`,
  ]);
  expect(server.output()).not.toContain(seen.session);
  console.log(
    `reliability-token: ${requested.length} requests and ${lines.length} log lines checked for the token and the session`,
  );
});

test('a link opened on localhost lands on 127.0.0.1: one origin, one store of runs', async ({ page }) => {
  const link = await server.link();
  await page.goto(link.replace('127.0.0.1', 'localhost'));
  await expect(page).toHaveURL(server.url);
  await expect(page.getByTestId('sweep-form')).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveCount(0);
  expect(await page.evaluate(() => location.origin)).toBe(`http://127.0.0.1:${server.port}`);
  expect(await page.evaluate(() => sessionStorage.getItem('adagrad-lab-session'))).toMatch(/^[A-Za-z0-9_-]{43}$/);
});
