import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { RunAnnotations } from '../../../src-core/contract/annotations';
import type { ExportRun, ExportSweep } from '../../../src-core/contract/api';
import type { SweepSpec } from '../../../src-core/contract/types';
import { inFileOrder, RunsJsonWriter } from '../../../src-core/export/runs-json';
import { parseImport, type ImportPlan } from '../../../src-core/import/cli-json';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { adagradConfig, runAnnotations, runSummary } from '../../helpers/arbitraries';

/** A validated spec, or the test fails with why. */
function specOf(input: unknown): SweepSpec {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
}

/** The whole file, its runs handed to the writer in pages of `pageSize`, as an export's pages arrive. */
function fileOf(sweeps: readonly ExportSweep[], runs: readonly ExportRun[], pageSize = 1000): string {
  const writer = new RunsJsonWriter();
  const byId = new Map(sweeps.map((sweep) => [sweep.id, sweep]));
  let text = writer.head();
  for (let from = 0; from < runs.length; from += pageSize)
    text += writer.page(runs.slice(from, from + pageSize), (id) => byId.get(id));
  return text + writer.tail();
}

const accepted = (plan: ImportPlan) => {
  if (!plan.ok) throw new Error(`refused: ${plan.message}`);
  return plan;
};

const lrSweep = specOf({
  name: 'lr “sweep”',
  objectives: [{ id: 'quadratic-1d' }],
  start: [4],
  optimizers: [{ kind: 'adagrad', fixed: { eps: 1e-8 }, axes: { lr: { values: [0.1, 1, 1e300] } } }],
  steps: 20,
});
const lrRuns = expandSweep('lr', lrSweep);
const summary = { status: 'completed' as const, finalLoss: 1, bestLoss: 1, bestStep: 20 };
const exported = (index: number, annotations: RunAnnotations = { tags: [], starred: false, note: '' }): ExportRun => ({
  config: lrRuns[index],
  summary: { ...summary, stepsToTolerance: null, divergedAt: null, divergedIn: null },
  sweepName: lrSweep.name,
  annotations,
});
const lr: ExportSweep = { id: 'lr', name: lrSweep.name, spec: lrSweep };

describe('the Runs JSON file', () => {
  it('is the documented document: format, version, each sweep with its spec and runs; annotations only where attached', () => {
    const text = fileOf([lr], [exported(0), exported(1, { tags: ['good'], starred: true, note: '' })]);
    const file = JSON.parse(text);
    expect(Object.keys(file)).toEqual(['format', 'version', 'sweeps']);
    expect(file.format).toBe('adagrad-lab-runs');
    expect(file.version).toBe(1);
    expect(file.sweeps).toHaveLength(1);
    expect(Object.keys(file.sweeps[0])).toEqual(['id', 'name', 'spec', 'runs']);
    expect(file.sweeps[0].spec).toEqual(lrSweep);
    expect(file.sweeps[0].runs[0]).toEqual({ config: lrRuns[0], summary: exported(0).summary });
    expect(file.sweeps[0].runs[1].annotations).toEqual({ tags: ['good'], starred: true, note: '' });
    // One run a line, as the command line's --json writes them: the head, the sweep, two runs, two closings, the end.
    const lines = text.split('\n');
    expect(lines).toHaveLength(7);
    expect(JSON.parse(lines[2].replace(/,$/, ''))).toEqual(file.sweeps[0].runs[0]);
  });

  it('writes NaN and ±Infinity as the command line does: as strings', () => {
    const run = exported(2);
    run.summary = { ...run.summary, status: 'diverged', finalLoss: Infinity, bestLoss: NaN, divergedAt: 1 };
    const text = fileOf([lr], [run]);
    expect(text).toContain('"finalLoss":"Infinity","bestLoss":"NaN"');
  });

  it('refuses a run whose sweep was not given, and a sweep whose runs come back after another’s', () => {
    const writer = new RunsJsonWriter();
    writer.head();
    expect(() => writer.page([exported(0)], () => undefined)).toThrow(
      'run "lr:000000": its sweep "lr" was not given (must come with the page of its first run)',
    );
    const other = specOf({ ...lrSweep, name: 'other' });
    const sweeps = new Map([
      ['lr', lr],
      ['o', { id: 'o', name: 'other', spec: other }],
    ]);
    const otherRun = { ...exported(0), config: expandSweep('o', other)[0] };
    const interleaving = new RunsJsonWriter();
    interleaving.page([exported(0), otherRun], (id) => sweeps.get(id));
    expect(() => interleaving.page([exported(1)], (id) => sweeps.get(id))).toThrow(
      'run "lr:000001" of sweep "lr" came after another sweep\'s runs (a sweep\'s runs must come together)',
    );
  });

  it('orders runs sweep by sweep, in the order each sweep first appears, each by index', () => {
    const other = expandSweep('o', specOf({ ...lrSweep, name: 'other' }));
    const run = (config: (typeof lrRuns)[number]): ExportRun => ({ ...exported(0), config });
    const order = inFileOrder([run(other[2]), run(lrRuns[1]), run(other[0]), run(lrRuns[0])]);
    expect(order.map((r) => r.config.id)).toEqual(['o:000000', 'o:000002', 'lr:000000', 'lr:000001']);
  });
});

