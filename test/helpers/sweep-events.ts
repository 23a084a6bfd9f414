import type { CompactRunResult, SweepEvent } from '../../src-core/contract/types';
import { decodeCompactResults } from '../../src-core/run/result-batch';
import { expandSweepRange, runId } from '../../src-core/sweep/expand';

/** The results the events carry, one per run, read back with the specs their sweeps were announced with. */
export function resultsIn(events: readonly SweepEvent[], sweepId?: string): CompactRunResult[] {
  const specs = new Map(events.flatMap((e) => (e.type === 'sweep-started' ? [[e.sweepId, e.spec] as const] : [])));
  return events.flatMap((e) => {
    if (e.type !== 'results' || (sweepId !== undefined && e.sweepId !== sweepId)) return [];
    const spec = specs.get(e.sweepId);
    if (!spec) throw new Error(`results of ${e.sweepId} before its sweep-started event`);
    return decodeCompactResults(e.batch, [...expandSweepRange(e.sweepId, spec, e.batch.from, e.batch.to)]);
  });
}

/** The ids of the runs a results event carries, in order. */
export const runIdsIn = (event: Extract<SweepEvent, { type: 'results' }>): string[] =>
  Array.from({ length: event.batch.to - event.batch.from }, (_, i) => runId(event.sweepId, event.batch.from + i));
