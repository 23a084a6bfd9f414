/**
 * The renderer's store: every sweep, run and trace, in IndexedDB through Dexie, and the operations on them.
 *
 * Runs and traces are stored in pages (./run-pages: a sweep's runs floor(index / PAGE_SIZE) in one record; the
 * records themselves: ./page-codec), because IndexedDB's cost is per record: a sweep of 10,000 runs is 100 run
 * records and 100 trace records, not 20,000. Pages are this module's business: the rest of the app sees runs and
 * traces (./records: StoredRun, StoredTrace), never a page. Traces have pages of their own so that listing runs never
 * reads them. The tables, their indexes and every upgrade are declared in ./schema.
 */
import { Dexie, type EntityTable, type Table } from 'dexie';
import type { CompactRunResult, RunConfig, SweepSpec } from '../../../src-core/contract/types';
import type { ImportedRun } from '../../../src-core/import/cli-json';
import { firstDifference } from '../../../src-core/import/first-difference';
import { runId } from '../../../src-core/sweep/expand';
import {
  encodeRunPage,
  keyOf,
  rowIndex,
  rowOf,
  RunPageReader,
  rowsOf,
  specConfigs,
  traceAddress,
  traceIndex,
  tracePage,
  tracesIn,
  type PageRow,
  type RunPage,
  type TracePage,
} from './page-codec';
import {
  isSweepActive,
  type RunAnnotations,
  type StoredRun,
  type StoredSweep,
  type StoredSweepStatus,
  type StoredTrace,
  type SweepStatusChange,
} from './records';
import { groupByPage, mergeEntries, PAGE_SIZE, runAddress, type PageKey } from './run-pages';
import { declareSchema } from './schema';
import type { StoredColumns } from './stored-read';
import { ownTrace } from './trace-storage';
import { transientReadRetries } from './transient-reads';

const hasNotEnded = (status: StoredSweepStatus): boolean => status === 'interrupted' || isSweepActive(status);

/**
 * What storing a result needs of its run's config: its place. The rest is its sweep's spec's at that index, which a
 * run page does not keep (./page-codec), so the window never expands the configs of the results it stores.
 */
export type RunPlace = Pick<RunConfig, 'id' | 'sweepId' | 'index'>;

/** A run's result as it is stored: its run named by its place (a CompactRunResult, its config whole, is one too). */
export interface ResultToStore extends Omit<CompactRunResult, 'config'> {
  config: RunPlace;
}

/** What one transaction stores: see LabDatabase.storeResults. */
export interface ResultsWrite {
  started?: readonly StoredSweep[];
  results: readonly ResultToStore[];
  statuses?: readonly SweepStatusChange[];
  /**
   * The spec of a sweep whose results come while it is neither stored nor announced in this write (it was deleted
   * meanwhile): its runs' configs are then kept on their page, as this spec gives them.
   */
  specOf?: (sweepId: string) => SweepSpec | undefined;
}

/** Exactly what a deletion removed, so that undo can put it back. */
export interface Deletion {
  sweeps: StoredSweep[];
  runs: StoredRun[];
  traces: StoredTrace[];
}

export interface StoredCounts {
  sweeps: number;
  runs: number;
  traces: number;
}

/** A page of runs and its page of traces, built only when they are put (see putPages); either may be absent. */
type PageWrite = () => [RunPage | null, TracePage | null];

/** The specs of these sweeps, by id (those not stored left out). */
const specsOf = (sweeps: readonly (StoredSweep | undefined)[]): Map<string, SweepSpec> =>
  new Map(sweeps.flatMap((sweep) => (sweep ? [[sweep.id, sweep.spec] as const] : [])));

/**
 * The configs of a sweep's runs at these indexes, as its spec gives them: what a page keeps of runs whose sweep is not
 * stored. Without the spec they cannot be stored (their runs could never be read back whole): an error says so.
 */
function ownConfigs(sweepId: string, indexes: readonly number[], spec: SweepSpec | undefined): Map<number, RunConfig> {
  const configs = specConfigs(sweepId, spec, Math.min(...indexes), Math.max(...indexes));
  const missing = indexes.find((index) => !configs.has(index));
  if (missing !== undefined)
    throw new Error(
      `Results of sweep ${sweepId} cannot be stored: the sweep is not stored and its spec, which gives run ${missing}'s config, is not known`,
    );
  return configs;
}

