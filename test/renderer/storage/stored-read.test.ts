import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredSweep } from '../../../src-renderer/lib/storage/records';
import { DATABASE_NAME, readStoredColumns, SCHEMA_VERSION } from '../../../src-renderer/lib/storage/stored-read';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep } from '../../../src-core/sweep/expand';
import { adagradSweep } from '../../helpers/configs';

const spec = adagradSweep({ name: 'early', start: [4], lrs: [1, 0.5, 0.1], eps: [1e-8], weightDecays: [0], steps: 5 });
const results = expandSweep('s', spec).map((c) => executeRun(c));
const sweep: StoredSweep = { id: 's', name: 'early', spec, runCount: 3, createdAt: 7, status: 'completed' };

const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await Dexie.delete(name);
});
const named = (name: string): string => (names.push(name), name);
const databaseNames = async (): Promise<string[]> => (await indexedDB.databases()).map((d) => d.name ?? '');

describe('the start-up read of the stored runs (IndexedDB alone)', () => {
  it('is LabDatabase’s own: the same name and schema version', () => {
    const db = new LabDatabase();
    expect(db.name).toBe(DATABASE_NAME);
    expect(db.verno).toBe(SCHEMA_VERSION);
  });

  it('reads exactly what LabDatabase.runColumns reads, and lists the same runs', async () => {
    const name = named('early-same');
    const db = new LabDatabase(name);
    await db.storeResults({ started: [sweep], results });
    await db.annotate(['s:000001'], () => ({ tags: ['kept'], starred: true, note: 'n' }));
    const columns = await readStoredColumns(indexedDB, name);
    expect(columns).not.toBeNull();
    expect(columns).toEqual(await db.runColumns());
    // The runs list reads the same runs from it as through Dexie.
    const [early, late] = [new RunList(), new RunList()];
    await early.load(db, Promise.resolve(columns));
    await late.load(db);
    expect(
      early.runs.map(({ id, config, summary, tags, starred, note }) => ({ id, config, summary, tags, starred, note })),
    ).toEqual(
      late.runs.map(({ id, config, summary, tags, starred, note }) => ({ id, config, summary, tags, starred, note })),
    );
    expect(early.runs.map((r) => r.id)).toEqual(['s:000000', 's:000001', 's:000002']);
    // Its connection is closed: the database can be deleted at once.
    db.close();
    await Dexie.delete(name);
    expect(await databaseNames()).not.toContain(name);
  });

  it('creates no database where there is none, and Dexie then creates it as always', async () => {
    const name = named('early-none');
    expect(await readStoredColumns(indexedDB, name)).toBeNull();
    expect(await databaseNames()).not.toContain(name);
    const db = new LabDatabase(name);
    await db.storeResults({ started: [sweep], results });
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 3, traces: 3 });
    db.close();
  });

  it('leaves an older database to Dexie’s upgrade, without blocking it', async () => {
    const name = named('early-older');
    const v5 = new Dexie(name);
    v5.version(5).stores({ sweeps: 'id, createdAt, status', runPages: '[sweepId+page], *tags, count' });
    await v5.open();
    v5.close();
    expect(await readStoredColumns(indexedDB, name)).toBeNull();
    const db = new LabDatabase(name);
    await db.open();
    expect(db.verno).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('gives way to an upgrade that starts while it is open', async () => {
    const name = named('early-race');
    const v5 = new Dexie(name);
    v5.version(5).stores({ sweeps: 'id', runPages: '[sweepId+page]' });
    await v5.open();
    v5.close();
    // Both at once, as at start-up: the read's connection closes when Dexie's upgrade asks it to.
    const [read, db] = await Promise.all([readStoredColumns(indexedDB, name), new LabDatabase(name).open()]);
    expect(read).toBeNull();
    expect(db.verno).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('reads nothing of a database at another version than this app’s', async () => {
    const name = named('early-newer');
    const db = new LabDatabase(name);
    await db.storeResults({ started: [sweep], results });
    db.close();
    expect(await readStoredColumns(indexedDB, name, SCHEMA_VERSION + 1)).toBeNull();
    expect(await readStoredColumns(indexedDB, name, SCHEMA_VERSION)).not.toBeNull();
  });

  it('reads through Dexie when the page had no start-up read', async () => {
    const name = named('early-fallback');
    const db = new LabDatabase(name);
    await db.storeResults({ started: [sweep], results });
    const list = new RunList();
    await list.load(db, Promise.resolve(null));
    expect(list.runs.map((r) => r.summary)).toEqual(results.map((r) => r.summary));
    db.close();
  });
});
