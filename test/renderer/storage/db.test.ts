import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredRun, StoredSweep } from '../../../src-renderer/lib/storage/records';
import { RunPageReader, type RunPage } from '../../../src-renderer/lib/storage/page-codec';
import { PAGE_SIZE } from '../../../src-renderer/lib/storage/run-pages';
import { isQuotaExceeded } from '../../../src-renderer/lib/storage/storage-errors';
import { toStoredTrace } from '../../../src-renderer/lib/storage/trace-storage';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep } from '../../../src-core/sweep/expand';
import type { RunResult } from '../../../src-core/contract/types';
import { adagradSweep } from '../../helpers/configs';
import { fillDisk } from '../../helpers/quota';

const spec = adagradSweep({ name: 'db', start: [4], lrs: [1, 0.5, 0.1], eps: [1e-8], weightDecays: [0], steps: 5 });
const results = expandSweep('s', spec).map((c) => executeRun(c));
const sweep: StoredSweep = { id: 's', name: 'db', spec, runCount: 3, createdAt: 7, status: 'running' };

/** A sweep of two pages and a bit, 2 steps a run. */
const wideSpec = adagradSweep({
  name: 'wide',
  start: [4],
  lrs: Array.from({ length: 2 * PAGE_SIZE + 7 }, (_, i) => 1 / (i + 1)),
  eps: [1e-8],
  weightDecays: [0],
  steps: 2,
});
const wide = expandSweep('w', wideSpec).map((c) => executeRun(c));
const wideSweep: StoredSweep = {
  id: 'w',
  name: 'wide',
  spec: wideSpec,
  runCount: wide.length,
  createdAt: 9,
  status: 'running',
};

let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

/** The ids of a run page's runs, in its order. */
const idsOf = (page: RunPage): string[] => {
  const reader = new RunPageReader(page);
  return Array.from({ length: reader.count }, (_, r) => reader.id(r));
};
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
const storedRuns = async () => (await db.allRuns()).sort(byId);
const storedRun = async (id: string): Promise<StoredRun | undefined> =>
  (await db.allRuns()).find((run) => run.id === id);
const storedTrace = async (id: string) => (await db.traces([id]))[0];
/** Everything in storage, page by page: what "exactly as it was" compares. */
const everything = async () => ({
  sweeps: await db.sweeps.toArray(),
  runPages: await db.runPages.toArray(),
  tracePages: await db.tracePages.toArray(),
});