/** Every page of one sweep: a range of the [sweepId, page] keys. */
const pagesOfSweep = <P>(table: Table<P, PageKey>, sweepId: string) =>
  table.where(':id').between([sweepId, Dexie.minKey], [sweepId, Dexie.maxKey], true, true);

export class LabDatabase extends Dexie {
  sweeps!: EntityTable<StoredSweep, 'id'>;
  runPages!: Table<RunPage, PageKey>;
  tracePages!: Table<TracePage, PageKey>;

  constructor(name = 'adagrad-lab') {
    // Relaxed: a write is acknowledged once the browser has it, without waiting for the disk to flush; a crash of the
    // whole machine can lose the last writes, which an interrupted sweep's Resume then computes again.
    // No cache: Dexie's query cache serves live queries, and the app's only one is on the handful of sweeps.
    super(name, { chromeTransactionDurability: 'relaxed', cache: 'disabled' });
    declareSchema(this);
    this.use(transientReadRetries);
  }

  /**
   * Stores one write: the sweeps announced (a replayed one keeps everything stored but a status that has not ended),
   * results, and the sweeps' moves and ends, in one transaction, so either all of it is stored or none of it. Storing
   * a run again (a resend after a reload) keeps what a person attached to it. Returns the run pages as written (every
   * run they hold, the stored ones besides the results): what the runs list reads them from (RunList.upsertPages).
   *
   * A result names its run by place only (ResultToStore): when its sweep is stored, or announced in this write, the
   * sweep's spec gives its config back, so none is stored; otherwise (a sweep deleted while its results came) the
   * configs are expanded from `specOf`'s spec and kept on the page. A page is merged with what it holds: every
   * run page the write touches is read (it holds the annotations to keep), a trace page only when the write does not
   * fill it. Writes come whole pages at a time (./page-assembly), so that is rare: a resumed or slow sweep's, and a
   * sweep's last page.
   */
  async storeResults({ started = [], results, statuses = [], specOf }: ResultsWrite): Promise<RunPage[]> {
    return this.transaction('rw', this.sweeps, this.runPages, this.tracePages, async () => {
      const groups = groupByPage(results, ({ config }) => config);
      const partial = groups.filter((group) => group.items.size < PAGE_SIZE);
      const [known, sweeps, storedRunPages, storedTracePages] = await Promise.all([
        this.sweeps.bulkGet(started.map((s) => s.id)),
        this.sweeps.bulkGet([...new Set(groups.map((group) => group.key[0]))]),
        this.runPages.bulkGet(groups.map((group) => group.key)),
        this.tracePages.bulkGet(partial.map((group) => group.key)),
      ]);
      const stored = new Set(known.flatMap((sweep) => (sweep ? [sweep.id] : [])));
      // A sweep may be announced twice in one write (its start, then a replay of it): it is added once, as first
      // announced, and every other announcement is a move to the status it gives (never over an end).
      const firstOf = new Map<string, StoredSweep>();
      for (const sweep of started) if (!firstOf.has(sweep.id)) firstOf.set(sweep.id, sweep);
      const added = new Set([...firstOf.values()].filter((sweep) => !stored.has(sweep.id)));
      await this.sweeps.bulkAdd([...added]);
      const replayed = started
        .filter((sweep) => !added.has(sweep))
        .map(({ id, status }): SweepStatusChange => ({ sweepId: id, status }));
      // A sweep announced in this write is not stored yet: its time is the announcement's (a stored one's wins).
      const createdAt = new Map(
        [...started, ...sweeps.flatMap((sweep) => sweep ?? [])].map((sweep) => [sweep.id, sweep.createdAt] as const),
      );
      const storedTraces = new Map(partial.map((group, i) => [group, tracesIn(storedTracePages[i])] as const));
      const written: RunPage[] = [];
      await this.putPages(
        groups.map((group, i): PageWrite => () => {
          const [sweepId] = group.key;
          const time = createdAt.get(sweepId) ?? Date.now();
          const own = createdAt.has(sweepId) ? null : ownConfigs(sweepId, [...group.items.keys()], specOf?.(sweepId));
          const before = storedRunPages[i] && new RunPageReader(storedRunPages[i]);
          const annotations = new Map(before?.page.annotations);
          const incoming = [...group.items.values()].map(({ config, summary }): PageRow => ({
            index: config.index,
            createdAt: time,
            summary,
            annotations: annotations.get(config.index) ?? null,
            config: own?.get(config.index) ?? null,
            id: config.id === runId(sweepId, config.index) ? null : config.id,
          }));
          const runs = encodeRunPage(group.key, before ? mergeEntries(before.rows(), incoming, rowIndex) : incoming);
          written.push(runs);
          const traces = mergeEntries(
            storedTraces.get(group) ?? [],
            [...group.items.values()].map((r): StoredTrace => ({ runId: r.config.id, ...r.trace })),
            traceIndex,
          );
          return [runs, tracePage(group.key, traces)];
        }),
      );
      for (const { sweepId, status, message } of [...replayed, ...statuses]) {
        const ends = !hasNotEnded(status);
        const change = { status, ...(message ? { message } : {}) };
        await this.sweeps
          .where('id')
          .equals(sweepId)
          .modify((sweep) => {
            if (ends || hasNotEnded(sweep.status)) Object.assign(sweep, change);
          });
      }
      return written;
    });
  }

