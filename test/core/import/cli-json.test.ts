import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ImportLimits, parseImport, type ImportPlan } from '../../../src-core/import/cli-json';
import { expandSweep } from '../../../src-core/sweep/expand';

/**
 * A real command line run (out/main/cli.js, this round's build): x² from 4, lr 0.1, 1 and 1e300 × eps 1e-8 and 0, 20
 * steps, divergence threshold off, --sweep-id cluster-a --json. The lr 1e300 runs diverge at step 1 with an infinite
 * loss, written "Infinity".
 */
const fixtureText = readFileSync(join(import.meta.dirname, '../../fixtures/cli-sweep.json'), 'utf8');
type RawRun = {
  config: Record<string, unknown> & { optimizer: Record<string, unknown> };
  summary: Record<string, unknown>;
};
const fixture = (): { spec: Record<string, unknown>; runs: RawRun[] } => JSON.parse(fixtureText);

const accepted = (plan: ImportPlan) => {
  if (!plan.ok) throw new Error(`refused: ${plan.message}`);
  return plan;
};
/** The plan of the fixture changed by `edit`. */
const planOf = (edit: (file: ReturnType<typeof fixture>) => void): ReturnType<typeof accepted> => {
  const file = fixture();
  edit(file);
  return accepted(parseImport(JSON.stringify(file)));
};
const refusalOf = (edit: (file: ReturnType<typeof fixture>) => void) => planOf(edit).refusals;

