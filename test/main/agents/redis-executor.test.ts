/**
 * The Redis executor and its agents against a real redis-server (test/helpers/redis-server.ts), agents in this process
 * for speed, each on a worker pool of its own (the built worker: `npx electron-vite build` first). Each test has its
 * own queue. The server also has the lab user docs/agents.md describes (`alice`, confined to queue lab-alice).
 */
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import { validateSweepSpec } from '../../../src-core/sweep/expand';
import { startAgent, type Agent } from '../../../src-main/agents/agent';
import { encodeResult } from '../../../src-main/agents/protocol';
import { createRedisExecutor, type QueueStatus, type RedisExecutor } from '../../../src-main/agents/redis-executor';
import { parseRedisUrl } from '../../../src-main/agents/redis-url';
import type { RangeExecutor } from '../../../src-main/executor';
import { createWorkerPool, type WorkerPool } from '../../../src-main/pool';
import { countStatuses } from '../../../src-core/run/result-batch';
import type { EncodedResults } from '../../../src-main/workers/batch-codec';
import type { RangeTask } from '../../../src-main/workers/range-task';
import { documentedLabUser, startRedisServer, type RedisServer, redisTestResources } from '../../helpers/redis-server';
import { resultsIn } from '../../helpers/sweep-events';
import { SweepService } from '../../../src-main/sweep-service';
import type { SweepEvent } from '../../../src-core/contract/types';
import { mixedAgentsSweep } from '../../helpers/configs';

const workerFile = resolve('out/main/run-batch.worker.js');

const valid = (input: unknown): SweepSpec => {
  const result = validateSweepSpec(input);
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

const mixedInput = mixedAgentsSweep(200);
const mixed = valid(mixedInput);

/** A task of the mixed sweep; every other one with traces and summary rows. */
const taskOf = (from: number, to: number, i: number): RangeTask => ({
  sweepId: 'mix',
  spec: mixed,
  from,
  to,
  traces: i % 2 === 0,
  ...(i % 2 === 0 ? { summaryRows: { sweepName: mixed.name } } : {}),
});
const ranges = (count: number, size: number): [number, number][] =>
  Array.from({ length: Math.ceil(count / size) }, (_, i) => [i * size, Math.min(count, (i + 1) * size)]);
/** 3 objectives × (7 × 2 + 2) points × 2 seeds. */
const MIXED_RUNS = 96;

/** A long task: 40 runs of a million steps each, seconds of work. */
const long = valid({
  name: 'long',
  objectives: [{ id: 'rosenbrock', dim: 2 }],
  optimizers: [{ kind: 'adagrad', axes: { lr: { values: [1e-4, 2e-4, 3e-4, 4e-4] } } }],
  steps: 1_000_000,
  seeds: Array.from({ length: 10 }, (_, i) => i),
});

const bytes = (results: EncodedResults): Buffer => encodeResult(results);

const ALICE_PASSWORD = 'alice-lab-secret-91c2';
/** The lab user of docs/agents.md on this server. */
const aliceUrl = (): string => `redis://alice:${ALICE_PASSWORD}@127.0.0.1:${server.port}`;

let server: RedisServer;
let local: WorkerPool;
const { closers, freshQueue, closeAll } = redisTestResources('test');

beforeAll(async () => {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npx electron-vite build\` first`);
  server = await startRedisServer({ users: [documentedLabUser(ALICE_PASSWORD)] });
  local = createWorkerPool(workerFile, { threads: 1 });
});
afterAll(async () => {
  await closeAll();
  await local.close();
  await server.stop();
});

interface TestAgent {
  agent: Agent;
  lines: string[];
  /** When each task started on it and when its pool's promise settled, by sweep range. */
  calls: { started: number; settled?: number; aborted?: number }[];
  close(): Promise<void>;
}