  /**
   * Every run page, and every sweep, read in one transaction: the runs list reads the columns (RunList.load) from
   * here when the page's own start-up read (./stored-read) had none to give.
   */
  async runColumns(): Promise<StoredColumns> {
    return this.transaction('r', this.sweeps, this.runPages, async () => {
      const [sweeps, pages] = await Promise.all([this.sweeps.toArray(), this.runPages.toArray()]);
      return { sweeps, pages };
    });
  }

  /** Every stored run, each a whole StoredRun (the order is the pages'). */
  async allRuns(): Promise<StoredRun[]> {
    const { sweeps, pages } = await this.runColumns();
    const specs = specsOf(sweeps);
    return pages.flatMap((page) => new RunPageReader(page).runs(specs.get(page.sweepId)));
  }

  /** The ids of the runs of one sweep that are stored. */
  async runIdsOf(sweepId: string): Promise<string[]> {
    return (await pagesOfSweep(this.runPages, sweepId).toArray()).flatMap((page) => {
      const reader = new RunPageReader(page);
      return Array.from({ length: reader.count }, (_, r) => reader.id(r));
    });
  }

  /** How many runs of one sweep are stored, from the pages' count index (keys only: no page is read). */
  async storedRunCount(sweepId: string): Promise<number> {
    let stored = 0;
    await this.runPages.orderBy('count').eachKey((count, cursor) => {
      if ((cursor.primaryKey as PageKey)[0] === sweepId) stored += count as number;
    });
    return stored;
  }

  /** Every tag in use, from the tags index, without reading runs. */
  async tags(): Promise<string[]> {
    return (await this.runPages.orderBy('tags').uniqueKeys()) as string[];
  }

  /** The traces of these runs, in this order (undefined where none is stored): each read from its page, and copied out of it. */
  async traces(runIds: readonly string[]): Promise<(StoredTrace | undefined)[]> {
    const wanted = new Set(runIds);
    const pages = await this.pagesHolding(this.tracePages, runIds);
    const byId = new Map(
      pages
        .flatMap(tracesIn)
        .flatMap((trace) => (wanted.has(trace.runId) ? [[trace.runId, ownTrace(trace)] as const] : [])),
    );
    return runIds.map((id) => byId.get(id));
  }

  /** Applies `change` to each of these runs in one transaction; returns the runs as stored now (missing ones skipped). */
  async annotate(runIds: readonly string[], change: (run: StoredRun) => Partial<RunAnnotations>): Promise<StoredRun[]> {
    return this.transaction('rw', this.sweeps, this.runPages, async () => {
      const wanted = new Set(runIds);
      const pages = await this.pagesHolding(this.runPages, runIds);
      const specs = await this.specsOfPages(pages);
      const changed = new Map<string, StoredRun>();
      const edited = pages.map((page) => {
        const reader = new RunPageReader(page);
        const derived = specConfigs(page.sweepId, specs.get(page.sweepId), ...reader.span());
        const rows = reader.rows().map((row, r) => {
          const id = reader.id(r);
          if (!wanted.has(id)) return row;
          const run = { ...reader.run(r, derived) };
          Object.assign(run, change(run));
          changed.set(id, run);
          return rowOf(run, derived.get(run.index));
        });
        return encodeRunPage(keyOf(page), rows);
      });
      await this.runPages.bulkPut(edited);
      return runIds.flatMap((id) => changed.get(id) ?? []);
    });
  }

