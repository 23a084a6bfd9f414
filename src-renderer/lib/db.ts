/**
 * The renderer's store: every sweep, run and trace, in IndexedDB through Dexie.
 * Traces live in their own table so that lists of runs never read them.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { RunAnnotations } from '../../src-core/contract/annotations';
import type { RunConfig, RunResult, RunSummary, SweepSpec, SweepStatus } from '../../src-core/contract/types';
import { upgradeRunV1, upgradeRunV2, upgradeSpecV1, upgradeTraceV1, upgradeTraceV2 } from './migrations';
import { toStoredTrace, type StoredTrace } from './trace-storage';

export type { StoredColumn, StoredTrace } from './trace-storage';

/** 'interrupted': the app stopped while it ran; what was stored is kept and the rest can be resumed. */
export type StoredSweepStatus = SweepStatus | 'interrupted';

export interface StoredSweep {
  id: string;
  name: string;
  spec: SweepSpec;
  runCount: number;
  createdAt: number;
  status: StoredSweepStatus;
  message?: string;
}

/** What a person attaches to a run, checked by ./annotations before it is written. */
export type { RunAnnotations };

export interface StoredRun extends RunAnnotations {
  id: string;
  sweepId: string;
  index: number;
  /** The sweep's createdAt: lists show the newest sweep first. */
  createdAt: number;
  config: RunConfig;
  summary: RunSummary;
}

/** The statuses of a sweep the main process is still working on; one stored so that it does not know is interrupted. */
export const activeSweepStatuses: readonly StoredSweepStatus[] = ['queued', 'running', 'cancelling'];
export const isSweepActive = (status: StoredSweepStatus): boolean => activeSweepStatuses.includes(status);
const hasNotEnded = (status: StoredSweepStatus): boolean => status === 'interrupted' || activeSweepStatuses.includes(status);

/**
 * A sweep moved on (queued → running → cancelling) or ended, written in the same transaction as the results before
 * it. A move never overrides an end (a replay after a reload can repeat an old move); an end always applies.
 */
export interface SweepStatusChange {
  sweepId: string;
  status: StoredSweepStatus;
  message?: string;
}

/** What one transaction stores: see LabDatabase.storeResults. */
export interface ResultsWrite {
  started?: readonly StoredSweep[];
  results: readonly RunResult[];
  statuses?: readonly SweepStatusChange[];
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

/** Records per bulkPut inside a write (see storeResults). */
const PUT_CHUNK = 100;

const noAnnotations = (): RunAnnotations => ({ tags: [], starred: false, note: '' });

export class LabDatabase extends Dexie {
  sweeps!: EntityTable<StoredSweep, 'id'>;
  runs!: EntityTable<StoredRun, 'id'>;
  traces!: EntityTable<StoredTrace, 'runId'>;