/** One to three sweeps of AdaGrad over a list of learning rates and seeds, any fixed options, on a 1- or 2-D objective. */
const sweepsArbitrary = fc
  .array(
    fc.record({
      objective: fc.constantFrom({ id: 'quadratic-1d' as const }, { id: 'elliptic-2d' as const }),
      fixed: adagradConfig().map(({ kind: _, lr: __, ...fixed }) => fixed),
      lrs: fc.uniqueArray(fc.double({ min: 1e-4, max: 1e300, noNaN: true }), { minLength: 1, maxLength: 3 }),
      seeds: fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 2 }),
      steps: fc.integer({ min: 1, max: 50 }),
      name: fc.string({ maxLength: 20 }).map((name) => name.trim()),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((sweeps) =>
    sweeps.map((s, i): ExportSweep => {
      const spec = specOf({
        name: s.name,
        objectives: [s.objective],
        optimizers: [{ kind: 'adagrad', fixed: s.fixed, axes: { lr: { values: s.lrs } } }],
        seeds: s.seeds,
        steps: s.steps,
        divergenceThreshold: 'off',
      });
      return { id: `sweep-${i}`, name: spec.name, spec };
    }),
  )
  .chain((sweeps) =>
    fc.record({
      sweeps: fc.constant(sweeps),
      runs: fc
        .tuple(
          ...sweeps.map((sweep) =>
            fc.subarray(expandSweep(sweep.id, sweep.spec)).chain((configs) =>
              fc.tuple(
                ...configs.map((config) =>
                  fc.record({
                    config: fc.constant(config),
                    summary: runSummary(config.steps),
                    sweepName: fc.constant(sweep.name),
                    annotations: runAnnotations,
                  }),
                ),
              ),
            ),
          ),
        )
        .chain((perSweep) => fc.shuffledSubarray(perSweep.flat(), { minLength: perSweep.flat().length })),
      pageSize: fc.integer({ min: 1, max: 7 }),
    }),
  );

describe('export, then import', () => {
  test.prop([sweepsArbitrary])(
    'gives the same sweeps and the same runs, summaries bit for bit (NaN, ±∞) and annotations (unicode, quotes)',
    ({ sweeps, runs, pageSize }) => {
      const inFile = inFileOrder(runs);
      const plan = accepted(parseImport(fileOf(sweeps, inFile, pageSize)));
      expect(plan.refusals).toEqual([]);
      // Each sweep that has runs in the file, in the order the file holds them.
      const present = [...new Set(inFile.map((run) => run.config.sweepId))].map((id) =>
        sweeps.find((sweep) => sweep.id === id)!,
      );
      expect(plan.sweeps.map(({ id, spec }) => ({ id, name: spec.name, spec }))).toEqual(present);
      expect(plan.runs.map((run) => run.config)).toEqual(inFile.map((run) => run.config));
      for (const [i, run] of plan.runs.entries()) {
        const before = inFile[i];
        // Object.is: NaN is NaN, and a loss keeps its sign and every bit of its double.
        expect(Object.is(run.summary.finalLoss, before.summary.finalLoss)).toBe(true);
        expect(Object.is(run.summary.bestLoss, before.summary.bestLoss)).toBe(true);
        expect(run.summary).toEqual(before.summary);
        const { tags, starred, note } = before.annotations!;
        const attached = starred || tags.length > 0 || note !== '';
        expect(run.annotations).toEqual(attached ? before.annotations : undefined);
      }
    },
  );
});