async function agentOn(
  queue: string,
  { threads = 1, engine, url = server.url }: { threads?: number; engine?: number; url?: string } = {},
) {
  const pool = createWorkerPool(workerFile, { threads });
  const lines: string[] = [];
  const calls: TestAgent['calls'] = [];
  // The pool, watched: when a task started, when its abort came and when the pool let go of it.
  const watched: RangeExecutor = {
    threads,
    runRange(task, signal) {
      const call: TestAgent['calls'][number] = { started: performance.now() };
      calls.push(call);
      signal?.addEventListener('abort', () => (call.aborted = performance.now()));
      const running = pool.runRange(task, signal);
      running.then(
        () => (call.settled = performance.now()),
        () => (call.settled = performance.now()),
      );
      return running;
    },
    close: () => pool.close(),
  };
  const agent = await startAgent({
    address: parseRedisUrl('--redis', url),
    queue,
    threads,
    executor: watched,
    ...(engine === undefined ? {} : { engine }),
    say: (line) => lines.push(line),
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await agent.close();
    await pool.close();
  };
  closers.push(close);
  return { agent, lines, calls, close } satisfies TestAgent;
}

/** `queue` undefined: the URL's user names it (lab-<user>). */
function executorOn(queue: string | undefined, url = server.url): { executor: RedisExecutor; statuses: QueueStatus[] } {
  const executor = createRedisExecutor({ url, queue });
  const statuses: QueueStatus[] = [];
  executor.onStatus((status) => statuses.push(status));
  closers.push(() => executor.close());
  return { executor, statuses };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A sweep of the mixed spec through a SweepService on `on`: its results in the order of their ids, and how it ended. */
async function sweepOn(on: RangeExecutor) {
  const service = new SweepService(on, { newSweepId: () => 'agents' });
  const events: SweepEvent[] = [];
  service.onEvent((event) => {
    events.push(event);
    // The window stores every part at once.
    if (event.type === 'results')
      service.acknowledge([{ sweepId: 'agents', from: event.batch.from, to: event.batch.to }]);
  });
  expect(service.launch(mixedInput)).toMatchObject({ ok: true, value: { runCount: MIXED_RUNS } });
  await service.idle();
  // In the order of their ids: the agents finish tasks in any order.
  const results = resultsIn(events).sort((a, b) => (a.config.id < b.config.id ? -1 : 1));
  return { results, threads: service.threads, finished: events.at(-1) };
}

describe('the Redis executor with agents', () => {
  it('gives, through two agents, the bytes of the local pool on a mixed sweep, and counts their threads', async () => {
    const queue = freshQueue();
    const { executor, statuses } = executorOn(queue);
    await executor.ready();
    expect(executor.threads).toBe(1);
    expect(statuses.at(-1)?.state).toBe('no-agents');
    await agentOn(queue, { threads: 1 });
    await agentOn(queue, { threads: 2 });
    await until('both agents seen', () => executor.agents().length === 2);
    expect(executor.threads).toBe(2 * 3);
    expect(
      executor
        .agents()
        .map((a) => a.threads)
        .sort(),
    ).toEqual([1, 2]);
    expect(statuses.at(-1)).toMatchObject({ state: 'ready' });
    expect(statuses.at(-1)?.message).toMatch(/^2 agents \(3 threads\) on queue /);

    const tasks = ranges(MIXED_RUNS, 7).map(([from, to], i) => taskOf(from, to, i));
    const remote = await Promise.all(tasks.map((task) => executor.runRange(task)));
    const expected = await Promise.all(tasks.map((task) => local.runRange(task)));
    const diverged = remote.reduce((n, r) => n + r.parts.reduce((m, part) => m + countStatuses(part).diverged, 0), 0);
    expect(diverged).toBeGreaterThan(0);
    remote.forEach((results, i) => expect(bytes(results).equals(bytes(expected[i]))).toBe(true));
    expect(remote[0].summaryCsv?.join('').match(/\r\n/g)).toHaveLength(7);
  });

  it('stops a running task on its agent within 1 s of the abort, and the promise rejects with an AbortError', async () => {
    const queue = freshQueue();
    const { executor } = executorOn(queue);
    const agent = await agentOn(queue);
    const controller = new AbortController();
    const running = executor.runRange(
      { sweepId: 'long', spec: long, from: 0, to: 40, traces: false },
      controller.signal,
    );
    await until('the task started on the agent', () => agent.calls.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    const abortedAt = performance.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await until('the agent stopped computing', () => agent.calls[0].settled !== undefined, 5_000);
    const call = agent.calls[0];
    expect(call.aborted! - abortedAt).toBeLessThan(1_000);
    expect(call.settled! - abortedAt).toBeLessThan(1_000);
    await until('the agent said so', () => agent.lines.some((line) => line.startsWith('Cancelled task')));
    // The agent goes on with the next task.
    const next = await executor.runRange(taskOf(0, 5, 1));
    expect(bytes(next).equals(bytes(await local.runRange(taskOf(0, 5, 1))))).toBe(true);
  });

  it('an agent that closes puts its running task back at once, and another agent completes it', async () => {
    const queue = freshQueue();
    const { executor } = executorOn(queue);
    const leaving = await agentOn(queue);
    const task: RangeTask = { sweepId: 'long', spec: long, from: 0, to: 2, traces: false };
    const running = executor.runRange(task);
    await until('the task started on the agent', () => leaving.calls.length === 1);
    const closing = performance.now();
    await leaving.close();
    // Closed without waiting for its task (seconds of work): the pool's task was aborted.
    expect(performance.now() - closing).toBeLessThan(2_000);
    expect(leaving.lines).toContain('Closing: 1 running task goes back to the queue');
    const staying = await agentOn(queue);
    const results = await running;
    expect(staying.calls).toHaveLength(1);
    expect(bytes(results).equals(bytes(await local.runRange(task)))).toBe(true);
    await until('the closed agent no longer seen', () => executor.agents().every((a) => a.id === staying.agent.id));
  }, 60_000);

  it('an agent of another engine version refuses the task, naming both versions; a compatible agent runs it', async () => {
    const queue = freshQueue();
    const { executor, statuses } = executorOn(queue);
    const other = await agentOn(queue, { engine: 99 });
    await until('the agent of version 99 seen', () => executor.agents().length === 1);
    expect(statuses.at(-1)).toMatchObject({ state: 'no-agents' });
    expect(statuses.at(-1)?.message).toMatch(/run engine version 99, this lab needs version 1/);
    expect(executor.threads).toBe(1);
    const task = taskOf(0, 10, 0);
    const running = executor.runRange(task);
    await until('the refusal', () => other.lines.some((line) => line.startsWith('Refused task')));
    const refusal = other.lines.find((line) => line.startsWith('Refused task'))!;
    expect(refusal).toMatch(/needs engine version 1 and this agent runs engine version 99/);
    expect(other.calls).toHaveLength(0);
    const compatible = await agentOn(queue);
    const results = await running;
    expect(bytes(results).equals(bytes(await local.runRange(task)))).toBe(true);
    expect(compatible.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
  });

  it('waits while Redis is killed and restarted empty mid-sweep: paused, resumed, every task once', async () => {
    const queue = freshQueue();
    const { executor, statuses } = executorOn(queue);
    const agent = await agentOn(queue, { threads: 1 });
    const tasks = ranges(MIXED_RUNS, 3).map(([from, to], i) => taskOf(from, to, i));
    let settled = 0;
    const all = Promise.all(tasks.map((task) => executor.runRange(task).finally(() => settled++)));
    await until('some tasks done', () => settled >= 3);
    await server.kill();
    await until('the executor says Redis is away', () => statuses.at(-1)?.state === 'unreachable');
    expect(statuses.at(-1)?.message).toMatch(
      new RegExp(
        `^Redis at 127\\.0\\.0\\.1:${server.port} is unreachable \\(.+\\); the sweep continues when it is back$`,
      ),
    );
    const during = settled;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(settled).toBe(during);
    expect(settled).toBeLessThan(tasks.length);
    await server.start();
    const remote = await all;
    expect(executor.readded).toBeGreaterThan(0);
    await until('the agent seen again', () => statuses.at(-1)?.state === 'ready');
    expect(agent.lines.some((line) => line.startsWith('Reconnected'))).toBe(true);
    const expected = await Promise.all(tasks.map((task) => local.runRange(task)));
    remote.forEach((results, i) => expect(bytes(results).equals(bytes(expected[i]))).toBe(true));
  }, 60_000);
  it('runs a sweep through the SweepService on agents: every run once, bit for bit what the embedded pool gives, on every agent', async () => {
    const queue = freshQueue();
    const { executor } = executorOn(queue);
    const agents = [await agentOn(queue, { threads: 1 }), await agentOn(queue, { threads: 1 })];
    await executor.ready();
    await until('both agents seen', () => executor.threads === 4);
    const remote = await sweepOn(executor);
    const embedded = await sweepOn(local);
    expect(remote.finished).toEqual({ type: 'sweep-finished', sweepId: 'agents', status: 'completed' });
    expect(new Set(remote.results.map((r) => r.config.id)).size).toBe(MIXED_RUNS);
    expect(remote.results).toHaveLength(MIXED_RUNS);
    expect(remote.results).toEqual(embedded.results);
    // The SweepService follows the agents' threads (two agents of one thread each, twice over), and both took tasks.
    expect(remote.threads).toBe(4);
    for (const agent of agents) expect(agent.calls.length).toBeGreaterThan(0);
  }, 60_000);
});

describe("a lab's own Redis user (the ACL rule of docs/agents.md)", () => {
  it('runs a sweep as that user, lab and agent, on its default queue: every run once, bit for bit the pool', async () => {
    const { executor, statuses } = executorOn(undefined, aliceUrl());
    expect(executor.queue).toBe('lab-alice');
    await agentOn('lab-alice', { url: aliceUrl() });
    await until('the agent seen', () => executor.threads === 2);
    const remote = await sweepOn(executor);
    expect(remote.finished).toEqual({ type: 'sweep-finished', sweepId: 'agents', status: 'completed' });
    expect(remote.results).toHaveLength(MIXED_RUNS);
    expect(remote.results).toEqual((await sweepOn(local)).results);
    expect(statuses.map((status) => status.state)).not.toContain('unreachable');
    expect(executor.denied).toBeNull();
  }, 60_000);

  it("cannot read or write another queue's keys: refused, told what it lacks, nothing failed or touched", async () => {
    const admin = new Redis(server.url);
    const alice = new Redis(aliceUrl());
    closers.push(async () => void (admin.disconnect(), alice.disconnect()));
    const bobs = 'adagrad-lab:lab-bob:result:1';
    await admin.set(bobs, 'results of another lab');
    await expect(alice.get(bobs)).rejects.toThrow(/NOPERM/);
    await expect(alice.set(bobs, 'forged')).rejects.toThrow(/NOPERM/);
    await expect(alice.flushall()).rejects.toThrow(/NOPERM/);
    await expect(alice.scan('0')).rejects.toThrow(/NOPERM/);

    const { executor, statuses } = executorOn('lab-bob', aliceUrl());
    await executor.ready();
    const expected = `Redis user alice may not use queue lab-bob at 127.0.0.1:${server.port}: it lacks the keys ~adagrad-lab:lab-bob:* (NOPERM this user has no permissions to access one of the keys used as arguments); give the user the ACL rule of a lab's user (docs/agents.md) for this queue, or use the queue its rule allows`;
    expect(executor.denied).toBe(expected);
    expect(statuses.at(-1)).toEqual({
      state: 'unreachable',
      message: `${expected}; the tasks wait until it may, nothing is lost`,
    });
    // A task waits, refused, and is tried again (each try a denial in Redis's ACL log), neither failed nor run.
    let settled = false;
    const task = executor.runRange(taskOf(0, 4, 0)).finally(() => (settled = true));
    task.catch(() => undefined);
    const refusals = async (): Promise<number> => {
      const log = (await admin.call('ACL', 'LOG')) as unknown[][];
      return log.reduce((n, entry) => n + (entry[7] === 'adagrad-lab:lab-bob:wait' ? Number(entry[1]) : 0), 0);
    };
    await until('the task refused twice', async () => (await refusals()) >= 2);
    expect(settled).toBe(false);
    // An agent as that user on that queue says so once, and stays.
    const agent = await agentOn('lab-bob', { url: aliceUrl() });
    await until('the agent says it is refused', () => agent.lines.some((line) => line.startsWith('Redis user')));
    expect(agent.lines.filter((line) => line.startsWith('Redis user'))).toEqual([
      `${expected}; the agent waits until it may`,
    ]);
    expect(agent.calls).toHaveLength(0);
    // Nothing of the other lab was read into this one, nor anything written into it.
    expect(await admin.keys('adagrad-lab:lab-bob:*')).toEqual([bobs]);
    expect(await admin.get(bobs)).toBe('results of another lab');
    await executor.close();
    await expect(task).rejects.toMatchObject({ name: 'AbortError' });
  }, 30_000);
});

describe('an executor closed while Redis is away', () => {
  it('stops connecting at once (its events connection had kept reconnecting for ever, one more a close)', async () => {
    // A port where something hangs up on every connection: Redis as unreachable as a refused port, but counted.
    let connections = 0;
    const hangUp = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolveListen) => hangUp.listen(0, '127.0.0.1', resolveListen));
    const { port } = hangUp.address() as AddressInfo;
    try {
      for (let i = 0; i < 3; i++) {
        const executor = createRedisExecutor({ url: `redis://127.0.0.1:${port}`, queue: freshQueue() });
        await until('its connections to be tried', () => connections > 0);
        await executor.close();
      }
      await new Promise((r) => setTimeout(r, 200));
      const closedAt = connections;
      // Each connection retries at least every RECONNECT_MS (1 s): three seconds see any that is left.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(connections).toBe(closedAt);
    } finally {
      hangUp.close();
    }
  }, 20_000);
});
