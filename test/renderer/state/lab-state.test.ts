import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fillDisk } from '../../helpers/quota';
import { LabState } from '../../../src-renderer/lib/state/lab.svelte';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import { PAGE_SIZE } from '../../../src-renderer/lib/storage/run-pages';
import { SweepService } from '../../../src-main/sweep-service';
import { createHandlers } from '../../../src-main/handlers';
import { ExportSessions } from '../../../src-main/export/sessions';
import type { LabApi } from '../../../src-core/contract/api';
import type { CompactRunResult, RunConfig, SweepEvent } from '../../../src-core/contract/types';
import { executeRun } from '../../../src-core/run/execute';
import { validateSweepSpec } from '../../../src-core/sweep/expand';
import { goodSpec, inProcessExecutor } from '../../helpers/in-process-executor';
import type { StoredRange } from '../../../src-core/contract/api';
import { rangeExecutorOf } from '../../helpers/range-executor';
import { resultsIn, runIdsIn } from '../../helpers/sweep-events';

/** The renderer's state wired to a real SweepService in process, as the transports would wire it. */
function wire(service: SweepService): LabApi {
  const handlers = createHandlers(service, new ExportSessions(inProcessExecutor(), async () => null));
  return {
    launchSweep: (spec) => handlers.launchSweep(spec),
    acknowledge: (ids) => handlers.acknowledge(ids),
    resendPending: () => handlers.resendPending(null),
    cancelSweep: (sweepId) => handlers.cancelSweep(sweepId),
    resumeSweep: (request) => handlers.resumeSweep(request),
    startExport: (request) => handlers.startExport(request),
    writeExport: (page) => handlers.writeExport(page),
    finishExport: (request) => handlers.finishExport(request),
    workerThreads: (request) => handlers.workerThreads(request),
    sweepExecutor: (request) => handlers.sweepExecutor(request),
    testRedis: (request) => handlers.testRedis(request),
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
    await vi.waitFor(async () => expect((await db.counts()).runs).toBe(6));
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

  it('stores what queued up during a write in one transaction, and acknowledges only what is stored', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'grouped', batchSize: 1 });
    const db = new LabDatabase('lab-state-group');
    const api = wire(service);
    const acknowledged: StoredRange[][] = [];
    // How many runs were listed as each acknowledgement went out: a window closed once its runs show must have sent it.
    const listedWhenAcknowledged: number[] = [];
    const lab: LabState = new LabState(
      {
        ...api,
        acknowledge: (ranges) => (
          acknowledged.push(ranges),
          listedWhenAcknowledged.push(lab.runs.length),
          api.acknowledge(ranges)
        ),
      },
      db,
    );
    await lab.idle();
    // Six results events of one run each arrive while nothing is being written: one write takes them all.
    service.launch(goodSpec);
    await service.idle();
    // One acknowledgement of the one write: the six runs as one range.
    await vi.waitFor(() => expect(acknowledged).toEqual([[{ sweepId: 'grouped', from: 0, to: 6 }]]));
    expect(listedWhenAcknowledged).toEqual([0]);
    await vi.waitFor(() => expect(lab.runs).toHaveLength(6));
    expect((await db.counts()).runs).toBe(6);
    expect((await db.sweeps.get('grouped'))?.status).toBe('completed');
    await db.delete();
  });

  it('writes results a page at a time, however the main process batches them', async () => {
    // Frozen time: no page waits long enough to be written unfinished; only whole pages and the sweep's end write.
    vi.useFakeTimers({ toFake: ['performance'] });
    const runCount = 2 * PAGE_SIZE + 30;
    const spec = {
      ...goodSpec,
      optimizers: [
        {
          kind: 'adagrad',
          fixed: {},
          axes: { lr: { values: Array.from({ length: runCount }, (_, i) => 1 / (i + 1)) } },
        },
      ],
    };
    // Batches of 7 that take a while each, so that they arrive while earlier ones are being written.
    const slow = rangeExecutorOf({
      threads: 2,
      runBatch: async (configs: RunConfig[]) => (
        await new Promise((wake) => setTimeout(wake, 2)),
        configs.map((c) => executeRun(c))
      ),
    });
    const service = new SweepService(slow, { newSweepId: () => 'paged', batchSize: 7 });
    const db = new LabDatabase('lab-state-paged');
    const writes: number[][] = [];
    const storeResults = db.storeResults.bind(db);
    db.storeResults = (write) => (writes.push(write.results.map((r) => r.config.index)), storeResults(write));
    const lab = new LabState(wire(service), db);
    await lab.idle();
    const launched = await lab.launch(spec);
    if (!launched.ok) throw new Error(launched.error.message);
    await lab.whenFinished('paged');
    // Listed whole the moment its last runs are stored: the list's publication interval (frozen time makes every
    // publication after the first wait for it) does not hold back a sweep's end.
    expect(lab.runs).toHaveLength(runCount);
    expect(writes.filter((w) => w.length > 0).length).toBeGreaterThan(1);
    vi.useRealTimers();
    const pagesOf = (indexes: number[]) => [...new Set(indexes.map((i) => Math.floor(i / PAGE_SIZE)))];
    for (const write of writes.filter((w) => w.length > 0)) {
      for (const page of pagesOf(write)) {
        expect(write.filter((i) => Math.floor(i / PAGE_SIZE) === page)).toHaveLength(
          Math.min(PAGE_SIZE, runCount - page * PAGE_SIZE),
        );
      }
    }
    expect(writes.flat().sort((a, b) => a - b)).toEqual([...Array(runCount).keys()]);
    expect(await db.counts()).toEqual({ sweeps: 1, runs: runCount, traces: runCount });
    await db.delete();
  });

  it('after a "reload", receives what was never acknowledged and stores it once', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'again' });
    service.launch(goodSpec); // the renderer that saw these results is gone before storing them
    await service.idle();
    const db = new LabDatabase('lab-state-2');
    new LabState(wire(service), db);
    await vi.waitFor(async () => expect((await db.counts()).runs).toBe(6));
    await vi.waitFor(() => expect(service.resendPending()).toBe(0));
    await db.delete();
  });

  it('after a reload mid-sweep, takes results sent before their sweep is announced again quietly: they come again', async () => {
    // What a reloaded page meets: a batch broadcast live reaches it before the replay it asked for (resendPending)
    // announces the batch's sweep. The replay sends that batch again, unacknowledged as it is.
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'live-before' });
    const early: SweepEvent[] = [];
    const stop = service.onEvent((event) => void (event.type === 'results' && early.push(event)));
    service.launch(goodSpec);
    await service.idle();
    stop();
    expect(early.length).toBeGreaterThan(0);
    const api = wire(service);
    const db = new LabDatabase('lab-state-early');
    const lab = new LabState(
      {
        ...api,
        onEvent: (listener) => {
          early.forEach(listener);
          return api.onEvent(listener);
        },
      },
      db,
    );
    await vi.waitFor(async () => expect((await db.counts()).runs).toBe(6));
    await vi.waitFor(() => expect(service.resendPending()).toBe(0));
    // Nothing for a person to act on, so nothing said (was "Results of sweep <uuid> arrived before the sweep itself").
    expect(lab.problem).toBeNull();
    await db.delete();
  });

  it('after a restart marks a sweep that was running as interrupted, and resume computes only the missing runs', async () => {
    // The previous app process ran sweep "old" and stored 2 of its 6 runs before it was killed.
    const before = new SweepService(inProcessExecutor(), { newSweepId: () => 'old' });
    const first: CompactRunResult[] = [];
    const beforeEvents: SweepEvent[] = [];
    before.onEvent((e) => beforeEvents.push(e));
    before.launch(goodSpec);
    await before.idle();
    first.push(...resultsIn(beforeEvents));
    const db = new LabDatabase('lab-state-3');
    const spec = validateSweepSpec(goodSpec);
    if (!spec.ok) throw new Error(spec.message);
    await db.storeResults({
      started: [{ id: 'old', name: 'test', spec: spec.value, runCount: 6, createdAt: 5, status: 'running' }],
      results: first.slice(0, 2),
    });

    // The new process knows nothing of it.
    const service = new SweepService(inProcessExecutor());
    const computed: string[] = [];
    service.onEvent((e) => e.type === 'results' && computed.push(...runIdsIn(e)));
    const lab = new LabState(wire(service), db);
    await vi.waitFor(async () => expect((await db.sweeps.get('old'))?.status).toBe('interrupted'));

    await lab.resume((await db.sweeps.get('old'))!);
    await service.idle();
    await vi.waitFor(async () => expect((await db.sweeps.get('old'))?.status).toBe('completed'));
    expect(computed.sort()).toEqual(
      first
        .slice(2)
        .map((r) => r.config.id)
        .sort(),
    );
    expect((await db.runIdsOf('old')).sort()).toEqual(first.map((r) => r.config.id).sort());
    // The resumed runs are the very runs the first process would have computed.
    for (const run of await db.allRuns())
      expect(run.summary).toEqual(first.find((r) => r.config.id === run.id)?.summary);
    await db.delete();
  });

  it('tells when a sweep has finished with every run stored, even when asked after the fact, and shows chosen runs', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'waited' });
    const db = new LabDatabase('lab-state-4');
    const lab = new LabState(wire(service), db);
    const launched = await lab.launch(goodSpec);
    if (!launched.ok) throw new Error(launched.error.message);
    await lab.whenFinished('waited');
    expect(await db.runIdsOf('waited')).toHaveLength(6);
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

