/**
 * The renderer's store: every sweep, run and trace, in IndexedDB through Dexie.
 * Traces live in their own table so that lists of runs never read them.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { RunConfig, RunResult, RunSummary, RunTrace, SweepSpec, SweepStatus } from '../../src-core/contract/types';
import { upgradeRunV1, upgradeSpecV1, upgradeTraceV1 } from './migrations';

/** 'interrupted': the app stopped while it ran; what was stored is kept and the rest can be resumed. */
export type StoredSweepStatus = SweepStatus | 'interrupted';

/** The statuses of a sweep the main process is still working on; one stored so that it does not know is interrupted. */
export const activeSweepStatuses: readonly StoredSweepStatus[] = ['queued', 'running', 'cancelling'];
const hasNotEnded = (status: StoredSweepStatus): boolean => status === 'interrupted' || activeSweepStatuses.includes(status);

export interface StoredSweep {
  id: string;
  name: string;
  spec: SweepSpec;
  runCount: number;
  createdAt: number;
  status: StoredSweepStatus;
  message?: string;
}

export interface StoredRun {
  id: string;
  sweepId: string;
  index: number;
  createdAt: number;
  config: RunConfig;
  summary: RunSummary;
}

export interface StoredTrace extends RunTrace {
  runId: string;
}

export class LabDatabase extends Dexie {
  sweeps!: EntityTable<StoredSweep, 'id'>;
  runs!: EntityTable<StoredRun, 'id'>;
  traces!: EntityTable<StoredTrace, 'runId'>;

  constructor(name = 'adagrad-lab') {
    super(name);
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
  }

  /**
   * Records a sweep the main process announced. A replay after a reload brings the status of a stored sweep that has
   * not ended up to date (queued → running, or interrupted → running when resumed); an ended sweep keeps its end, and
   * nothing else stored is touched.
   */
  async recordSweep(sweep: StoredSweep): Promise<void> {
    await this.transaction('rw', this.sweeps, async () => {
      const existing = await this.sweeps.get(sweep.id);
      if (!existing) await this.sweeps.add(sweep);
      else if (hasNotEnded(existing.status) && existing.status !== sweep.status) await this.sweeps.update(sweep.id, { status: sweep.status });
    });
  }

  /** Stores a batch of results in one transaction: either every run and trace of it is stored, or none is. */
  async storeResults(createdAt: number, results: readonly RunResult[]): Promise<void> {
    await this.transaction('rw', this.runs, this.traces, async () => {
      await this.runs.bulkPut(
        results.map(({ config, summary }) => ({ id: config.id, sweepId: config.sweepId, index: config.index, createdAt, config, summary })),
      );
      await this.traces.bulkPut(results.map(({ config, trace }) => ({ runId: config.id, ...trace })));
    });
  }

  async finishSweep(id: string, status: StoredSweepStatus, message?: string): Promise<void> {
    await this.sweeps.update(id, { status, ...(message ? { message } : {}) });
  }
}
