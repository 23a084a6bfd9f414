import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredRun, StoredTrace } from '../../../src-renderer/lib/storage/records';
import { PAGE_SIZE } from '../../../src-renderer/lib/storage/run-pages';
import { toStoredTrace } from '../../../src-renderer/lib/storage/trace-storage';
import { sameValue, tracePage, tracesIn } from '../../../src-renderer/lib/storage/page-codec';
import { runPageV5, upgradeTracePageV4 } from '../../../src-renderer/lib/storage/migrations';
import { groupByPage } from '../../../src-renderer/lib/storage/run-pages';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { expandSweep, runId } from '../../../src-core/sweep/expand';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import type { RunConfig, RunResult, RunSummary } from '../../../src-core/contract/types';
import { adagradRun, adagradSweep, summaryOf } from '../../helpers/configs';

/** A database exactly as v1 of the app left it: x² from 4, lr 1, two steps, traced per step. */
async function writeV1Fixture(name: string): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(1).stores({
    sweeps: 'id, createdAt, status',
    runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.lr',
    traces: 'runId',
  });
  await v1.table('sweeps').add({
    id: 's',
    name: 'old',
    runCount: 1,
    createdAt: 1,
    status: 'completed',
    spec: { name: 'old', objective: 'quadratic-1d', start: [4], lrs: [1], eps: [1e-8], weightDecays: [0], steps: 2 },
  });
  await v1.table('runs').add({
    id: 's:000000',
    sweepId: 's',
    index: 0,
    createdAt: 1,
    config: {
      id: 's:000000',
      sweepId: 's',
      index: 0,
      objective: 'quadratic-1d',
      start: [4],
      optimizer: 'adagrad',
      lr: 1,
      eps: 1e-8,
      weightDecay: 0,
      steps: 2,
    },
    summary: { status: 'completed', finalLoss: 5.76000000811, bestLoss: 5.76000000811, bestStep: 2, divergedAt: null },
  });
  await v1.table('traces').add({
    runId: 's:000000',
    dim: 1,
    loss: Float64Array.of(16, 9.0000000075, 5.76000000811),
    theta: Float64Array.of(4, 3.00000000125, 2.40000000169),
    grad: Float64Array.of(8, 6.0000000025, 4.80000000338),
    accum: Float64Array.of(0, 64, 100.00000003),
  });
  v1.close();
}

/** The schema as v2 of the app declared it (v2 read v1 databases through its upgrade; a v2 fixture needs none). */
function v2Schema(db: Dexie): void {
  db.version(1).stores({
    sweeps: 'id, createdAt, status',
    runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.lr',
    traces: 'runId',
  });
  db.version(2).stores({
    runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr',
  });
}

/** A database exactly as v2 of the app left it: w² + 10b², one run that converged to a loss (1e-145) far below float32's range. */
async function writeV2Fixture(name: string): Promise<RunResult> {
  const config: RunConfig = {
    ...adagradRun({ lr: 0.5 }),
    objective: { id: 'elliptic-2d' },
    start: null,
    steps: 300,
    traceMaxPoints: 50,
  };
  const result = executeRun(config);
  const v2 = new Dexie(name);
  v2Schema(v2);
  await v2.table('sweeps').add({ id: 's', name: 'v2', spec: {}, runCount: 1, createdAt: 3, status: 'completed' });
  await v2.table('runs').add({ id: config.id, sweepId: 's', index: 0, createdAt: 3, config, summary: result.summary });
  await v2.table('traces').add({ runId: config.id, ...result.trace });
  v2.close();
  return result;
}

/** The schema as v3 of the app declared it. */
function v3Schema(db: Dexie): void {
  v2Schema(db);
  db.version(3).stores({
    runs: 'id, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr, *tags',
  });
}

/**
 * A database exactly as v3 of the app left it: one record per run and per trace, annotated. Sweep "a" has runs on
 * both sides of a page boundary, and a page with a gap before it; sweep "b" has one run.
 */