describe('LabDatabase', () => {
  it('stores runs with their sweep time and no annotations, and their traces in float32', async () => {
    db = new LabDatabase('t1');
    const written = await db.storeResults({ started: [sweep], results });
    expect(written.flatMap(idsOf)).toEqual(['s:000000', 's:000001', 's:000002']);
    expect(await storedRun('s:000001')).toEqual({
      id: 's:000001',
      sweepId: 's',
      index: 1,
      createdAt: 7,
      config: results[1].config,
      summary: results[1].summary,
      tags: [],
      starred: false,
      note: '',
    });
    const trace = await storedTrace('s:000000');
    expect(trace?.theta).toBeInstanceOf(Float32Array);
    expect(trace?.theta).toEqual(Float32Array.from(results[0].trace.theta));
    expect(trace?.steps).toEqual(results[0].trace.steps);
    expect(await db.traces(['s:000002', 'missing:000000', 's:000000'])).toEqual([
      toStoredTrace('s:000002', results[2].trace),
      undefined,
      toStoredTrace('s:000000', results[0].trace),
    ]);
  });

  it('stores results named by place alone, their configs given back by the spec, also of a sweep deleted meanwhile', async () => {
    db = new LabDatabase('t-places');
    // What the window passes: each run's place, no config (../state/ingest).
    const placed = results.map(({ config: { id, sweepId, index }, ...rest }) => ({
      ...rest,
      config: { id, sweepId, index },
    }));
    const whole = results.map(({ config, summary }) => ({
      ...{ id: config.id, sweepId: 's', index: config.index, createdAt: 7, config, summary },
      ...{ tags: [], starred: false, note: '' },
    }));
    await db.storeResults({ started: [sweep], results: placed });
    expect(await storedRuns()).toEqual(whole);
    // The sweep deleted while its results still come: its runs keep their configs on their page, from the spec.
    await db.deleteSweep('s');
    await db.storeResults({ results: placed.slice(1), specOf: (id) => (id === 's' ? spec : undefined) });
    const orphans = await db.runPages.toArray();
    expect(orphans.flatMap((page) => page.configs)).toEqual(results.slice(1).map((r) => [r.config.index, r.config]));
    // Without the spec they could not be read back whole: refused, naming the sweep, and nothing stored is changed.
    const before = await everything();
    await expect(db.storeResults({ results: placed.slice(0, 1) })).rejects.toThrow(
      "Results of sweep s cannot be stored: the sweep is not stored and its spec, which gives run 0's config, is not known",
    );
    expect(await everything()).toEqual(before);
  });

  it('stores results that arrive out of order (workers finish batches in any order) in index order', async () => {
    db = new LabDatabase('t-order');
    const written = await db.storeResults({ started: [sweep], results: [...results].reverse() });
    expect(written.flatMap(idsOf)).toEqual(['s:000000', 's:000001', 's:000002']);
    expect(await storedRuns()).toEqual(
      results.map(({ config, summary }) => ({
        ...{ id: config.id, sweepId: 's', index: config.index, createdAt: 7, config, summary },
        ...{ tags: [], starred: false, note: '' },
      })),
    );
  });

  it('storing a batch again (a resend) duplicates nothing and keeps tags, star and note', async () => {
    db = new LabDatabase('t2');
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000000'], () => ({ tags: ['keep'], starred: true, note: 'best so far' }));
    await db.storeResults({ started: [sweep], results });
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 3, traces: 3 });
    expect(await storedRun('s:000000')).toMatchObject({ tags: ['keep'], starred: true, note: 'best so far' });
  });

  it('writes a batch in one transaction: when any record fails, none of it is stored, nor the sweep it announces or ends', async () => {
    db = new LabDatabase('t3');
    // A trace that cannot be cloned into IndexedDB (a function as its layout) makes the transaction fail part way:
    // after its run's page is put.
    const broken = { ...results[2], trace: { ...results[2].trace, layout: (() => 0) as unknown as 'parameters' } };
    await expect(
      db.storeResults({
        started: [sweep],
        results: [results[1], broken],
        statuses: [{ sweepId: 's', status: 'completed' }],
      }),
    ).rejects.toThrow();
    expect(await db.counts()).toEqual({ sweeps: 0, runs: 0, traces: 0 });
  });

  it('when the disk is full, the write fails as a quota error and leaves the store as it was', async () => {
    db = new LabDatabase('t4');
    await db.storeResults({ started: [sweep], results: results.slice(0, 1) });
    const before = await everything();
    const restore = fillDisk('tracePages');
    try {
      const failure = await db
        .storeResults({ results: results.slice(1), statuses: [{ sweepId: 's', status: 'completed' }] })
        .catch((e: unknown) => e);
      expect(isQuotaExceeded(failure)).toBe(true);
    } finally {
      restore();
    }
    expect(await everything()).toEqual(before);
    expect((await storedRuns()).map((r) => r.id)).toEqual(['s:000000']);
    expect((await db.sweeps.get('s'))?.status).toBe('running');
  });

  it('keeps a finished sweep finished when its start is replayed', async () => {
    db = new LabDatabase('t5');
    await db.storeResults({
      started: [sweep],
      results: [],
      statuses: [{ sweepId: 's', status: 'cancelled', message: 'by you' }],
    });
    await db.storeResults({ started: [sweep], results: [] });
    expect(await db.sweeps.get('s')).toMatchObject({ status: 'cancelled', message: 'by you' });
  });

  it('deletes runs with their traces, and restoring the deletion brings back exactly what was there', async () => {
    db = new LabDatabase('t6');
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000001'], () => ({ tags: ['x'], note: 'n' }));
    const before = await everything();
    const deletion = await db.deleteRuns(['s:000001', 's:000002', 'not:000000']);
    expect(deletion.runs.map((r) => r.id)).toEqual(['s:000001', 's:000002']);
    expect(deletion.traces.map((t) => t.runId)).toEqual(['s:000001', 's:000002']);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 1, traces: 1 });
    expect(await db.tags()).toEqual([]);
    await db.restore(deletion);
    expect(await everything()).toEqual(before);
  });

  it('deleting every run of a page removes the page; undo brings it back as it was', async () => {
    db = new LabDatabase('t6b');
    await db.storeResults({ started: [wideSweep], results: wide });
    const before = await everything();
    const secondPage = wide.slice(PAGE_SIZE, 2 * PAGE_SIZE).map((r) => r.config.id);
    const deletion = await db.deleteRuns(secondPage);
    expect(deletion.runs).toHaveLength(PAGE_SIZE);
    expect(deletion.traces).toHaveLength(PAGE_SIZE);
    expect((await db.runPages.toArray()).map((page) => page.page)).toEqual([0, 2]);
    expect((await db.tracePages.toArray()).map((page) => page.page)).toEqual([0, 2]);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: wide.length - PAGE_SIZE, traces: wide.length - PAGE_SIZE });
    await db.restore(deletion);
    expect(await everything()).toEqual(before);
  });

  it('deletes a sweep with all its runs and traces, and leaves other sweeps alone; undo restores it', async () => {
    db = new LabDatabase('t7');
    const other = expandSweep('o', spec).map((c) => executeRun(c));
    await db.storeResults({ started: [sweep, { ...sweep, id: 'o', createdAt: 8 }], results: [...results, ...other] });
    const before = await everything();
    const deletion = await db.deleteSweep('s');
    expect(deletion.sweeps.map((s) => s.id)).toEqual(['s']);
    expect(deletion.runs).toHaveLength(3);
    expect(deletion.traces).toHaveLength(3);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 3, traces: 3 });
    expect(await db.runIdsOf('o')).toEqual(['o:000000', 'o:000001', 'o:000002']);
    expect(await db.runIdsOf('s')).toEqual([]);
    await db.restore(deletion);
    expect(await everything()).toEqual(before);
  });

  it('lists every tag in use from the index, and returns the runs annotated in the order asked, skipping missing ones', async () => {
    db = new LabDatabase('t8');
    await db.storeResults({ started: [sweep], results });
    const tagged = await db.annotate(['s:000001', 'gone:000003', 's:000000'], () => ({ tags: ['good', 'seed'] }));
    expect(tagged.map((run) => run.id)).toEqual(['s:000001', 's:000000']);
    await db.annotate(['s:000002'], () => ({ tags: ['bad'] }));
    expect(await db.tags()).toEqual(['bad', 'good', 'seed']);
    await db.annotate(['s:000002'], () => ({ tags: [] }));
    expect(await db.tags()).toEqual(['good', 'seed']);
    // Only what queries use is indexed: the sweep's pages are a key range, the tags and page counts are indexes.
    expect(db.runPages.schema.primKey.keyPath).toEqual(['sweepId', 'page']);
    expect(db.runPages.schema.indexes.map((i) => `${i.multi ? '*' : ''}${i.name}`).sort()).toEqual(['*tags', 'count']);
    expect(db.tracePages.schema.indexes.map((i) => i.name)).toEqual(['count']);
  });

  it('brings a sweep that has not ended up to date: its moves and a replayed start, never over an end', async () => {
    db = new LabDatabase('t9');
    const queued = { ...sweep, status: 'queued' as const };
    await db.storeResults({ started: [queued], results: [], statuses: [{ sweepId: 's', status: 'running' }] });
    expect(await db.sweeps.get('s')).toEqual({ ...queued, status: 'running' });
    await db.sweeps.update('s', { status: 'interrupted' });
    await db.storeResults({ started: [{ ...queued, name: 'renamed', status: 'running' }], results: [] });
    expect(await db.sweeps.get('s')).toEqual({ ...queued, status: 'running' });
    await db.storeResults({
      results: [],
      statuses: [
        { sweepId: 's', status: 'completed' },
        { sweepId: 's', status: 'cancelling' },
      ],
    });
    expect((await db.sweeps.get('s'))?.status).toBe('completed');
  });
});

