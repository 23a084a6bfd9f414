import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { LabDatabase } from '../../src-renderer/lib/db';
import { executeRun } from '../../src-core/run';
import { expandSweep } from '../../src-core/sweep';
import { adagradSweep } from '../helpers/configs';

const spec = adagradSweep({ name: 'db', start: [4], lrs: [1, 0.5, 0.1], eps: [1e-8], weightDecays: [0], steps: 5 });
const results = expandSweep('s', spec).map((c) => executeRun(c));
let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

describe('LabDatabase', () => {
  it('stores runs and their traces, exactly, and storing a batch again changes nothing', async () => {
    db = new LabDatabase('t1');
    await db.storeResults(1, results);
    await db.storeResults(1, results); // a resend after a reload
    expect(await db.runs.count()).toBe(3);
    expect(await db.traces.count()).toBe(3);
    const trace = await db.traces.get('s:000000');
    expect(trace?.theta).toEqual(results[0].trace.theta);
    expect(trace?.theta).toBeInstanceOf(Float64Array);
    expect((await db.runs.get('s:000001'))?.summary).toEqual(results[1].summary);
  });

  it('writes a batch in one transaction: when any record fails, none of the batch is stored', async () => {
    db = new LabDatabase('t2');
    await db.storeResults(1, results.slice(0, 1));
    // A trace that cannot be cloned into IndexedDB (a function) makes the transaction fail part way.
    const broken = { ...results[2], trace: { ...results[2].trace, loss: (() => 0) as unknown as Float64Array } };
    await expect(db.storeResults(2, [results[1], broken])).rejects.toThrow();
    expect((await db.runs.toArray()).map((r) => r.id)).toEqual(['s:000000']);
    expect(await db.traces.count()).toBe(1);
  });

  it('keeps a finished sweep finished when its start is replayed', async () => {
    db = new LabDatabase('t3');
    const sweep = { id: 's', name: 'db', spec, runCount: 3, createdAt: 1, status: 'running' as const };
    await db.recordSweep(sweep);
    await db.finishSweep('s', 'completed');
    await db.recordSweep(sweep);
    expect((await db.sweeps.get('s'))?.status).toBe('completed');
  });

  it('brings a queued or interrupted sweep up to date when the main process announces it running', async () => {
    db = new LabDatabase('t4');
    const sweep = { id: 's', name: 'db', spec, runCount: 3, createdAt: 1, status: 'queued' as const };
    await db.recordSweep(sweep);
    await db.recordSweep({ ...sweep, name: 'renamed', status: 'running' });
    expect(await db.sweeps.get('s')).toEqual({ ...sweep, status: 'running' });
    await db.sweeps.update('s', { status: 'interrupted' });
    await db.recordSweep({ ...sweep, status: 'running' });
    expect((await db.sweeps.get('s'))?.status).toBe('running');
  });
});
