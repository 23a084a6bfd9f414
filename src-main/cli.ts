#!/usr/bin/env node
/**
 * `npm run cli`: a sweep spec, a run config or run flags in; the summary CSV, the long-format trace CSV and/or JSON out,
 * computed on the same worker pool and built worker as the app (built to out/main/cli.js, run by plain Node).
 *
 * Exit codes: 0 when every run was computed (a run that diverges or fails is a result), 1 when writing failed midway,
 * 2 for bad usage or bad input (nothing has run), 130 when interrupted by SIGINT, SIGTERM or SIGHUP (no output is
 * left behind).
 */
import { join } from 'node:path';
import { errorMessage } from '../src-core/contract/result';
import { everyStepConfig } from '../src-core/export/trace-table';
import { cliUsage, CliUsageError, parseCliArgs, type CliArgs } from './cli/args';
import { CliInputError, readJob, type CliJob } from './cli/input';
import { openOutputs, type CliOutputs } from './cli/outputs';
import { removeTemporariesSync } from './export/file-sink';
import { ProgressReporter } from './cli/progress';
import { runInOrder } from './export/ordered-runs';
import { createWorkerPool } from './pool';
import { linkCommand } from './serve/link';

const say = (message: string): void => void process.stderr.write(`${message}\n`);

/** Usage and input errors become exit 2 with their message; anything else is not bad input and goes on. */
async function prepare(argv: readonly string[]): Promise<{ args: CliArgs; job: CliJob; outputs: CliOutputs } | number> {
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      process.stdout.write(`${cliUsage}\n`);
      return 0;
    }
    const job = await readJob(args.input, args.sweepId);
    return { args, job, outputs: await openOutputs(args.outputs, job, process.stdout) };
  } catch (error) {
    if (error instanceof CliUsageError) say(`${error.message}\nRun with --help for how to use it.`);
    else if (error instanceof CliInputError) say(error.message);
    else throw error;
    return 2;
  }
}

/** The signals that end a run cleanly: every temporary file is removed, whichever arrives. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(argv: readonly string[]): Promise<number> {
  // `adagrad-lab link --port N`: a fresh sign-in link of a running serve-mode server (src-main/serve/link.ts).
  if (argv[0] === 'link') return linkCommand(argv.slice(1), (line) => process.stdout.write(`${line}\n`), say);
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
  const { args, job, outputs } = prepared;
  const configs = args.everyStep ? job.configs.map(everyStepConfig) : job.configs;
  const pool = createWorkerPool(join(import.meta.dirname, 'run-batch.worker.js'), { threads: args.threads });
  const progress = args.quiet ? null : new ProgressReporter(process.stderr, configs.length);
  if (progress)
    say(
      `Running ${configs.length} run${configs.length === 1 ? '' : 's'} on ${args.threads} thread${args.threads === 1 ? '' : 's'}`,
    );
  try {
    let done = 0;
    // Summaries and JSON need no trace: the workers then record none and batches are sized for throughput.
    const traces = args.outputs.traces !== undefined;
    for await (const results of runInOrder(pool, configs, interrupt.signal, { traces })) {
      await outputs.write({ results, configs: job.configs.slice(done, done + results.length) });
      done += results.length;
      progress?.add(results);
    }
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
    await pool.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    say(`AdaGrad Lab failed: ${errorMessage(error)}`);
    process.exitCode = 1;
  },
);
