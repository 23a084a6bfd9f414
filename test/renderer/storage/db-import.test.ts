/** LabDatabase.importRuns: what an import adds, what it leaves alone, and that it never damages what is stored. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredSweep } from '../../../src-renderer/lib/storage/records';
import { parseImport } from '../../../src-core/import/cli-json';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep } from '../../../src-core/sweep/expand';
import { everything } from '../../helpers/database';

const plan = parseImport(readFileSync(join(import.meta.dirname, '../../fixtures/cli-sweep.json'), 'utf8'));
if (!plan.ok) throw new Error(plan.message);
const [imported] = plan.sweeps;
const sweep: StoredSweep = {
  id: imported.id,
  name: imported.spec.name,
  spec: imported.spec,
  runCount: imported.runCount,
  createdAt: 11,
  status: 'completed',
};

let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

describe('LabDatabase.importRuns', () => {
  it('adds the sweep and its runs, with the sweep’s time and no annotations or traces', async () => {
    db = new LabDatabase('import-adds');
    const outcome = await db.importRuns({ sweeps: [sweep], runs: plan.runs });
    expect(outcome.added.map((run) => run.id)).toEqual(plan.runs.map((run) => run.config.id));
    expect(outcome).toMatchObject({ alreadyStored: 0, conflicting: [] });
    expect(await db.sweeps.toArray()).toEqual([sweep]);
    const stored = await db.allRuns();
    expect(stored[2]).toEqual({
      id: 'cluster-a:000002',
      sweepId: 'cluster-a',
      index: 2,
      createdAt: 11,
      config: plan.runs[2].config,
      summary: { ...plan.runs[2].summary, finalLoss: Infinity },
      tags: [],
      starred: false,
      note: '',
    });
    expect(await db.traces(['cluster-a:000000'])).toEqual([undefined]);
  });

  it('stores the tags, star and note a Runs JSON run carries, and reads them back with the run', async () => {
    db = new LabDatabase('import-annotations');
    const annotations = { tags: ['baseline', 'émigré "q"'], starred: true, note: 'kept: lr 0.1' };
    const runs = plan.runs.map((run, i) => (i === 3 ? { ...run, annotations } : run));
    const outcome = await db.importRuns({ sweeps: [sweep], runs });
    expect(outcome.added[3]).toMatchObject(annotations);
    const stored = await db.allRuns();
    expect(stored[3]).toMatchObject({ id: 'cluster-a:000003', ...annotations });
    expect(stored[2]).toMatchObject({ tags: [], starred: false, note: '' });
    expect(await db.tags()).toEqual(['baseline', 'émigré "q"']);
  });

  it('adds nothing on a re-import, and keeps what a person attached to the runs', async () => {
    db = new LabDatabase('import-again');
    await db.importRuns({ sweeps: [sweep], runs: plan.runs.slice(0, 4) });
    await db.annotate(['cluster-a:000001'], () => ({ starred: true, note: 'best so far' }));
    const before = await everything(db);
    const again = await db.importRuns({ sweeps: [{ ...sweep, createdAt: 99 }], runs: plan.runs.slice(0, 4) });
    expect(again).toEqual({ added: [], alreadyStored: 4, conflicting: [] });
    expect(await everything(db)).toEqual(before);
    // The rest of the file goes in beside them, under the sweep's first time.
    const rest = await db.importRuns({ sweeps: [{ ...sweep, createdAt: 99 }], runs: plan.runs });
    expect(rest.added.map((run) => [run.id, run.createdAt])).toEqual([
      ['cluster-a:000004', 11],
      ['cluster-a:000005', 11],
    ]);
    expect(rest.alreadyStored).toBe(4);
    expect((await db.allRuns()).find((run) => run.id === 'cluster-a:000001')).toMatchObject({
      starred: true,
      note: 'best so far',
    });
  });

  it('refuses every run of a sweep whose id a stored sweep with another spec has, changing nothing', async () => {
    db = new LabDatabase('import-conflict');
    const local = { ...imported.spec, name: 'local', steps: 5 };
    const results = expandSweep('cluster-a', local).map((config) => executeRun(config));
    await db.storeResults({ started: [{ ...sweep, spec: local, name: 'local' }], results });
    const before = await everything(db);
    const outcome = await db.importRuns({ sweeps: [sweep], runs: plan.runs });
    expect(outcome).toEqual({ added: [], alreadyStored: 0, conflicting: ['cluster-a'] });
    expect(await everything(db)).toEqual(before);
  });
});
