/**
 * `npm run serve`: the lab in any browser on this machine (built to out/main/serve.js, run by plain Node; no electron).
 *
 *   node out/main/serve.js [--port N] [--threads N] [--redis URL [--queue NAME]]
 *
 * Prints one line with the link to open, the only place the first token ever appears:
 *   AdaGrad Lab is serving at http://127.0.0.1:PORT/#token=TOKEN
 * The token is ADAGRAD_LAB_TOKEN when set (tests; at least 128 bits, see serveToken), a fresh random one otherwise; it works once. Fresh links:
 * `adagrad-lab link --port PORT` (serve/link.ts), or Enter in this terminal.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../src-core/contract/result';
import { maskPasswords } from './agents/redis-url';
import { createWorkerPool, type WorkerPool } from './pool';
import { parseServeArgs, ServeUsageError, serveToken, serveUsage, type ServeArgs } from './serve/args';
import { listenForLinks, type LinkListener } from './serve/link';
import { createLabServer, type LabServer } from './serve/server';
import { SweepExecutors } from './sweep-executor';
import { SweepService } from './sweep-service';

async function main(): Promise<void> {
  let args: ServeArgs;
  let token: string;
  try {
    args = parseServeArgs(process.argv.slice(2));
    token = serveToken(process.env.ADAGRAD_LAB_TOKEN);
  } catch (error) {
    if (!(error instanceof ServeUsageError)) throw error;
    console.error(`${error.message}\n\n${serveUsage}`);
    process.exit(1);
  }
  if (args.help) {
    console.log(serveUsage);
    return;
  }

  const staticDir = join(import.meta.dirname, '../renderer');
  if (!existsSync(join(staticDir, 'index.html'))) {
    console.error(
      `The renderer is not built (no ${join(staticDir, 'index.html')}). Run \`npm run build\` first, or use \`npm run serve\`.`,
    );
    process.exit(1);
  }

  const pool: WorkerPool = createWorkerPool(join(import.meta.dirname, 'run-batch.worker.js'), {
    threads: args.threads,
  });
  // With --redis, sweeps start on agents (the window's "Run sweeps on" setting can change it); exports, whose runs come
  // from anywhere, always run on this machine's pool.
  const service = new SweepService(pool);
  service.onEvent((event) => {
    if (event.type === 'executor-status') console.log(maskPasswords(event.status.message));
  });
  const executors = new SweepExecutors(service, args.agents ? { initial: { on: 'agents', ...args.agents } } : {});
  await executors.start();
  let server: LabServer;
  try {
    server = await createLabServer({ service, executor: pool, executors, staticDir, token, port: args.port });
  } catch (error) {
    await Promise.allSettled([executors.close(), pool.close()]);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(
        `Port ${args.port} on 127.0.0.1 is already in use. Stop whatever uses it, or pick another port with --port N (for example --port ${args.port === 65535 ? 7313 : args.port + 1}, or --port 0 for any free port).`,
      );
    } else if (code === 'EACCES') {
      console.error(
        `Not allowed to listen on port ${args.port} on 127.0.0.1. Pick another port with --port N (ports below 1024 need privileges).`,
      );
    } else {
      console.error(`Could not start the server on 127.0.0.1:${args.port}: ${errorMessage(error)}`);
    }
    process.exit(1);
  }

  console.log(`AdaGrad Lab is serving at ${server.url}#token=${encodeURIComponent(token)}`);
  console.log(
    `Only this machine can reach it (bound to 127.0.0.1). ${args.agents ? `Sweeps run on the agents of queue ${args.agents.queue}; exports on ` : ''}${args.threads} worker thread${args.threads === 1 ? '' : 's'}. Press Ctrl+C to stop.`,
  );
  const links = await offerFreshLinks(server);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`Received ${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.error('Stopping AdaGrad Lab...');
    Promise.allSettled([server.close(), executors.close().then(() => pool.close()), links?.close()]).then(() =>
      process.exit(0),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Each link works once: fresh ones from `adagrad-lab link --port N`, and from Enter here when stdin is a terminal. */
async function offerFreshLinks(server: LabServer): Promise<LinkListener | null> {
  const how = process.stdin.isTTY ? ' (or press Enter here)' : '';
  let links: LinkListener | null = null;
  try {
    links = await listenForLinks(server.port, server.freshLink);
    console.log(`The link works once. For a fresh one: adagrad-lab link --port ${server.port}${how}.`);
  } catch (error) {
    console.error(
      `No fresh links over a local socket: ${errorMessage(error)}.${how ? ' Press Enter here for one.' : ''}`,
    );
  }
  if (process.stdin.isTTY) {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (typed: string) => {
      if (typed.includes('\n')) console.log(`Fresh link (works once): ${server.freshLink()}`);
    });
  }
  return links;
}

main().catch((error: unknown) => {
  console.error(`AdaGrad Lab could not start: ${errorMessage(error)}`);
  process.exit(1);
});
