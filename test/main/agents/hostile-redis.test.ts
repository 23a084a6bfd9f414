/**
 * What someone else who can write to the lab's Redis can do (docs/agents.md says to keep them out; this is what
 * remains when they are in): add jobs of their own, valid JSON but hostile, and write a task's result key. An agent
 * runs none of those jobs and says why; the lab takes no result that is not its task's, and its task fails with the
 * reason instead of waiting for ever. A real redis-server, an agent in this process on the built worker
 * (`npx electron-vite build` first).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSweepSpec } from '../../../src-core/sweep/expand';
import { decodeFrame, encodeFrame } from '../../../src-core/transport/wire';
import { engineVersion } from '../../../src-core/contract/engine';
import { startAgent } from '../../../src-main/agents/agent';
import { encodeResult, encodeTask, JOB_NAME, KEY_PREFIX, keysOf } from '../../../src-main/agents/protocol';
import { createRedisExecutor } from '../../../src-main/agents/redis-executor';
import { parseRedisUrl } from '../../../src-main/agents/redis-url';
import { createWorkerPool, type WorkerPool } from '../../../src-main/pool';
import type { RangeTask } from '../../../src-main/workers/range-task';
import { goodSpec } from '../../helpers/configs';
import { startRedisServer, type RedisServer, redisTestResources } from '../../helpers/redis-server';

const workerFile = resolve('out/main/run-batch.worker.js');
const checked = validateSweepSpec(goodSpec);
if (!checked.ok) throw new Error(checked.message);
/** 6 runs of AdaGrad on x². */
const spec = checked.value;
const goodTask: RangeTask = { sweepId: 's', spec, from: 0, to: 6, traces: false };

let server: RedisServer;
let pool: WorkerPool;
const { closers, freshQueue, closeAll } = redisTestResources('hostile');

beforeAll(async () => {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npx electron-vite build\` first`);
  server = await startRedisServer();
  pool = createWorkerPool(workerFile, { threads: 1 });
});
afterAll(async () => {
  await closeAll();
  await pool.close();
  await server.stop();
});

/** 500 learning rates × 2 weight decays × 1,000 seeds: the largest sweep the limits allow. */
const millionRuns = {
  ...spec,
  optimizers: [
    {
      kind: 'adagrad',
      fixed: {},
      axes: {
        lr: { values: Array.from({ length: 500 }, (_, i) => 0.001 * (i + 1)) },
        weightDecay: { values: [0, 0.01] },
      },
    },
  ],
  seeds: Array.from({ length: 1_000 }, (_, i) => i),
  maxRuns: 1_000_000,
};

/** A task as the lab would encode it, with `change` applied to the task first. */
const taskData = (change: Record<string, unknown>) => ({
  engine: engineVersion,
  frame: Buffer.from(encodeFrame({ ...goodTask, ...change })).toString('base64'),
});