async function writeV3Fixture(name: string): Promise<{ runs: StoredRun[]; traces: StoredTrace[] }> {
  const at = (sweepId: string, index: number, lr: number): RunResult =>
    executeRun({ ...adagradRun({ lr }), id: runId(sweepId, index), sweepId, index, steps: 4 });
  const results = [
    at('a', 0, 1),
    at('a', 1, 0.5),
    at('a', PAGE_SIZE - 1, 0.1),
    at('a', PAGE_SIZE, 0.2),
    at('a', 3 * PAGE_SIZE + 3, 0.3),
    at('b', 0, 1),
  ];
  const annotations = [
    { tags: ['first', 'seed'], starred: true, note: 'lr 1' },
    { tags: ['seed'], starred: false, note: '' },
  ];
  const runs = results.map(({ config, summary }, i): StoredRun => ({
    id: config.id,
    sweepId: config.sweepId,
    index: config.index,
    createdAt: config.sweepId === 'a' ? 1 : 2,
    config,
    summary,
    ...(annotations[i] ?? { tags: [], starred: false, note: '' }),
  }));
  const traces = results.map(({ config, trace }) => toStoredTrace(config.id, trace));
  const v3 = new Dexie(name);
  v3Schema(v3);
  await v3.table('sweeps').bulkAdd([
    { id: 'a', name: 'a', spec: {}, runCount: 4 * PAGE_SIZE, createdAt: 1, status: 'completed' },
    { id: 'b', name: 'b', spec: {}, runCount: 1, createdAt: 2, status: 'interrupted' },
  ]);
  await v3.table('runs').bulkAdd(runs);
  await v3.table('traces').bulkAdd(traces);
  v3.close();
  return { runs, traces };
}

describe('database upgrade from v3', () => {
  it('moves every run and trace, annotations and columns as they were, into the pages their ids name, and drops the old tables', async () => {
    const before = await writeV3Fixture('upgrade-3');
    const db = new LabDatabase('upgrade-3');
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect((await db.allRuns()).sort(byId)).toEqual([...before.runs].sort(byId));
    // Every column as it was but the gradient, which v5 empties (its meaning changed).
    expect(await db.traces(before.runs.map((run) => run.id))).toEqual(
      before.traces.map((trace) => ({ ...trace, grad: trace.grad.subarray(0, 0) })),
    );
    expect((await db.traces([runId('a', PAGE_SIZE)]))[0]?.loss).toBeInstanceOf(Float32Array);
    expect(await db.tags()).toEqual(['first', 'seed']);
    expect(await db.counts()).toEqual({ sweeps: 2, runs: 6, traces: 6 });
    const pages = [
      ['a', 0],
      ['a', 1],
      ['a', 3],
      ['b', 0],
    ];
    expect(await db.runPages.toCollection().primaryKeys()).toEqual(pages);
    expect(await db.tracePages.toCollection().primaryKeys()).toEqual(pages);
    expect(await db.runIdsOf('a')).toEqual([
      'a:000000',
      'a:000001',
      runId('a', PAGE_SIZE - 1),
      runId('a', PAGE_SIZE),
      runId('a', 3 * PAGE_SIZE + 3),
    ]);
    expect((await db.sweeps.get('b'))?.status).toBe('interrupted');
    expect([...db.backendDB().objectStoreNames].sort()).toEqual(['runPages', 'sweeps', 'tracePages']);
    await db.delete();
  });
});

describe('database upgrade from v2', () => {
  it('gives every run empty tags, no star and no note, and narrows trace columns to float32 only where that is faithful', async () => {
    const result = await writeV2Fixture('upgrade-2');
    // The loss falls below float32's smallest normal number: narrowed, the last points would read 0.
    expect(Math.min(...result.trace.loss)).toBeLessThan(2 ** -126);
    const db = new LabDatabase('upgrade-2');
    const [run] = await db.allRuns();
    expect(run).toEqual({
      id: result.config.id,
      sweepId: 's',
      index: 0,
      createdAt: 3,
      config: result.config,
      summary: result.summary,
      tags: [],
      starred: false,
      note: '',
    });
    const [trace] = await db.traces([result.config.id]);
    expect(trace?.loss).toEqual(result.trace.loss);
    expect(trace?.loss).toBeInstanceOf(Float64Array);
    expect(trace?.steps).toEqual(result.trace.steps);
    // θ and the update also reach 1e-73 and stay exact; G stays within [4, 546] and is narrowed; v5 empties the gradient.
    for (const column of ['theta', 'update'] as const) expect(trace?.[column], column).toEqual(result.trace[column]);
    expect(trace?.grad.length).toBe(0);
    expect(trace?.accum).toEqual(Float32Array.from(result.trace.accum));
    expect(await db.tags()).toEqual([]);
    await db.delete();
  });
});

