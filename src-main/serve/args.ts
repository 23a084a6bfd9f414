/** The command line of `npm run serve`, parsed with messages that name the flag, the value and what is allowed. */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { maskPasswords, parseRedisUrl, queueName, RedisUrlError } from '../agents/redis-url';
import { givenTwice, maxThreads, parseWholeNumber } from '../flag-values';

export const DEFAULT_PORT = 7312;

export interface ServeArgs {
  port: number;
  threads: number;
  /** Sweeps run on agents through this Redis (checked: redis-url.ts), on this queue; absent: on this machine. */
  agents?: { url: string; queue: string };
  help: boolean;
}

export const serveUsage = `Usage: npm run serve -- [--port N] [--threads N] [--redis URL [--queue NAME]]
  --port N      TCP port on 127.0.0.1, 0 to 65535 (0 picks a free one; default ${DEFAULT_PORT})
  --threads N   worker threads running sweeps (and exports), 1 to ${maxThreads} (default: the number of cores)
  --redis URL   run sweeps on agents (adagrad-lab agent) through the Redis at redis://[user:password@]host[:port][/db]
                (rediss:// for TLS) instead of this machine's threads; exports still run here (docs/agents.md)
  --queue NAME  the lab's queue on that Redis (default: lab-<the URL's user>, lab-default without one)
Set ADAGRAD_LAB_TOKEN to choose the access token (at least 128 bits: 32 hexadecimal digits or 22 base64url
characters); otherwise a random one is made.`;

export class ServeUsageError extends Error {}

function parseInteger(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || value === '')
    throw new ServeUsageError(`Missing value for ${flag} (must be a whole number from ${min} to ${max})`);
  return parseWholeNumber(flag, value, min, max, (message) => new ServeUsageError(message));
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: DEFAULT_PORT, threads: availableParallelism(), help: false };
  let redis: string | undefined;
  let queue: string | undefined;
  /** Each flag's value as given, so that one given twice is refused (the last would win silently). */
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string | undefined => {
      const given = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      const first = values.get(flag);
      if (first !== undefined && given !== undefined)
        throw new ServeUsageError(maskPasswords(givenTwice(flag, first, given)));
      if (given !== undefined) values.set(flag, given);
      return given;
    };
    if (flag === '--port') args.port = parseInteger('--port', value(), 0, 65535);
    else if (flag === '--threads') args.threads = parseInteger('--threads', value(), 1, maxThreads);
    else if (flag === '--redis') redis = value() ?? '';
    else if (flag === '--queue') queue = value() ?? '';
    else
      throw new ServeUsageError(
        `Unknown option: ${JSON.stringify(maskPasswords(arg))} (allowed: --port N, --threads N, --redis URL, --queue NAME, --help)`,
      );
  }
  if (queue !== undefined && redis === undefined)
    throw new ServeUsageError('--queue names a queue on the Redis of --redis: add --redis URL');
  if (redis !== undefined) {
    try {
      args.agents = { url: redis, queue: queueName('--queue', queue, parseRedisUrl('--redis', redis)) };
    } catch (error) {
      if (error instanceof RedisUrlError) throw new ServeUsageError(error.message);
      throw error;
    }
  }
  return args;
}

/**
 * The access token: ADAGRAD_LAB_TOKEN when set, which must carry at least 128 bits (32 or more hexadecimal digits, or
 * 22 or more base64url characters: a short one can be guessed); a fresh random one (192 bits) otherwise. The message
 * never shows the token.
 */
export function serveToken(fromEnvironment: string | undefined): string {
  if (!fromEnvironment) return randomBytes(24).toString('base64url');
  // Hexadecimal digits carry 4 bits each, base64url characters 6: a token of hexadecimal digits only is judged as hex.
  const hex = /^[0-9a-fA-F]+$/.test(fromEnvironment);
  const strong = hex ? fromEnvironment.length >= 32 : /^[\w-]{22,}$/.test(fromEnvironment);
  if (!strong) {
    throw new ServeUsageError(
      `Invalid ADAGRAD_LAB_TOKEN: ${fromEnvironment.length} characters (must have at least 128 bits: 32 or more hexadecimal digits, ` +
        'or 22 or more base64url characters A-Z a-z 0-9 - _; leave it unset for a random one)',
    );
  }
  return fromEnvironment;
}
