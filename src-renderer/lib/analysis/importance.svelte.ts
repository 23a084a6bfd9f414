/**
 * Owns the importance worker and holds its last answer; at most one forest grows at a time. A request for another
 * target supersedes the one in flight: that worker is terminated and a fresh one started. More runs for the same
 * target (a running sweep's next batch) wait until the forest in flight is done, and only the newest waiting request
 * runs then: the bars follow a running sweep instead of restarting on every batch and never finishing.
 */
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import type { ImportanceOutcome } from '../../../src-core/analysis/importance';
import type { ImportanceTarget } from '../../../src-core/analysis/importance-inputs';
import type { RunRecord } from '../../../src-core/views/heatmap';
import { workerFailure } from '../worker-failure';

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
  private workerTarget: ImportanceTarget | null = null;
  private waiting: (() => void) | null = null;
  private latest = 0;

  load(runs: readonly RunRecord[], specs: readonly SweepSpec[], target: ImportanceTarget): void {
    if (this.worker && this.workerTarget === target) {
      this.waiting = () => this.start(runs, specs, target);
      return;
    }
    this.waiting = null;
    this.start(runs, specs, target);
  }

  private start(runs: readonly RunRecord[], specs: readonly SweepSpec[], target: ImportanceTarget): void {
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
      this.finish(worker);
    };
    worker.onerror = (event) => {
      if (id !== this.latest) return;
      this.error = `Could not compute the importance: ${workerFailure(event)}`;
      this.finish(worker);
    };
    this.worker = worker;
    this.workerTarget = target;
    this.treesDone = 0;
    this.error = null;
    // Only what the computation reads crosses to the worker: each run's config and summary, no annotations.
    const records = runs.map(({ config, summary }) => ({ config, summary }));
    worker.postMessage({ id, runs: $state.snapshot(records), specs: $state.snapshot(specs), target });
  }

  private finish(worker: Worker): void {
    worker.terminate();
    this.worker = null;
    this.workerTarget = null;
    this.treesDone = null;
    const next = this.waiting;
    this.waiting = null;
    next?.();
  }

  destroy(): void {
    this.waiting = null;
    this.worker?.terminate();
    this.worker = null;
  }
}
