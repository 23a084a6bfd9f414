/** ChartedSelection: the charted runs' traces, stored ones read, missing ones (imported runs) recomputed. */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src-core/contract/types';
import { parseImport } from '../../../src-core/import/cli-json';
import { compactTrace } from '../../../src-core/run/compact-trace';
import { executeRun } from '../../../src-core/run/execute';
import { computeTraces } from '../../../src-renderer/lib/charts/recomputed-traces';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { ChartedSelection } from '../../../src-renderer/lib/state/selection.svelte';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import { adagradRun } from '../../helpers/configs';

const plan = parseImport(readFileSync(join(import.meta.dirname, '../../fixtures/cli-sweep.json'), 'utf8'));
if (!plan.ok) throw new Error(plan.message);
const [imported] = plan.sweeps;

let db: LabDatabase;
afterEach(async () => {
  await db.delete();
});

describe('ChartedSelection', () => {
  it('recomputes the trace of a run stored without one, exactly as a local run of its config keeps it', async () => {
    db = new LabDatabase('selection-recompute');
    const sweep = {
      id: imported.id,
      name: 'x',
      spec: imported.spec,
      runCount: 6,
      createdAt: 1,
      status: 'completed' as const,
    };
    const { added } = await db.importRuns({ sweeps: [sweep], runs: plan.runs });
    // A local run beside it, with its trace stored.
    const local = executeRun({ ...plan.runs[0].config, id: 'local:000000', sweepId: 'local' });
    const written = await db.storeResults({
      started: [{ ...sweep, id: 'local', runCount: 1 }],
      results: [local],
    });
    const runList = new RunList();
    runList.upsert(added);
    runList.upsertPages(written, () => sweep.spec);
    runList.flush();
    const asked: string[][] = [];
    const selection = new ChartedSelection(runList, db, async (configs: readonly RunConfig[]) => {
      asked.push(configs.map((config) => config.id));
      return computeTraces(configs);
    });

    await selection.replace(['cluster-a:000001', 'local:000000', 'cluster-a:000002']);
    // Only the runs without a stored trace are recomputed.
    expect(asked).toEqual([['cluster-a:000001', 'cluster-a:000002']]);
    expect([...selection.traces.keys()].sort()).toEqual(['cluster-a:000001', 'cluster-a:000002', 'local:000000']);
    for (const id of ['cluster-a:000001', 'cluster-a:000002']) {
      const config = plan.runs.find((run) => run.config.id === id)!.config;
      expect(selection.traces.get(id)).toEqual({ runId: id, ...compactTrace(executeRun(config).trace) });
    }
    // The diverged run (lr 1e300) stops at step 1, its loss infinite there.
    const diverged = selection.traces.get('cluster-a:000002')!;
    expect([...diverged.steps]).toEqual([0, 1]);
    expect(diverged.loss[1]).toBe(Infinity);
  });

  it('loads the traces of the first 10 selected runs, of up to 200 while grouped, and keeps only the newest load', async () => {
    db = new LabDatabase('selection-grouped');
    const results = Array.from({ length: 12 }, (_, i) =>
      executeRun(
        adagradRun({ lr: 0.1 * (i + 1) }, { id: `g:${String(i).padStart(6, '0')}`, sweepId: 'g', index: i, steps: 5 }),
      ),
    );
    const sweep = { id: 'g', name: 'g', spec: imported.spec, runCount: 12, createdAt: 1, status: 'completed' as const };
    const written = await db.storeResults({ started: [sweep], results });
    const runList = new RunList();
    runList.upsertPages(written, () => sweep.spec);
    runList.flush();
    const selection = new ChartedSelection(runList, db);
    const ids = results.map((r) => r.config.id);

    await selection.replace(ids);
    expect([...selection.traces.keys()]).toEqual(ids.slice(0, 10));
    await selection.chartFirst(12);
    expect([...selection.traces.keys()]).toEqual(ids);
    // A newer selection wins over a load begun before it for more runs.
    const grouped = selection.chartFirst(200);
    const narrowed = selection.replace(ids.slice(0, 2));
    await Promise.all([grouped, narrowed]);
    expect([...selection.traces.keys()]).toEqual(ids.slice(0, 2));
    await selection.chartFirst(1);
    await selection.replace(ids);
    expect([...selection.traces.keys()]).toEqual(ids.slice(0, 10));
  });
});