describe('LabState when the disk is full', () => {
  let restore = () => {};
  afterEach(() => restore());

  /** A sweep of six runs launched while writes to `fullStore` fail for lack of space. */
  async function sweepOnFullDisk(sweepId: string, fullStore: string) {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => sweepId });
    const db = new LabDatabase(`lab-state-${sweepId}`);
    const lab = new LabState(wire(service), db);
    await lab.idle();
    restore = fillDisk(fullStore);
    service.launch(goodSpec);
    await service.idle();
    return { service, db, lab };
  }

  it('stores nothing half-written, acknowledges nothing, says what to do, and Retry stores every run once', async () => {
    const { service, db, lab } = await sweepOnFullDisk('full', 'tracePages');
    await vi.waitFor(() =>
      expect(lab.storageFull).toMatch(
        /^Storage is full: 6 finished runs were not stored, and nothing was half-written\./,
      ),
    );
    expect(lab.storageFull).toMatch(/Delete runs or sweeps you no longer need, then press Retry\.$/);
    await lab.idle();
    expect((await db.counts()).runs).toBe(0);
    expect((await db.counts()).traces).toBe(0);
    // Paused, not lost: the main process still holds every result.
    expect(service.resendPending()).toBe(6);
    await lab.idle();
    expect((await db.counts()).runs).toBe(0);

    restore();
    // A sweep is never marked ended before its runs are stored: record what each write held.
    const writes: { results: number; ended: boolean }[] = [];
    const storeResults = db.storeResults.bind(db);
    db.storeResults = (write) => {
      writes.push({
        results: write.results.length,
        ended: (write.statuses ?? []).some((s) => s.status === 'completed'),
      });
      return storeResults(write);
    };
    await lab.retryStoring();
    await lab.idle();
    const endWrite = writes.findIndex((w) => w.ended);
    expect(writes.slice(0, endWrite + 1).reduce((sum, w) => sum + w.results, 0)).toBe(6);
    expect(lab.storageFull).toBeNull();
    expect((await db.counts()).runs).toBe(6);
    expect((await db.counts()).traces).toBe(6);
    expect((await db.sweeps.get('full'))?.status).toBe('completed');
    await vi.waitFor(() => expect(lab.runs).toHaveLength(6));
    expect(service.resendPending()).toBe(0);
    await db.delete();
  });

  it('a Retry while the disk is still full keeps everything held and the message up', async () => {
    const { service, db, lab } = await sweepOnFullDisk('still-full', 'sweeps');
    await vi.waitFor(() => expect(lab.storageFull).not.toBeNull());
    await lab.retryStoring();
    await lab.idle();
    expect(lab.storageFull).toMatch(/^Storage is full/);
    expect(await db.sweeps.count()).toBe(0);
    expect(service.resendPending()).toBe(6);
    restore();
    await lab.retryStoring();
    await lab.idle();
    expect(await db.sweeps.get('still-full')).toMatchObject({ status: 'completed', runCount: 6 });
    expect((await db.counts()).runs).toBe(6);
    await db.delete();
  });
});