describe('hostile jobs on the queue, written by someone else', () => {
  it('an agent refuses each unrun, saying why, and still runs the lab’s task after them', async () => {
    const queue = freshQueue();
    const lines: string[] = [];
    const ran: RangeTask[] = [];
    const agent = startAgent({
      address: parseRedisUrl('--redis', server.url),
      queue,
      threads: 1,
      executor: {
        threads: 1,
        runRange: (task, signal) => {
          ran.push(task);
          return pool.runRange(task, signal);
        },
        close: async () => undefined,
      },
      say: (line) => lines.push(line),
    });
    closers.push(() => agent.close());
    const jobs = new Queue(queue, { connection: { port: server.port, host: '127.0.0.1' }, prefix: KEY_PREFIX });
    const events = new QueueEvents(queue, { connection: { port: server.port, host: '127.0.0.1' }, prefix: KEY_PREFIX });
    closers.push(async () => {
      await events.close();
      await jobs.close();
    });
    await events.waitUntilReady();
    const rows: { desc: string; data: unknown; message: string }[] = [
      {
        desc: 'a spec past the limits (10¹² steps)',
        data: taskData({ spec: { ...spec, steps: 1e12 } }),
        message: 'spec.steps: Invalid number of steps: 1000000000000 (must be a whole number from 1 to 1,000,000)',
      },
      {
        desc: 'a range of a million runs in a sweep of 6',
        data: taskData({ to: 1_000_000 }),
        message: "Invalid range: runs 0 to 1000000 (must be a non-empty range within the sweep's 6 runs)",
      },
      {
        desc: 'a whole sweep of a million runs in one task, valid in every field',
        data: taskData({ spec: millionRuns, to: 1_000_000 }),
        message: 'Invalid task size: 1,000,000 runs (must be at most 65,536: the lab sends no larger task)',
      },
      {
        desc: 'a range start as text',
        data: taskData({ from: '0' }),
        message: 'from: Invalid range start: "0" (must be a whole number from 0 to 999,999)',
      },
      {
        desc: 'a spec that is not one',
        data: taskData({ spec: 'everything' }),
        message: 'spec.Invalid sweep: "everything" (must be an object)',
      },
      {
        desc: 'buffers for the worker to write into',
        data: taskData({ spent: [new Float64Array(4)] }),
        message: 'spent: Unknown field: "spent" is not part of a task',
      },
      {
        desc: 'a sweep id that drives the terminal',
        data: taskData({ sweepId: '\u001b]0;owned\u0007' }),
        message:
          'sweepId: Invalid sweep id: "\\u001b]0;owned\\u0007" (must not contain control or invisible format characters)',
      },
      {
        desc: 'summary rows under another name',
        data: taskData({ summaryRows: { sweepName: '=HYPERLINK("x")' } }),
        message: `summaryRows.sweepName: Invalid sweep name: "=HYPERLINK(\\"x\\")" (must be the spec's name)`,
      },
      {
        desc: 'a frame that is not one',
        data: { engine: engineVersion, frame: 'AAAA' },
        message: 'Invalid frame: shorter than its header length',
      },
      {
        desc: 'no task at all',
        data: 'x',
        message: 'Invalid task data: "x" (must be an object of engine and frame)',
      },
    ];
    for (const { desc, data, message } of rows) {
      const job = await jobs.add(JOB_NAME, data);
      await expect(job.waitUntilFinished(events, 15_000), desc).rejects.toThrow(message);
      expect(lines, desc).toContain(`Refused task ${job.id}, unrun: ${message}`);
    }
    // Whoever adds a job chooses its id: the log shows it escaped, as a refusal shows a value.
    const escaping = await jobs.add(JOB_NAME, 'x', { jobId: '\u001b]0;owned\u0007' });
    await expect(escaping.waitUntilFinished(events, 15_000)).rejects.toThrow('Invalid task data');
    expect(lines).toContain(
      'Refused task "\\u001b]0;owned\\u0007", unrun: Invalid task data: "x" (must be an object of engine and frame)',
    );
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(ran).toEqual([]);
    const good = await jobs.add(JOB_NAME, encodeTask(goodTask, engineVersion));
    await expect(good.waitUntilFinished(events, 15_000)).resolves.toMatchObject({ resultBytes: expect.any(Number) });
    expect(ran).toHaveLength(1);
  });
});

