/**
 * The agents' queue (src-main/agents) against the local worker pool, on this machine: a real redis-server on a free
 * loopback port, agents as processes of the built CLI (`node out/main/cli.js agent`), the lab's executor in this
 * process. Wall clock (parallel work is about waiting less), contenders in turns, medians. `npm run bench` runs it last
 * (its part `queue`); alone:
 *
 *   npx electron-vite build && npx tsx bench/queue.ts --repeats 5
 *
 * 1. Overhead: the same range tasks, driven as the command line drives them (one per thread in flight, plus one),
 *    on the pool with 1 and 2 threads and on 1 and 2 agents of 1 thread: trivial tasks (one run of one step: the cost
 *    of a task alone) and W1 (10,000 runs × 1,000 steps, summaries and their CSV rows, batches sized by work as the
 *    command line sizes them: the cost per run). Overhead per task and per run = (agents − pool) / count.
 * 2. What Redis sustains: trivial tasks, 64 in flight, on 2 agents of 4 threads: tasks per second through the whole
 *    path (add, take, run, result, event, GETDEL), the bound N machines would meet.
 * 3. How results travel: a result of S bytes as a base64 BullMQ return value (stored in the job and copied into the
 *    queue's event stream) against raw bytes in a key of its own (protocol.ts), one job at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { SweepSpec } from '../src-core/contract/sweep-spec';
import { countRuns, expandSweepRange, validateSweepSpec } from '../src-core/sweep/expand';
import { KEY_PREFIX } from '../src-main/agents/protocol';
import { createRedisExecutor, type RedisExecutor } from '../src-main/agents/redis-executor';
import type { RangeExecutor } from '../src-main/executor';
import { batchesInOrder, batchSizeOf } from '../src-main/export/ordered-runs';
import { createWorkerPool } from '../src-main/pool';
import type { RangeTask } from '../src-main/workers/range-task';
import { startRedisServer } from '../test/helpers/redis-server';
import { median } from './measure';
import { w1Spec } from './workloads';

/** A difference with its sign: +2.08, −11.5. */
const signed = (x: number, digits: number): string => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(digits)}`;

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const repeats = Number(values.repeats);
const root = join(import.meta.dirname, '..');
const cliFile = join(root, 'out', 'main', 'cli.js');
const workerFile = join(root, 'out', 'main', 'run-batch.worker.js');

const valid = (input: unknown): SweepSpec => {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
};
const w1 = valid(w1Spec(false));
const trivial = valid({
  name: 'trivial',
  objectives: [{ id: 'quadratic-1d' }],
  optimizers: [{ kind: 'adagrad', axes: { lr: { linear: { from: 0.1, to: 1, count: 1000 } } } }],
  steps: 1,
  traceMaxPoints: 3,
});

/** The tasks of `count` runs of `spec` for `threads`, summaries and their rows only, as the command line makes them. */
function tasksOf(spec: SweepSpec, count: number, threads: number, size?: number): RangeTask[] {
  const shapes = [...expandSweepRange('b', spec, 0, 1)];
  const batch = size ?? batchSizeOf(shapes, count, threads, false);
  const tasks: RangeTask[] = [];
  for (let from = 0; from < count; from += batch)
    tasks.push({
      sweepId: 'b',
      spec,
      from,
      to: Math.min(count, from + batch),
      traces: false,
      summaryRows: { sweepName: spec.name },
    });
  return tasks;
}

/** Seconds (wall) to run `tasks` with `inFlight` at once (batchesInOrder: the command line's driver). */
async function drive(executor: RangeExecutor, tasks: readonly RangeTask[], inFlight: number): Promise<number> {
  const start = performance.now();
  let runs = 0;
  const byFrom = new Map(tasks.map((task) => [task.from, task]));
  const size = tasks[0].to - tasks[0].from;
  const count = tasks.at(-1)!.to;
  const inOrder = batchesInOrder(
    { threads: inFlight - 1 },
    count,
    () => size,
    (from) => executor.runRange(byFrom.get(from)!),
  );
  for await (const results of inOrder) runs += results.parts.reduce((sum, part) => sum + (part.to - part.from), 0);
  if (runs !== count) throw new Error(`${runs} runs came back of ${count}`);
  return (performance.now() - start) / 1000;
}

const agents: ChildProcess[] = [];
async function agent(url: string, queue: string, threads: number): Promise<void> {
  const child = spawn(process.execPath, [
    cliFile,
    'agent',
    '--redis',
    url,
    '--queue',
    queue,
    '--threads',
    `${threads}`,
  ]);
  agents.push(child);
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
  while (!/ Connected to /.test(log)) await new Promise((r) => setTimeout(r, 20));
}
async function labOn(url: string, queue: string, agentsExpected: number): Promise<RedisExecutor> {
  const executor = createRedisExecutor({ url, queue });
  while (executor.agents().length < agentsExpected) await new Promise((r) => setTimeout(r, 50));
  return executor;
}

const server = await startRedisServer();
const say = (line: string): void => void process.stdout.write(`${line}\n`);
say(
  `Load average at the start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}; ${repeats} repeats`,
);
try {
  await agent(server.url, 'one', 1);
  await agent(server.url, 'two', 1);
  await agent(server.url, 'two', 1);
  await agent(server.url, 'wide', 4);
  await agent(server.url, 'wide', 4);
  const pool1 = createWorkerPool(workerFile, { threads: 1 });
  const pool2 = createWorkerPool(workerFile, { threads: 2 });
  const one = await labOn(server.url, 'one', 1);
  const two = await labOn(server.url, 'two', 2);
  const wide = await labOn(server.url, 'wide', 2);

  // 1. Overhead per task and per run.
  const trivialTasks = tasksOf(trivial, 300, 1, 1);
  const w1Count = countRuns(w1);
  const contenders = [
    { name: 'pool, 1 thread', executor: pool1 as RangeExecutor, threads: 1 },
    { name: '1 agent × 1 thread', executor: one as RangeExecutor, threads: 1 },
    { name: 'pool, 2 threads', executor: pool2 as RangeExecutor, threads: 2 },
    { name: '2 agents × 1 thread', executor: two as RangeExecutor, threads: 2 },
  ];
  const times = contenders.map(() => ({ trivial: [] as number[], w1: [] as number[] }));
  for (let r = -1; r < repeats; r++)
    for (const [i, c] of contenders.entries()) {
      // In flight as the command line keeps them: the executor's threads, plus one.
      const inFlight = c.executor.threads + 1;
      const tTrivial = await drive(c.executor, trivialTasks, inFlight);
      const tW1 = await drive(c.executor, tasksOf(w1, w1Count, c.threads), inFlight);
      // The first round warms up (JIT, connections, worker threads).
      if (r >= 0) {
        times[i].trivial.push(tTrivial);
        times[i].w1.push(tW1);
      }
    }
  say(`\n1. ${trivialTasks.length} trivial tasks, and W1 (${w1Count} runs × 1,000 steps), wall-clock medians:`);
  const m = times.map((t) => ({ trivial: median(t.trivial), w1: median(t.w1) }));
  contenders.forEach((c, i) =>
    say(
      `  ${c.name.padEnd(20)} trivial ${(m[i].trivial * 1000).toFixed(0).padStart(6)} ms (${((m[i].trivial / trivialTasks.length) * 1e3).toFixed(2)} ms a task)   W1 ${(m[i].w1 * 1000).toFixed(0).padStart(6)} ms (${(w1Count / m[i].w1 / 1e3).toFixed(1)} k runs/s)`,
    ),
  );
  for (const [pool, agents] of [
    [0, 1],
    [2, 3],
  ])
    say(
      `  ${contenders[agents].name} vs ${contenders[pool].name}: trivial ${(m[agents].trivial / m[pool].trivial).toFixed(2)}× (${signed(((m[agents].trivial - m[pool].trivial) / trivialTasks.length) * 1e3, 2)} ms a task), W1 ${(m[agents].w1 / m[pool].w1).toFixed(2)}× (${signed(((m[agents].w1 - m[pool].w1) / w1Count) * 1e6, 1)} µs a run)`,
    );
  say(`  2 agents / 1 agent on W1: ${(m[1].w1 / m[3].w1).toFixed(2)}× the throughput`);

  // 2. What Redis sustains.
  const many = tasksOf(trivial, 1000, 1, 1);
  const sustained: number[] = [];
  for (let r = -1; r < repeats; r++) {
    const t = await drive(wide, many, 64);
    if (r >= 0) sustained.push(many.length / t);
  }
  say(`\n2. Trivial tasks, 64 in flight, 2 agents × 4 threads: ${median(sustained).toFixed(0)} tasks/s (median)`);

  // 3. Results as a base64 return value, or as bytes in a key of their own.
  say('\n3. One result of S bytes through BullMQ, one job at a time (ms a job, median):');
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  for (const bytes of [100_000, 2_000_000]) {
    const payload = randomBytes(bytes);
    const row: string[] = [];
    for (const via of ['base64 return value', 'key of its own'] as const) {
      const name = `transport-${bytes}-${via === 'key of its own' ? 'key' : 'b64'}`;
      const queue = new Queue(name, { connection: redis, prefix: KEY_PREFIX });
      const events = new QueueEvents(name, { connection: redis, prefix: KEY_PREFIX });
      const worker = new Worker(
        name,
        async (job) => {
          if (via === 'base64 return value') return payload.toString('base64');
          await redis.set(`${KEY_PREFIX}:${name}:r:${job.id}`, payload, 'PX', 60_000);
          return { resultBytes: bytes };
        },
        { connection: redis, prefix: KEY_PREFIX },
      );
      await events.waitUntilReady();
      const each: number[] = [];
      for (let i = 0; i < 4 + repeats * 4; i++) {
        const start = performance.now();
        const done = new Promise<Buffer>((resolve) => {
          const listener = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }): void => {
            if (jobId !== `job-${i}`) return;
            events.off('completed', listener);
            if (via === 'base64 return value') resolve(Buffer.from(returnvalue as string, 'base64'));
            else void redis.getdelBuffer(`${KEY_PREFIX}:${name}:r:${jobId}`).then((b) => resolve(b!));
          };
          events.on('completed', listener);
        });
        await queue.add('t', {}, { jobId: `job-${i}`, removeOnComplete: true });
        const got = await done;
        if (!got.equals(payload)) throw new Error('the result came back changed');
        if (i >= 4) each.push(performance.now() - start);
      }
      row.push(`${via} ${median(each).toFixed(2)} ms`);
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    say(`  ${(bytes / 1e6).toFixed(1)} MB: ${row.join(', ')}`);
  }
  redis.disconnect();
  for (const executor of [one, two, wide, pool1, pool2]) await executor.close();
  say(
    `\nLoad average at the end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(', ')}`,
  );
} finally {
  for (const child of agents) child.kill('SIGTERM');
  await Promise.all(agents.map((child) => new Promise((r) => child.once('close', r))));
  await server.stop();
}
