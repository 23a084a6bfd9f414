/**
 * Where sweeps run, against a real redis-server (test/helpers/redis-server.ts) with agents in this process on worker
 * pools of their own (the built worker: `npx electron-vite build` first): the connection test's three answers, the
 * switch to agents and back (the Redis executor closed once no sweep uses it), the masked URL keeping its password, and
 * the desktop's settings file.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineVersion } from '../../src-core/contract/engine';
import type { SweepExecutorState } from '../../src-core/contract/api';
import type { SweepEvent } from '../../src-core/contract/types';
import { startAgent } from '../../src-main/agents/agent';
import { parseRedisUrl } from '../../src-main/agents/redis-url';
import type { RangeExecutor } from '../../src-main/executor';
import { createWorkerPool, type WorkerPool } from '../../src-main/pool';
import {
  loadExecutorChoice,
  rememberedExecutors,
  saveExecutorChoice,
  SweepExecutors,
  SWEEP_EXECUTOR_FILE,
} from '../../src-main/sweep-executor';
import { SweepService } from '../../src-main/sweep-service';
import { goodSpec } from '../helpers/configs';
import { documentedLabUser, startRedisServer, type RedisServer, redisTestResources } from '../helpers/redis-server';
import { resultsIn } from '../helpers/sweep-events';

const workerFile = resolve('out/main/run-batch.worker.js');
const PASSWORD = 'hunter2-not-logged';

let server: RedisServer;
let guarded: RedisServer;
let local: WorkerPool;
const { closers, freshQueue, closeAll } = redisTestResources('desk');

beforeAll(async () => {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npx electron-vite build\` first`);
  [server, guarded] = await Promise.all([
    startRedisServer(),
    startRedisServer({ password: PASSWORD, users: [documentedLabUser(PASSWORD)] }),
  ]);
  local = createWorkerPool(workerFile, { threads: 1 });
});
afterAll(async () => {
  await closeAll();
  await local.close();
  await Promise.all([server.stop(), guarded.stop()]);
});

/** An agent in this process on `queue`, counting the tasks it ran. */
async function agentOn(url: string, queue: string, engine = engineVersion): Promise<{ tasks: () => number }> {
  const pool = createWorkerPool(workerFile, { threads: 1 });
  let tasks = 0;
  const executor: RangeExecutor = {
    threads: 1,
    runRange: (task, signal) => (tasks++, pool.runRange(task, signal)),
    close: () => pool.close(),
  };
  const agent = await startAgent({
    address: parseRedisUrl('--redis', url),
    queue,
    threads: 1,
    executor,
    engine,
    say: () => undefined,
  });
  closers.push(async () => {
    await agent.close();
    await pool.close();
  });
  return { tasks: () => tasks };
}

