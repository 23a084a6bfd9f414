/** The command line of `npm run serve`, parsed with messages that name the flag, the value and what is allowed. */
import { availableParallelism } from 'node:os';
import { maxThreads, parseWholeNumber } from '../whole-number';

export const DEFAULT_PORT = 7312;

export interface ServeArgs {
  port: number;
  threads: number;
  help: boolean;
}

export const serveUsage = `Usage: npm run serve -- [--port N] [--threads N]
  --port N      TCP port on 127.0.0.1, 0 to 65535 (0 picks a free one; default ${DEFAULT_PORT})
  --threads N   worker threads running sweeps, 1 to ${maxThreads} (default: the number of cores)
Set ADAGRAD_LAB_TOKEN to choose the access token; otherwise a random one is made.`;

export class ServeUsageError extends Error {}

function parseInteger(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || value === '') throw new ServeUsageError(`Missing value for ${flag} (must be a whole number from ${min} to ${max})`);
  return parseWholeNumber(flag, value, min, max, (message) => new ServeUsageError(message));
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: DEFAULT_PORT, threads: availableParallelism(), help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => (eq >= 0 ? arg.slice(eq + 1) : argv[++i]);
    if (flag === '--port') args.port = parseInteger('--port', value(), 0, 65535);
    else if (flag === '--threads') args.threads = parseInteger('--threads', value(), 1, maxThreads);
    else throw new ServeUsageError(`Unknown option: ${JSON.stringify(arg)} (allowed: --port N, --threads N, --help)`);
  }
  return args;
}
