import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DBCore, DBCoreTable } from 'dexie';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredSweep } from '../../../src-renderer/lib/storage/records';
import { toStoredTrace } from '../../../src-renderer/lib/storage/trace-storage';
import { READ_TRIES } from '../../../src-renderer/lib/storage/transient-reads';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep } from '../../../src-core/sweep/expand';
import { adagradSweep } from '../../helpers/configs';

const spec = adagradSweep({ name: 'reads', start: [4], lrs: [1, 0.5, 0.1], eps: [1e-8], weightDecays: [0], steps: 5 });
const results = expandSweep('s', spec).map((c) => executeRun(c));
const sweep: StoredSweep = { id: 's', name: 'reads', spec, runCount: 3, createdAt: 7, status: 'running' };

/** What Chromium says when it cannot read back a value it keeps outside its database. */
const largeValueFailure = (name: string) => new DOMException('Failed to read large IndexedDB value', name);

/**
 * A database whose next `failures` reads of trace pages fail as `name`, beneath the app's own middleware (as
 * IndexedDB itself would). Returns it and a count of the trace-page reads that reached IndexedDB.
 */
function withFailingTraceReads(dbName: string, failures: number, name = 'UnknownError') {
  const db = new LabDatabase(dbName);
  const reads = { count: 0, left: 0 };
  const failing = (table: DBCoreTable): DBCoreTable => {
    const read =
      <R, T>(down: (request: R) => Promise<T>) =>
      (request: R): Promise<T> => {
        reads.count++;
        if (reads.left === 0) return down(request);
        reads.left--;
        return Promise.reject(largeValueFailure(name));
      };
    return { ...table, get: read(table.get), getMany: read(table.getMany), query: read(table.query) };
  };
  db.use({
    stack: 'dbcore',
    level: -20,
    create: (core: DBCore) => ({
      ...core,
      table: (table) => (table === 'tracePages' ? failing(core.table(table)) : core.table(table)),
    }),
  });
  /** Arms the failures; reads before this (the store's own) go through. */
  const arm = () => {
    reads.count = 0;
    reads.left = failures;
  };
  return { db, reads, arm };
}

let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

describe('a read that fails for a moment', () => {
  it(`is read again, up to ${READ_TRIES} times: the traces come back whole`, async () => {
    const failing = withFailingTraceReads('transient-traces', READ_TRIES - 1);
    db = failing.db;
    await db.storeResults({ started: [sweep], results });
    failing.arm();
    expect(await db.traces(['s:000001'])).toEqual([toStoredTrace('s:000001', results[1].trace)]);
    expect(failing.reads.count).toBe(READ_TRIES);
  });

  it('inside a write: the page being merged is read again in the same transaction, and the write is whole', async () => {
    const failing = withFailingTraceReads('transient-merge', 1);
    db = failing.db;
    await db.storeResults({ started: [sweep], results: results.slice(0, 2) });
    failing.arm();
    // The third run joins a trace page that holds two: the page is read, fails once, is read again, and merged.
    await db.storeResults({ results: results.slice(2) });
    expect(failing.reads.count).toBe(2);
    expect(await db.traces(['s:000000', 's:000001', 's:000002'])).toEqual(
      results.map((result) => toStoredTrace(result.config.id, result.trace)),
    );
  });

  it(`still failing after ${READ_TRIES} tries reaches the caller as it was, and nothing stored is changed`, async () => {
    const failing = withFailingTraceReads('transient-lasting', READ_TRIES);
    db = failing.db;
    await db.storeResults({ started: [sweep], results: results.slice(0, 2) });
    failing.arm();
    await expect(db.traces(['s:000000'])).rejects.toThrow(/UnknownError|Failed to read large IndexedDB value/);
    expect(failing.reads.count).toBe(READ_TRIES);
    failing.arm();
    await expect(db.storeResults({ results: results.slice(2) })).rejects.toThrow(/Failed to read large/);
    expect(await db.traces(['s:000000', 's:000001', 's:000002'])).toEqual([
      toStoredTrace('s:000000', results[0].trace),
      toStoredTrace('s:000001', results[1].trace),
      undefined,
    ]);
  });

  it('a lost value (NotReadableError) is not read again: the failure is reported at once', async () => {
    const failing = withFailingTraceReads('transient-lost', 1, 'NotReadableError');
    db = failing.db;
    await db.storeResults({ started: [sweep], results });
    failing.arm();
    await expect(db.traces(['s:000000'])).rejects.toThrow(/Failed to read large/);
    expect(failing.reads.count).toBe(1);
  });
});
