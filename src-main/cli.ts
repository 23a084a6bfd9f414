#!/usr/bin/env node
/**
 * `npm run cli`: a sweep spec, a run config or run flags in; the summary CSV, the long-format trace CSV and/or JSON out,
 * computed on the same worker pool and built worker as the app (built to out/main/cli.js, run by plain Node).
 *
 * Exit codes: 0 when every run was computed (a run that diverges or fails is a result), 1 when writing failed midway,
 * 2 for bad usage or bad input (nothing has run; with --redis, a Redis user refused the queue too), 130 when interrupted by SIGINT, SIGTERM or SIGHUP (no output is
 * left behind).
 */
import { join } from 'node:path';
import { errorMessage } from '../src-core/contract/result';
import { everyStepConfig } from '../src-core/export/trace-table';
import { cliUsage, CliUsageError, parseCliArgs, type AgentsAt, type CliArgs } from './cli/args';
import { failedRun } from '../src-core/run/execute';
import { CliInputError, readJob, type CliJob } from './cli/input';
import { needsRuns, openOutputs, type CliOutputs, type ResultBatch } from './cli/outputs';
import { removeTemporariesSync } from './export/file-sink';
import { countsOf, ProgressReporter, type BatchCounts } from './cli/progress';
import { batchesInOrder, runInOrder, sweepBatchSize } from './export/ordered-runs';
// Types only: the agents' modules load bullmq and ioredis (~0.3 s of CPU at start-up, a sixth of a 100,000-run
// sweep), so they are imported when --redis or `agent` asks for them (agentsReady, main).
import type { RedisExecutor } from './agents/redis-executor';
import type { RangeExecutor } from './executor';
import { createWorkerPool, type WorkerPool } from './pool';
import { countStatuses, decodeResults } from '../src-core/run/result-batch';
import { rangeConfigs, type RangeTask } from './workers/range-task';
import { linkCommand } from './serve/link';

const say = (message: string): void => void process.stderr.write(`${message}\n`);

/** What computes the runs: this machine's worker pool, or agents through Redis (--redis). */
type Engine = { kind: 'pool'; pool: WorkerPool } | { kind: 'agents'; executor: RedisExecutor };

interface Prepared {
  args: CliArgs;
  job: CliJob;
  outputs: CliOutputs;
  /** This machine's workers, started; or the agents the runs go to (--redis), not yet asked. */
  runner: Extract<Engine, { kind: 'pool' }> | { kind: 'agents'; at: AgentsAt };
}

/**
 * Usage and input errors become exit 2 with their message; anything else is not bad input and goes on. This machine's
 * workers are started as soon as the arguments say how many, so that their start (~50 ms each: a thread, its modules)
 * runs while the input is read and checked and the outputs are opened, not after; bad input closes them unused.
 */
async function prepare(argv: readonly string[]): Promise<Prepared | number> {
  let runner: Prepared['runner'] | undefined;
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      process.stdout.write(`${cliUsage}\n`);
      return 0;
    }
    runner = args.agents
      ? { kind: 'agents', at: args.agents }
      : {
          kind: 'pool',
          pool: createWorkerPool(join(import.meta.dirname, 'run-batch.worker.js'), { threads: args.threads }),
        };
    const job = await readJob(args.input, args.sweepId);
    return { args, job, outputs: await openOutputs(args.outputs, job, process.stdout), runner };
  } catch (error) {
    // Closed, not waited for: the message comes at once, and the process ends as soon as the workers have.
    if (runner?.kind === 'pool') void runner.pool.close();
    if (error instanceof CliUsageError) say(`${error.message}\nRun with --help for how to use it.`);
    else if (error instanceof CliInputError) say(error.message);
    else throw error;
    return 2;
  }
}

type CliBatch = ResultBatch & { counts: BatchCounts };

const executorOf = (engine: Engine): RangeExecutor => (engine.kind === 'pool' ? engine.pool : engine.executor);

