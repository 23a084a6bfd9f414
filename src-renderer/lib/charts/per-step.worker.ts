/**
 * Recomputes one run with every step kept, off the main thread (a million-step run takes a while), and hands the
 * table's columns back by transfer, not copy.
 */
import { errorMessage } from '../../../src-core/contract/result';
import type { RunConfig } from '../../../src-core/contract/types';
import { computePerStepTable } from '../../../src-core/views/per-step';
import type { PerStepReply } from './per-step.svelte';

self.onmessage = (event: MessageEvent<{ id: number; config: RunConfig }>) => {
  const { id, config } = event.data;
  let reply: PerStepReply;
  try {
    reply = { id, ok: true, value: computePerStepTable(config) };
  } catch (error) {
    reply = { id, ok: false, message: errorMessage(error) };
  }
  const { table } = reply.ok ? reply.value : { table: null };
  const buffers = table
    ? [
        table.steps,
        table.loss,
        table.theta,
        table.grad,
        table.accum,
        table.effectiveStep,
        table.update,
        table.gradSquares,
        table.crossTerm,
        table.decayTerm,
      ].map((c) => c.buffer as ArrayBuffer)
    : [];
  self.postMessage(reply, { transfer: buffers });
};
