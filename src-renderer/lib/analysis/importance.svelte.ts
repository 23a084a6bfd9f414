/**
 * Owns the importance worker and holds its last answer. A new request supersedes the one in flight: that worker is
 * terminated (its forest would be stale) and a fresh one started, so at most one forest grows at a time.
 */
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import type { ImportanceOutcome } from '../../../src-core/analysis/importance';
import type { ImportanceTarget } from '../../../src-core/analysis/importance-inputs';
import type { RunRecord } from '../../../src-core/views/heatmap';

export interface ImportanceRequest {
  id: number;
  runs: RunRecord[];
  specs: SweepSpec[];
  target: ImportanceTarget;
}

export type ImportanceReply =
  { id: number; kind: 'progress'; done: number } | { id: number; kind: 'done'; outcome: ImportanceOutcome };

/** An answer and the target it answers (a new target's bars replace the old ones only once computed). */
export interface ImportanceAnswer {
  target: ImportanceTarget;
  outcome: ImportanceOutcome;
}

export class ImportanceLoader {
  answer = $state.raw<ImportanceAnswer | null>(null);
  /** Trees grown so far for the request in flight; null when none is. */
  treesDone = $state<number | null>(null);
  error = $state<string | null>(null);
  private worker: Worker | null = null;
  private latest = 0;

  load(runs: readonly RunRecord[], specs: readonly SweepSpec[], target: ImportanceTarget): void {
    this.worker?.terminate();
    const worker = new Worker(new URL('./importance.worker.ts', import.meta.url), { type: 'module' });
    const id = ++this.latest;
    worker.onmessage = (event: MessageEvent<ImportanceReply>) => {
      const reply = event.data;
      if (reply.id !== this.latest) return;
      if (reply.kind === 'progress') {
        this.treesDone = reply.done;
        return;
      }
      this.answer = { target, outcome: reply.outcome };
      this.treesDone = null;
      worker.terminate();
      if (this.worker === worker) this.worker = null;
    };
    worker.onerror = (event) => {
      if (id !== this.latest) return;
      this.treesDone = null;
      this.error = `Could not compute the importance: ${event.message}`;
    };
    this.worker = worker;
    this.treesDone = 0;
    this.error = null;
    // Only what the computation reads crosses to the worker: each run's config and summary, no annotations.
    const records = runs.map(({ config, summary }) => ({ config, summary }));
    worker.postMessage({ id, runs: $state.snapshot(records), specs: $state.snapshot(specs), target });
  }

  destroy(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
