/** Owns the per-step worker and holds the last table it computed (large: kept out of deep reactivity). */
import type { RunConfig } from '../../../src-core/contract/types';
import type { ComputedPerStepTable } from '../../../src-core/views/per-step';
import { workerFailure } from '../worker-failure';

export type PerStepReply =
  { id: number; ok: true; value: ComputedPerStepTable } | { id: number; ok: false; message: string };

export class PerStepLoader {
  result = $state.raw<ComputedPerStepTable | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  private readonly worker = new Worker(new URL('./per-step.worker.ts', import.meta.url), { type: 'module' });
  /** Only the newest request's reply is shown; an older one that arrives late is dropped. */
  private latest = 0;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<PerStepReply>) => {
      const reply = event.data;
      if (reply.id !== this.latest) return;
      this.busy = false;
      this.result = reply.ok ? reply.value : null;
      this.error = reply.ok ? null : `Could not recompute the run: ${reply.message}`;
    };
    this.worker.onerror = (event) => {
      this.busy = false;
      this.error = `Could not recompute the run: ${workerFailure(event)}`;
    };
  }

  load(config: RunConfig): void {
    this.latest++;
    this.busy = true;
    this.error = null;
    this.worker.postMessage({ id: this.latest, config: $state.snapshot(config) });
  }

  destroy(): void {
    this.worker.terminate();
  }
}