  /** Deletes these runs and their traces in one transaction; returns what was deleted. */
  async deleteRuns(runIds: readonly string[]): Promise<Deletion> {
    return this.transaction('rw', this.sweeps, this.runPages, this.tracePages, async () => {
      const gone = new Set(runIds);
      const [runPages, tracePages] = await Promise.all([
        this.pagesHolding(this.runPages, runIds),
        this.pagesHolding(this.tracePages, runIds),
      ]);
      const specs = await this.specsOfPages(runPages);
      const isGone = (id: string) => gone.has(id);
      const deleted: StoredRun[] = [];
      const kept = runPages.map((page) => {
        const reader = new RunPageReader(page);
        const derived = specConfigs(page.sweepId, specs.get(page.sweepId), ...reader.span());
        const rows = reader
          .rows()
          .filter((_, r) => !isGone(reader.id(r)) || (deleted.push(reader.run(r, derived)), false));
        return encodeRunPage(keyOf(page), rows);
      });
      await Promise.all([
        this.replacePages(this.runPages, kept),
        this.replacePages(
          this.tracePages,
          tracePages.map((page) =>
            tracePage(
              keyOf(page),
              tracesIn(page).filter((trace) => !isGone(trace.runId)),
            ),
          ),
        ),
      ]);
      return {
        sweeps: [],
        runs: deleted,
        traces: tracePages.flatMap(tracesIn).filter((trace) => isGone(trace.runId)),
      };
    });
  }

  /** Deletes a sweep with all its runs and traces in one transaction; returns what was deleted. */
  async deleteSweep(sweepId: string): Promise<Deletion> {
    return this.transaction('rw', this.sweeps, this.runPages, this.tracePages, async () => {
      const [sweep, runPages, tracePages] = await Promise.all([
        this.sweeps.get(sweepId),
        pagesOfSweep(this.runPages, sweepId).toArray(),
        pagesOfSweep(this.tracePages, sweepId).toArray(),
      ]);
      // Read whole before the sweep (whose spec gives their configs) goes.
      const runs = runPages.flatMap((page) => new RunPageReader(page).runs(sweep?.spec));
      await Promise.all([
        this.sweeps.delete(sweepId),
        pagesOfSweep(this.runPages, sweepId).delete(),
        pagesOfSweep(this.tracePages, sweepId).delete(),
      ]);
      return { sweeps: sweep ? [sweep] : [], runs, traces: tracePages.flatMap(tracesIn) };
    });
  }

  /** Puts back exactly what a deletion removed, in one transaction. */
  async restore(deletion: Deletion): Promise<void> {
    await this.transaction('rw', this.sweeps, this.runPages, this.tracePages, async () => {
      const runGroups = groupByPage(deletion.runs, (run) => run);
      const traceGroups = groupByPage(deletion.traces, traceAddress);
      await this.sweeps.bulkPut(deletion.sweeps);
      const [runPages, tracePages, sweeps] = await Promise.all([
        this.runPages.bulkGet(runGroups.map((g) => g.key)),
        this.tracePages.bulkGet(traceGroups.map((g) => g.key)),
        this.sweeps.bulkGet([...new Set(runGroups.map((g) => g.key[0]))]),
      ]);
      const specs = specsOf(sweeps);
      await this.putPages([
        ...runGroups.map(({ key, items }, i): PageWrite => () => {
          const rows = rowsOf(key, [...items.values()], specs.get(key[0]));
          const before = runPages[i] ? new RunPageReader(runPages[i]).rows() : [];
          return [encodeRunPage(key, mergeEntries(before, rows, rowIndex)), null];
        }),
        ...traceGroups.map(({ key, items }, i): PageWrite => () => [
          null,
          tracePage(key, mergeEntries(tracesIn(tracePages[i]), items.values(), traceIndex)),
        ]),
      ]);
    });
  }

  /** What is stored, counted from the pages' count index. */
  async counts(): Promise<StoredCounts> {
    const total = async <P>(table: Table<P, PageKey>) =>
      ((await table.orderBy('count').keys()) as number[]).reduce((sum, n) => sum + n, 0);
    const [sweeps, runs, traces] = await Promise.all([
      this.sweeps.count(),
      total(this.runPages),
      total(this.tracePages),
    ]);
    return { sweeps, runs, traces };
  }

  /** The specs of the sweeps these pages belong to. */
  private async specsOfPages(pages: readonly RunPage[]): Promise<Map<string, SweepSpec>> {
    return specsOf(await this.sweeps.bulkGet([...new Set(pages.map((page) => page.sweepId))]));
  }

  /** The stored pages that hold any of these runs. */
  private async pagesHolding<P extends { count: number }>(
    table: Table<P, PageKey>,
    runIds: readonly string[],
  ): Promise<P[]> {
    const pages = await table.bulkGet(groupByPage(runIds, runAddress).map((group) => group.key));
    return pages.filter((page): page is P => page !== undefined);
  }