  constructor(name = 'adagrad-lab') {
    // Relaxed: a write is acknowledged once the browser has it, without waiting for the disk to flush; a crash of the
    // whole machine can lose the last writes, which an interrupted sweep's Resume then computes again.
    super(name, { chromeTransactionDurability: 'relaxed' });
    this.version(1).stores({
      sweeps: 'id, createdAt, status',
      runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.lr',
      traces: 'runId',
    });
    // v2: the engine's configs (objective and optimizer as objects), summaries with tolerance and divergence cause,
    // bounded traces with their step numbers and the update column.
    this.version(2)
      .stores({ runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr' })
      .upgrade(async (tx) => {
        await tx.table('sweeps').toCollection().modify((sweep) => Object.assign(sweep, { spec: upgradeSpecV1(sweep.spec) }));
        await tx.table('runs').toCollection().modify((run) => Object.assign(run, upgradeRunV1(run)));
        await tx.table('traces').toCollection().modify((trace) => Object.assign(trace, upgradeTraceV1(trace)));
      });
    // v3: tags (a multi-entry index lists every tag in use), a star and a note on each run; trace columns in float32
    // where that is faithful (./trace-storage).
    this.version(3)
      .stores({ runs: 'id, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.optimizer.lr, *tags' })
      .upgrade(async (tx) => {
        await tx.table('runs').toCollection().modify((run) => Object.assign(run, upgradeRunV2(run)));
        await tx.table('traces').toCollection().modify((trace, ref) => (ref.value = upgradeTraceV2(trace)));
      });
  }

  /**
   * Stores one write: the sweeps announced (a replayed one keeps everything stored but a status that has not ended),
   * results, and the sweeps' moves and ends, in one transaction, so either all of it is stored or none of it. Storing a run again (a resend after a reload)
   * keeps what a person attached to it. Returns the runs as stored.
   */
  async storeResults({ started = [], results, statuses = [] }: ResultsWrite): Promise<StoredRun[]> {
    return this.transaction('rw', this.sweeps, this.runs, this.traces, async () => {
      const stored = new Map((await this.sweeps.bulkGet(started.map((s) => s.id))).flatMap((sweep) => (sweep ? [[sweep.id, sweep] as const] : [])));
      await this.sweeps.bulkAdd(started.filter((sweep) => !stored.has(sweep.id)));
      const replayed = started.filter((sweep) => stored.has(sweep.id)).map(({ id, status }): SweepStatusChange => ({ sweepId: id, status }));
      const sweeps = await this.sweeps.bulkGet([...new Set(results.map((r) => r.config.sweepId))]);
      const createdAt = new Map(sweeps.flatMap((sweep) => (sweep ? [[sweep.id, sweep.createdAt] as const] : [])));
      const annotations = await this.annotationsOf(results.map((r) => r.config.id));
      const runs = results.map(({ config, summary }): StoredRun => {
        const { tags, starred, note } = annotations.get(config.id) ?? noAnnotations();
        return { id: config.id, sweepId: config.sweepId, index: config.index, createdAt: createdAt.get(config.sweepId) ?? Date.now(), config, summary, tags, starred, note };
      });
      // In chunks, each awaited: the main thread serialises what it puts, so one long loop of puts would be one long task.
      // A chunk's runs and traces go together, one round trip to the database.
      for (let i = 0; i < results.length; i += PUT_CHUNK) {
        const traces = results.slice(i, i + PUT_CHUNK).map(({ config, trace }) => toStoredTrace(config.id, trace));
        await Promise.all([this.runs.bulkPut(runs.slice(i, i + PUT_CHUNK)), this.traces.bulkPut(traces)]);
      }
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
      return runs;
    });
  }

  /** Applies `change` to each of these runs in one transaction; returns the runs as stored now (missing ones skipped). */
  async annotate(runIds: readonly string[], change: (run: StoredRun) => Partial<RunAnnotations>): Promise<StoredRun[]> {
    return this.transaction('rw', this.runs, async () => {
      const runs = (await this.runs.bulkGet([...runIds])).flatMap((run) => (run ? [{ ...run, ...change(run) }] : []));
      await this.runs.bulkPut(runs);
      return runs;
    });
  }

  /** Deletes these runs and their traces in one transaction; returns what was deleted. */
  async deleteRuns(runIds: readonly string[]): Promise<Deletion> {
    return this.transaction('rw', this.sweeps, this.runs, this.traces, async () => {
      const ids = [...runIds];
      const deletion = await this.snapshot([], ids);
      await this.runs.bulkDelete(ids);
      await this.traces.bulkDelete(ids);
      return deletion;
    });
  }

  /** Deletes a sweep with all its runs and traces in one transaction; returns what was deleted. */
  async deleteSweep(sweepId: string): Promise<Deletion> {
    return this.transaction('rw', this.sweeps, this.runs, this.traces, async () => {
      const runIds = (await this.runs.where('sweepId').equals(sweepId).primaryKeys()) as string[];
      const deletion = await this.snapshot([sweepId], runIds);
      await this.sweeps.delete(sweepId);
      await this.runs.bulkDelete(runIds);
      await this.traces.bulkDelete(runIds);
      return deletion;
    });
  }

  /** Puts back exactly what a deletion removed, in one transaction. */
  async restore(deletion: Deletion): Promise<void> {
    await this.transaction('rw', this.sweeps, this.runs, this.traces, async () => {
      await this.sweeps.bulkPut(deletion.sweeps);
      await this.runs.bulkPut(deletion.runs);
      await this.traces.bulkPut(deletion.traces);
    });
  }

  async counts(): Promise<StoredCounts> {
    const [sweeps, runs, traces] = await Promise.all([this.sweeps.count(), this.runs.count(), this.traces.count()]);
    return { sweeps, runs, traces };
  }

  /**
   * The annotations of those of these runs that are stored already (a resend), read in one request: the ids of a
   * write are a few close ranges of one sweep, so the keys between the smallest and the largest are listed first and
   * only runs found there are read.
   */
  private async annotationsOf(runIds: readonly string[]): Promise<Map<string, RunAnnotations>> {
    if (runIds.length === 0) return new Map();
    const sorted = [...runIds].sort();
    const present = new Set((await this.runs.where(':id').between(sorted[0], sorted[sorted.length - 1], true, true).primaryKeys()) as string[]);
    const stored = await this.runs.bulkGet(runIds.filter((id) => present.has(id)));
    return new Map(stored.flatMap((run) => (run ? [[run.id, run] as const] : [])));
  }

  private async snapshot(sweepIds: string[], runIds: string[]): Promise<Deletion> {
    const [sweeps, runs, traces] = await Promise.all([this.sweeps.bulkGet(sweepIds), this.runs.bulkGet(runIds), this.traces.bulkGet(runIds)]);
    const present = <T>(records: (T | undefined)[]): T[] => records.filter((record): record is T => record !== undefined);
    return { sweeps: present(sweeps), runs: present(runs), traces: present(traces) };
  }
}