/** The local pool, counting the tasks it ran. */
function countedLocal(): { executor: RangeExecutor; tasks: () => number } {
  let tasks = 0;
  return {
    executor: {
      get threads() {
        return local.threads;
      },
      runRange: (task, signal) => (tasks++, local.runRange(task, signal)),
      close: async () => {},
    },
    tasks: () => tasks,
  };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function setup(save?: (choice: unknown) => void) {
  const pool = countedLocal();
  const service = new SweepService(pool.executor);
  const events: SweepEvent[] = [];
  service.onEvent((event) => events.push(event));
  const executors = new SweepExecutors(service, save ? { save } : {});
  closers.push(() => executors.close());
  return { pool, service, events, executors };
}

const valueOf = <T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

describe('the connection test', () => {
  it('says Redis is unreachable, with its host:port and why, within a few seconds', async () => {
    const { executors } = setup();
    const dead = await startRedisServer();
    await dead.stop();
    const started = performance.now();
    const outcome = valueOf(await executors.test(`redis://:${PASSWORD}@127.0.0.1:${dead.port}`, undefined));
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(outcome.connected).toBe(false);
    expect(outcome.message).toMatch(
      new RegExp(`^Redis at 127\\.0\\.0\\.1:${dead.port} is unreachable \\(.*ECONNREFUSED`),
    );
    expect(outcome.message).not.toContain(PASSWORD);
  });

  it('says a wrong password is refused, never quoting it', async () => {
    const { executors } = setup();
    const outcome = valueOf(await executors.test(`redis://:wrong-${PASSWORD}@127.0.0.1:${guarded.port}`, undefined));
    expect(outcome.connected).toBe(false);
    expect(outcome.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ is unreachable \(.*(WRONGPASS|invalid)/i);
    expect(outcome.message).not.toContain(PASSWORD);
  });

  it("says what a lab's Redis user lacks on a queue its rule does not allow, and connects on its own", async () => {
    const { executors } = setup();
    const alice = `redis://alice:${PASSWORD}@127.0.0.1:${guarded.port}`;
    const refused = valueOf(await executors.test(alice, 'lab-bob'));
    expect(refused).toEqual({
      connected: false,
      message: `Redis user alice may not use queue lab-bob at 127.0.0.1:${guarded.port}: it lacks the keys ~adagrad-lab:lab-bob:* (NOPERM this user has no permissions to access one of the keys used as arguments); give the user the ACL rule of a lab's user (docs/agents.md) for this queue, or use the queue its rule allows`,
      agents: [],
    });
    const own = valueOf(await executors.test(alice, undefined));
    expect(own.connected).toBe(true);
    expect(own.message).toMatch(
      /^Connected, but no agent is running on queue lab-alice: start one with adagrad-lab agent --redis redis:\/\/alice:\*\*\*@/,
    );
  });

  it('says no agent runs yet and how to start one; then counts the agents and their threads', async () => {
    const { executors } = setup();
    const queue = freshQueue();
    const empty = valueOf(await executors.test(guarded.url, queue));
    expect(empty).toEqual({
      connected: true,
      message: `Connected, but no agent is running on queue ${queue}: start one with adagrad-lab agent --redis redis://:***@127.0.0.1:${guarded.port} --queue ${queue}`,
      agents: [],
    });
    await agentOn(guarded.url, queue);
    await agentOn(guarded.url, queue);
    await agentOn(guarded.url, queue, engineVersion + 1);
    const seen = valueOf(await executors.test(guarded.url, queue));
    expect(seen.message).toBe(
      `Connected: 2 agents (2 threads) of engine version ${engineVersion}; 1 agent of another version left aside`,
    );
    expect(seen.agents.map((agent) => agent.compatible).sort()).toEqual([false, true, true]);
  });
});

describe('choosing where sweeps run', () => {
  it('runs the next sweep on the agents, remembers the choice, and comes back to this computer', async () => {
    const saved: unknown[] = [];
    const { pool, service, events, executors } = setup((choice) => saved.push(choice));
    const queue = freshQueue();
    const agent = await agentOn(guarded.url, queue);
    const state = valueOf(await executors.choose({ on: 'agents', url: guarded.url, queue }));
    expect(state).toMatchObject({
      on: 'agents',
      url: `redis://:***@127.0.0.1:${guarded.port}`,
      queue,
      previousUntilSweepEnds: false,
    });
    const agentsSeen = (): number => (executors.state() as Extract<SweepExecutorState, { on: 'agents' }>).agents.length;
    await until('the agent seen', () => agentsSeen() === 1);
    expect(JSON.stringify(state)).not.toContain(PASSWORD);
    expect(saved).toEqual([{ on: 'agents', url: guarded.url, queue }]);

    const launched = valueOf(service.launch(goodSpec));
    await service.idle();
    expect(resultsIn(events)).toHaveLength(launched.runCount);
    expect(agent.tasks()).toBeGreaterThan(0);
    expect(pool.tasks()).toBe(0);

    // The masked URL sent back unchanged keeps the password: nothing changes, nothing reconnects.
    const again = valueOf(await executors.choose({ on: 'agents', url: state.on === 'agents' ? state.url : '', queue }));
    expect(again).toMatchObject({ on: 'agents', queue });
    expect(saved.at(-1)).toEqual({ on: 'agents', url: guarded.url, queue });

    expect(valueOf(await executors.choose({ on: 'this-computer' }))).toEqual({
      on: 'this-computer',
      previousUntilSweepEnds: false,
    });
    const before = agent.tasks();
    const second = valueOf(service.launch(goodSpec));
    await service.idle();
    expect(resultsIn(events)).toHaveLength(launched.runCount + second.runCount);
    expect(agent.tasks()).toBe(before);
    expect(pool.tasks()).toBeGreaterThan(0);
    expect(events.at(-1)).toBeDefined();
    expect(events.some((e) => e.type === 'executor-status' && e.status.message === 'Sweeps run on this computer')).toBe(
      true,
    );
  });

  it('closes the Redis executor it let go of: its connections leave Redis', async () => {
    const { executors } = setup();
    const queue = freshQueue();
    const { Redis } = await import('ioredis');
    const admin = new Redis(server.url);
    closers.push(async () => void admin.disconnect());
    const labClients = async (): Promise<number> =>
      ((await admin.client('LIST')) as string).split('\n').filter((line) => / name=adagrad-lab:/.test(line)).length;
    valueOf(await executors.choose({ on: 'agents', url: server.url, queue }));
    await until('the lab connected', async () => (await labClients()) > 0);
    valueOf(await executors.choose({ on: 'this-computer' }));
    await until('the lab disconnected', async () => (await labClients()) === 0);
  });

  it('closes at once when the app quits, even with a sweep waiting on the agents', async () => {
    const { service, executors } = setup();
    valueOf(await executors.choose({ on: 'agents', url: server.url, queue: freshQueue() }));
    valueOf(service.launch(goodSpec));
    // No agent: the sweep waits. Quitting must not wait for it.
    const started = performance.now();
    await executors.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    await service.idle();
    expect(executors.state()).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
  });

  it('refuses a bad URL with the URL parser message, password masked, and keeps the setting', async () => {
    const { executors } = setup();
    const refused = await executors.choose({ on: 'agents', url: `redis://:${PASSWORD}@host/db-one` });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message:
          'Invalid value for the Redis URL: "redis://:***@host/db-one" (the database "db-one" is not a number; must be redis://[user:password@]host[:port][/db], or rediss:// for TLS)',
      },
    });
    expect(executors.state()).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
  });
});

