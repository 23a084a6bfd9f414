/**
 * What the renderer stores, as the rest of the app sees it: sweeps, runs and traces (./trace-storage), never the
 * pages they are kept in (./page-codec). The repository that reads and writes them is ./db.
 */
import type { RunAnnotations } from '../../../src-core/contract/annotations';
import type { RunConfig, RunSummary, SweepSpec, SweepStatus } from '../../../src-core/contract/types';

export { activeSweepStatuses, isSweepActive } from '../../../src-core/contract/types';

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
  /**
   * Set (with status 'interrupted') when the sweep finished but fewer of its runs are stored than it has: some never
   * reached this store (acknowledged by another store of the same server's results). Resume computes the missing ones.
   */
  incomplete?: boolean;
}

/** What a person attaches to a run, checked by ../state/annotations before it is written. */
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

/**
 * A sweep moved on (queued → running → cancelling) or ended, written in the same transaction as the results before
 * it. A move never overrides an end (a replay after a reload can repeat an old move); an end always applies.
 */
export interface SweepStatusChange {
  sweepId: string;
  status: StoredSweepStatus;
  message?: string;
  /**
   * Set (with status 'interrupted') when the sweep finished but fewer of its runs are stored than it has: some never
   * reached this store (acknowledged by another store of the same server's results). Resume computes the missing ones.
   */
  incomplete?: boolean;
}