/**
 * The job's results, batch by batch, in order. A spec's runs go to the workers as ranges of its indexes, which each
 * worker expands itself, writing the summary CSV rows too: the main thread builds no config unless the traces or the
 * JSON need them (then only the batch's, as it comes back). A run config (`--run`) goes as itself, to this machine's
 * pool (parseCliArgs refuses --run with --redis).
 */
function batchesOf(job: CliJob, args: CliArgs, engine: Engine, signal: AbortSignal): AsyncGenerator<CliBatch> {
  // Summaries and JSON need no trace: the workers then record none and batches are sized for throughput.
  const traces = args.outputs.traces !== undefined;
  const { spec } = job;
  if (!spec) {
    if (engine.kind !== 'pool') throw new Error('A run config runs on this machine, not on agents');
    const configs = job.configs ?? [];
    const computed = args.everyStep ? configs.map(everyStepConfig) : configs;
    return (async function* () {
      let done = 0;
      for await (const results of runInOrder(engine.pool, computed, signal, { traces })) {
        yield { results, configs: configs.slice(done, done + results.length), counts: countsOf(results) };
        done += results.length;
      }
    })();
  }
  const pool = executorOf(engine);
  const withRuns = needsRuns(args.outputs);
  const base = {
    sweepId: job.sweepId,
    spec,
    everyStep: args.everyStep,
    traces,
    ...(args.outputs.summary === undefined ? {} : { summaryRows: { sweepName: job.sweepName } }),
  };
  // A sweep's runs differ in their objective only, as far as sizing goes: the first run of each objective stands for all.
  const perObjective = job.count / spec.objectives.length;
  const shapes = spec.objectives.flatMap(
    (_, o) => rangeConfigs({ ...base, from: o * perObjective, to: o * perObjective + 1 }).computed,
  );
  const run = async (from: number, to: number): Promise<CliBatch> => {
    const task: RangeTask = { ...base, from, to };
    try {
      const { parts, summaryCsv } = await pool.runRange(task, signal);
      // Asked for no parts (no partBytes): the task's results are one.
      const [columns] = parts;
      const counts = countStatuses(columns);
      if (!withRuns) return { results: null, configs: null, summaryCsv, counts };
      const { configs, computed } = rangeConfigs(task);
      return { results: decodeResults(columns, computed), configs, summaryCsv, counts };
    } catch (error) {
      // A batch that fails as a whole (a worker or an agent that died) becomes failed runs, as in a sweep.
      if (signal.aborted) throw error;
      const { configs, computed } = rangeConfigs(task);
      const results = computed.map((config) => failedRun(config, error));
      return { results, configs, counts: countsOf(results) };
    }
  };
  // Sized for the runs left and the threads now (agents come and go): the last runs are spread over every thread, and
  // each worker's first batches are short while its code warms up.
  let launched = 0;
  return batchesInOrder(
    pool,
    job.count,
    (left, threads) => sweepBatchSize(shapes, job.count, left, threads, traces, launched++),
    run,
  );
}

/**
 * The agents' executor, once an agent of this engine version is there; 'interrupted' if a signal came first, 'denied'
 * if Redis's ACL rules refuse the URL's user the queue (nothing can run: the status said what it lacks). Every change
 * of its status is said, unless all is well and `quiet`.
 */
async function agentsReady(
  { address, queue }: AgentsAt,
  quiet: boolean,
  interrupt: AbortSignal,
): Promise<RedisExecutor | 'interrupted' | 'denied'> {
  const { createRedisExecutor } = await import('./agents/redis-executor');
  const executor = createRedisExecutor({ url: address.url, queue });
  let settle: (outcome: 'ready' | 'denied') => void = () => undefined;
  const answered = new Promise<'ready' | 'denied'>((resolve) => (settle = resolve));
  executor.onStatus((status) => {
    if (status.state !== 'ready' || !quiet) say(status.message);
    if (status.state === 'ready') settle('ready');
    else if (executor.denied !== null) settle('denied');
  });
  const interrupted = new Promise<'interrupted'>((resolve) =>
    interrupt.addEventListener('abort', () => resolve('interrupted')),
  );
  const outcome = await Promise.race([answered, interrupted]);
  if (outcome === 'ready') return executor;
  await executor.close();
  return outcome;
}