describe('LabState: tags, stars, notes, deletion and undo', () => {
  async function sweepOfSix(name: string) {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => name });
    const db = new LabDatabase(`lab-state-${name}`);
    const lab = new LabState(wire(service), db);
    service.launch(goodSpec);
    await service.idle();
    await vi.waitFor(() => expect(lab.runs).toHaveLength(6));
    await lab.idle();
    return { lab, db };
  }

  it('tags, stars and notes runs in storage and in the list at once; bad input is refused with a reason', async () => {
    const { lab, db } = await sweepOfSix('notes');
    const ids = ['notes:000000', 'notes:000001'];
    expect(await lab.addTag(ids, '  baseline ')).toBeNull();
    expect(await lab.addTag(ids, '   ')).toBe('Invalid tag: "" (must have at least one character besides spaces)');
    await lab.setStarred(['notes:000001'], true);
    expect(await lab.setNote('notes:000000', ' lr 1 overshoots \n')).toBeNull();
    expect(await lab.setNote('notes:000000', 'x'.repeat(2001))).toMatch(
      /^Invalid note: "x{40}…" \(must be at most 2000 characters, it has 2001\)$/,
    );
    expect(lab.runs.find((r) => r.id === 'notes:000000')).toMatchObject({
      tags: ['baseline'],
      starred: false,
      note: 'lr 1 overshoots',
    });
    expect((await db.allRuns()).find((r) => r.id === 'notes:000001')).toMatchObject({
      tags: ['baseline'],
      starred: true,
      note: '',
    });
    expect(lab.knownTags).toEqual(['baseline']);
    await lab.removeTag(ids, 'baseline');
    expect(lab.knownTags).toEqual([]);
    expect((await db.allRuns()).find((r) => r.id === 'notes:000001')?.tags).toEqual([]);
    await db.delete();
  });

  it('deletes selected runs, drops them from the selection, and Undo restores exactly what was deleted', async () => {
    const { lab, db } = await sweepOfSix('undo');
    await lab.addTag(['undo:000002'], 'kept');
    const before = { runPages: await db.runPages.toArray(), tracePages: await db.tracePages.toArray() };
    await lab.clickRun(
      'undo:000002',
      { toggle: false, range: false },
      lab.runs.map((r) => r.id),
    );
    await lab.clickRun(
      'undo:000004',
      { toggle: false, range: true },
      lab.runs.map((r) => r.id),
    );
    expect(lab.selectedRunIds).toEqual(['undo:000002', 'undo:000003', 'undo:000004']);
    await lab.deleteRuns(lab.selectedRunIds);
    expect(lab.runs.map((r) => r.id)).toEqual(['undo:000000', 'undo:000001', 'undo:000005']);
    expect(lab.selectedRunIds).toEqual([]);
    expect(lab.undo.current?.description).toBe('Deleted 3 runs');
    expect((await db.counts()).traces).toBe(3);
    await lab.undoDelete();
    expect(lab.undo.current).toBeNull();
    expect({ runPages: await db.runPages.toArray(), tracePages: await db.tracePages.toArray() }).toEqual(before);
    expect(lab.runs).toHaveLength(6);
    await db.delete();
  });

  it('deletes a finished sweep with its runs and traces, and refuses to delete one that is running', async () => {
    const { lab, db } = await sweepOfSix('gone');
    await vi.waitFor(() => expect(lab.sweeps[0]?.status).toBe('completed'));
    await lab.deleteSweep({ ...lab.sweeps[0], status: 'running' });
    expect(lab.problem).toBe('Sweep “test” is still running: cancel it before deleting it.');
    await lab.deleteSweep(lab.sweeps[0]);
    expect(lab.undo.current?.description).toBe('Deleted sweep “test” (6 runs)');
    expect(await db.counts()).toEqual({ sweeps: 0, runs: 0, traces: 0 });
    expect(lab.runs).toEqual([]);
    await lab.undoDelete();
    expect(await db.counts()).toEqual({ sweeps: 1, runs: 6, traces: 6 });
    await db.delete();
  });

  it('names a deleted sweep that has no name "untitled"', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'nameless' });
    const db = new LabDatabase('lab-state-nameless');
    const lab = new LabState(wire(service), db);
    service.launch({ ...goodSpec, name: '' });
    await service.idle();
    await vi.waitFor(() => expect(lab.sweeps[0]?.status).toBe('completed'));
    await lab.deleteSweep({ ...lab.sweeps[0], status: 'running' });
    expect(lab.problem).toBe('Sweep “untitled” is still running: cancel it before deleting it.');
    await lab.deleteSweep(lab.sweeps[0]);
    expect(lab.undo.current?.description).toBe('Deleted sweep “untitled” (6 runs)');
    await db.delete();
  });
});
