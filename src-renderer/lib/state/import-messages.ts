/** What the import worker (./import.worker.ts) tells the Importer (./importer.svelte.ts), and in what sizes. */
import type { ImportedRun, ImportedSweep, ImportRefusal } from '../../../src-core/import/cli-json';

/** Runs per message from the worker and per transaction: a few hundred keep each well under a frame's time. */
export const IMPORT_CHUNK_RUNS = 500;

/** What the worker sends, in this order: a refusal of the whole file, or the plan, its runs in chunks, and the end. */
export type ImportMessage =
  | { type: 'refused'; message: string }
  | { type: 'plan'; sweeps: ImportedSweep[]; refusals: ImportRefusal[]; runCount: number }
  | { type: 'runs'; runs: ImportedRun[] }
  | { type: 'end' };
