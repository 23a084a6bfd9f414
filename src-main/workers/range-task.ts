/**
 * A range of a sweep as a pool task: the validated spec and the indexes [from, to) of its runs. The worker expands
 * those runs itself (expandSweepRange: the same configs and ids as the whole expansion), so the main thread never
 * builds, holds or encodes a config; a spec is a few hundred bytes to clone, against ~1 µs a config to encode. When
 * asked, the worker also writes the batch's summary CSV rows (~4 µs a run that the main thread, which receives every
 * batch, no longer spends): from the summaries as the main thread decodes them, so the bytes are the same.
 */
import type { SweepSpec } from '../../src-core/contract/sweep-spec';
import type { ExportRun } from '../../src-core/contract/api';
import type { RunConfig } from '../../src-core/contract/types';
import { csvRows } from '../../src-core/export/csv';
import { summaryColumns } from '../../src-core/export/summary-table';
import { everyStepConfig } from '../../src-core/export/trace-table';
import { expandSweepRange } from '../../src-core/sweep/expand';
import { decodeSummaries, executeParts, PartBuffers } from '../../src-core/run/result-batch';
import type { EncodedResults } from './batch-codec';

export interface RangeTask {
  readonly sweepId: string;
  /** Validated (validateSweepSpec): the worker does not check it again. */
  readonly spec: SweepSpec;
  readonly from: number;
  readonly to: number;
  /** Runs computed with every step kept (everyStepConfig); the rows still show the configs as the sweep gives them. */
  readonly everyStep?: boolean;
  /** false: summaries only (executeBatch without traces). */
  readonly traces?: boolean;
  /** Traces narrowed to float32 where faithful, in the worker: the window's form (result-batch.ts). */
  readonly compact?: boolean;
  /**
   * Present: the results come back cut into parts that each end with the run that brings their traces to this many
   * bytes (splitBatch's cut), cut here so that the main process forwards each part as it is, copying nothing; each
   * trace is written straight into its part (executeParts).
   */
  readonly partBytes?: number;
  /** Present: the results carry the batch's summary CSV rows (csvRows over summaryColumns), with this sweep name. */
  readonly summaryRows?: { readonly sweepName: string };
  /**
   * Present: the parts' traces go into buffers this thread reuses (PartBuffers), and these are buffers of parts sent
   * before that nothing reads any more (the SweepService's `recycleParts`), transferred here for it to reuse.
   */
  readonly spent?: readonly ArrayBuffer[];
}

export const isRangeTask = (task: unknown): task is RangeTask =>
  typeof task === 'object' && task !== null && 'spec' in task;

/** The configs of a range task as the sweep gives them, and as they are computed (every step kept, or the same). */
export function rangeConfigs({ sweepId, spec, from, to, everyStep }: RangeTask): {
  configs: RunConfig[];
  computed: RunConfig[];
} {
  const configs = [...expandSweepRange(sweepId, spec, from, to)];
  return { configs, computed: everyStep ? Array.from(configs, everyStepConfig) : configs };
}

/** The parts' buffers handed back to this thread (RangeTask.spent). */
const partBuffers = new PartBuffers();

export function runRangeTask(task: RangeTask): EncodedResults {
  const traces = task.traces !== false;
  const { configs, computed } = rangeConfigs(task);
  const options = { traces, compact: task.compact === true };
  if (task.spent) partBuffers.give(task.spent);
  const memory = task.spent ? partBuffers : undefined;
  const parts = executeParts(computed, options, task.from, task.partBytes ?? Infinity, memory);
  if (!task.summaryRows) return { parts };
  const sweepName = task.summaryRows.sweepName;
  const summaries = parts.flatMap(decodeSummaries);
  // A loop, not a closure made per task (which V8 compiles more than once in every worker).
  const rows = new Array<ExportRun>(configs.length);
  for (let i = 0; i < configs.length; i++) rows[i] = { config: configs[i], summary: summaries[i], sweepName };
  return { parts, summaryCsv: [...csvRows(summaryColumns, rows)] };
}
