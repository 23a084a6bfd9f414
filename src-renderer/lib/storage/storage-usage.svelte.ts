/**
 * How much the lab stores: the origin's usage and quota as the browser estimates them (navigator.storage.estimate),
 * and the records by table. Refreshed after changes, at most once every `intervalMs`, since an estimate is not free.
 */
import { errorMessage } from '../../../src-core/contract/result';
import type { LabDatabase, StoredCounts } from './db';

export interface StorageReport {
  /** Bytes used and allowed; null where the browser gives no estimate. */
  usage: number | null;
  quota: number | null;
  counts: StoredCounts;
}

export class StorageUsage {
  report = $state.raw<StorageReport | null>(null);
  /** Why the last report could not be made, if it could not. */
  error = $state<string | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastRun = -Infinity;

  constructor(
    private readonly db: LabDatabase,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Asks for a fresh report soon (at once when the last was long enough ago). */
  refresh(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - this.now());
    this.timer = setTimeout(() => void this.measure(), wait);
  }

  /** Makes a report now; never rejects (a failure is kept in `error`). */
  async measure(): Promise<void> {
    this.timer = null;
    this.lastRun = this.now();
    try {
      const [estimate, counts] = await Promise.all([estimateStorage(), this.db.counts()]);
      this.report = { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, counts };
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

async function estimateStorage(): Promise<StorageEstimate | null> {
  return typeof navigator !== 'undefined' && navigator.storage?.estimate ? navigator.storage.estimate() : null;
}
