#!/usr/bin/env node
/**
 * `npm run cli` (built to out/main/cli.js, run by plain Node): src-main/cli/main.ts is the command line. This entry
 * only starts its worker threads first, from a first look at the arguments (cli/early-threads.ts), and then loads it:
 * its modules and the engine's take the main thread ~0.05–0.08 s to read, and the workers start meanwhile instead of
 * after. It imports piscina and nothing of the engine, so that the build keeps it a chunk of its own.
 */
import { join } from 'node:path';
import { earlyThreads } from './cli/early-threads';
import { startThreads } from './pool-threads';

const argv = process.argv.slice(2);
// The built worker lands next to this entry (out/main/run-batch.worker.js), not next to main.ts's chunk.
const workerFile = join(import.meta.dirname, 'run-batch.worker.js');
const threads = earlyThreads(argv);
const started = threads === null ? null : startThreads(workerFile, { threads });
const { runCli } = await import('./cli/main');
runCli(argv, workerFile, started);