/** The signals that end a run cleanly: every temporary file is removed, whichever arrives. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(argv: readonly string[]): Promise<number> {
  // `adagrad-lab link --port N`: a fresh sign-in link of a running serve-mode server (src-main/serve/link.ts).
  if (argv[0] === 'link') return linkCommand(argv.slice(1), (line) => process.stdout.write(`${line}\n`), say);
  // `adagrad-lab agent --redis URL`: this machine runs a lab's tasks (src-main/cli/agent.ts).
  if (argv[0] === 'agent') {
    const out = (text: string): void => void process.stdout.write(text);
    const { agentCommand } = await import('./cli/agent');
    return agentCommand(argv.slice(1), join(import.meta.dirname, 'run-batch.worker.js'), out, say);
  }
  // A failing stdout (a closed pipe such as `| head`, a full device) is seen by the next write, which then stops the
  // runs; without a listener its 'error' event would crash the process instead.
  process.stdout.on('error', () => undefined);
  const interrupt = new AbortController();
  // Until the runs start, a signal may come while an output is being opened (a FIFO waits for its reader): the
  // temporaries made so far are removed and the process ends at once.
  let computing = false;
  const stop = (): void => {
    interrupt.abort();
    if (computing) return;
    removeTemporariesSync();
    say('\nInterrupted: no file was written.');
    process.exit(130);
  };
  for (const signal of STOP_SIGNALS) process.once(signal, stop);
  const prepared = await prepare(argv);
  if (typeof prepared === 'number') return prepared;
  computing = true;
  const { args, job, outputs, runner } = prepared;
  let engine: Engine;
  if (runner.kind === 'agents') {
    exitWhenDone = true;
    const executor = await agentsReady(runner.at, args.quiet, interrupt.signal);
    if (executor === 'interrupted' || executor === 'denied') {
      await outputs.abort();
      say(executor === 'denied' ? 'No file was written.' : '\nInterrupted: no file was written.');
      return executor === 'denied' ? 2 : 130;
    }
    engine = { kind: 'agents', executor };
  } else engine = runner;
  const pool = executorOf(engine);
  const progress = args.quiet ? null : new ProgressReporter(process.stderr, job.count);
  const runs = `${job.count} run${job.count === 1 ? '' : 's'}`;
  if (progress)
    say(
      args.agents
        ? `Running ${runs} on agents through queue ${args.agents.queue} at ${args.agents.address.shown}`
        : `Running ${runs} on ${args.threads} thread${args.threads === 1 ? '' : 's'}`,
    );
  let closing: Promise<void> | null = null;
  try {
    for await (const batch of batchesOf(job, args, engine, interrupt.signal)) {
      await outputs.write(batch);
      progress?.add(batch.counts);
    }
    // Every run is in: the workers end while the files are completed (each takes a few tens of milliseconds).
    closing = pool.close();
    const written = await outputs.finish();
    progress?.finish();
    if (progress && written.length > 0) say(`Wrote ${written.join(', ')}`);
    return 0;
  } catch (error) {
    await outputs.abort();
    if (interrupt.signal.aborted) {
      say('\nInterrupted: no file was written.');
      return 130;
    }
    say(`Failed: ${errorMessage(error)}. No file was written.`);
    return 1;
  } finally {
    await (closing ?? pool.close());
  }
}

/**
 * Set when the runs went to agents: the process then exits once done, since BullMQ's events connection keeps
 * reconnecting, and the process alive, if Redis was away when it closed (agents/redis-executor.ts).
 */
let exitWhenDone = false;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    if (exitWhenDone) process.exit(code);
  },
  (error: unknown) => {
    say(`AdaGrad Lab failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
