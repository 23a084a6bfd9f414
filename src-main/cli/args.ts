/** The command line of `npm run cli`, parsed (node:util parseArgs) into what to run and where to write it. */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatCount } from '../../src-core/contract/fields';
import { errorMessage } from '../../src-core/contract/result';
import { SweepLimits } from '../../src-core/contract/sweep-spec';
import { epsPlacements, flagLabels, numberRules } from '../../src-core/optim/rules';
import { maskPasswords, parseRedisUrl, queueName, RedisUrlError, type RedisAddress } from '../agents/redis-url';
import { givenTwice, maxThreads, parseWholeNumber } from '../flag-values';

/** camelCase hyperparameter names as flags: weightDecay → weight-decay. */
export const flagName = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The hyperparameters a number flag sets (a value, a list or a range each), and those a bare flag switches on. */
export const numberHyperparameters = Object.keys(numberRules) as (keyof typeof numberRules)[];
export const switchHyperparameters = Object.keys(flagLabels) as (keyof typeof flagLabels)[];

/** The flags that describe a run (or a grid of them) when no spec or run file is given. */
const runFlagOptions = {
  objective: { type: 'string' },
  start: { type: 'string' },
  optimizer: { type: 'string' },
  'eps-placement': { type: 'string' },
  steps: { type: 'string' },
  seeds: { type: 'string' },
  tolerance: { type: 'string' },
  'divergence-threshold': { type: 'string' },
  'trace-points': { type: 'string' },
  'max-runs': { type: 'string' },
  'continue-after-non-finite': { type: 'boolean' },
  name: { type: 'string' },
  ...Object.fromEntries(numberHyperparameters.map((name) => [flagName(name), { type: 'string' }])),
  ...Object.fromEntries(switchHyperparameters.map((name) => [flagName(name), { type: 'boolean' }])),
} as const satisfies Record<string, { type: 'string' | 'boolean' }>;

