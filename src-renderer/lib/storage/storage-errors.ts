/**
 * Telling a full disk from other storage failures. IndexedDB reports a used-up quota as a QuotaExceededError, which
 * Dexie passes on in one of three shapes: as is, as the `inner` of the AbortError of the transaction it aborted
 * (Chromium, at commit), or among the `failures` of a BulkError (when a single write was refused).
 */
import { formatCount } from '../../../src-core/views/format';

interface ErrorShape {
  name?: unknown;
  inner?: unknown;
  failures?: unknown;
}

export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, inner, failures } = error as ErrorShape;
  if (name === 'QuotaExceededError') return true;
  if (inner !== undefined && isQuotaExceeded(inner)) return true;
  return Array.isArray(failures) && failures.some(isQuotaExceeded);
}

/** What to tell a person when results could not be stored for lack of space. */
export const storageFullMessage = (runs: number): string =>
  `Storage is full: ${formatCount(runs)} finished run${runs === 1 ? ' was' : 's were'} not stored, and nothing was half-written. ` +
  'The sweep is paused and its results are kept until they are stored. Delete runs or sweeps you no longer need, then press Retry.';
