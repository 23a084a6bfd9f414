/**
 * Group commit for the main process's events. Results arrive in many small batches; storing each in its own
 * transaction would make IndexedDB's per-transaction cost the bound of a large sweep. So whatever has queued up while
 * the previous write ran is taken together and written in one transaction: the slower the disk, the larger the
 * writes, and a sweep's end is written with its last results. Order is kept: a group is a run of consecutive events.
 */
import type { SweepEvent, SweepProgress } from '../../../src-core/contract/types';
import type { ResultToStore } from '../storage/db';
import type { StoredSweep, SweepStatusChange } from '../storage/records';

/** An event as the window keeps it until stored: a batch of results read back into one result per run, named by place. */
export type InboxEvent =
  Exclude<SweepEvent, { type: 'results' }> | { type: 'results'; sweepId: string; results: ResultToStore[] };

export interface EventGroup {
  /** Sweeps announced, to record (a replayed one only brings a status that has not ended up to date). */
  started: StoredSweep[];
  results: ResultToStore[];
  /** Moves and ends of sweeps, in order. */
  statuses: SweepStatusChange[];
  /** The latest progress of each sweep in the group, applied once the group is stored. */
  progress: Map<string, SweepProgress>;
}

/**
 * Removes from the front of `queue` the events of one write, at least one event and at most `maxResults` results
 * (so that one transaction never holds the main thread long).
 */
export function takeGroup(queue: InboxEvent[], maxResults: number): EventGroup {
  const group: EventGroup = { started: [], results: [], statuses: [], progress: new Map() };
  while (queue.length > 0) {
    const event = queue[0];
    switch (event.type) {
      case 'sweep-started':
        group.started.push({
          id: event.sweepId,
          name: event.spec.name,
          spec: event.spec,
          runCount: event.runCount,
          createdAt: event.createdAt,
          status: event.status,
        });
        break;
      case 'results': {
        const room = maxResults - group.results.length;
        if (room <= 0) return group;
        // A large event (a resend after a reload holds every pending result) is split across writes.
        if (event.results.length > room) {
          group.results.push(...event.results.slice(0, room));
          queue[0] = { ...event, results: event.results.slice(room) };
          return group;
        }
        group.results.push(...event.results);
        break;
      }
      case 'progress':
        group.progress.set(event.sweepId, event.progress);
        break;
      case 'sweep-status':
        group.statuses.push({ sweepId: event.sweepId, status: event.status });
        break;
      case 'sweep-finished':
        group.statuses.push({
          sweepId: event.sweepId,
          status: event.status,
          ...(event.message ? { message: event.message } : {}),
        });
        break;
    }
    queue.shift();
  }
  return group;
}
