import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { LabState } from '../../src-renderer/lib/lab.svelte';
import { LabDatabase } from '../../src-renderer/lib/db';
import { SweepService } from '../../src-main/sweep-service';
import { createHandlers } from '../../src-main/handlers';
import type { LabApi } from '../../src-core/contract/api';
import { goodSpec, inProcessExecutor } from '../helpers/in-process-executor';

/** The renderer's state wired to a real SweepService in process, as the transports would wire it. */
function wire(service: SweepService): LabApi {
  const handlers = createHandlers(service, null);
  return {
    launchSweep: (spec) => handlers.launchSweep(spec),
    acknowledge: (ids) => handlers.acknowledge(ids),
    resendPending: () => handlers.resendPending(null),
    saveFile: (request) => handlers.saveFile(request),
    cancelSweep: (sweepId) => handlers.cancelSweep(sweepId),
    onEvent: (listener) => service.onEvent(listener),
  };
}

describe('LabState', () => {
  it('stores every result of a sweep, then acknowledges it, and lists the runs live', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'live' });
    const db = new LabDatabase('lab-state-1');
    const lab = new LabState(wire(service), db);
    const launched = await lab.launch(goodSpec);
    expect(launched.ok).toBe(true);
    await service.idle();
    await vi.waitFor(async () => expect(await db.runs.count()).toBe(6));
    await vi.waitFor(() => expect(lab.runs).toHaveLength(6));
    await vi.waitFor(async () => expect((await db.sweeps.get('live'))?.status).toBe('completed'));
    expect(service.resendPending()).toBe(0); // everything was acknowledged once stored
    expect(lab.progress.live).toMatchObject({ done: 6, total: 6, converged: 0, diverged: 0, failed: 0, etaSeconds: 0 });
    await lab.select('live:000002');
    expect(lab.selectedTrace?.loss.length).toBe(21);
    await db.delete();
  });

  it('after a "reload", receives what was never acknowledged and stores it once', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'again' });
    service.launch(goodSpec); // the renderer that saw these results is gone before storing them
    await service.idle();
    const db = new LabDatabase('lab-state-2');
    new LabState(wire(service), db);
    await vi.waitFor(async () => expect(await db.runs.count()).toBe(6));
    await vi.waitFor(() => expect(service.resendPending()).toBe(0));
    await db.delete();
  });
});