describe('the desktop settings file', () => {
  it('brings the choice back after a restart, and a bad URL saved by hand leaves sweeps on this computer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-'));
    try {
      const queue = freshQueue();
      const first = rememberedExecutors(new SweepService(countedLocal().executor), dir);
      expect(valueOf(await first.start())).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
      valueOf(await first.choose({ on: 'agents', url: guarded.url, queue }));
      await first.close();

      const second = rememberedExecutors(new SweepService(countedLocal().executor), dir);
      closers.push(() => second.close());
      expect(valueOf(await second.start())).toMatchObject({
        on: 'agents',
        url: `redis://:***@127.0.0.1:${guarded.port}`,
        queue,
      });
      // The password came back from the file: the queue's status is not "unreachable".
      await until('the queue answered', () => {
        const state = second.state();
        return state.on === 'agents' && state.status?.state === 'no-agents';
      });

      writeFileSync(join(dir, SWEEP_EXECUTOR_FILE), JSON.stringify({ on: 'agents', url: 'redis://:x@host/db-one' }));
      const third = rememberedExecutors(new SweepService(countedLocal().executor), dir);
      expect((await third.start()).ok).toBe(false);
      expect(third.state()).toEqual({ on: 'this-computer', previousUntilSweepEnds: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the choice for the user only, and ignores a file that is not exactly a choice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-'));
    try {
      const file = join(dir, SWEEP_EXECUTOR_FILE);
      expect(loadExecutorChoice(file)).toBeUndefined();
      saveExecutorChoice(file, { on: 'agents', url: guarded.url, queue: 'lab' });
      expect(loadExecutorChoice(file)).toEqual({ on: 'agents', url: guarded.url, queue: 'lab' });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      for (const text of ['{"on":"agents"}', '{"on":"elsewhere"}', 'not json', '{"on":"this-computer","x":1}']) {
        writeFileSync(file, text);
        expect(loadExecutorChoice(file)).toBeUndefined();
      }
      writeFileSync(file, JSON.stringify({ on: 'agents', url: 'x'.repeat(10_000) }));
      expect(loadExecutorChoice(file)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
