/**
 * Reads and checks an imported file off the main thread (src-core/import: JSON.parse of a 100,000-run file and the
 * checks of every run take seconds), then hands the plan over in chunks, so that no message takes the window long
 * to receive: first the sweeps and refusals, then the runs IMPORT_CHUNK_RUNS at a time.
 */
import { errorMessage } from '../../../src-core/contract/result';
import { ImportLimits, parseImport, tooLargeMessage } from '../../../src-core/import/cli-json';
import { IMPORT_CHUNK_RUNS, type ImportMessage } from './import-messages';

const post = (message: ImportMessage): void => self.postMessage(message);

self.onmessage = async (event: MessageEvent<File>) => {
  const file = event.data;
  try {
    // Refused before reading: a larger file would be read whole only to be refused.
    if (file.size > ImportLimits.maxBytes) return post({ type: 'refused', message: tooLargeMessage(file.size) });
    const plan = parseImport(await file.text());
    if (!plan.ok) return post({ type: 'refused', message: plan.message });
    post({ type: 'plan', sweeps: plan.sweeps, refusals: plan.refusals, runCount: plan.runs.length });
    for (let from = 0; from < plan.runs.length; from += IMPORT_CHUNK_RUNS)
      post({ type: 'runs', runs: plan.runs.slice(from, from + IMPORT_CHUNK_RUNS) });
    post({ type: 'end' });
  } catch (error) {
    post({ type: 'refused', message: `The file could not be read: ${errorMessage(error)}` });
  }
};
