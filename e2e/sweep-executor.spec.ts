/**
 * "Run sweeps on", in serve mode against a real redis-server of the test's own: the panel in the header chooses agents
 * at its URL, the connection test says no agent runs yet, a sweep launched then waits for one; an agent process
 * (`adagrad-lab agent`, the built CLI) starts, the panel counts it, and the sweep completes on it. The panel is
 * photographed in both themes (test-results/, looked at by a person, not compared).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { startRedisServer } from '../test/helpers/redis-server';
import { fillSweepForm, runsCount } from './flows';
import { startServe } from './reliability-helpers';

const TOKEN = 'desk-token-0a9b8c7d6e5f4a3b2c1d';
const PASSWORD = 'pass-of-the-panel';

test('choose agents in the panel, test the connection, and run a sweep on one agent', async ({ page }) => {
  test.setTimeout(120_000);
  const redis = await startRedisServer({ password: PASSWORD });
  let agent: ChildProcess | null = null;
  const server = await startServe(TOKEN, 0);
  try {
    await page.goto(`${server.url}#token=${TOKEN}`);
    const toggle = page.getByTestId('sweep-executor-toggle');
    await expect(toggle).toHaveText('Run on: this computer');
    await toggle.click();
    const panel = page.getByTestId('sweep-executor-panel');
    await expect(panel.getByRole('radio', { name: 'This computer' })).toBeChecked();
    await expect(panel.getByLabel('Redis URL')).toBeDisabled();

    // By keyboard: the arrow moves to "Agents at a Redis".
    await panel.getByRole('radio', { name: 'This computer' }).press('ArrowDown');
    await expect(panel.getByRole('radio', { name: 'Agents at a Redis' })).toBeChecked();
    await panel.getByLabel('Redis URL').fill(redis.url);
    await panel.getByLabel('Queue (optional)').fill('desk-e2e');
    await panel.getByRole('button', { name: 'Test connection' }).click();
    await expect(panel.getByTestId('sweep-executor-tested')).toHaveText(
      `Connected, but no agent is running on queue desk-e2e: start one with adagrad-lab agent --redis redis://:***@127.0.0.1:${redis.port} --queue desk-e2e`,
    );
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(panel.getByTestId('sweep-executor-current')).toHaveText(
      `Sweeps run on the agents of queue desk-e2e at redis://:***@127.0.0.1:${redis.port}.`,
    );
    await expect(panel.getByLabel('Redis URL')).toHaveValue(`redis://:***@127.0.0.1:${redis.port}`);
    await expect(toggle).toHaveText('Run on: agents (0)');
    await expect(panel.getByTestId('sweep-executor-tested')).toBeHidden();
    await expect(panel.getByTestId('sweep-executor-status')).toContainText('No agent on queue desk-e2e');
    // The banner says where the new queue stands at once, before any sweep is launched.
    const banner = page.getByTestId('executor-status');
    await expect(banner).toHaveAttribute('data-state', 'no-agents');
    await expect(banner).toContainText('No agent on queue desk-e2e');
    await page.screenshot({ path: 'test-results/sweep-executor-no-agent.png' });

    // Back to this computer: the banner goes at once; then agents again for the sweep below.
    await panel.getByRole('radio', { name: 'This computer' }).check();
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(toggle).toHaveText('Run on: this computer');
    await expect(banner).toBeHidden();
    await panel.getByRole('radio', { name: 'Agents at a Redis' }).check();
    await panel.getByLabel('Redis URL').fill(redis.url);
    await panel.getByLabel('Queue (optional)').fill('desk-e2e');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect(banner).toHaveAttribute('data-state', 'no-agents');

    // A sweep launched now waits for an agent, and the page says so.
    await fillSweepForm(page, { name: 'on one agent', lrs: '1, 0.5, 0.1', steps: '50' });
    await page.getByTestId('launch').click();
    const waiting = banner;
    await expect(waiting).toHaveAttribute('data-state', 'no-agents');
    await expect(page.getByTestId('progress').first()).not.toHaveAttribute('data-status', 'completed');

    agent = spawn(
      process.execPath,
      ['out/main/cli.js', 'agent', '--redis', redis.url, '--queue', 'desk-e2e', '--threads', '1'],
      { stdio: 'ignore' },
    );
    // The panel reads the agents every few seconds.
    await expect(panel.getByTestId('sweep-executor-agents')).toContainText('1 agent seen', { timeout: 15_000 });
    await expect(toggle).toHaveText('Run on: agents (1)');
    await expect(panel.getByTestId('sweep-executor-status')).toBeHidden();
    await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', {
      timeout: 60_000,
    });
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(3));
    await expect(waiting).toBeHidden();

    const dark = (await page.locator('html').getAttribute('data-theme')) === 'dark';
    await page.screenshot({ path: `test-results/sweep-executor-${dark ? 'dark' : 'light'}.png` });
    await page.getByTestId('theme-toggle').click();
    await expect(panel).toBeVisible();
    await page.screenshot({ path: `test-results/sweep-executor-${dark ? 'light' : 'dark'}.png` });

    // Escape closes the panel and gives the focus back to its button; nothing shows the password.
    await panel.getByLabel('Queue (optional)').press('Escape');
    await expect(panel).toBeHidden();
    await expect(toggle).toBeFocused();
    expect(await page.content()).not.toContain(PASSWORD);
    expect(server.output()).not.toContain(PASSWORD);
  } finally {
    agent?.kill('SIGTERM');
    await server.stop('SIGTERM');
    await redis.stop();
  }
});
