/**
 * Recomputes the traces of runs stored without one (imported runs: the command line's --json has none), off the main
 * thread, with the engine that computed them in the first place (executeBatch, the pool's own), so the curves are the
 * ones a local sweep of the same configs stores. The columns come back by transfer, compacted as stored ones are.
 */
import { errorMessage } from '../../../src-core/contract/result';
import type { RunConfig } from '../../../src-core/contract/types';
import { compactTrace } from '../../../src-core/run/compact-trace';
import { executeBatch, transferablesOf } from '../../../src-core/run/execute';
import type { TraceReply } from './recomputed-traces';

self.onmessage = (event: MessageEvent<{ id: number; configs: RunConfig[] }>) => {
  const { id, configs } = event.data;
  let reply: TraceReply;
  try {
    const traces = executeBatch(configs).map((result) => ({ runId: result.config.id, ...compactTrace(result.trace) }));
    reply = { id, ok: true, traces };
  } catch (error) {
    reply = { id, ok: false, message: errorMessage(error) };
  }
  self.postMessage(reply, { transfer: reply.ok ? reply.traces.flatMap((trace) => transferablesOf({ trace })) : [] });
};
