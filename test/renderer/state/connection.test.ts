import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { LabApi, LabConnection } from '../../../src-core/contract/api';
import type { RunConfig, SweepEvent } from '../../../src-core/contract/types';
import { executeRun } from '../../../src-core/run/execute';
import { ExportSessions } from '../../../src-main/export/sessions';
import { createHandlers } from '../../../src-main/handlers';
import { SweepService } from '../../../src-main/sweep-service';
import { connectionMessage } from '../../../src-renderer/lib/state/connection';
import { LabState } from '../../../src-renderer/lib/state/lab.svelte';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import { goodSpec, inProcessExecutor } from '../../helpers/in-process-executor';
import { sliceBatch } from '../../../src-core/run/result-batch';
import { rangeExecutorOf } from '../../helpers/range-executor';
import { runIdsIn } from '../../helpers/sweep-events';

/**
 * The renderer's state wired to a real SweepService as serve mode's socket would be: events arrive only while the
 * connection is open, the connection's changes are announced, and the server behind it can be replaced (a restart).
 */
function socketLike(first: SweepService, deliver: (event: SweepEvent) => SweepEvent[] = (e) => [e]) {
  let service = first;
  let state: LabConnection = { state: 'open' };
  const connectionListeners = new Set<(c: LabConnection) => void>();
  const eventListeners = new Set<(e: SweepEvent) => void>();
  let unsubscribe = () => {};
  const follow = (s: SweepService): void => {
    unsubscribe();
    unsubscribe = s.onEvent((event) => {
      const kept = state.state === 'open' ? deliver(event) : [];
      for (const e of kept) for (const listener of eventListeners) listener(e);
    });
  };
  follow(first);
  const handlers = () => createHandlers(service, new ExportSessions(inProcessExecutor(), async () => null));
  const api: LabApi = {
    launchSweep: (spec) => handlers().launchSweep(spec),
    acknowledge: (ids) => handlers().acknowledge(ids),
    resendPending: () => handlers().resendPending(null),
    cancelSweep: (sweepId) => handlers().cancelSweep(sweepId),
    resumeSweep: (request) => handlers().resumeSweep(request),
    startExport: (request) => handlers().startExport(request),
    writeExport: (page) => handlers().writeExport(page),
    finishExport: (request) => handlers().finishExport(request),
    workerThreads: (request) => handlers().workerThreads(request),
    sweepExecutor: (request) => handlers().sweepExecutor(request),
    testRedis: (request) => handlers().testRedis(request),
    onEvent: (listener) => (eventListeners.add(listener), () => eventListeners.delete(listener)),
    onConnection: (listener) => (
      connectionListeners.add(listener),
      listener(state),
      () => connectionListeners.delete(listener)
    ),
  };
  return {
    api,
    set(next: LabConnection, restartedAs?: SweepService) {
      if (restartedAs) follow((service = restartedAs));
      state = next;
      for (const listener of connectionListeners) listener(next);
    },
  };
}

/** An executor whose batches wait until released: a sweep that stays running. */
function heldExecutor() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const executor = rangeExecutorOf({
    threads: 2,
    runBatch: async (configs: RunConfig[]) => (await released, configs.map((c) => executeRun(c))),
  });
  return { executor, release };
}

describe('a finished sweep checked against what is stored', () => {
  it('with a run missing is shown incomplete (never completed) and offered for Resume, which computes just that run', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'gap' });
    // Run 3's result goes to another store of the same server's results (another origin's tab), which acknowledges it.
    let taken = false;
    const takenElsewhere = (index: number): boolean => !taken && index === 3 && (taken = true);
    const socket = socketLike(service, (event) => {
      if (event.type !== 'results') return [event];
      const { from, to } = event.batch;
      const gap = Array.from({ length: to - from }, (_, i) => from + i).find(takenElsewhere);
      if (gap === undefined) return [event];
      return [
        { ...event, batch: sliceBatch(event.batch, from, gap) },
        { ...event, batch: sliceBatch(event.batch, gap + 1, to) },
      ].filter((e) => e.batch.to > e.batch.from);
    });
    const db = new LabDatabase('connection-gap');
    const lab = new LabState(socket.api, db);
    const launched = await lab.launch(goodSpec);
    if (!launched.ok) throw new Error(launched.error.message);
    await lab.whenFinished('gap');
    expect(await db.sweeps.get('gap')).toMatchObject({ status: 'interrupted', incomplete: true, runCount: 6 });
    expect(await db.storedRunCount('gap')).toBe(5);

    const computed: string[] = [];
    service.onEvent((e) => e.type === 'results' && computed.push(...runIdsIn(e)));
    await lab.resume((await db.sweeps.get('gap'))!);
    await vi.waitFor(async () =>
      expect(await db.sweeps.get('gap')).toMatchObject({ status: 'completed', incomplete: false }),
    );
    expect(computed).toEqual(['gap:000003']);
    expect(await db.storedRunCount('gap')).toBe(6);
    await db.delete();
  });

  it('with every run stored stays completed', async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'whole' });
    const db = new LabDatabase('connection-whole');
    const lab = new LabState(socketLike(service).api, db);
    const launched = await lab.launch(goodSpec);
    if (!launched.ok) throw new Error(launched.error.message);
    await lab.whenFinished('whole');
    expect(await db.sweeps.get('whole')).toMatchObject({ status: 'completed' });
    expect((await db.sweeps.get('whole'))?.incomplete).toBeUndefined();
    await db.delete();
  });
});

