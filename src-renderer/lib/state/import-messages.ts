/**
 * What the import worker (./import.worker.ts) tells the Importer (./importer.svelte.ts), and in what sizes: a file read
 * and checked (src-core/import), then handed over in chunks, so that no message takes the window long to receive:
 * first the sweeps and refusals, then the runs IMPORT_CHUNK_RUNS at a time.
 */
import { errorMessage } from '../../../src-core/contract/result';
import {
  ImportLimits,
  parseImport,
  tooLargeMessage,
  type ImportedRun,
  type ImportedSweep,
  type ImportRefusal,
} from '../../../src-core/import/cli-json';

/** Runs per message from the worker and per transaction: a few hundred keep each well under a frame's time. */
export const IMPORT_CHUNK_RUNS = 500;

/** What the worker sends, in this order: a refusal of the whole file, or the plan, its runs in chunks, and the end. */
export type ImportMessage =
  | { type: 'refused'; message: string }
  | { type: 'plan'; sweeps: ImportedSweep[]; refusals: ImportRefusal[]; runCount: number }
  | { type: 'runs'; runs: ImportedRun[] }
  | { type: 'end' };

/** The messages of one file, in order (what the worker posts). */
export async function* importMessages(file: Blob): AsyncGenerator<ImportMessage> {
  // Refused before reading: a larger file would be read whole only to be refused.
  if (file.size > ImportLimits.maxBytes) return yield { type: 'refused', message: tooLargeMessage(file.size) };
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return yield { type: 'refused', message: `The file could not be read: ${errorMessage(error)}` };
  }
  const plan = parseImport(text);
  if (!plan.ok) return yield { type: 'refused', message: plan.message };
  yield { type: 'plan', sweeps: plan.sweeps, refusals: plan.refusals, runCount: plan.runs.length };
  for (let from = 0; from < plan.runs.length; from += IMPORT_CHUNK_RUNS)
    yield { type: 'runs', runs: plan.runs.slice(from, from + IMPORT_CHUNK_RUNS) };
  yield { type: 'end' };
}
