/**
 * `adagrad-lab agent --redis URL [--threads N] [--queue NAME]`: this machine runs the lab's tasks (agents/agent.ts) on
 * a worker pool of N threads until SIGINT or SIGTERM, which put its running tasks back in the queue for another agent
 * and end it with 0. A second signal ends it at once (its tasks then go to another agent when their locks expire).
 * One line per change of state on stderr, each with the time; never the Redis password.
 */
import { availableParallelism } from 'node:os';
import { startAgent } from '../agents/agent';
import { LOCK_MS, STALLED_INTERVAL_MS } from '../agents/protocol';
import { createWorkerPool } from '../pool';
import { maxThreads, parseWholeNumber } from '../flag-values';
import { agentsAt, CliUsageError, parseFlags } from './args';

const agentUsage = `AdaGrad Lab agent: runs a lab's sweep tasks on this machine, taken from the lab's Redis queue.

Usage:
  adagrad-lab agent --redis URL [--threads N] [--queue NAME]

  --redis URL     redis://[user:password@]host[:port][/db], or rediss:// for TLS (the password is never printed)
  --threads N     worker threads, 1 to ${maxThreads} (default: every core)
  --queue NAME    the lab's queue (default: lab-<the URL's user>, lab-default without one), as the lab's --queue
  -h, --help      this text

Runs until Ctrl+C (SIGINT) or SIGTERM: its running tasks go back to the queue for another agent. Killed outright, its
tasks go to another agent within ${(LOCK_MS + 2 * STALLED_INTERVAL_MS) / 1000} s. It runs only tasks of its own engine version, and refuses others.`;

const options = {
  redis: { type: 'string' },
  threads: { type: 'string' },
  queue: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The agent's command line; a usage error is exit 2 with its message. */
function parseAgentArgs(argv: readonly string[]) {
  const { values } = parseFlags(argv, { options, allowPositionals: false });
  if (values.help) return null;
  if (values.redis === undefined) throw new CliUsageError('Missing --redis URL: the Redis the lab queues its tasks on');
  const threads =
    values.threads === undefined
      ? availableParallelism()
      : parseWholeNumber('--threads', values.threads, 1, maxThreads, (message) => new CliUsageError(message));
  return { ...agentsAt(values.redis, values.queue), threads };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export async function agentCommand(
  argv: readonly string[],
  workerFile: string,
  out: (text: string) => void,
  say: (line: string) => void,
): Promise<number> {
  let parsed: ReturnType<typeof parseAgentArgs>;
  try {
    parsed = parseAgentArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    say(`${error.message}\nRun with --help for how to use it.`);
    return 2;
  }
  if (parsed === null) {
    out(`${agentUsage}\n`);
    return 0;
  }
  const { address, queue, threads } = parsed;
  const stamped = (line: string): void => say(`${new Date().toISOString().slice(0, 19)}Z ${line}`);
  let stopping = false;
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      if (stopping) {
        stamped('Stopped at once: its running tasks go to another agent when their locks expire');
        process.exit(130);
      }
      stopping = true;
      resolve();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
  });
  const pool = createWorkerPool(workerFile, { threads });
  try {
    stamped(`Starting: ${address.shown}, queue ${queue}, ${threads} thread${threads === 1 ? '' : 's'}`);
    const agent = startAgent({ address, queue, threads, executor: pool, say: stamped });
    await stopped;
    await agent.close();
    return 0;
  } finally {
    await pool.close();
  }
}
