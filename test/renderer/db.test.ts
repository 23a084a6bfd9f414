import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { LabDatabase, type StoredSweep } from '../../src-renderer/lib/db';
import { isQuotaExceeded } from '../../src-renderer/lib/storage-errors';
import { executeRun } from '../../src-core/run';
import { expandSweep } from '../../src-core/sweep';
import { adagradSweep } from '../helpers/configs';
import { fillDisk } from '../helpers/quota';

const spec = adagradSweep({ name: 'db', start: [4], lrs: [1, 0.5, 0.1], eps: [1e-8], weightDecays: [0], steps: 5 });
const results = expandSweep('s', spec).map((c) => executeRun(c));
const sweep: StoredSweep = { id: 's', name: 'db', spec, runCount: 3, createdAt: 7, status: 'running' };
let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

describe('LabDatabase', () => {
  it('stores runs with their sweep time and no annotations, and their traces in float32', async () => {
    db = new LabDatabase('t1');
    const stored = await db.storeResults({ started: [sweep], results });
    expect(stored.map((r) => r.id)).toEqual(['s:000000', 's:000001', 's:000002']);
    const run = await db.runs.get('s:000001');
    expect(run).toEqual({ id: 's:000001', sweepId: 's', index: 1, createdAt: 7, config: results[1].config, summary: results[1].summary, tags: [], starred: false, note: '' });
    const trace = await db.traces.get('s:000000');
    expect(trace?.theta).toBeInstanceOf(Float32Array);
    expect(trace?.theta).toEqual(Float32Array.from(results[0].trace.theta));
    expect(trace?.steps).toEqual(results[0].trace.steps);
  });

  it('storing a batch again (a resend) duplicates nothing and keeps tags, star and note', async () => {
    db = new LabDatabase('t2');
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000000'], () => ({ tags: ['keep'], starred: true, note: 'best so far' }));
    await db.storeResults({ started: [sweep], results });
    expect(await db.runs.count()).toBe(3);
    expect(await db.traces.count()).toBe(3);
    expect(await db.runs.get('s:000000')).toMatchObject({ tags: ['keep'], starred: true, note: 'best so far' });
  });

  it('writes a batch in one transaction: when any record fails, none of it is stored, nor the sweep it announces or ends', async () => {
    db = new LabDatabase('t3');
    // A trace that cannot be cloned into IndexedDB (a function as its steps) makes the transaction fail part way.
    const broken = { ...results[2], trace: { ...results[2].trace, steps: (() => 0) as unknown as Uint32Array } };
    await expect(db.storeResults({ started: [sweep], results: [results[1], broken], statuses: [{ sweepId: 's', status: 'completed' }] })).rejects.toThrow();
    expect(await db.counts()).toEqual({ sweeps: 0, runs: 0, traces: 0 });
  });

  it('when the disk is full, the write fails as a quota error and leaves the store as it was', async () => {
    db = new LabDatabase('t4');
    await db.storeResults({ started: [sweep], results: results.slice(0, 1) });
    const restore = fillDisk('traces');
    try {
      const failure = await db.storeResults({ results: results.slice(1), statuses: [{ sweepId: 's', status: 'completed' }] }).catch((e: unknown) => e);
      expect(isQuotaExceeded(failure)).toBe(true);
    } finally {
      restore();
    }
    expect((await db.runs.toArray()).map((r) => r.id)).toEqual(['s:000000']);
    expect(await db.traces.count()).toBe(1);
    expect((await db.sweeps.get('s'))?.status).toBe('running');
  });

  it('keeps a finished sweep finished when its start is replayed', async () => {
    db = new LabDatabase('t5');
    await db.storeResults({ started: [sweep], results: [], statuses: [{ sweepId: 's', status: 'cancelled', message: 'by you' }] });
    await db.storeResults({ started: [sweep], results: [] });
    expect(await db.sweeps.get('s')).toMatchObject({ status: 'cancelled', message: 'by you' });
  });

  it('deletes runs with their traces, and restoring the deletion brings back exactly what was there', async () => {
    db = new LabDatabase('t6');
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000001'], () => ({ tags: ['x'], note: 'n' }));
    const before = { runs: await db.runs.toArray(), traces: await db.traces.toArray() };
    const deletion = await db.deleteRuns(['s:000001', 's:000002', 'not-there']);
    expect(deletion.runs.map((r) => r.id)).toEqual(['s:000001', 's:000002']);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 1, traces: 1 });
    await db.restore(deletion);
    expect({ runs: await db.runs.toArray(), traces: await db.traces.toArray() }).toEqual(before);
  });

  it('deletes a sweep with all its runs and traces, and leaves other sweeps alone; undo restores it', async () => {
    db = new LabDatabase('t7');
    const other = expandSweep('o', spec).map((c) => executeRun(c));
    await db.storeResults({ started: [sweep, { ...sweep, id: 'o', createdAt: 8 }], results: [...results, ...other] });
    const deletion = await db.deleteSweep('s');
    expect(deletion.sweeps.map((s) => s.id)).toEqual(['s']);
    expect(deletion.runs).toHaveLength(3);
    expect(deletion.traces).toHaveLength(3);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 3, traces: 3 });
    expect(await db.runs.where('sweepId').equals('o').count()).toBe(3);
    await db.restore(deletion);
    expect(await db.counts()).toEqual({ sweeps: 2, runs: 6, traces: 6 });
  });

  it('indexes tags one entry per tag, so every tag in use is listed from the index', async () => {
    db = new LabDatabase('t8');
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000000', 's:000001'], () => ({ tags: ['good', 'seed'] }));
    await db.annotate(['s:000002'], () => ({ tags: ['bad'] }));
    expect(await db.runs.orderBy('tags').uniqueKeys()).toEqual(['bad', 'good', 'seed']);
    expect(await db.runs.where('tags').equals('good').primaryKeys()).toEqual(['s:000000', 's:000001']);
    const indexes = db.runs.schema.indexes.map((i) => `${i.multi ? '*' : ''}${i.name}`);
    expect(indexes).toEqual(expect.arrayContaining(['*tags', '[sweepId+index]', 'summary.status', 'summary.finalLoss', 'config.optimizer.lr']));
  });

  it('brings a sweep that has not ended up to date: its moves and a replayed start, never over an end', async () => {
    db = new LabDatabase('t8');
    const queued = { ...sweep, status: 'queued' as const };
    await db.storeResults({ started: [queued], results: [], statuses: [{ sweepId: 's', status: 'running' }] });
    expect(await db.sweeps.get('s')).toEqual({ ...queued, status: 'running' });
    await db.sweeps.update('s', { status: 'interrupted' });
    await db.storeResults({ started: [{ ...queued, name: 'renamed', status: 'running' }], results: [] });
    expect(await db.sweeps.get('s')).toEqual({ ...queued, status: 'running' });
    await db.storeResults({ results: [], statuses: [{ sweepId: 's', status: 'completed' }, { sweepId: 's', status: 'cancelling' }] });
    expect((await db.sweeps.get('s'))?.status).toBe('completed');
  });
});
