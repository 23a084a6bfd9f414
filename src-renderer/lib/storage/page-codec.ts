/**
 * The records a page of runs and a page of traces are on disk, built from runs and traces and read back. Where a run
 * belongs (its page key) is ./run-pages; how a page's traces share one buffer is ./trace-storage.
 */
import { runAddress, type PageKey, type StoredPage } from './run-pages';
import { packTraces, unpackTraces, type PackedTrace } from './trace-storage';
import type { StoredRun, StoredTrace } from './records';

/** A page of runs; `tags` is every tag its runs have, once each, for the multi-entry index. */
export interface RunPage extends StoredPage<StoredRun> {
  tags: string[];
}

/** A page of traces: every column of its traces in one buffer (./trace-storage). */
export interface TracePage extends StoredPage<PackedTrace> {
  bytes: ArrayBuffer;
}

/** Where a run or a trace goes in its page (the order mergeEntries keeps). */
export const runIndex = (run: StoredRun): number => run.index;
export const traceIndex = (trace: { runId: string }): number => runAddress(trace.runId).index;
export const traceAddress = (trace: StoredTrace) => runAddress(trace.runId);
export const keyOf = ({ sweepId, page }: StoredPage<unknown>): PageKey => [sweepId, page];

export const runPage = ([sweepId, page]: PageKey, entries: StoredRun[]): RunPage => ({
  sweepId,
  page,
  entries,
  count: entries.length,
  tags: [...new Set(entries.flatMap((run) => run.tags))].sort(),
});

export function tracePage([sweepId, page]: PageKey, traces: StoredTrace[]): TracePage {
  const { traces: entries, bytes } = packTraces(traces);
  return { sweepId, page, entries, count: entries.length, bytes };
}

/** The traces of a stored page (none for a page not stored), as views of its buffer. */
export const tracesIn = (page: TracePage | undefined): StoredTrace[] =>
  page ? unpackTraces({ traces: page.entries, bytes: page.bytes }) : [];