describe('database upgrade from v1', () => {
  it('turns v1 records into the engine config the same run has today, keeping every number', async () => {
    await writeV1Fixture('upgrade-1');
    const db = new LabDatabase('upgrade-1');
    const [run] = await db.allRuns();
    expect(run?.config).toEqual({
      id: 's:000000',
      sweepId: 's',
      index: 0,
      objective: { id: 'quadratic-1d' },
      start: [4],
      optimizer: { ...optimizerDefaults.adagrad, lr: 1 },
      steps: 2,
      seed: 0,
      tolerance: null,
      traceMaxPoints: 3,
    });
    // The upgraded config, run today, gives the very numbers v1 stored.
    const today = executeRun(run!.config);
    const [trace] = await db.traces(['s:000000']);
    expect(trace?.steps).toEqual(Uint32Array.of(0, 1, 2));
    // Through v2 and v3 to v4: stored in float32, to float32's precision.
    expect(trace?.theta).toEqual(Float32Array.from(today.trace.theta));
    expect(trace?.update).toEqual(Float32Array.from(today.trace.update));
    expect(trace?.layout).toBe('parameters');
    expect(run?.summary).toEqual({ ...today.summary, finalLoss: 5.76000000811, bestLoss: 5.76000000811 });
    expect(run).toMatchObject({ tags: [], starred: false, note: '' });
    expect((await db.sweeps.get('s'))?.spec.optimizers).toEqual([
      {
        kind: 'adagrad',
        fixed: {},
        axes: { lr: { values: [1] }, eps: { values: [1e-8] }, weightDecay: { values: [0] } },
      },
    ]);
    expect(await db.runIdsOf('s')).toEqual(['s:000000']);
    await db.delete();
  });
});

describe('v4 → v5: the gradient column changed meaning', () => {
  it('empties each stored trace’s gradient column and leaves every other column as it was', () => {
    const trace = toStoredTrace('s:000000', executeRun(adagradRun({}, { steps: 3 })).trace);
    const page = tracePage(['s', 0], [trace]);
    const upgraded = upgradeTracePageV4(page);
    const [read] = tracesIn(upgraded);
    expect(read.grad.length).toBe(0);
    expect(Array.from(read.theta)).toEqual(Array.from(trace.theta));
    expect(Array.from(read.update)).toEqual(Array.from(trace.update));
    expect(Array.from(read.accum)).toEqual(Array.from(trace.accum));
    expect(upgraded.bytes).toBe(page.bytes);
  });
});

/** The schema as v5 of the app declared it (a v5 fixture is written fresh, so no upgrade runs). */
function v5Schema(db: Dexie): void {
  v3Schema(db);
  db.version(4).stores({
    runs: null,
    traces: null,
    runPages: '[sweepId+page], *tags, count',
    tracePages: '[sweepId+page], count',
  });
  db.version(5).stores({});
}

/** A sweep of two pages and a bit, 3 steps a run; its spec is what v6 derives configs from. */
const v5Spec = adagradSweep({
  name: 'v5',
  start: [4],
  lrs: Array.from({ length: 2 * PAGE_SIZE + 5 }, (_, i) => 1 / (i + 1)),
  eps: [1e-8],
  weightDecays: [0],
  steps: 3,
});

/**
 * A database exactly as v5 of the app left it: sweep "s" with runs on three pages, gaps where runs were deleted,
 * summaries the engine gives and ones it rarely does (NaN, ±Infinity, −0, a subnormal, an error, a v1 summary's key
 * order, one with a key the columns do not know), tags, stars and notes, one config its spec does not give; runs of
 * a sweep whose record is gone ("gone"); traces, which v6 leaves as they were.
 */
