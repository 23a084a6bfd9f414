import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { LabState } from '../../src-renderer/lib/lab.svelte';
import { LabDatabase } from '../../src-renderer/lib/db';
import { SweepService } from '../../src-main/sweep-service';
import { createHandlers } from '../../src-main/handlers';
import type { LabApi } from '../../src-core/contract/api';
import type { RunResult } from '../../src-core/contract/types';
import { validateSweepSpec } from '../../src-core/sweep';
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
    resumeSweep: (request) => handlers.resumeSweep(request),
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
    expect(lab.selectedTraces.get('live:000002')?.loss.length).toBe(21);
    await lab.select('live:000004', true);
    expect(lab.selectedRuns.map((r) => r.id)).toEqual(['live:000002', 'live:000004']);
    expect([...lab.selectedTraces.keys()]).toEqual(['live:000002', 'live:000004']);
    await lab.select('live:000002', true);
    expect(lab.selectedRunIds).toEqual(['live:000004']);
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

  it('after a restart marks a sweep that was running as interrupted, and resume computes only the missing runs', async () => {
    // The previous app process ran sweep "old" and stored 2 of its 6 runs before it was killed.
    const before = new SweepService(inProcessExecutor(), { newSweepId: () => 'old' });
    const first: RunResult[] = [];
    before.onEvent((e) => e.type === 'results' && first.push(...e.results));
    before.launch(goodSpec);
    await before.idle();
    const db = new LabDatabase('lab-state-3');
    const spec = validateSweepSpec(goodSpec);
    if (!spec.ok) throw new Error(spec.message);
    await db.recordSweep({ id: 'old', name: 'test', spec: spec.value, runCount: 6, createdAt: 5, status: 'running' });
    await db.storeResults(5, first.slice(0, 2));

    // The new process knows nothing of it.
    const service = new SweepService(inProcessExecutor());
    const computed: string[] = [];
    service.onEvent((e) => e.type === 'results' && computed.push(...e.results.map((r) => r.config.id)));
    const lab = new LabState(wire(service), db);
    await vi.waitFor(async () => expect((await db.sweeps.get('old'))?.status).toBe('interrupted'));

    await lab.resume((await db.sweeps.get('old'))!);
    await service.idle();
    await vi.waitFor(async () => expect((await db.sweeps.get('old'))?.status).toBe('completed'));
    expect(computed.sort()).toEqual(first.slice(2).map((r) => r.config.id).sort());
    expect((await db.runs.where('sweepId').equals('old').toArray()).map((r) => r.id).sort()).toEqual(first.map((r) => r.config.id).sort());
    // The resumed runs are the very runs the first process would have computed.
    for (const run of await db.runs.toArray()) expect(run.summary).toEqual(first.find((r) => r.config.id === run.id)?.summary);
    await db.delete();
  });

  it('tells when a sweep has finished with every run stored, even when asked after the fact, and shows chosen runs', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'waited' });
    const db = new LabDatabase('lab-state-4');
    const lab = new LabState(wire(service), db);
    const launched = await lab.launch(goodSpec);
    if (!launched.ok) throw new Error(launched.error.message);
    await lab.whenFinished('waited');
    expect(await db.runs.where('sweepId').equals('waited').count()).toBe(6);
    expect((await db.sweeps.get('waited'))?.status).toBe('completed');
    await lab.whenFinished('waited'); // already finished: at once
    await vi.waitFor(() => expect(lab.runs).toHaveLength(6));
    await lab.showRuns(['waited:000005', 'waited:000001']);
    expect(lab.selectedRuns.map((r) => r.id)).toEqual(['waited:000005', 'waited:000001']);
    expect([...lab.selectedTraces.keys()]).toEqual(['waited:000005', 'waited:000001']);
    await lab.showRuns([]);
    expect(lab.selectedRuns).toEqual([]);
    await db.delete();
  });
});
