/**
 * The Importer against the import worker's own code run in process (importMessages) and a real IndexedDB
 * (fake-indexeddb): what it stores, what its report says, and that a refused file changes nothing.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import type { StoredRun } from '../../../src-renderer/lib/storage/records';
import { importMessages, type ImportMessage } from '../../../src-renderer/lib/state/import-messages';
import { Importer } from '../../../src-renderer/lib/state/importer.svelte';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep } from '../../../src-core/sweep/expand';
import { everything } from '../../helpers/database';

const fixtureText = readFileSync(join(import.meta.dirname, '../../fixtures/cli-sweep.json'), 'utf8');

/** The worker's side in this thread: the same messages, delivered as a worker delivers them. */
class InProcessWorker {
  onmessage: ((event: { data: ImportMessage }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  terminated = false;
  postMessage(file: File): void {
    void (async () => {
      for await (const message of importMessages(file)) this.onmessage?.({ data: message });
    })();
  }
  terminate(): void {
    this.terminated = true;
  }
}

let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

function importer(name: string) {
  db = new LabDatabase(name);
  const shown: StoredRun[][] = [];
  let ended = 0;
  const workers: InProcessWorker[] = [];
  const it = new Importer(
    db,
    { upsert: (runs) => shown.push([...runs]), stored: () => ended++ },
    () => {
      const worker = new InProcessWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
    () => 1234,
  );
  return { importer: it, shown, ended: () => ended, workers };
}

const fileOf = (text: string, name = 'cluster.json') => new File([text], name, { type: 'application/json' });

describe('Importer', () => {
  it('stores a CLI --json file’s sweep and runs, says so, and shows the runs once; a re-import adds nothing', async () => {
    const { importer: imp, shown, ended, workers } = importer('importer-adds');
    await imp.importFile(fileOf(fixtureText));
    expect(imp.report).toMatchObject({
      fileName: 'cluster.json',
      phase: 'done',
      runCount: 6,
      added: 6,
      alreadyStored: 0,
      refusals: [],
      message: null,
    });
    expect(shown.map((runs) => runs.length)).toEqual([6]);
    expect(ended()).toBe(1);
    expect(workers.every((worker) => worker.terminated)).toBe(true);
    expect(await db.sweeps.toArray()).toEqual([
      expect.objectContaining({
        id: 'cluster-a',
        name: 'cluster lr',
        runCount: 6,
        createdAt: 1234,
        status: 'completed',
      }),
    ]);
    expect((await db.allRuns()).map((run) => run.id)).toEqual(
      expandSweep('cluster-a', imp.report!.sweeps[0].spec).map((c) => c.id),
    );

    const before = await everything(db);
    await imp.importFile(fileOf(fixtureText));
    expect(imp.report).toMatchObject({ phase: 'done', added: 0, alreadyStored: 6, refusals: [] });
    expect(await everything(db)).toEqual(before);
  });

  it('stores the runs that pass, lists the refused ones, and leaves their sweep for Resume', async () => {
    const { importer: imp } = importer('importer-partial');
    const file = JSON.parse(fixtureText);
    file.runs[3].config.optimizer.lr = 2;
    await imp.importFile(fileOf(JSON.stringify(file)));
    expect(imp.report).toMatchObject({ phase: 'done', added: 5, alreadyStored: 0 });
    expect(imp.report!.refusals).toEqual([
      {
        record: 'run cluster-a:000003',
        message:
          'runs.3.config.optimizer.lr: 2 is not what its sweep’s spec gives run 3 (0.1), so the run cannot belong to that sweep',
      },
    ]);
    expect(await db.sweeps.get('cluster-a')).toMatchObject({
      status: 'cancelled',
      message: 'Imported 5 of its 6 runs from cluster.json; the others were refused. Resume computes them.',
    });
  });

  it('changes nothing for a refused file, and says why', async () => {
    const { importer: imp, shown } = importer('importer-refused');
    const spec = JSON.parse(fixtureText).spec;
    const results = expandSweep('kept', spec).map((config) => executeRun(config));
    await db.storeResults({
      started: [{ id: 'kept', name: 'kept', spec, runCount: 6, createdAt: 1, status: 'completed' }],
      results,
    });
    const before = await everything(db);
    await imp.importFile(fileOf('run_id,sweep_id,sweep_name,objective\r\ncli:000000,cli,cli,x²\r\n', 'runs.csv'));
    expect(imp.report).toMatchObject({ fileName: 'runs.csv', phase: 'refused', added: 0 });
    expect(imp.report!.message).toMatch(/^This is the app’s summary CSV export: it cannot be imported/);
    expect(shown).toEqual([[]]);
    expect(await everything(db)).toEqual(before);
  });

  it('refuses the runs of a sweep whose id is stored with another spec, naming the sweep and how many', async () => {
    const { importer: imp } = importer('importer-conflict');
    const spec = { ...JSON.parse(fixtureText).spec, steps: 5 };
    const results = expandSweep('cluster-a', spec).map((config) => executeRun(config));
    await db.storeResults({
      started: [{ id: 'cluster-a', name: 'local', spec, runCount: 6, createdAt: 1, status: 'completed' }],
      results,
    });
    const before = await everything(db);
    await imp.importFile(fileOf(fixtureText));
    expect(imp.report).toMatchObject({ phase: 'done', added: 0, alreadyStored: 0 });
    expect(imp.report!.refusals).toEqual([
      {
        record: 'sweep cluster-a',
        message:
          'sweepId: "cluster-a" is the id of a stored sweep with another spec, so its 6 runs in this file were refused (must be an id not stored yet: run the command line with --sweep-id NAME)',
      },
    ]);
    expect(await everything(db)).toEqual(before);
  });
});