const options = {
  ...runFlagOptions,
  run: { type: 'string' },
  summary: { type: 'string' },
  traces: { type: 'string' },
  json: { type: 'string' },
  'every-step': { type: 'boolean' },
  threads: { type: 'string' },
  'sweep-id': { type: 'string' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The run flags as given: each value as typed (parsed in input.ts), each switch present or not. */
export type RunFlags = Partial<Record<keyof typeof runFlagOptions, string | boolean>>;

export type CliInput =
  { kind: 'spec'; path: string } | { kind: 'run'; path: string } | { kind: 'flags'; flags: RunFlags };

/** Where each output goes: a file path, or '-' for stdout. */
export interface CliOutputPaths {
  summary?: string;
  traces?: string;
  json?: string;
}

export interface CliArgs {
  help: boolean;
  input: CliInput;
  outputs: CliOutputPaths;
  everyStep: boolean;
  threads: number;
  sweepId: string;
  quiet: boolean;
  /** Present: the runs go to agents through this Redis queue (src-main/agents) instead of this machine's threads. */
  agents?: AgentsAt;
}

/** Where the lab's agents take their tasks: a Redis and a queue on it. */
export interface AgentsAt {
  address: RedisAddress;
  queue: string;
}

/** --redis and --queue (the CLI's and the agent's), checked: the URL's password is never echoed. */
export function agentsAt(redis: string, queue: string | undefined): AgentsAt {
  try {
    const address = parseRedisUrl('--redis', redis);
    return { address, queue: queueName('--queue', queue, address) };
  } catch (error) {
    if (error instanceof RedisUrlError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** Bad usage: exit 2 with this message. */
export class CliUsageError extends Error {}

export const cliUsage = `AdaGrad Lab on the command line: runs a sweep on the app's worker pool and writes CSV and JSON.

Usage:
  npm run cli -- <spec.json> [outputs] [options]     a sweep spec, as the app's form makes them
  npm run cli -- --run <run.json> [outputs] [options] one run config, as --json writes them
  npm run cli -- [run flags] [outputs] [options]      the run, or grid of runs, the flags describe
  npm run cli -- agent --redis URL [--threads N] [--queue NAME]   run the lab's tasks on this machine (--help for more)

Outputs (FILE may be - for stdout, for one of them; none given: --summary -):
  --summary FILE        one row per run: what it ran, every hyperparameter, every metric (CSV)
  --traces FILE         long format: run_id, step, parameter, theta, g, G, effective_step, loss (CSV)
  --json FILE           the sweep spec and every run's config and summary (JSON; NaN and ±Infinity as strings)
  --every-step          traces: every step of each run (at most ${formatCount(SweepLimits.maxTracePoints)} rows a run), not only the
                        steps the app's charts keep

Run flags (a value may be a list "1, 0.5, 0.1" or a range "log(1e-3, 1, 7)", "lin(0, 0.1, 5)": one run per point):
  --objective ID        quadratic-1d (default), elliptic-2d, linear-regression, constant-gradient, sparse-logreg,
                        rosenbrock, ill-conditioned, rastrigin; settings in brackets: "rosenbrock(dim=10)"
  --start X,Y,...       the start point (default: the objective's own); a negative one as --start=-1,2
  --optimizer KIND      adagrad (default), sgd, rmsprop, adam; each starts from its defaults (AdaGrad: the seeds')
  ${numberHyperparameters.map((name) => `--${flagName(name)}`).join(', ')} VALUES
  --eps-placement ${epsPlacements.join('|')}, ${switchHyperparameters.map((name) => `--${flagName(name)}`).join(', ')}
  --steps N (default 100)   --seeds LIST (default 0)   --tolerance X   --trace-points N   --name TEXT
  --divergence-threshold X|off  a run whose loss goes above X × its initial loss has diverged (default 1e6)
  --max-runs N          the most runs the flags may describe: a grid larger than this is refused, not run
                        (default ${formatCount(SweepLimits.defaultMaxRuns)}, at most ${formatCount(SweepLimits.maxRunsCeiling)})
  --continue-after-non-finite   step on after a run diverges (a non-finite loss, θ or G, or the threshold crossed),
                        as a PyTorch loop does; its summary keeps the first divergence (default: stop there)

Options:
  --threads N           worker threads, 1 to ${maxThreads} (default: every core)
  --sweep-id ID         run ids are ID:000000, ID:000001, ... (default: cli)
  --redis URL           run on agents (adagrad-lab agent) through the Redis at redis://[user:password@]host[:port][/db]
                        (rediss:// for TLS) instead of this machine's threads: the same output, byte for byte
  --queue NAME          the lab's queue on that Redis (default: lab-<the URL's user>, lab-default without one)
  --quiet               no progress on stderr
  -h, --help            this text

Progress, with the rate and the time left, goes to stderr. A run that diverges or fails is a result (its status says
so); bad input stops before anything runs, with exit code 2.

Examples:
  npm run cli -- --start 4 --lr 1 --steps 3 --traces -                 the seeds' x² from 4: θ = 3, 2.4, 1.967…
  npm run cli -- --lr "log(1e-3, 1, 7)" --eps "1e-8, 1e-4" --summary grid.csv
  npm run cli -- --objective "rosenbrock(dim=2)" --optimizer adam --lr 0.01 --steps 5000 --traces adam.csv --every-step
  npm run cli -- sweep.json --summary runs.csv --traces traces.csv --json runs.json --threads 4`;

/** parseArgs' own complaint, in the house style: the flag, the value given (`argv` holds it) and what it takes. */
function usageError(error: unknown, argv: readonly string[]): CliUsageError {
  const message = errorMessage(error);
  // The long name of '-h, --help'.
  const option = /'(?:-\w, )?(-{1,2}[^' ]+)/.exec(message)?.[1];
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new CliUsageError(`Unknown option: ${option} (run with --help for the options)`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /ambiguous/.test(message)) {
    return new CliUsageError(`Missing value for ${option}; a value starting with a dash goes after =, as ${option}=-1`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message))
    return new CliUsageError(`Missing value for ${option}: it was the last argument (must be followed by its value)`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /does not take an argument/.test(message)) {
    const given = argv.find((arg) => arg.startsWith(`${option}=`))?.slice(`${option}=`.length);
    return new CliUsageError(
      `Invalid value for ${option}: ${JSON.stringify(given)} (it takes none: give ${option} alone)`,
    );
  }
  return new CliUsageError(message.split('\n')[0]);
}

/**
 * parseArgs, strict, with its complaints in the house style (usageError) and a flag with a value refused when given
 * twice; a Redis password in any message is masked (the values are quoted back).
 */
export function parseFlags<const T extends Pick<ParseArgsConfig, 'options' | 'allowPositionals'>>(
  argv: readonly string[],
  config: T,
) {
  let parsed;
  try {
    parsed = parseArgs({ ...config, args: [...argv], strict: true, tokens: true });
  } catch (error) {
    throw new CliUsageError(maskPasswords(usageError(error, argv).message));
  }
  const values = new Map<string, string>();
  // tokens: true above; the type cannot tell it through the generic config.
  for (const token of parsed.tokens!) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const first = values.get(token.name);
    if (first !== undefined) throw new CliUsageError(maskPasswords(givenTwice(`--${token.name}`, first, token.value)));
    values.set(token.name, token.value);
  }
  return parsed;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseFlags(argv, { options, allowPositionals: true });
  if (positionals.length > 1)
    throw new CliUsageError(`One sweep spec at a time: got ${positionals.map((p) => JSON.stringify(p)).join(', ')}`);
  const specPath: string | undefined = positionals[0];
  if (specPath !== undefined && values.run !== undefined)
    throw new CliUsageError(`Give a sweep spec or --run ${values.run}, not both`);
  const runFlags = Object.fromEntries(
    Object.keys(runFlagOptions).flatMap((key) => (key in values ? [[key, values[key as keyof typeof values]]] : [])),
  ) as RunFlags;
  const flagged = Object.keys(runFlags);
  if ((specPath !== undefined || values.run !== undefined) && flagged.length > 0) {
    throw new CliUsageError(
      `--${flagged[0]} describes a run by flags; it cannot be combined with ${specPath !== undefined ? 'a sweep spec file' : '--run'}`,
    );
  }
  const input: CliInput =
    specPath !== undefined
      ? { kind: 'spec', path: specPath }
      : values.run !== undefined
        ? { kind: 'run', path: values.run }
        : { kind: 'flags', flags: runFlags };

  const outputs: CliOutputPaths = {};
  for (const key of ['summary', 'traces', 'json'] as const) {
    const path = values[key];
    if (path === '') throw new CliUsageError(`Missing file for --${key} (a path, or - for stdout)`);
    if (path !== undefined) outputs[key] = path;
  }
  if (Object.keys(outputs).length === 0) outputs.summary = '-';
  const claimed = new Map<string, string>();
  for (const [key, path] of Object.entries(outputs)) {
    const place = path === '-' ? '-' : resolve(path);
    const other = claimed.get(place);
    if (other && place === '-')
      throw new CliUsageError(`Only one output can go to stdout: --${other} and --${key} both give -`);
    if (other) throw new CliUsageError(`Each output needs its own file: --${other} and --${key} both write ${path}`);
    claimed.set(place, key);
  }
  if (values['every-step'] && outputs.traces === undefined)
    throw new CliUsageError('--every-step applies to the traces: add --traces FILE');

  const sweepId = values['sweep-id'] ?? 'cli';
  if (!/^[\w.-]{1,100}$/.test(sweepId)) {
    throw new CliUsageError(
      `Invalid value for --sweep-id: ${JSON.stringify(sweepId)} (must be 1 to 100 letters, digits, _ . or -)`,
    );
  }
  if (values.queue !== undefined && values.redis === undefined)
    throw new CliUsageError('--queue names a queue on the Redis of --redis: add --redis URL');
  if (values.redis !== undefined && values.run !== undefined)
    throw new CliUsageError(
      `--redis runs a sweep's ranges on agents; --run ${values.run} runs its one run here: drop --redis`,
    );
  return {
    help: values.help ?? false,
    input,
    outputs,
    everyStep: values['every-step'] ?? false,
    threads:
      values.threads === undefined
        ? availableParallelism()
        : parseWholeNumber('--threads', values.threads, 1, maxThreads, (message) => new CliUsageError(message)),
    sweepId,
    quiet: values.quiet ?? false,
    ...(values.redis === undefined ? {} : { agents: agentsAt(values.redis, values.queue) }),
  };
}