async function writeV5Fixture(name: string): Promise<{ runs: StoredRun[] }> {
  const configs = expandSweep('s', v5Spec);
  const kept = configs.filter(({ index }) => index % 7 !== 3 && index !== PAGE_SIZE + 1);
  const runs = kept.map(({ id, sweepId, index }, i): StoredRun => {
    const config = index === 5 ? { ...configs[index], steps: 4 } : configs[index];
    return {
      id,
      sweepId,
      index,
      createdAt: 11,
      config,
      summary: executeRun(config).summary,
      ...(i % 9 === 0
        ? { tags: [`t${i % 4}`, 'nine'], starred: i % 2 === 0, note: i % 4 ? '' : `note ${i}` }
        : { tags: [], starred: false, note: '' }),
    };
  });
  const rare: RunSummary[] = [
    { ...summaryOf('failed', NaN), error: 'the worker threw: out of memory' },
    { ...summaryOf('diverged', -Infinity), bestLoss: 5e-324, divergedAt: 2, divergedIn: 'parameters' },
    { ...summaryOf('converged', -0), stepsToTolerance: 0, bestLoss: Infinity },
    // v1's summaries, upgraded, kept their keys in v1's order.
    {
      status: 'completed',
      finalLoss: 1,
      bestLoss: 1,
      bestStep: 3,
      divergedAt: null,
      stepsToTolerance: null,
      divergedIn: null,
    },
    { ...summaryOf('completed', 2), extra: 'kept as it was' } as RunSummary,
    { ...summaryOf('failed', 3), error: undefined },
  ];
  rare.forEach((summary, i) => (runs[10 + i * 31].summary = summary));
  const gone = [0, 1].map((index) => ({ ...runs[index], id: runId('gone', index), sweepId: 'gone', createdAt: 5 }));
  gone.forEach((run) => (run.config = { ...run.config, id: run.id, sweepId: 'gone' }));
  const v5 = new Dexie(name);
  v5Schema(v5);
  await v5
    .table('sweeps')
    .add({ id: 's', name: 'v5', spec: v5Spec, runCount: configs.length, createdAt: 11, status: 'completed' });
  await v5
    .table('runPages')
    .bulkAdd(
      [...groupByPage(runs, (run) => run), ...groupByPage(gone, (run) => run)].map(({ key, items }) =>
        runPageV5(key, [...items.values()]),
      ),
    );
  const traced = runs.slice(0, 3);
  await v5.table('tracePages').add(
    tracePage(
      ['s', 0],
      traced.map((run) => toStoredTrace(run.id, executeRun(run.config).trace)),
    ),
  );
  v5.close();
  return { runs: [...runs, ...gone] };
}

describe('database upgrade from v5', () => {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);

  it('keeps every run identical (annotations, rare summaries, gaps), stores configs only where the spec does not give them', async () => {
    const { runs } = await writeV5Fixture('upgrade-5');
    const tracesBefore = await (async () => {
      const v5 = new Dexie('upgrade-5');
      v5Schema(v5);
      const pages = await v5.table('tracePages').toArray();
      v5.close();
      return pages;
    })();
    const db = new LabDatabase('upgrade-5');
    const after = (await db.allRuns()).sort(byId);
    const before = [...runs].sort(byId);
    expect(after).toEqual(before);
    // Bit for bit, −0 and key sets included (toEqual would take a key holding undefined for an absent one).
    expect(sameValue(after, before)).toBe(true);
    const pages = await db.runPages.toArray();
    expect(pages.flatMap((page) => page.configs.map(([index]) => [page.sweepId, index]))).toEqual([
      ['gone', 0],
      ['gone', 1],
      ['s', 5],
    ]);
    // The two summaries the columns cannot hold exactly (an unknown key; an error key holding undefined) are kept whole.
    expect(pages.flatMap((page) => page.summaries.map(([index]) => index))).toEqual(
      [4, 5].map((k) => runs[10 + k * 31].index),
    );
    expect(await db.tags()).toEqual(['nine', 't0', 't1', 't2', 't3']);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: runs.length, traces: 3 });
    expect(await db.runIdsOf('s')).toEqual(runs.filter((run) => run.sweepId === 's').map((run) => run.id));
    expect(await db.tracePages.toArray()).toEqual(tracesBefore);
    // The runs list reads the same runs from the columns.
    const list = new RunList();
    await list.load(db);
    expect(list.runs.length).toBe(runs.length);
    for (const run of before) {
      const listed = list.get(run.id)!;
      const { id, sweepId, index, createdAt, config, summary, tags, starred, note } = listed;
      expect({ id, sweepId, index, createdAt, config, summary, tags, starred, note }, run.id).toEqual(run);
    }
    await db.delete();
  });

  it('an upgrade that throws leaves the v5 database exactly as it was', async () => {
    await writeV5Fixture('upgrade-5-fails');
    const v5 = new Dexie('upgrade-5-fails');
    v5Schema(v5);
    // A page no version of the app wrote (its runs are not a list): the upgrade throws on it, after other pages.
    await v5.table('runPages').add({ sweepId: 'z', page: 0, entries: null, count: 1, tags: [] });
    const tables = ['sweeps', 'runPages', 'tracePages'];
    const before = await Promise.all(tables.map((table) => v5.table(table).toArray()));
    v5.close();
    const db = new LabDatabase('upgrade-5-fails');
    await expect(db.open()).rejects.toThrow();
    db.close();
    const again = new Dexie('upgrade-5-fails');
    v5Schema(again);
    await again.open();
    expect(again.verno).toBe(5);
    expect(await Promise.all(tables.map((table) => again.table(table).toArray()))).toEqual(before);
    again.close();
    await Dexie.delete('upgrade-5-fails');
  });
});
