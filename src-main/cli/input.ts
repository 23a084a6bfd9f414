/**
 * What the command line runs: a sweep spec file, a run config file, or the run flags, each checked with the app's own
 * schemas and words before anything runs. Every refusal is a CliInputError (exit 2) naming the file or the flag.
 */
import { open } from 'node:fs/promises';
import type { OptimizerKind } from '../../src-core/contract/engine';
import { formatCount } from '../../src-core/contract/fields';
import { errorMessage } from '../../src-core/contract/result';
import { validate } from '../../src-core/contract/schemas';
import {
  RunConfigSchema,
  type RunConfig,
  type SweepSpec,
  type SweepSpecInput,
} from '../../src-core/contract/sweep-spec';
import { objectiveInfo } from '../../src-core/objectives';
import { numberRules } from '../../src-core/optim/rules';
import { hyperparameterRule, parseAxis, parseNumber, parseNumberList, type Parsed } from '../../src-core/sweep/parse';
import { countRuns, validateSweepSpec } from '../../src-core/sweep/expand';
import { withRunLimitNamed } from '../../src-core/sweep/checks';
import { flagName, numberHyperparameters, switchHyperparameters, type CliInput, type RunFlags } from './args';

export interface CliJob {
  /** The validated spec the runs come from; null for a single run config. */
  spec: SweepSpec | null;
  sweepId: string;
  sweepName: string;
  /** How many runs: countRuns(spec), or 1. */
  count: number;
  /** The run config's one run; null for a spec, whose runs are expanded by the workers, a range each. */
  configs: RunConfig[] | null;
}

export class CliInputError extends Error {}

/** A file system error in a few words: "no such file", not the errno dump. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return errorMessage(error);
}

/** The largest spec or config file read: far above any valid one (a 10⁶-value list is ~20 MB), far below what fails. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * A file's text, refused past MAX_INPUT_BYTES: a regular file by its size, before reading it (a 1.1 GB file would
 * otherwise fail as "Invalid string length" after reading it all); a device or a pipe (/dev/zero, /dev/stdin), which
 * has no size, as soon as it has given more (it had been read to 512 MB, then failed the same way).
 */
