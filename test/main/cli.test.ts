/**
 * The command line as a person runs it: the built out/main/cli.js in a child process (npm test builds before the unit
 * tests), its files parsed back and held against src-core's executeRun, double for double.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig, RunSummary } from '../../src-core/contract/types';
import { executeRun } from '../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import { adagradRun } from '../helpers/configs';

const cliFile = resolve('out/main/cli.js');

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in `cwd`, with `nodeOptions` before its file; `onStderr` may act on what it prints (to interrupt it);
 * `runner`: the command that starts Node (setpriv, to run it as another user).
 */
function cli(
  args: string[],
  cwd: string,
  {
    onStderr,
    nodeOptions = [],
    runner = [],
  }: {
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    nodeOptions?: string[];
    runner?: string[];
  } = {},
): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    const [command, ...before] = [...runner, process.execPath];
    const child = spawn(command, [...before, ...nodeOptions, cliFile, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
}

type Row = Record<string, string>;
const rowsOf = (csv: string): Row[] => parse(csv, { columns: true });
const same = (cell: string, x: number): boolean => Object.is(Number(cell), x);

let dir: string;
beforeAll(async () => {
  if (!existsSync(cliFile)) throw new Error(`${cliFile} is missing: run \`npm run build\` before the unit tests`);
  dir = await mkdtemp(join(tmpdir(), 'lab-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the command line', () => {
  it("reproduces the seeds' x² from 4 with lr 1 from flags: θ = 4, 3, 2.4, 1.9672689…", async () => {
    const ran = await cli(['--start', '4', '--lr', '1', '--steps', '3', '--traces', '-', '--quiet'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toBe('');
    const rows = rowsOf(ran.stdout);
    expect(rows.map((r) => Number(r.theta).toFixed(4))).toEqual(['4.0000', '3.0000', '2.4000', '1.9673']);
    expect(rows[3].theta.startsWith('1.9672689')).toBe(true);
    const { trace } = executeRun(adagradRun({}, { id: 'cli:000000', sweepId: 'cli', steps: 3 }));
    rows.forEach((row, k) => {
      expect(row.run_id).toBe('cli:000000');
      expect(same(row.theta, trace.theta[k]) && same(row.G, trace.accum[k]) && same(row.loss, trace.loss[k])).toBe(
        true,
      );
      // Row k: the gradient step k used, 2θₖ₋₁, and what it subtracted, θₖ₋₁ − θₖ; none in row 0.
      if (k === 0) expect([row.g, row.update]).toEqual(['', '']);
      else
        expect([Number(row.g), Number(row.update)]).toEqual([
          2 * trace.theta[k - 1],
          trace.theta[k - 1] - trace.theta[k],
        ]);
    });
  });

  it('takes --maximize and --continue-after-non-finite from flags: x² climbed from 4, past the overflow to the last step', async () => {
    const ran = await cli(
      [
        '--start',
        '4',
        '--lr',
        '1e300',
        '--maximize',
        '--continue-after-non-finite',
        '--steps',
        '4',
        '--traces',
        '-',
        '--quiet',
      ],
      dir,
    );
    expect(ran.code).toBe(0);
    const rows = rowsOf(ran.stdout);
    const config = adagradRun(
      { lr: 1e300, maximize: true },
      { id: 'cli:000000', sweepId: 'cli', steps: 4, continueAfterNonFinite: true },
    );
    const { trace, summary } = executeRun(config);
    expect(summary).toMatchObject({ status: 'diverged', divergedAt: 1 });
    expect(rows.map((r) => Number(r.step))).toEqual(Array.from(trace.steps));
    expect(rows[rows.length - 1].step).toBe('4');
    rows.forEach((row, k) => expect(same(row.theta, trace.theta[k])).toBe(true));
  });

  it('runs a sweep spec file into the summary, the traces and JSON, every number the one executeRun computes', async () => {
    const spec = {
      name: '=grid',
      objectives: [{ id: 'quadratic-1d' }, { id: 'rosenbrock', dim: 2 }],
      optimizers: [
        { kind: 'adagrad', axes: { lr: { values: [0.5, 1e308] }, eps: { log: { from: 1e-8, to: 1e-4, count: 2 } } } },
        { kind: 'adam', fixed: { lr: 0.01 } },
      ],
      steps: 40,
      traceMaxPoints: 10,
    };
    const own = await mkdtemp(join(dir, 'sweep-'));
    await writeFile(join(own, 'sweep.json'), JSON.stringify(spec));
    const ran = await cli(
      ['sweep.json', '--summary', 'runs.csv', '--traces', 'traces.csv', '--json', 'runs.json', '--threads', '2'],
      own,
    );
    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe('');

    const checked = validateSweepSpec(spec);
    if (!checked.ok) throw new Error(checked.message);
    const expected = expandSweep('cli', checked.value).map((config) => executeRun(config));
    expect(expected.some((r) => r.summary.status === 'diverged')).toBe(true); // a result, not an error: exit 0 above

    const summary = rowsOf(await readFile(join(own, 'runs.csv'), 'utf8'));
    expect(summary.map((r) => r.run_id)).toEqual(expected.map((r) => r.config.id));
    summary.forEach((row, i) => {
      const { config, summary: s } = expected[i];
      expect(row.sweep_name).toBe("'=grid");
      expect(row.optimizer).toBe(config.optimizer.kind);
      expect(same(row.lr, config.optimizer.lr)).toBe(true);
      expect(row.status).toBe(s.status);
      expect(same(row.final_loss, s.finalLoss) && same(row.best_loss, s.bestLoss)).toBe(true);
    });

    const traces = rowsOf(await readFile(join(own, 'traces.csv'), 'utf8'));
    let at = 0;
    for (const { config, trace } of expected) {
      for (let i = 0; i < trace.steps.length * trace.width; i++) {
        const row = traces[at++];
        expect(row.run_id).toBe(config.id);
        expect(Number(row.step)).toBe(trace.steps[Math.floor(i / trace.width)]);
        // g: the trace's gradient column, the one each step used (empty in row 0, which took none).
        const g = trace.steps[Math.floor(i / trace.width)] === 0 ? row.g === '' : same(row.g, trace.grad[i]);
        expect(same(row.theta, trace.theta[i]) && g && same(row.G, trace.accum[i])).toBe(true);
      }
    }
    expect(at).toBe(traces.length);

    const json = JSON.parse(await readFile(join(own, 'runs.json'), 'utf8')) as {
      spec: unknown;
      runs: { config: RunConfig; summary: RunSummary }[];
    };
    expect(json.spec).toEqual(checked.value);
    expect(json.runs.map((r) => r.config)).toEqual(expected.map((r) => r.config));
    // JSON has no NaN or Infinity: they are written as strings, so nothing turns into null.
    const diverged = json.runs.find((r) => r.summary.status === 'diverged')!;
    expect(['NaN', 'Infinity']).toContain(diverged.summary.finalLoss);
    expect((await readdir(own)).sort()).toEqual(['runs.csv', 'runs.json', 'sweep.json', 'traces.csv']);
  });

  it('reads a spec or run file that starts with a byte order mark, as some Windows editors save UTF-8', async () => {
    const own = await mkdtemp(join(dir, 'bom-'));
    const spec = { name: 'bom', objectives: [{ id: 'quadratic-1d' }], optimizers: [{ kind: 'adagrad' }], steps: 3 };
    await writeFile(join(own, 'sweep.json'), `\uFEFF${JSON.stringify(spec)}`);
    await writeFile(join(own, 'run.json'), `\uFEFF${JSON.stringify(adagradRun())}`);
    for (const args of [['sweep.json'], ['--run', 'run.json']]) {
      const ran = await cli([...args, '--summary', '-', '--quiet'], own);
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      expect(rowsOf(ran.stdout)).toHaveLength(1);
    }
  });

  it('runs when Node is started with its own options, V8 flags among them (node --max-old-space-size=… cli.js)', async () => {
    // Workers refuse V8's flags and the process's own options: the pool must not hand them over (it did, and every
    // such start failed with "Initiated Worker with invalid execArgv flags").
    for (const nodeOptions of [['--max-old-space-size=3000'], ['--stack-trace-limit=20', '--enable-source-maps']]) {
      const ran = await cli(['--lr', 'lin(0.1, 1, 50)', '--steps', '10', '--threads', '2', '--quiet'], dir, {
        nodeOptions,
      });
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
      expect(rowsOf(ran.stdout)).toHaveLength(50);
    }
  });

  it('starts no more workers than cores for a one-run sweep, whatever --threads allows (256 had started 256: 2.1 GB)', async () => {
    // Preloaded into the CLI: counts the worker threads it starts, and says so as it exits.
    const counter = join(dir, 'count-workers.cjs');
    await writeFile(
      counter,
      `const threads = require('node:worker_threads');
      const Counted = class extends threads.Worker { constructor(...a) { super(...a); Counted.started++; } };
      Counted.started = 0;
      threads.Worker = Counted;
      require('node:module').syncBuiltinESMExports();
      process.on('exit', () => process.stderr.write('workers started: ' + Counted.started + '\\n'));`,
    );
    const ran = await cli(['--lr', '1', '--threads', '256', '--quiet'], dir, { nodeOptions: ['--require', counter] });
    expect(ran.code).toBe(0);
    expect(rowsOf(ran.stdout)).toHaveLength(1);
    const started = Number(/workers started: (\d+)/.exec(ran.stderr)?.[1]);
    expect(started).toBeGreaterThanOrEqual(1);
    expect(started).toBeLessThanOrEqual(availableParallelism());
  });

  it('runs a grid of flags above the default run limit when --max-runs allows it (written as the refusal writes it)', async () => {
    const ran = await cli(
      ['--lr', 'lin(0.1, 1, 101)', '--eps', 'log(1e-8, 1e-4, 100)', '--steps', '1', '--max-runs', '10,100', '--quiet'],
      dir,
    );
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(rowsOf(ran.stdout)).toHaveLength(10_100);
  });

  it('writes the same summary CSV and JSON, byte for byte, whether it also writes traces (computed) or not', async () => {
    // A mixed sweep: lane groups (AdaGrad, with and without weight decay, one with a tolerance reached), runs that
    // diverge (lr 1e308) or go on after a non-finite value, and the step-by-step loop (Adam, RMSprop); enough runs
    // and threads that batches of both sizes are used.
    const spec = {
      name: 'mixed',
      objectives: [
        { id: 'elliptic-2d' },
        { id: 'rosenbrock', dim: 2 },
        { id: 'ill-conditioned', dim: 20, condition: 100 },
      ],
      optimizers: [
        {
          kind: 'adagrad',
          axes: {
            lr: { log: { from: 1e-3, to: 1, count: 30 } },
            weightDecay: { values: [0, 1e-4] },
            decoupledWeightDecay: { values: [false, true] },
          },
        },
        { kind: 'adagrad', axes: { lr: { values: [1e308] } } },
        { kind: 'adam', axes: { lr: { values: [0.01, 0.1] } } },
        { kind: 'rmsprop', fixed: { lr: 0.01 } },
      ],
      seeds: [0, 1],
      steps: 300,
      tolerance: 1e-3,
    };
    const own = await mkdtemp(join(dir, 'traces-or-not-'));
    await writeFile(join(own, 'sweep.json'), JSON.stringify(spec));
    const withTraces = await cli(
      ['sweep.json', '--summary', 'a.csv', '--json', 'a.json', '--traces', 'traces.csv', '--threads', '2', '--quiet'],
      own,
    );
    const without = await cli(
      ['sweep.json', '--summary', 'b.csv', '--json', 'b.json', '--threads', '2', '--quiet'],
      own,
    );
    const one = await cli(['sweep.json', '--summary', 'c.csv', '--threads', '1', '--quiet'], own);
    expect([withTraces.code, without.code, one.code]).toEqual([0, 0, 0]);
    const a = await readFile(join(own, 'a.csv'), 'utf8');
    expect(rowsOf(a).length).toBe(3 * 2 * (30 * 4 + 1 + 2 + 1));
    expect(rowsOf(a).some((r) => r.status === 'diverged') && rowsOf(a).some((r) => r.status === 'converged')).toBe(
      true,
    );
    expect(await readFile(join(own, 'b.csv'), 'utf8')).toBe(a);
    expect(await readFile(join(own, 'c.csv'), 'utf8')).toBe(a);
    expect(await readFile(join(own, 'b.json'), 'utf8')).toBe(await readFile(join(own, 'a.json'), 'utf8'));
  });

  it('writes every step with --every-step, and runs a config from its JSON again with --run', async () => {
    const config = adagradRun({ lr: 0.2 }, { id: 'lab:000007', sweepId: 'lab', steps: 2000, traceMaxPoints: 100 });
    await writeFile(join(dir, 'run.json'), JSON.stringify(config));
    const ran = await cli(['--run', 'run.json', '--traces', '-', '--every-step', '--quiet'], dir);
    expect(ran.code).toBe(0);
    const rows = rowsOf(ran.stdout);
    expect(rows.map((r) => Number(r.step))).toEqual(Array.from({ length: 2001 }, (_, k) => k));
    expect(rows.every((r) => r.run_id === 'lab:000007')).toBe(true);
    const { trace } = executeRun(config);
    trace.steps.forEach((step, k) => expect(same(rows[step].theta, trace.theta[k])).toBe(true));
  });

  it('reports progress with the rate on stderr, as plain lines when stderr is not a terminal', async () => {
    const ran = await cli(['--lr', 'log(1e-3, 1, 40)', '--steps', '200', '--summary', '-', '--threads', '1'], dir);
    expect(ran.code).toBe(0);
    const lines = ran.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('Running 40 runs on 1 thread');
    expect(lines.at(-1)).toMatch(/^40\/40 runs \(100%\) · [\d.]+ runs\/s · took .+ · 0 diverged, 0 failed$/);
    expect(ran.stderr).not.toContain('\r');
    expect(rowsOf(ran.stdout)).toHaveLength(40);
  });

  it('stops at Ctrl+C with exit 130 and leaves no file behind', async () => {
    const own = await mkdtemp(join(dir, 'stop-'));
    let interrupted = false;
    const ran = await cli(
      ['--lr', 'log(1e-3, 1, 400)', '--steps', '1000000', '--summary', 'never.csv', '--threads', '1'],
      own,
      {
        onStderr: (text, child) => {
          if (interrupted || !text.includes('Running')) return;
          interrupted = true;
          child.kill('SIGINT');
        },
      },
    );
    expect(ran.code).toBe(130);
    expect(ran.stderr).toContain('Interrupted: no file was written.');
    expect(await readdir(own)).toEqual([]);
  });

  it('exits 1 when writing fails midway (the reader of stdout goes away), and leaves no file behind', async () => {
    const own = await mkdtemp(join(dir, 'midway-'));
    const args = [
      '--lr',
      'log(1e-3, 1, 400)',
      '--steps',
      '2000',
      '--traces',
      '-',
      '--every-step',
      '--summary',
      'summary.csv',
      '--threads',
      '1',
    ];
    const ran = await new Promise<Ran & { read: number }>((resolveRun, reject) => {
      const child = spawn(process.execPath, [cliFile, ...args], { cwd: own });
      let read = 0;
      let stderr = '';
      // Read the header and the first rows, then close our end of the pipe: every later write gets EPIPE.
      child.stdout.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 100_000) child.stdout.destroy();
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => resolveRun({ code, signal, stdout: '', stderr, read }));
    });
    expect(ran.read).toBeGreaterThan(100_000); // it had written part of the output when it failed
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/Failed: .*(EPIPE|closed).*\. No file was written\./);
    expect(ran.stderr).not.toMatch(/400\/400 runs/); // it stopped, rather than computing every run to nowhere
    expect(await readdir(own)).toEqual([]);
  });

  it('exits 1 when stdout is a full device (/dev/full), with the reason, and leaves no file behind', async () => {
    const own = await mkdtemp(join(dir, 'full-'));
    const full = await open('/dev/full', 'w');
    try {
      const ran = await new Promise<{ code: number | null; stderr: string }>((resolveRun, reject) => {
        const child = spawn(
          process.execPath,
          [
            cliFile,
            '--lr',
            'log(1e-3, 1, 40)',
            '--steps',
            '200',
            '--traces',
            '-',
            '--summary',
            'summary.csv',
            '--quiet',
          ],
          {
            cwd: own,
            stdio: ['ignore', full.fd, 'pipe'],
          },
        );
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolveRun({ code, stderr }));
      });
      expect(ran.code).toBe(1);
      // The disk's own error (it said "the destination closed" before: process.stdout forgets why it failed).
      expect(ran.stderr).toMatch(/failed: ENOSPC: no space left on device/i);
      expect(ran.stderr).not.toMatch(/\n\s+at /); // a message, not a crash's stack trace
      expect(await readdir(own)).toEqual([]);
    } finally {
      await full.close();
    }
  });

  it('shows its usage, with examples, on --help', async () => {
    const ran = await cli(['--help'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Usage:');
    expect(ran.stdout).toContain('npm run cli -- --start 4 --lr 1 --steps 3 --traces -');
    // Counts as the refusals write them, and as --max-runs takes them.
    expect(ran.stdout).toContain('(default 10,000, at most 1,000,000)');
    expect(ran.stdout).toContain('(at most 100,000 rows a run)');
  });
});

describe('the command line refuses bad input with exit 2 and a clear message, before running anything', () => {
  const cases: { desc: string; args: string[]; file?: [string, string]; expected: string }[] = [
    {
      desc: 'a missing spec file',
      args: ['missing.json'],
      expected: 'Cannot read sweep spec missing.json: no such file or folder',
    },
    {
      desc: 'a spec that is not JSON',
      args: ['broken.json'],
      file: ['broken.json', '{"name": "x",'],
      expected: 'Invalid JSON in broken.json: ',
    },
    {
      desc: 'an invalid spec, in the words the app uses',
      args: ['negative.json'],
      file: [
        'negative.json',
        JSON.stringify({
          name: 'x',
          objectives: [{ id: 'quadratic-1d' }],
          optimizers: [{ kind: 'adagrad', axes: { lr: { values: [0.1, -0.1] } } }],
          steps: 3,
        }),
      ],
      expected: 'negative.json: optimizers.0.axes.lr: Invalid learning rate: -0.1 (must be a finite number > 0)',
    },
    {
      desc: 'an invalid run config',
      args: ['--run', 'run.json'],
      file: ['run.json', JSON.stringify({ ...adagradRun(), steps: 0 })],
      expected: 'run.json: steps: Invalid number of steps: 0 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a grid of run flags larger than the run limit, saying which flag raises it',
      args: ['--lr', 'lin(0.1, 1, 101)', '--eps', 'log(1e-8, 1e-4, 100)'],
      expected:
        'Invalid sweep size: 10,100 runs (must be at most 10,000; raise --max-runs up to 1,000,000 to allow more)',
    },
    {
      desc: 'a run limit out of range',
      args: ['--max-runs', '0'],
      expected: '--max-runs: Invalid run limit: 0 (must be a whole number from 1 to 1,000,000)',
    },
    {
      desc: 'a bad learning rate flag',
      args: ['--lr=-0.1'],
      expected: '--lr: Invalid learning rate: -0.1 (must be a finite number > 0)',
    },
    {
      desc: 'a divergence threshold of 1',
      args: ['--divergence-threshold', '1'],
      expected: '--divergence-threshold: Invalid divergence threshold: 1 (must be > 1 or off)',
    },
    {
      desc: 'a list with two kinds of bad value, each named (only "abc" had been)',
      args: ['--lr=-1, abc'],
      expected: '--lr: Invalid learning rate: -1 (must be a finite number > 0); "abc" (must be a number)',
    },
    {
      desc: 'a flag value that is not a number',
      args: ['--eps', '1e-8, tiny'],
      expected: '--eps: Invalid epsilon: "tiny" (must be a number)',
    },
    {
      desc: 'a flag given twice (the last had won silently)',
      args: ['--lr', '0.1', '--steps', '5', '--lr=0.2'],
      expected: 'Invalid value for --lr: given twice, "0.1" then "0.2" (must be given once)',
    },
    {
      desc: 'a Redis URL given twice, its passwords masked',
      args: ['--redis', 'redis://:s3cret@a', '--redis', 'redis://:t0p@b'],
      expected: 'Invalid value for --redis: given twice, "redis://:***@a" then "redis://:***@b" (must be given once)',
    },
    {
      desc: 'a range where seeds are listed',
      args: ['--seeds', 'lin(0, 5, 6)'],
      expected:
        '--seeds: Invalid seed: "lin(0, 5, 6)" (must be a list of numbers such as 0, 1, 2: lin(…) is for hyperparameters)',
    },
    {
      desc: 'a hyperparameter the optimizer lacks',
      args: ['--optimizer', 'sgd', '--beta1', '0.9'],
      expected: '--beta1: Unknown hyperparameter: "beta1" is not an option of sgd',
    },
    {
      desc: 'an objective setting out of range',
      args: ['--objective', 'rosenbrock(dim=1)'],
      expected: '--objective: Invalid dimension: 1 (must be a whole number from 2 to 1,000,000)',
    },
    {
      desc: 'an unknown option',
      args: ['--learning-rate', '1'],
      expected: 'Unknown option: --learning-rate (run with --help for the options)',
    },
    {
      desc: 'a flag without its value, last',
      args: ['--lr', '0.1', '--steps'],
      expected: 'Missing value for --steps: it was the last argument (must be followed by its value)',
    },
    {
      desc: 'a value given to a switch',
      args: ['--quiet=1'],
      expected: 'Invalid value for --quiet: "1" (it takes none: give --quiet alone)',
    },
    {
      desc: "an agent's flag without its value, last",
      args: ['agent', '--redis'],
      expected: 'Missing value for --redis: it was the last argument (must be followed by its value)',
    },
    {
      desc: "a value given to an agent's switch, a password in it masked",
      args: ['agent', '--help=redis://lab:secret@host'],
      expected: 'Invalid value for --help: "redis://lab:***@host" (it takes none: give --help alone)',
    },
    {
      desc: 'two outputs on stdout',
      args: ['--summary', '-', '--json', '-'],
      expected: 'Only one output can go to stdout: --summary and --json both give -',
    },
    {
      desc: 'two outputs in one file',
      args: ['--summary', 'runs.csv', '--traces', './runs.csv'],
      expected: 'Each output needs its own file: --summary and --traces both write ./runs.csv',
    },
    {
      desc: 'an output folder that does not exist',
      args: ['--summary', 'no/such/folder/runs.csv'],
      expected: 'Cannot write no/such/folder/runs.csv: no such file or folder',
    },
    {
      desc: 'too many threads',
      args: ['--threads', '1000'],
      expected: 'Invalid value for --threads: "1000" (must be a whole number from 1 to 256)',
    },
  ];

  it('a spec file too large to read (1.1 GB, sparse), saying so and the limit, without reading it', async () => {
    const own = await mkdtemp(join(dir, 'huge-'));
    await writeFile(join(own, 'huge.json'), '');
    await truncate(join(own, 'huge.json'), 1.1e9);
    const ran = await cli(['huge.json'], own);
    expect(ran.code).toBe(2);
    expect(ran.stderr.trim()).toBe(
      'Cannot read sweep spec huge.json: the file is too large (1,100,000,000 bytes; at most 67,108,864, 64 MiB)',
    );
    expect(ran.stdout).toBe('');
  });

  it('a spec from a device or pipe with no size to check (/dev/zero), refused once it gives more than the limit', async () => {
    const own = await mkdtemp(join(dir, 'endless-'));
    const ran = await cli(['/dev/zero'], own);
    expect(ran.code).toBe(2);
    // Before, it was read to 512 MB and refused as "Invalid string length".
    expect(ran.stderr.trim()).toBe(
      'Cannot read sweep spec /dev/zero: the file is too large (more than 67,108,864 bytes; at most 67,108,864, 64 MiB)',
    );
    expect(ran.stdout).toBe('');
  });

  it.each(cases)('$desc', async ({ args, file, expected }) => {
    const own = await mkdtemp(join(dir, 'bad-'));
    if (file) await writeFile(join(own, file[0]), file[1]);
    const ran = await cli(args, own);
    // A process ended by a signal has no code: the signal and what it printed say why.
    expect(ran.code, `signal ${ran.signal}, stderr: ${ran.stderr}`).toBe(2);
    expect(ran.stderr).toContain(expected);
    expect(ran.stderr).not.toContain('Running');
    expect(ran.stdout).toBe('');
    expect(await readdir(own)).toEqual(file ? [file[0]] : []);
  });
});

describe('the command line writes its outputs all or nothing, and writes special files as streams', () => {
  const sweep = ['--lr', 'log(1e-3, 1, 20)', '--steps', '50', '--quiet'];

  /** Reads what `path` (a FIFO) receives until its writer closes it; fails after `ms` without a writer. */
  function readFifo(path: string, ms = 10_000): Promise<string> {
    return new Promise((resolveRead, reject) => {
      const reader = spawn('cat', [path]);
      let text = '';
      reader.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      const timer = setTimeout(() => {
        reader.kill();
        reject(new Error(`nothing closed ${path} within ${ms} ms`));
      }, ms);
      reader.on('close', () => {
        clearTimeout(timer);
        resolveRead(text);
      });
    });
  }

  it('checks every destination before computing: an existing folder as one output writes nothing at all', async () => {
    const own = await mkdtemp(join(dir, 'folder-'));
    await mkdir(join(own, 'traces'));
    const ran = await cli([...sweep, '--summary', 'a.csv', '--traces', 'traces'], own);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('Cannot write traces: it is a folder');
    expect(ran.stderr).not.toContain('Running');
    expect(await readdir(own)).toEqual(['traces']);
    expect(await readdir(join(own, 'traces'))).toEqual([]);
  });

  /**
   * A device node of the test's own (mknod: root only, as CI runs): the same driver as /dev/full or /dev/null, in the
   * test's folder, so that a regression replacing its destination with a regular file cannot damage the machine's
   * devices. Null where mknod is not permitted.
   */
  function ownDevice(folder: string, name: string, minor: number): string | null {
    const path = join(folder, name);
    try {
      execFileSync('mknod', ['-m', '666', path, 'c', '1', String(minor)], { stdio: 'ignore' });
      return path;
    } catch {
      return null;
    }
  }
  const probe = ownDevice(tmpdir(), `adagrad-lab-probe-${process.pid}`, 3);
  if (probe) execFileSync('rm', ['-f', probe]);
  const canMakeDevices = probe !== null;
  if (!canMakeDevices) console.log('cli: device-node cases skipped (mknod needs root here)');

  it.runIf(canMakeDevices)(
    'leaves no output when one of them fails midway (a full device), exit 1, and never replaces the device',
    async () => {
      const own = await mkdtemp(join(dir, 'full-'));
      const devices = await mkdtemp(join(dir, 'full-devices-'));
      const full = ownDevice(devices, 'full', 7)!;
      const ran = await cli([...sweep, '--summary', 'a.csv', '--json', 'b.json', '--traces', full], own);
      expect(ran.code).toBe(1);
      expect(ran.stderr).toMatch(/Failed: .*(ENOSPC|no space)/i);
      expect(await readdir(own)).toEqual([]);
      expect((await stat(full)).isCharacterDevice()).toBe(true);
      expect(await readdir(devices)).toEqual(['full']);
    },
  );

  it.runIf(canMakeDevices)(
    'writes to a null device as a stream, the device left as it is, and the other outputs in place',
    async () => {
      const own = await mkdtemp(join(dir, 'null-'));
      const devices = await mkdtemp(join(dir, 'null-devices-'));
      const sink = ownDevice(devices, 'null', 3)!;
      const ran = await cli([...sweep, '--summary', sink, '--json', 'runs.json'], own);
      expect(ran.code).toBe(0);
      expect((await stat(sink)).isCharacterDevice()).toBe(true);
      expect(await readdir(devices)).toEqual(['null']);
      expect(await readdir(own)).toEqual(['runs.json']);
      expect((JSON.parse(await readFile(join(own, 'runs.json'), 'utf8')) as { runs: unknown[] }).runs).toHaveLength(20);
    },
  );

  it('writes into a FIFO as a stream: the reader gets the table, and the FIFO stays a FIFO', async () => {
    const own = await mkdtemp(join(dir, 'fifo-'));
    const fifo = join(own, 'runs.fifo');
    execFileSync('mkfifo', [fifo]);
    const received = readFifo(fifo);
    const ran = await cli([...sweep, '--summary', 'runs.fifo'], own);
    expect(ran.code).toBe(0);
    expect(rowsOf(await received)).toHaveLength(20);
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(own)).toEqual(['runs.fifo']);
  });

  it('writes through a symlink: the link stays a link and its target gets the table', async () => {
    const own = await mkdtemp(join(dir, 'link-'));
    await mkdir(join(own, 'real'));
    await writeFile(join(own, 'real', 'runs.csv'), 'old');
    await symlink(join('real', 'runs.csv'), join(own, 'runs.csv'));
    const ran = await cli([...sweep, '--summary', 'runs.csv'], own);
    expect(ran.code).toBe(0);
    expect((await lstat(join(own, 'runs.csv'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(own, 'runs.csv'))).toBe(join('real', 'runs.csv'));
    expect(rowsOf(await readFile(join(own, 'real', 'runs.csv'), 'utf8'))).toHaveLength(20);
    expect((await readdir(own)).sort()).toEqual(['real', 'runs.csv']);
    expect(await readdir(join(own, 'real'))).toEqual(['runs.csv']);
  });

  it('keeps the permissions of a file it replaces: a 0600 summary stays 0600 (it became 0644, readable by all)', async () => {
    const own = await mkdtemp(join(dir, 'mode-'));
    await writeFile(join(own, 'runs.csv'), 'old', { mode: 0o600 });
    const ran = await cli([...sweep, '--summary', 'runs.csv'], own);
    expect(ran.code).toBe(0);
    expect(rowsOf(await readFile(join(own, 'runs.csv'), 'utf8'))).toHaveLength(20);
    expect((await stat(join(own, 'runs.csv'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a file this user may not write, as a shell’s > does, leaving it as it was (it was replaced)', async () => {
    // Root may write any file: as root the CLI runs as nobody, in a folder nobody may write in.
    const asRoot = process.getuid?.() === 0;
    const own = await mkdtemp(join(tmpdir(), 'lab-cli-readonly-'));
    try {
      await chmod(own, 0o777);
      await writeFile(join(own, 'runs.csv'), 'old', { mode: 0o444 });
      const runner = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
      const ran = await cli([...sweep, '--summary', 'new.csv', '--traces', 'runs.csv'], own, { runner });
      expect(ran.stderr.trim()).toBe('Cannot write runs.csv: permission denied');
      expect(ran.code).toBe(2);
      expect(await readFile(join(own, 'runs.csv'), 'utf8')).toBe('old');
      expect((await stat(join(own, 'runs.csv'))).mode & 0o777).toBe(0o444);
      expect(await readdir(own)).toEqual(['runs.csv']);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it.each([
    {
      desc: 'a symlink beside its target',
      args: ['--summary', 'runs.csv', '--traces', 'link.csv'],
      expected: '--summary runs.csv and --traces link.csv',
    },
    {
      desc: 'a hard link beside the file',
      args: ['--traces', 'runs.csv', '--json', 'hard.csv'],
      expected: '--traces runs.csv and --json hard.csv',
    },
    {
      desc: 'a dangling symlink beside the file it will make',
      args: ['--summary', 'new.csv', '--json', 'dangling.csv'],
      expected: '--summary new.csv and --json dangling.csv',
    },
    {
      desc: '/dev/stdout beside - (a pipe here)',
      args: ['--summary', '/dev/stdout', '--traces', '-'],
      expected: '--summary /dev/stdout and --traces - (stdout)',
    },
  ])('refuses two outputs that lead to one file, $desc, with exit 2, before running', async ({ args, expected }) => {
    const own = await mkdtemp(join(dir, 'same-'));
    await writeFile(join(own, 'runs.csv'), 'old');
    await symlink('runs.csv', join(own, 'link.csv'));
    await link(join(own, 'runs.csv'), join(own, 'hard.csv'));
    await symlink('new.csv', join(own, 'dangling.csv'));
    const ran = await cli([...sweep, ...args], own);
    // Before, each was written and exit 0: the file held the last output alone (or the pipe both, interleaved).
    expect(ran.stderr.trim()).toBe(`Each output needs its own file: ${expected} lead to the same file`);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(await readFile(join(own, 'runs.csv'), 'utf8')).toBe('old');
    expect((await readdir(own)).sort()).toEqual(['dangling.csv', 'hard.csv', 'link.csv', 'runs.csv']);
  });

  it('writes to /dev/fd/N, as process substitution gives it (a pipe)', async () => {
    const own = await mkdtemp(join(dir, 'fd-'));
    // The shell gives the CLI a pipe as descriptor 3, the way `--summary >(sort)` does, and its own stdout the null device.
    const line = [process.execPath, cliFile, ...sweep, '--summary', '/dev/fd/3'].map((word) => `'${word}'`).join(' ');
    const ran = await new Promise<Ran>((resolveRun) => {
      const child = spawn('sh', ['-c', `${line} 3>&1 >/dev/null | cat`], { cwd: own });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
    });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(rowsOf(ran.stdout)).toHaveLength(20);
    expect(await readdir(own)).toEqual([]);
  });

  it("writes to /dev/fd/N when the descriptor is a socket (a parent process's pipe)", async () => {
    const own = await mkdtemp(join(dir, 'fd-'));
    const child = spawn(process.execPath, [cliFile, ...sweep, '--summary', '/dev/fd/3'], {
      cwd: own,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let received = '';
    let stderr = '';
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolveCode) => child.on('close', (exit) => resolveCode(exit)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(rowsOf(received)).toHaveLength(20);
    expect(await readdir(own)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('stops at %s and leaves no .partial file behind', async (signal) => {
    const own = await mkdtemp(join(dir, 'signal-'));
    let sent = false;
    const ran = await cli(
      [
        '--lr',
        'log(1e-3, 1, 400)',
        '--steps',
        '1000000',
        '--summary',
        'never.csv',
        '--traces',
        'never-traces.csv',
        '--threads',
        '1',
      ],
      own,
      {
        onStderr: (text, child) => {
          if (sent || !text.includes('Running')) return;
          sent = true;
          child.kill(signal);
        },
      },
    );
    expect(ran.signal).toBeNull();
    expect(ran.code).toBe(130);
    expect(ran.stderr).toContain('Interrupted: no file was written.');
    expect(await readdir(own)).toEqual([]);
  });
});