describe('LabDatabase pages', () => {
  /** The results cut into writes at these places, the writes in this order. */
  const writesOf = (all: RunResult[], cuts: number[], order: number[]): RunResult[][] => {
    const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), all.length];
    const writes = bounds.slice(1).map((end, i) => all.slice(bounds[i], end));
    return order.map((k) => writes[k % writes.length]);
  };

  test.prop(
    [
      fc.array(fc.integer({ min: 1, max: wide.length - 1 }), { maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 7, maxLength: 12 }),
      fc.nat({ max: wide.length - 1 }),
    ],
    { numRuns: 8 },
  )(
    'however the results are cut into writes, resent or reordered, each run and trace is stored once, in its page, annotations kept',
    async (cuts, order, starred) => {
      db = new LabDatabase('pages-property');
      try {
        await db.storeResults({ started: [wideSweep], results: [] });
        const starredId = wide[starred].config.id;
        // Each write once in index order, then again in the order drawn: every run is sent at least once, many twice.
        for (const write of writesOf(wide, cuts, [...Array(cuts.length + 1).keys()]))
          await db.storeResults({ results: write });
        await db.annotate([starredId], () => ({ starred: true, tags: ['kept'] }));
        for (const write of writesOf(wide, cuts, order)) await db.storeResults({ results: write });

        const runs = await storedRuns();
        expect(runs.map((run) => run.id)).toEqual(wide.map((r) => r.config.id));
        expect(runs.map((run) => run.summary)).toEqual(wide.map((r) => r.summary));
        expect(runs.filter((run) => run.starred).map((run) => [run.id, run.tags])).toEqual([[starredId, ['kept']]]);
        expect(await db.traces(wide.map((r) => r.config.id))).toEqual(
          wide.map((r) => toStoredTrace(r.config.id, r.trace)),
        );
        expect(await db.counts()).toEqual({ sweeps: 1, runs: wide.length, traces: wide.length });
        // Each page holds exactly the runs its key names, in index order.
        const inPage = (page: number) => wide.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).map((r) => r.config.id);
        const runPages = await db.runPages.toArray();
        const tracePages = await db.tracePages.toArray();
        expect(runPages.map((page) => page.page)).toEqual([0, 1, 2]);
        expect(tracePages.map((page) => page.page)).toEqual([0, 1, 2]);
        for (const page of runPages)
          expect([page.count, idsOf(page)]).toEqual([inPage(page.page).length, inPage(page.page)]);
        for (const page of tracePages)
          expect([page.count, page.entries.map((trace) => trace.runId)]).toEqual([
            inPage(page.page).length,
            inPage(page.page),
          ]);
      } finally {
        await db.delete();
      }
    },
  );

  it('a sweep larger than a page lists, tags and deletes across its pages', async () => {
    db = new LabDatabase('pages-wide');
    await db.storeResults({ started: [wideSweep], results: wide.slice(0, 333) });
    await db.storeResults({ results: wide.slice(333) });
    const ends = [wide[0].config.id, wide[wide.length - 1].config.id];
    await db.annotate(ends, () => ({ tags: ['ends'] }));
    expect(await db.tags()).toEqual(['ends']);
    expect(await db.runIdsOf('w')).toEqual(wide.map((r) => r.config.id));
    const deletion = await db.deleteRuns(ends);
    expect(deletion.runs.map((run) => [run.id, run.tags])).toEqual(ends.map((id) => [id, ['ends']]));
    expect(await db.tags()).toEqual([]);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: wide.length - 2, traces: wide.length - 2 });
  });
});