async function readBounded(path: string, what: string): Promise<string> {
  const tooLarge = (size: string): CliInputError =>
    new CliInputError(
      `Cannot read ${what} ${path}: the file is too large (${size} bytes; at most ${formatCount(MAX_INPUT_BYTES)}, 64 MiB)`,
    );
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (stats.isFile() && stats.size > MAX_INPUT_BYTES) throw tooLarge(formatCount(stats.size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Read from where the last read ended (position null): a pipe has no positions.
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(READ_CHUNK_BYTES), 0, READ_CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_INPUT_BYTES) throw tooLarge(`more than ${formatCount(MAX_INPUT_BYTES)}`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readBounded(path, what);
  } catch (error) {
    if (error instanceof CliInputError) throw error;
    throw new CliInputError(`Cannot read ${what} ${path}: ${describeFileError(error)}`);
  }
  try {
    // A byte order mark, as some Windows editors write at the start of a UTF-8 file: JSON.parse would refuse it, in a
    // message whose culprit is invisible. A browser's File.text() (the app's import) drops it too.
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw new CliInputError(`Invalid JSON in ${path}: ${errorMessage(error)}`);
  }
}

function fromSpec(input: unknown, sweepId: string, refused: (message: string) => string): CliJob {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new CliInputError(refused(checked.message));
  return {
    spec: checked.value,
    sweepId,
    sweepName: checked.value.name,
    count: countRuns(checked.value),
    configs: null,
  };
}

export async function readJob(input: CliInput, sweepId: string): Promise<CliJob> {
  switch (input.kind) {
    case 'spec':
      return fromSpec(await readJson(input.path, 'sweep spec'), sweepId, (message) => `${input.path}: ${message}`);
    case 'run': {
      const checked = validate(RunConfigSchema, await readJson(input.path, 'run config'));
      if (!checked.ok) throw new CliInputError(`${input.path}: ${checked.message}`);
      return { spec: null, sweepId, sweepName: '', count: 1, configs: [checked.value] };
    }
    case 'flags':
      return fromSpec(specFromFlags(input.flags), sweepId, flagMessage);
  }
}

/** A value as the form's fields parse it; a refusal names the flag. */
function parsed<T>(flag: string, result: Parsed<T>): T {
  if (!result.ok) throw new CliInputError(`--${flag}: ${result.message}`);
  return result.value;
}

/** One number, as the form's one-number fields read it. */
function single(flag: string, label: string, given: string): number {
  return parsed(flag, parseNumber(label, given));
}

/** "rosenbrock(dim=10 …)" → { id: 'rosenbrock', dim: 10 }, over the objective's defaults; the schema judges the rest. */
function objectiveFromFlag(given: string): unknown {
  const match = /^\s*([\w-]+)\s*(?:\((.*)\))?\s*$/.exec(given);
  if (!match)
    throw new CliInputError(
      `--objective: Invalid objective: ${JSON.stringify(given)} (must be an id, with any settings in brackets: "rosenbrock(dim=10)")`,
    );
  const [, id, settings = ''] = match;
  const known = (objectiveInfo as Record<string, { defaultConfig: object } | undefined>)[id];
  const objective: Record<string, unknown> = { ...(known?.defaultConfig ?? { id }) };
  for (const setting of settings.split(/[\s,]+/).filter((s) => s !== '')) {
    const [key, value, ...rest] = setting.split('=');
    if (value === undefined || rest.length > 0)
      throw new CliInputError(`--objective: Invalid setting: ${JSON.stringify(setting)} (must be name=value)`);
    objective[key] = single('objective', key, value);
  }
  return objective;
}

/** The sweep the run flags describe: one objective, one optimizer kind over its defaults, each number flag an axis. */
function specFromFlags(flags: RunFlags): SweepSpecInput {
  const text = (key: keyof RunFlags): string | undefined =>
    typeof flags[key] === 'string' ? (flags[key] as string) : undefined;
  const numbers = (key: keyof RunFlags, label: string): number[] | undefined => {
    const given = text(key);
    return given === undefined ? undefined : parsed(key, parseNumberList(label, given));
  };
  const axes: Record<string, unknown> = {};
  for (const name of numberHyperparameters) {
    const flag = flagName(name) as keyof RunFlags;
    const given = text(flag);
    if (given !== undefined)
      axes[name] = parsed(flag, parseAxis(numberRules[name].label, given, hyperparameterRule(name)));
  }
  const fixed: Record<string, unknown> = {};
  for (const name of switchHyperparameters) if (flags[flagName(name) as keyof RunFlags] === true) fixed[name] = true;
  if (text('eps-placement') !== undefined) fixed.epsPlacement = text('eps-placement');
  const start = text('start');
  const tolerance = text('tolerance');
  const tracePoints = text('trace-points');
  const threshold = text('divergence-threshold');
  const maxRuns = text('max-runs');
  return {
    name: text('name') ?? 'cli',
    objectives: [objectiveFromFlag(text('objective') ?? 'quadratic-1d')],
    start: start === undefined || start.trim() === 'default' ? null : numbers('start', 'start point'),
    optimizers: [{ kind: (text('optimizer') ?? 'adagrad') as OptimizerKind, fixed, axes }],
    steps: single('steps', 'number of steps', text('steps') ?? '100'),
    seeds: numbers('seeds', 'seed') ?? [0],
    tolerance: tolerance === undefined ? null : single('tolerance', 'tolerance', tolerance),
    traceMaxPoints: tracePoints === undefined ? null : single('trace-points', 'trace size', tracePoints),
    ...(maxRuns === undefined ? {} : { maxRuns: single('max-runs', 'run limit', maxRuns) }),
    ...(threshold === undefined
      ? {}
      : {
          divergenceThreshold:
            threshold.trim() === 'off' ? 'off' : single('divergence-threshold', 'divergence threshold', threshold),
        }),
    ...(flags['continue-after-non-finite'] === true ? { continueAfterNonFinite: true } : {}),
  } as SweepSpecInput;
}

/** The spec's field paths, as the flags that set them. */
const flagOfPath: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^optimizers\.0\.(?:axes|fixed)\.(\w+)/, (m) => flagName(m[1])],
  [/^optimizers\.0/, () => 'optimizer'],
  [/^objectives\.0/, () => 'objective'],
  [/^traceMaxPoints/, () => 'trace-points'],
  [/^divergenceThreshold/, () => 'divergence-threshold'],
  [/^maxRuns/, () => 'max-runs'],
  [/^(start|steps|seeds|tolerance|name)\b/, (m) => m[1]],
];

/** A spec refusal, with the flag in place of the field path it names: "--lr: Invalid learning rate: -0.1 (…)". */
function flagMessage(message: string): string {
  for (const [path, flag] of flagOfPath) {
    const match = path.exec(message);
    if (match) return `--${flag(match)}${message.slice(match[0].length).replace(/^[.\w]*(?=:)/, '')}`;
  }
  // The sweep size's refusal names no field but says how to allow more runs.
  return withRunLimitNamed(message, '--max-runs');
}