describe('importing a command line --json file', () => {
  it('reads every run of a real CLI output, with its sweep and the non-finite losses as numbers', () => {
    const plan = accepted(parseImport(fixtureText));
    expect(plan.refusals).toEqual([]);
    expect(
      plan.sweeps.map(({ id, runCount, runsInFile, spec }) => ({ id, runCount, runsInFile, name: spec.name })),
    ).toEqual([{ id: 'cluster-a', runCount: 6, runsInFile: 6, name: 'cluster lr' }]);
    // The runs are exactly what the spec expands to: the sweep recreated from it holds these runs.
    expect(plan.runs.map((run) => run.config)).toEqual(expandSweep('cluster-a', plan.sweeps[0].spec));
    const diverged = plan.runs[2].summary;
    expect(diverged).toEqual({
      status: 'diverged',
      finalLoss: Infinity,
      bestLoss: 16,
      bestStep: 0,
      stepsToTolerance: null,
      divergedAt: 1,
      divergedIn: 'loss',
    });
    expect(plan.runs[1].summary.finalLoss).toBe(0.012751710018019077);
  });

  it('reads NaN and -Infinity losses as the CLI writes them', () => {
    const plan = planOf((file) => {
      file.runs[5].summary.finalLoss = 'NaN';
      file.runs[5].summary.bestLoss = '-Infinity';
    });
    expect(plan.refusals).toEqual([]);
    expect(plan.runs[5].summary.finalLoss).toBeNaN();
    expect(plan.runs[5].summary.bestLoss).toBe(-Infinity);
  });

  it('refuses a second run with an id already in the file, keeping the first', () => {
    const plan = planOf((file) =>
      file.runs.push({ ...file.runs[1], summary: { ...file.runs[1].summary, bestStep: 3 } }),
    );
    expect(plan.runs).toHaveLength(6);
    expect(plan.runs[1].summary.bestStep).toBe(20);
    expect(plan.refusals).toEqual([
      {
        record: 'run cluster-a:000001',
        message: 'runs.6.config.id: Duplicate run id: "cluster-a:000001" (runs.1 has it already; the first is kept)',
      },
    ]);
  });

  it('refuses a run of another sweep than the file’s', () => {
    const refusals = refusalOf((file) => Object.assign(file.runs[3].config, { sweepId: 'other', id: 'other:000003' }));
    expect(refusals).toEqual([
      {
        record: 'run other:000003',
        message:
          'runs.3.config.sweepId: Invalid sweep id: "other" (must be "cluster-a", as the file’s first run: a --json file holds the runs of one spec)',
      },
    ]);
  });

  it('refuses an id that is not its sweep id and index', () => {
    expect(refusalOf((file) => (file.runs[4].config.id = 'cluster-a:4'))).toEqual([
      {
        record: 'run cluster-a:4',
        message:
          'runs.4.config.id: Invalid run id: "cluster-a:4" (must be its sweep id, ":" and its index in 6 digits: "cluster-a:000004")',
      },
    ]);
  });

  it('refuses a config that is not what the spec gives at its index, naming the field', () => {
    expect(refusalOf((file) => (file.runs[0].config.optimizer.lr = 0.2))).toEqual([
      {
        record: 'run cluster-a:000000',
        message:
          'runs.0.config.optimizer.lr: 0.2 is not what its sweep’s spec gives run 0 (0.1), so the run cannot belong to that sweep',
      },
    ]);
  });

  it('refuses an index past the spec’s runs', () => {
    const refusals = refusalOf((file) => Object.assign(file.runs[5].config, { index: 6, id: 'cluster-a:000006' }));
    expect(refusals.map((r) => r.message)).toEqual([
      'runs.5.config.index: Invalid run index: 6 (must be below 6, the number of runs its sweep’s spec has)',
    ]);
  });

  it('refuses huge numbers (Infinity once parsed), unknown objectives and wrong types, each by field', () => {
    const file = fixture();
    file.runs[0].config.steps = '20' as unknown as number;
    file.runs[1].config.objective = { id: 'himmelblau' };
    file.runs[2].summary.status = 'exploded';
    file.runs[4].summary.bestStep = 21;
    // 1e400 is text only: JSON.parse reads it as Infinity.
    const text = JSON.stringify(file).replace('"lr":0.1,"eps":0,', '"lr":1e400,"eps":0,');
    const plan = accepted(parseImport(text));
    expect(plan.refusals.map((r) => r.message)).toEqual([
      'runs.0.config.steps: Invalid number of steps: "20" (must be a whole number from 1 to 1,000,000)',
      expect.stringMatching(
        /^runs\.1\.config\.objective\.id: Invalid objective: "himmelblau" \(must be one of quadratic-1d, /,
      ),
      'runs.2.summary.status: Invalid run status: "exploded" (must be one of completed, converged, diverged, failed)',
      'runs.3.config.optimizer.lr: Invalid learning rate: Infinity (must be a finite number > 0)',
      "runs.4.summary.bestStep: Invalid best step: 21 (must be at most 20, the run's number of steps)",
    ]);
    expect(plan.runs.map((run) => run.config.id)).toEqual(['cluster-a:000005']);
    expect(plan.sweeps[0]).toMatchObject({ runCount: 6, runsInFile: 1 });
  });

  it('recreates a sweep of one run from a --run output (spec null); its run must be index 0', () => {
    const run = fixture().runs[0];
    const plan = accepted(parseImport(JSON.stringify({ spec: null, runs: [run] })));
    expect(plan.refusals).toEqual([]);
    expect(plan.sweeps).toHaveLength(1);
    expect(expandSweep('cluster-a', plan.sweeps[0].spec)).toEqual([run.config]);
    const other = accepted(parseImport(JSON.stringify({ spec: null, runs: [fixture().runs[1]] })));
    expect(other.runs).toEqual([]);
    expect(other.refusals[0].message).toBe(
      'runs.0.config.index: Invalid run index: 1 (a run without its sweep’s spec becomes a sweep of one run, so it must be 0; import its sweep’s --json instead)',
    );
  });

  test.prop([fc.shuffledSubarray([0, 1, 2, 3, 4, 5])])(
    'imports any subset of a sweep’s runs, in any order, and only those',
    (picked) => {
      const file = fixture();
      const plan = accepted(parseImport(JSON.stringify({ spec: file.spec, runs: picked.map((i) => file.runs[i]) })));
      expect(plan.refusals).toEqual([]);
      expect(plan.runs.map((run) => run.config.index)).toEqual(picked);
      expect(plan.sweeps.map((s) => s.runsInFile)).toEqual(picked.length > 0 ? [picked.length] : []);
    },
  );
});

describe('files refused as a whole', () => {
  it.each([
    [
      'the app’s summary CSV',
      'run_id,sweep_id,sweep_name,objective\r\n',
      /^This is the app’s summary CSV export: it cannot be imported: .*without the objective’s exact config, the trace size/,
    ],
    [
      'the app’s traces CSV',
      'run_id,step,parameter,theta\r\n',
      /^This is the app’s traces CSV export: it cannot be imported/,
    ],
    [
      'text that is not JSON',
      '{"spec": ',
      /^The file is not JSON \(.+\): it must be the app’s Runs JSON export or a command line --json file/,
    ],
    ['a list', '[]', /^The file holds a list: it must be the app’s Runs JSON export or a command line --json file/],
    [
      'an extra field',
      '{"spec":null,"runs":[],"x":1}',
      /^Unknown field: "x": the file must be the app’s Runs JSON export or a command line --json file/,
    ],
    ['runs that are not a list', '{"spec":null,"runs":{}}', /^runs: Invalid run list: object \(must be a list\)$/],
  ])('%s', (_, text, message) => {
    const plan = parseImport(text);
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.message).toMatch(message);
  });

  it('a spec that fails validation (an unknown objective): none of its runs is imported', () => {
    const file = fixture();
    file.spec.objectives = [{ id: 'himmelblau' }];
    const plan = parseImport(JSON.stringify(file));
    expect(plan.ok).toBe(false);
    if (!plan.ok)
      expect(plan.message).toMatch(
        /^The file’s sweep spec is refused, so none of its runs can be: spec\.objectives\.0\.id: Invalid objective: "himmelblau"/,
      );
  });

  it('a file over the size limit, before parsing it', () => {
    const plan = parseImport(' '.repeat(ImportLimits.maxBytes + 1));
    expect(plan).toEqual({
      ok: false,
      message:
        "The file is too large to import: 268,435,457 bytes (at most 268,435,456, 256 MiB). Split the sweep with the command line's --sweep-id and smaller specs.",
    });
  });
});

