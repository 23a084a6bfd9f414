/**
 * Recomputes the traces of runs stored without one (imported runs: the command line's --json has none), off the main
 * thread (./recomputed-traces: computeTraces). The columns come back by transfer.
 */
import { errorMessage } from '../../../src-core/contract/result';
import type { RunConfig } from '../../../src-core/contract/types';
import { transferablesOf } from '../../../src-core/run/execute';
import { computeTraces, type TraceReply } from './recomputed-traces';

self.onmessage = (event: MessageEvent<{ id: number; configs: RunConfig[] }>) => {
  const { id, configs } = event.data;
  let reply: TraceReply;
  try {
    reply = { id, ok: true, traces: computeTraces(configs) };
  } catch (error) {
    reply = { id, ok: false, message: errorMessage(error) };
  }
  self.postMessage(reply, { transfer: reply.ok ? reply.traces.flatMap((trace) => transferablesOf({ trace })) : [] });
};