/** A page signed in to a server whose sweep `sweepId` is running (its batches held until `release`). */
async function runningSweep(sweepId: string) {
  const { executor, release } = heldExecutor();
  const socket = socketLike(new SweepService(executor, { newSweepId: () => sweepId }));
  const db = new LabDatabase(`connection-${sweepId}`);
  const lab = new LabState(socket.api, db);
  await lab.launch(goodSpec);
  await vi.waitFor(async () => expect((await db.sweeps.get(sweepId))?.status).toBe('running'));
  return { socket, db, lab, release };
}

describe('serve mode: the connection lost and back', () => {
  it('marks a running sweep interrupted while the connection is lost, and running again when the same server is back', async () => {
    const { socket, db, lab, release } = await runningSweep('blip');

    socket.set({ state: 'lost' });
    expect(lab.connection).toEqual({ state: 'lost' });
    // Not running as far as this page can know: no Cancel; Resume waits for the connection.
    await vi.waitFor(async () => expect((await db.sweeps.get('blip'))?.status).toBe('interrupted'));

    socket.set({ state: 'open' });
    await vi.waitFor(async () => expect((await db.sweeps.get('blip'))?.status).toBe('running'));
    release();
    await lab.whenFinished('blip');
    expect(await db.sweeps.get('blip')).toMatchObject({ status: 'completed' });
    expect(await db.storedRunCount('blip')).toBe(6);
    await db.delete();
  });

  it('after a server restart keeps the sweep interrupted, says what to do, and Resume computes the missing runs', async () => {
    const { socket, db, lab } = await runningSweep('restart');

    // The server was killed; the page's reconnection is refused: it does not know the session.
    const refused: LabConnection = {
      state: 'signed-out',
      reason: 'unknown-session',
      detail: 'Unknown session (the server restarted?)',
    };
    socket.set({ state: 'lost' });
    socket.set(refused);
    expect(connectionMessage(lab.connection, '7312')).toBe(
      'The server restarted: run `adagrad-lab link --port 7312` (or press Enter in the terminal of `npm run serve`) and open the new link. Sweeps stopped mid-way can then be resumed.',
    );
    await vi.waitFor(async () => expect((await db.sweeps.get('restart'))?.status).toBe('interrupted'));

    // Signed in again with a fresh link, to a new server that knows nothing of the sweep.
    const after = new SweepService(inProcessExecutor());
    socket.set({ state: 'open' }, after);
    await lab.idle();
    expect((await db.sweeps.get('restart'))?.status).toBe('interrupted');
    await lab.resume((await db.sweeps.get('restart'))!);
    await after.idle();
    await vi.waitFor(async () => expect((await db.sweeps.get('restart'))?.status).toBe('completed'));
    expect(await db.storedRunCount('restart')).toBe(6);
    await db.delete();
  });

  it('says what each refusal means and exactly what to do', () => {
    expect(connectionMessage({ state: 'open' }, '7312')).toBeNull();
    expect(connectionMessage({ state: 'connecting' }, '7312')).toBeNull();
    expect(connectionMessage({ state: 'lost' }, '7312')).toBe('Connection to the lab server lost — reconnecting…');
    expect(connectionMessage({ state: 'signed-out', reason: 'bad-link', detail: '' }, '8000')).toBe(
      'This link was used already or is not valid (each link works once): run `adagrad-lab link --port 8000` (or press Enter in the terminal of `npm run serve`) and open the new link.',
    );
    expect(connectionMessage({ state: 'signed-out', reason: 'no-credential', detail: '' }, '8000')).toMatch(
      /^Not signed in: open the link `npm run serve` printed, or run `adagrad-lab link --port 8000`/,
    );
    expect(
      connectionMessage(
        { state: 'signed-out', reason: 'throttled', detail: 'Too many failed sign-ins: try again in 42 s' },
        '8000',
      ),
    ).toMatch(/^Too many failed sign-ins: try again in 42 s\. Then run `adagrad-lab link/);
  });
});
