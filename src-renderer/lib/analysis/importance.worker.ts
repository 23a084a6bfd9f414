/**
 * Computes a sweep's parameter importance off the main thread (64 trees on 10,000 runs take a second or two) and
 * reports each tree as it is done. One request at a time: the client terminates the worker to cancel one.
 */
import { parameterImportance } from '../../../src-core/analysis/importance';
import type { ImportanceReply, ImportanceRequest } from './importance.svelte';

self.onmessage = (event: MessageEvent<ImportanceRequest>) => {
  const { id, runs, specs, target } = event.data;
  const post = (reply: ImportanceReply) => self.postMessage(reply);
  const outcome = parameterImportance(runs, specs, target, (done) => post({ id, kind: 'progress', done }));
  post({ id, kind: 'done', outcome });
};
