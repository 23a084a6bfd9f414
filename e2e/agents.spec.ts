/**
 * Serve mode with --redis: sweeps run on agents (`adagrad-lab agent`, two processes of the built CLI) through a real
 * redis-server of the test's own. Until an agent is there the page says the sweep waits and why; then every run is
 * stored once, with its trace, the same numbers as the embedded pool computes (a sample recomputed bit for bit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { startRedisServer } from '../test/helpers/redis-server';
import { fillSweepForm, runsCount } from './flows';
import { countStored, expectWholeAndUnique, readSweeps, startServe } from './reliability-helpers';

const TOKEN = 'agents-token-5e1f0a9b7c3d2e4f60';
const RUNS = 5000;

test('a 5,000-run sweep on two agents through Redis: it waits for them, then every run is stored once', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const redis = await startRedisServer();
  const agents: ChildProcess[] = [];
  const server = await startServe(TOKEN, 0, [], ['--redis', redis.url]);
  try {
    await page.goto(`${server.url}#token=${TOKEN}`);
    await fillSweepForm(page, {
      name: 'on agents',
      lrs: 'log(1e-4, 1, 50)',
      eps: 'log(1e-10, 1e-4, 100)',
      steps: '200',
    });
    await expect(page.getByTestId('run-count')).toHaveText(`${RUNS} runs`);
    await page.getByTestId('launch').click();
    // No agent yet: the sweep waits, and the page says why and what to start.
    const waiting = page.getByTestId('executor-status');
    await expect(waiting).toHaveAttribute('data-state', 'no-agents');
    await expect(waiting).toContainText('adagrad-lab agent --redis');
    await page.screenshot({ path: 'test-results/agents-waiting.png' });

    for (let i = 0; i < 2; i++) {
      const agent = spawn(process.execPath, ['out/main/cli.js', 'agent', '--redis', redis.url, '--threads', '1'], {
        stdio: 'ignore',
      });
      agents.push(agent);
    }
    await expect(waiting).toBeHidden({ timeout: 20_000 });
    await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed', {
      timeout: 180_000,
    });
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS));
    const [{ id: sweepId }] = await readSweeps(page);
    expect(await countStored(page, sweepId, RUNS)).toEqual({
      runs: RUNS,
      distinctRuns: RUNS,
      traces: RUNS,
      missing: 0,
    });
    const { recomputed } = await expectWholeAndUnique(page, sweepId, RUNS);
    console.log(`agents: ${RUNS} runs on two agents stored once each; ${recomputed} recomputed bit-identical`);
  } finally {
    for (const agent of agents) agent.kill('SIGTERM');
    await server.stop('SIGTERM');
    await redis.stop();
  }
});
