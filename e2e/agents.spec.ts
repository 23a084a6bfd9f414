/**
 * Serve mode with --redis: sweeps run on agents (`adagrad-lab agent`, two processes of the built CLI) through a real
 * redis-server of the test's own. Until an agent is there the page says the sweep waits and why; cancelled part way
 * and resumed, it ends with every run stored once, with its trace, the same numbers as the embedded pool computes
 * (every summary recomputed bit for bit here, and a sample's traces).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { startRedisServer } from '../test/helpers/redis-server';
import { countText, fillSweepForm, runsCount } from './flows';
import { countStored, expectWholeAndUnique, readSweeps, startServe } from './reliability-helpers';

const TOKEN = 'agents-token-5e1f0a9b7c3d2e4f60';
const RUNS = 5000;

test('a 5,000-run sweep on agents through Redis: it waits for them, is cancelled, resumed on two, every run stored once', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const redis = await startRedisServer();
  const agents: ChildProcess[] = [];
  const server = await startServe(TOKEN, 0, [], ['--redis', redis.url]);
  try {
    await page.goto(`${server.url}#token=${TOKEN}`);
    // Where the agents stand shows from the start, before any sweep.
    const waiting = page.getByTestId('executor-status');
    await expect(waiting).toHaveAttribute('data-state', 'no-agents');
    await fillSweepForm(page, {
      name: 'on agents',
      lrs: 'log(1e-4, 1, 50)',
      eps: 'log(1e-10, 1e-4, 100)',
      steps: '200',
    });
    await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
    await page.getByTestId('launch').click();
    // No agent yet: the sweep waits, and the page says why and what to start.
    await expect(waiting).toHaveAttribute('data-state', 'no-agents');
    await expect(waiting).toContainText('adagrad-lab agent --redis');
    await page.screenshot({ path: 'test-results/agents-waiting.png' });

    const startAgent = (): ChildProcess => {
      const agent = spawn(process.execPath, ['out/main/cli.js', 'agent', '--redis', redis.url, '--threads', '1'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      agents.push(agent);
      return agent;
    };
    // One agent starts the sweep and leaves after three tasks (SIGTERM: its running task goes back to the queue):
    // the sweep waits again, and is cancelled while it does, so it cannot finish first however fast the machine.
    const first = startAgent();
    let log = '';
    await new Promise<void>((resolve) =>
      first.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        if ((log.match(/Done task/g) ?? []).length >= 3) resolve();
      }),
    );
    const left = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGTERM');
    await left;
    const progress = page.getByTestId('progress').first();
    await expect(waiting).toHaveAttribute('data-state', 'no-agents', { timeout: 20_000 });
    await page.getByTestId('cancel-sweep').click();
    await expect(progress).toHaveAttribute('data-status', 'cancelled');
    const [{ id: sweepId }] = await readSweeps(page);
    const kept = await expectWholeAndUnique(page, sweepId, undefined, 3);
    expect(kept.ids.length).toBeGreaterThan(0);
    expect(kept.ids.length).toBeLessThan(RUNS);
    const resume = page.getByTestId('resume-sweep');
    await expect(resume).toHaveText(`Resume the ${countText(RUNS - kept.ids.length)} missing runs`);
    // Resumed on two agents: only the missing runs are computed, each stored once.
    startAgent();
    startAgent();
    await resume.click();
    await expect(progress).toHaveAttribute('data-status', 'completed', { timeout: 180_000 });
    await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS));
    await expect(waiting).toBeHidden();
    expect(await countStored(page, sweepId, RUNS)).toEqual({
      runs: RUNS,
      distinctRuns: RUNS,
      traces: RUNS,
      missing: 0,
    });
    const { ids, recomputed } = await expectWholeAndUnique(page, sweepId, RUNS);
    expect(ids).toEqual(expect.arrayContaining(kept.ids));
    console.log(
      `agents: ${kept.ids.length} runs stored when cancelled, the rest resumed on two agents; ${RUNS} runs stored once each, every summary and ${recomputed} traces recomputed bit-identical`,
    );
  } finally {
    for (const agent of agents) agent.kill('SIGTERM');
    await server.stop('SIGTERM');
    await redis.stop();
  }
});
