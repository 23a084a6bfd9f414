/**
 * The database's schema, version by version, and what each upgrade does to the records it finds: every version
 * ever released stays declared, so that Dexie can open a database any of them left. The record upgrades themselves
 * are pure functions (./migrations), tested on fixtures.
 *
 * Indexes: the views sort and filter every run in memory (RunList), so a page keeps only what a query needs: its key
 * (a sweep's pages are a key range), `*tags` (every tag in use, listed without reading runs) and `count` (what is
 * stored, counted without reading pages). v3's indexes on createdAt, status, final loss and lr served no query since
 * the views moved to memory, and cost an index entry per run on every write.
 */
import type { Dexie } from 'dexie';
import {
  runPageV5,
  upgradeRunPageV5,
  upgradeRunV1,
  upgradeRunV2,
  upgradeSpecV1,
  upgradeTraceV1,
  upgradeTraceV2,
  upgradeTracePageV4,
} from './migrations';
import { traceIndex, tracePage } from './page-codec';
import { groupByPage, mergeEntries, runAddress } from './run-pages';
import type { StoredRun, StoredSweep, StoredTrace } from './records';

/** Declares every version of the schema on `db`, with its upgrade from the one before. */
export function declareSchema(db: Dexie): void {
  db.version(1).stores({
    sweeps: 'id, createdAt, status',
    runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.lr',
    traces: 'runId',
  });
  // v2: the engine's configs (objective and optimizer as objects), summaries with tolerance and divergence cause,
  // bounded traces with their step numbers and the update column.
  db.version(2)
    .stores({ runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr' })
    .upgrade(async (tx) => {
      await tx
        .table('sweeps')
        .toCollection()
        .modify((sweep) => Object.assign(sweep, { spec: upgradeSpecV1(sweep.spec) }));
      await tx
        .table('runs')
        .toCollection()
        .modify((run) => Object.assign(run, upgradeRunV1(run)));
      await tx
        .table('traces')
        .toCollection()
        .modify((trace) => Object.assign(trace, upgradeTraceV1(trace)));
    });
  // v3: tags (a multi-entry index lists every tag in use), a star and a note on each run; trace columns in float32
  // where that is faithful (./trace-storage).
  db.version(3)
    .stores({ runs: 'id, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr, *tags' })
    .upgrade(async (tx) => {
      await tx
        .table('runs')
        .toCollection()
        .modify((run) => Object.assign(run, upgradeRunV2(run)));
      await tx
        .table('traces')
        .toCollection()
        .modify((trace, ref) => (ref.value = upgradeTraceV2(trace)));
    });
  // v4: runs and traces in pages; the record tables go once their records are copied. Traces a page at a time, so
  // that a large store is never all in memory.
  db.version(4)
    .stores({ runs: null, traces: null, runPages: '[sweepId+page], *tags, count', tracePages: '[sweepId+page], count' })
    .upgrade(async (tx) => {
      const runs: StoredRun[] = await tx.table('runs').toArray();
      // v4's pages held whole runs, as v6's upgrade reads them.
      await tx
        .table('runPages')
        .bulkAdd(groupByPage(runs, (run) => run).map(({ key, items }) => runPageV5(key, [...items.values()])));
      const traceIds = (await tx.table('traces').toCollection().primaryKeys()) as string[];
      for (const { key, items } of groupByPage(traceIds, runAddress)) {
        const traces: StoredTrace[] = await tx.table('traces').bulkGet([...items.values()]);
        await tx.table('tracePages').add(tracePage(key, mergeEntries([], traces, traceIndex)));
      }
    });
  // v5: the trace's gradient column holds the gradient each step used (what entered G); stored ones, which hold ∇f at
  // θ, are emptied (./migrations). No index changes.
  db.version(5)
    .stores({})
    .upgrade(async (tx) => {
      await tx
        .table('tracePages')
        .toCollection()
        .modify((page, ref) => (ref.value = upgradeTracePageV4(page)));
    });
  // v6: run pages hold columns and no configs (./page-codec); a page's record is rewritten in place, its key, tags
  // and count as they were. Within the upgrade's transaction: an upgrade that throws leaves v5 as it was.
  db.version(6)
    .stores({})
    .upgrade(async (tx) => {
      const specs = new Map(
        ((await tx.table('sweeps').toArray()) as StoredSweep[]).map((sweep) => [sweep.id, sweep.spec] as const),
      );
      await tx
        .table('runPages')
        .toCollection()
        .modify((page, ref) => (ref.value = upgradeRunPageV5(page, specs.get(page.sweepId))));
    });
}