describe('result keys written by someone else', () => {
  /** A lab's executor, and a stand-in agent that completes every job with `result(task)` in its key. */
  async function labWithForger(result: (task: RangeTask) => Promise<Uint8Array>) {
    const queue = freshQueue();
    const executor = createRedisExecutor({ url: server.url, queue });
    const redis = new Redis(server.port, '127.0.0.1');
    const forger = new Worker(
      queue,
      async (job) => {
        const task = decodeFrame(new Uint8Array(Buffer.from(job.data.frame, 'base64'))) as RangeTask;
        await redis.set(keysOf(queue).result(job.id!), Buffer.from(await result(task)));
        return { resultBytes: 1 };
      },
      { connection: { port: server.port, host: '127.0.0.1' }, prefix: KEY_PREFIX },
    );
    closers.push(async () => {
      await forger.close();
      await executor.close();
      redis.disconnect();
    });
    return executor;
  }

  it('fails the task with the reason when the key holds no results at all (it waited for ever)', async () => {
    const executor = await labWithForger(async () => Buffer.from('not a frame at all'));
    await expect(executor.runRange(goodTask)).rejects.toThrow(/^Refused the results of task .*: Invalid frame: /);
  });

  it('fails the task when the key holds the results of other runs, or too few', async () => {
    const otherRuns = await labWithForger(async (task) =>
      encodeResult(await pool.runRange({ ...task, from: 1, to: 3 })),
    );
    await expect(otherRuns.runRange({ ...goodTask, from: 2, to: 4 })).rejects.toThrow(
      'Refused the results of runs 2 to 3: a part of runs 1 to 2 where run 2 comes next',
    );
    const tooFew = await labWithForger(async (task) => {
      const { parts } = await pool.runRange(task);
      return encodeResult({ parts: parts.map((part) => ({ ...part, summaries: part.summaries.subarray(7) })) });
    });
    await expect(tooFew.runRange(goodTask)).rejects.toThrow('the part of runs 0 to 5 has 5 summaries');
  });

  it('fails the task with at most 2,000 characters of a failure reason written by someone else', async () => {
    // Each of the task's runs carries the reason to the window: 10 MB on a task of 2,000 runs was a 20 GB frame.
    const failing = await labWithForger(async () => {
      throw new Error('x'.repeat(10_000_000));
    });
    const error = await failing.runRange(goodTask).then(
      () => null,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/^The agent failed the task: x{2000}… \(9,998,000 characters more\)$/);
  });

  it('takes the results an agent computed, bit for bit', async () => {
    const honest = await labWithForger(async (task) => encodeResult(await pool.runRange(task)));
    const expected = await pool.runRange(goodTask);
    const [part] = (await honest.runRange(goodTask)).parts;
    expect(Buffer.from(part.summaries.buffer).equals(Buffer.from(expected.parts[0].summaries.buffer))).toBe(true);
  });
});

describe('agent announcements written by someone else', () => {
  it('counts no announcement of more threads than an agent may have, or of a megabyte, and never more than 1,024 tasks in flight', async () => {
    const queue = freshQueue();
    const keys = keysOf(queue);
    const redis = new Redis(server.port, '127.0.0.1');
    const announce = async (id: string, threads: number): Promise<void> => {
      const announcement = { id, host: 'h', threads, engine: engineVersion, node: '20', pid: 1 };
      await redis.multi().set(keys.agent(id), JSON.stringify(announcement)).sadd(keys.agents, id).exec();
    };
    await announce('huge', 1e9);
    await announce('h'.repeat(1_000_000), 1);
    const executor = createRedisExecutor({ url: server.url, queue });
    closers.push(async () => {
      await executor.close();
      redis.disconnect();
    });
    await executor.ready();
    expect(executor.agents()).toEqual([]);
    expect(executor.threads).toBe(1);
    for (let i = 0; i < 10; i++) await announce(`many-${i}`, 256);
    const end = Date.now() + 10_000;
    while (executor.agents().length < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(executor.agents()).toHaveLength(10);
    expect(executor.threads).toBe(1_024);
  });
});

describe('a flood of agent announcements written by someone else', () => {
  it('reads and lists at most 512 of them, the same ones look after look, and says how many more there are', async () => {
    const queue = freshQueue();
    const keys = keysOf(queue);
    const redis = new Redis(server.port, '127.0.0.1');
    const forged = redis.multi();
    for (let i = 0; i < 2_000; i++) {
      const id = `forged-${i}`;
      const announcement = { id, host: 'h', threads: 1, engine: engineVersion, node: '20', pid: 1 };
      forged.set(keys.agent(id), JSON.stringify(announcement)).sadd(keys.agents, id);
    }
    await forged.exec();
    const executor = createRedisExecutor({ url: server.url, queue });
    const statuses: string[] = [];
    closers.push(async () => {
      await executor.close();
      redis.disconnect();
    });
    executor.onStatus((status) => statuses.push(status.message));
    await executor.ready();
    const first = executor.agents().map((agent) => agent.id);
    expect(first).toHaveLength(512);
    expect(executor.unread).toBe(1_488);
    expect(statuses.at(-1)).toMatch(
      /^512 agents \(512 threads\) on queue .*; 1,488 more announced, not read \(the lab reads 512 at most\)$/,
    );
    // The next look (HEARTBEAT_MS later) lists the same agents.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(executor.agents().map((agent) => agent.id)).toEqual(first);
  });
});