/** The fixture's runs as the app's Runs JSON would hold them: sweep "cluster-a", and a copy of it as sweep "copy". */
function runsJsonFile(): {
  format: string;
  version: number;
  sweeps: { id: string; name: string; spec: Record<string, unknown>; runs: RawRun[] }[];
} {
  const { spec, runs } = fixture();
  const copy = fixture().runs.map((run) => ({
    ...run,
    config: { ...run.config, sweepId: 'copy', id: String(run.config.id).replace('cluster-a', 'copy') },
  }));
  return {
    format: 'adagrad-lab-runs',
    version: 1,
    sweeps: [
      { id: 'cluster-a', name: 'cluster lr', spec, runs },
      { id: 'copy', name: 'cluster lr', spec, runs: copy },
    ],
  };
}
const runsJsonPlan = (edit: (file: ReturnType<typeof runsJsonFile>) => void = () => undefined) => {
  const file = runsJsonFile();
  edit(file);
  return parseImport(JSON.stringify(file));
};

describe('importing the app’s Runs JSON', () => {
  it('reads every sweep with its spec, every run, and the annotations of those that have them', () => {
    const plan = accepted(
      runsJsonPlan((file) => {
        (file.sweeps[1].runs[2] as RawRun & { annotations: unknown }).annotations = {
          tags: ['"quoted"', 'λ → 0'],
          starred: true,
          note: 'diverged, as expected',
        };
      }),
    );
    expect(plan.refusals).toEqual([]);
    expect(plan.sweeps.map(({ id, runCount, runsInFile }) => ({ id, runCount, runsInFile }))).toEqual([
      { id: 'cluster-a', runCount: 6, runsInFile: 6 },
      { id: 'copy', runCount: 6, runsInFile: 6 },
    ]);
    expect(plan.runs.map((run) => run.config)).toEqual([
      ...expandSweep('cluster-a', plan.sweeps[0].spec),
      ...expandSweep('copy', plan.sweeps[0].spec),
    ]);
    expect(plan.runs[8].annotations).toEqual({
      tags: ['"quoted"', 'λ → 0'],
      starred: true,
      note: 'diverged, as expected',
    });
    expect(plan.runs[8].summary.finalLoss).toBe(Infinity);
    expect(plan.runs.filter((run) => run.annotations)).toHaveLength(1);
  });

  it('refuses a tampered run by field, under its sweep, and imports the rest', () => {
    const plan = accepted(runsJsonPlan((file) => (file.sweeps[1].runs[1].config.optimizer.lr = 0.5)));
    expect(plan.runs).toHaveLength(11);
    expect(plan.sweeps[1].runsInFile).toBe(5);
    expect(plan.refusals).toEqual([
      {
        record: 'run copy:000001',
        message:
          'sweeps.1.runs.1.config.optimizer.lr: 0.5 is not what its sweep’s spec gives run 1 (1), so the run cannot belong to that sweep',
      },
    ]);
  });

  it.each([
    [
      'a tag with a line break',
      (run: Record<string, unknown>) => (run.annotations = { tags: ['a\nb'], starred: false, note: '' }),
      'sweeps.0.runs.3.annotations.tags.0: Invalid tag: "a\\nb" (must have 1 to 40 characters, no leading or trailing spaces, tabs, line breaks or other control characters)',
    ],
    [
      'a tag twice',
      (run: Record<string, unknown>) => (run.annotations = { tags: ['x', 'x'], starred: false, note: '' }),
      'sweeps.0.runs.3.annotations.tags: Invalid tag list: "x" appears twice (each tag once)',
    ],
    [
      'a star that is not true or false',
      (run: Record<string, unknown>) => (run.annotations = { tags: [], starred: 'yes', note: '' }),
      'sweeps.0.runs.3.annotations.starred: Invalid star: "yes" (must be true or false)',
    ],
    [
      'an unknown field',
      (run: Record<string, unknown>) => (run.trace = []),
      'sweeps.0.runs.3.trace: Unknown field: "trace" is not part of an imported run',
    ],
  ])('refuses a run with %s, by field', (_, edit, message) => {
    const plan = accepted(runsJsonPlan((file) => edit(file.sweeps[0].runs[3] as unknown as Record<string, unknown>)));
    expect(plan.refusals).toEqual([{ record: 'run cluster-a:000003', message }]);
    expect(plan.runs).toHaveLength(11);
  });

  it('refuses a run listed under another sweep than its own', () => {
    const plan = accepted(runsJsonPlan((file) => file.sweeps[0].runs.push(file.sweeps[1].runs.pop()!)));
    expect(plan.refusals).toEqual([
      {
        record: 'run copy:000005',
        message:
          'sweeps.0.runs.6.config.sweepId: Invalid sweep id: "copy" (must be "cluster-a", the id of the sweep it is listed under)',
      },
    ]);
  });

  it('refuses a sweep whose spec fails, whose name is not its spec’s, or whose id came before, with its runs; the others import', () => {
    const badSpec = accepted(runsJsonPlan((file) => (file.sweeps[0].spec = { ...file.sweeps[0].spec, steps: 0 })));
    expect(badSpec.refusals).toEqual([
      {
        record: 'sweep cluster-a',
        message:
          'sweeps.0.spec.steps: Invalid number of steps: 0 (must be a whole number from 1 to 1,000,000) (so its 6 runs are refused)',
      },
    ]);
    expect(badSpec.sweeps.map((s) => s.id)).toEqual(['copy']);
    const renamed = accepted(runsJsonPlan((file) => (file.sweeps[1].name = 'renamed')));
    expect(renamed.refusals).toEqual([
      {
        record: 'sweep copy',
        message:
          'sweeps.1.name: Invalid sweep name: "renamed" (must be its spec’s name, "cluster lr"; so its 6 runs are refused)',
      },
    ]);
    const twice = accepted(runsJsonPlan((file) => (file.sweeps[1] = file.sweeps[0])));
    expect(twice.refusals).toEqual([
      {
        record: 'sweep cluster-a',
        message: 'sweeps.1.id: Duplicate sweep id: "cluster-a" (sweeps.0 has it already; the first is kept)',
      },
    ]);
    expect(twice.runs).toHaveLength(6);
  });

  it.each([
    [
      'another format',
      { format: 'mlflow-runs', version: 1, sweeps: [] },
      'This is a file of format "mlflow-runs", not runs: it must be the app’s Runs JSON export',
    ],
    [
      'a later version',
      { format: 'adagrad-lab-runs', version: 2, sweeps: [] },
      'This is a Runs JSON of version 2: this app reads version 1 (export it again with this version of the app)',
    ],
    [
      'sweeps that are not a list',
      { format: 'adagrad-lab-runs', version: 1, sweeps: {} },
      'sweeps: Invalid sweep list: object (must be a list)',
    ],
    [
      'a sweep spec',
      { name: 'x', objectives: [], optimizers: [] },
      'This is a sweep spec, not its runs: launch it in the app, or run it with the command line',
    ],
  ])('refuses %s as a whole, by what it is', (_, file, message) => {
    const plan = parseImport(JSON.stringify(file));
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.message.startsWith(message)).toBe(true);
  });

  it('points the CSV exports to Runs JSON', () => {
    const plan = parseImport('run_id,sweep_id,sweep_name,objective\r\n');
    expect(plan.ok).toBe(false);
    if (!plan.ok)
      expect(plan.message).toContain(
        'Export the runs as Runs JSON instead (beside Summary CSV), or import a command line --json file (npm run cli -- sweep.json --json runs.json).',
      );
  });
});
