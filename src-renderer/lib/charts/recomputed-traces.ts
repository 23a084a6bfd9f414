/**
 * The traces of runs stored without one, recomputed from their configs in a worker (./trace.worker.ts) when they are
 * charted: an imported run's numbers are its config's, so its trace is what its config computes. Nothing is stored:
 * the charts hold at most a few runs, and recomputing them costs what the per-step table already spends on one.
 */
import type { RunConfig } from '../../../src-core/contract/types';
import { compactTrace } from '../../../src-core/run/compact-trace';
import { executeBatch } from '../../../src-core/run/execute';
import type { StoredTrace } from '../storage/records';
import { workerFailure } from '../worker-failure';

/**
 * The traces of these runs as a local sweep stores them: computed by the engine that computed them in the first place
 * (executeBatch, the pool's own), compacted as the main process sends them. What the worker runs.
 */
export const computeTraces = (configs: readonly RunConfig[]): StoredTrace[] =>
  executeBatch(configs).map((result) => ({ runId: result.config.id, ...compactTrace(result.trace) }));

export type TraceReply = { id: number; ok: true; traces: StoredTrace[] } | { id: number; ok: false; message: string };

export class TraceRecomputer {
  /** Started on the first request: most sessions chart no imported run. */
  private worker: Worker | null = null;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (traces: StoredTrace[]) => void; reject: (e: Error) => void }
  >();

  /** Async, so that a worker that cannot start rejects like one that fails. */
  recompute = async (configs: readonly RunConfig[]): Promise<StoredTrace[]> => {
    const worker = (this.worker ??= this.start());
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, configs });
    });
  };

  private start(): Worker {
    const worker = new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<TraceReply>) => {
      const reply = event.data;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.traces);
      else waiting?.reject(new Error(`Could not recompute the trace: ${reply.message}`));
    };
    worker.onerror = (event) => {
      for (const { reject } of this.pending.values())
        reject(new Error(`Could not recompute the trace: ${workerFailure(event)}`));
      this.pending.clear();
    };
    return worker;
  }
}
