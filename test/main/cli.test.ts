/**
 * The command line as a person runs it: the built out/main/cli.js in a child process (npm test builds before the unit
 * tests), its files parsed back and held against src-core's executeRun, double for double.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** Runs the CLI in `cwd`; `onStderr` may act on what it prints (to interrupt it). */
function cli(args: string[], cwd: string, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Ran> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliFile, ...args], { cwd });
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
      expect(same(row.theta, trace.theta[k]) && same(row.g, trace.grad[k]) && same(row.G, trace.accum[k]) && same(row.loss, trace.loss[k])).toBe(true);
    });
  });

  it('takes --maximize and --continue-after-non-finite from flags: x² climbed from 4, past the overflow to the last step', async () => {
    const ran = await cli(['--start', '4', '--lr', '1e300', '--maximize', '--continue-after-non-finite', '--steps', '4', '--traces', '-', '--quiet'], dir);
    expect(ran.code).toBe(0);
    const rows = rowsOf(ran.stdout);
    const config = adagradRun({ lr: 1e300, maximize: true }, { id: 'cli:000000', sweepId: 'cli', steps: 4, continueAfterNonFinite: true });
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
    const ran = await cli(['sweep.json', '--summary', 'runs.csv', '--traces', 'traces.csv', '--json', 'runs.json', '--threads', '2'], own);
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
        expect(same(row.theta, trace.theta[i]) && same(row.g, trace.grad[i]) && same(row.G, trace.accum[i])).toBe(true);
      }
    }
    expect(at).toBe(traces.length);

    const json = JSON.parse(await readFile(join(own, 'runs.json'), 'utf8')) as { spec: unknown; runs: { config: RunConfig; summary: RunSummary }[] };
    expect(json.spec).toEqual(checked.value);
    expect(json.runs.map((r) => r.config)).toEqual(expected.map((r) => r.config));
    // JSON has no NaN or Infinity: they are written as strings, so nothing turns into null.
    const diverged = json.runs.find((r) => r.summary.status === 'diverged')!;
    expect(['NaN', 'Infinity']).toContain(diverged.summary.finalLoss);
    expect((await readdir(own)).sort()).toEqual(['runs.csv', 'runs.json', 'sweep.json', 'traces.csv']);
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
    const ran = await cli(['--lr', 'log(1e-3, 1, 400)', '--steps', '1000000', '--summary', 'never.csv', '--threads', '1'], own, (text, child) => {
      if (interrupted || !text.includes('Running')) return;
      interrupted = true;
      child.kill('SIGINT');
    });
    expect(ran.code).toBe(130);
    expect(ran.stderr).toContain('Interrupted: no file was written.');
    expect(await readdir(own)).toEqual([]);
  });

  it('shows its usage, with examples, on --help', async () => {
    const ran = await cli(['--help'], dir);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Usage:');
    expect(ran.stdout).toContain('npm run cli -- --start 4 --lr 1 --steps 3 --traces -');
  });
});

describe('the command line refuses bad input with exit 2 and a clear message, before running anything', () => {
  const cases: { desc: string; args: string[]; file?: [string, string]; expected: string }[] = [
    { desc: 'a missing spec file', args: ['missing.json'], expected: 'Cannot read sweep spec missing.json: no such file or folder' },
    { desc: 'a spec that is not JSON', args: ['broken.json'], file: ['broken.json', '{"name": "x",'], expected: 'Invalid JSON in broken.json: ' },
    {
      desc: 'an invalid spec, in the words the app uses',
      args: ['negative.json'],
      file: ['negative.json', JSON.stringify({ name: 'x', objectives: [{ id: 'quadratic-1d' }], optimizers: [{ kind: 'adagrad', axes: { lr: { values: [0.1, -0.1] } } }], steps: 3 })],
      expected: 'negative.json: optimizers.0.axes.lr: Invalid learning rate: -0.1 (must be a finite number > 0)',
    },
    { desc: 'an invalid run config', args: ['--run', 'run.json'], file: ['run.json', JSON.stringify({ ...adagradRun(), steps: 0 })], expected: 'run.json: steps: Invalid number of steps: 0 (must be a whole number from 1 to 1000000)' },
    { desc: 'a bad learning rate flag', args: ['--lr=-0.1'], expected: '--lr: Invalid learning rate: -0.1 (must be a finite number > 0)' },
    { desc: 'a flag value that is not a number', args: ['--eps', '1e-8, tiny'], expected: '--eps: Invalid epsilon: "tiny" (must be a number)' },
    { desc: 'a hyperparameter the optimizer lacks', args: ['--optimizer', 'sgd', '--beta1', '0.9'], expected: '--beta1: Unknown hyperparameter: "beta1" is not an option of sgd' },
    { desc: 'an objective setting out of range', args: ['--objective', 'rosenbrock(dim=1)'], expected: '--objective: Invalid dimension: 1 (must be a whole number from 2 to 1,000,000)' },
    { desc: 'an unknown option', args: ['--learning-rate', '1'], expected: 'Unknown option: --learning-rate (run with --help for the options)' },
    { desc: 'two outputs on stdout', args: ['--summary', '-', '--json', '-'], expected: 'Only one output can go to stdout: --summary and --json both give -' },
    { desc: 'two outputs in one file', args: ['--summary', 'runs.csv', '--traces', './runs.csv'], expected: 'Each output needs its own file: --summary and --traces both write ./runs.csv' },
    { desc: 'an output folder that does not exist', args: ['--summary', 'no/such/folder/runs.csv'], expected: 'Cannot write no/such/folder/runs.csv: no such file or folder' },
    { desc: 'too many threads', args: ['--threads', '1000'], expected: 'Invalid value for --threads: "1000" (must be a whole number from 1 to 256)' },
  ];

  it.each(cases)('$desc', async ({ args, file, expected }) => {
    const own = await mkdtemp(join(dir, 'bad-'));
    if (file) await writeFile(join(own, file[0]), file[1]);
    const ran = await cli(args, own);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(expected);
    expect(ran.stderr).not.toContain('Running');
    expect(ran.stdout).toBe('');
    expect(await readdir(own)).toEqual(file ? [file[0]] : []);
  });
});
