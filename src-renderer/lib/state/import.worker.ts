/**
 * Reads and checks an imported file off the main thread (./import-messages: JSON.parse of a 100,000-run file and the
 * checks of every run take seconds) and posts what it found, chunk by chunk.
 */
import { errorMessage } from '../../../src-core/contract/result';
import { importMessages, type ImportMessage } from './import-messages';

self.onmessage = async (event: MessageEvent<File>) => {
  try {
    for await (const message of importMessages(event.data)) self.postMessage(message satisfies ImportMessage);
  } catch (error) {
    self.postMessage({
      type: 'refused',
      message: `The file could not be checked: ${errorMessage(error)}`,
    } satisfies ImportMessage);
  }
};