  /** Writes pages back after entries were taken out: an emptied page is deleted. */
  private async replacePages<P extends { sweepId: string; page: number; count: number }>(
    table: Table<P, PageKey>,
    pages: P[],
  ): Promise<void> {
    await Promise.all([
      table.bulkPut(pages.filter((page) => page.count > 0)),
      table.bulkDelete(pages.filter((page) => page.count === 0).map(keyOf)),
    ]);
  }

  /**
   * Builds and puts pages one pair at a time, each awaited: the main thread packs a page of traces and serialises
   * every page it puts, so one loop over a write's pages would be one long task. A page's runs and traces go in one
   * round trip.
   */
  private async putPages(writes: readonly PageWrite[]): Promise<void> {
    for (const build of writes) {
      const [runs, traces] = build();
      await Promise.all([runs && this.runPages.put(runs), traces && this.tracePages.put(traces)]);
    }
  }

  /**
   * Stores imported runs (src-core/import) in one transaction, adding only what is not stored: a sweep not stored is
   * added as given; one stored under the same id with the same spec keeps its record; one with another spec is left
   * alone with every run of it refused (`conflicting`). A run whose id is stored already is kept exactly as it is (its
   * annotations, its trace), so a re-import adds nothing. Imported runs come without traces: the charts recompute a
   * missing trace from the run's config (../charts/recomputed-traces). No trace page is written. An imported run's
   * config is its spec's at its index (src-core/import checks it), so it is not stored; one that differs in any bit
   * (the import compares −0 and 0 as JSON does) is kept whole.
   */
  async importRuns({ sweeps, runs }: ImportWrite): Promise<ImportOutcome> {
    return this.transaction('rw', this.sweeps, this.runPages, async () => {
      const stored = await this.sweeps.bulkGet(sweeps.map((sweep) => sweep.id));
      const conflicting = new Set<string>();
      const kept = new Map<string, StoredSweep>();
      for (const [i, sweep] of sweeps.entries()) {
        const had = stored[i];
        if (had && firstDifference(had.spec, sweep.spec)) conflicting.add(sweep.id);
        else kept.set(sweep.id, had ?? sweep);
      }
      await this.sweeps.bulkAdd(sweeps.filter((_, i) => !stored[i]));
      const groups = groupByPage(
        runs.filter((run) => !conflicting.has(run.config.sweepId)),
        (run) => run.config,
      );
      const pages = await this.runPages.bulkGet(groups.map((group) => group.key));
      const added: StoredRun[] = [];
      let alreadyStored = 0;
      const writes: RunPage[] = [];
      for (const [i, group] of groups.entries()) {
        const [sweepId] = group.key;
        const before = pages[i] ? new RunPageReader(pages[i]).rows() : [];
        const had = new Set(before.map(rowIndex));
        const fresh = [...group.items.values()]
          .filter(({ config }) => !had.has(config.index))
          .map(({ config, summary, annotations }): StoredRun => ({
            id: config.id,
            sweepId,
            index: config.index,
            createdAt: kept.get(sweepId)?.createdAt ?? Date.now(),
            config,
            summary,
            // What a person attached to the run, as the app's Runs JSON carries it; none from the command line.
            tags: annotations ? [...annotations.tags] : [],
            starred: annotations?.starred ?? false,
            note: annotations?.note ?? '',
          }));
        alreadyStored += group.items.size - fresh.length;
        if (fresh.length === 0) continue;
        added.push(...fresh);
        const rows = rowsOf(group.key, fresh, kept.get(sweepId)?.spec);
        writes.push(encodeRunPage(group.key, mergeEntries(before, rows, rowIndex)));
      }
      await this.runPages.bulkPut(writes);
      return { added, alreadyStored, conflicting: [...conflicting] };
    });
  }
}

/** What one import transaction stores: see LabDatabase.importRuns. */
export interface ImportWrite {
  /** The sweeps the runs belong to, as they are to be added when not stored yet. */
  sweeps: readonly StoredSweep[];
  runs: readonly ImportedRun[];
}

/** What an import transaction did. */
export interface ImportOutcome {
  /** The runs added, as stored. */
  added: StoredRun[];
  /** How many of the runs were stored already (by id): left exactly as they were. */
  alreadyStored: number;
  /** Sweeps stored already under the same id with another spec: none of their runs was added. */
  conflicting: string[];
}
