import { describe, expect, it } from 'vitest';
import type { RangeExecutor } from '../../src-main/executor';
import { SweepService } from '../../src-main/sweep-service';
import { compactResult } from '../../src-core/run/compact-trace';
import { executeRun, transferablesOf } from '../../src-core/run/execute';
import type { CompactRunResult, ExecutorStatus, RunResult, SweepEvent, SweepSpec } from '../../src-core/contract/types';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import { storedRanges } from '../../src-core/sweep/stored-ranges';
import { goodSpec, inProcessExecutor } from '../helpers/in-process-executor';
import { rangeExecutorOf, type BatchRunner } from '../helpers/range-executor';
import { resultsIn } from '../helpers/sweep-events';

const collect = (service: SweepService) => {
  const events: SweepEvent[] = [];
  service.onEvent((e) => events.push(e));
  const results = () => resultsIn(events);
  return { events, results };
};

/** The window has stored these runs. */
const stored = (service: SweepService, results: readonly CompactRunResult[]) =>
  service.acknowledge(storedRanges(results.map((r) => r.config)));

/**
 * Resolves once `state()` holds, checked after each event of `service`; rejects, naming what was waited for, if it
 * has not within 10 s. Tests wait on events and then assert the state, never on a fixed sleep.
 */
function until(service: SweepService, state: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (state()) return resolve();
    const timer = setTimeout(() => reject(new Error(`still waiting for: ${what}`)), 10_000);
    service.onEvent(() => {
      if (state()) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** One macrotask: whatever the service would start after its last result (a new batch) has started by then. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The in-process executor, counting the batches it was handed and those still running. */
function counted(inner: BatchRunner = inProcessExecutor()) {
  let started = 0;
  let running = 0;
  const executor = rangeExecutorOf({
    ...inner,
    runBatch: async (configs, signal) => {
      started++;
      running++;
      try {
        return await inner.runBatch(configs, signal);
      } finally {
        running--;
      }
    },
  });
  return { executor, started: () => started, running: () => running };
}

describe('SweepService', () => {
  it('runs every point of the grid and streams results equal to src-core run in process, traces compacted for the window', async () => {
    const service = new SweepService(inProcessExecutor(), { batchSize: 2, newSweepId: () => 'sweep-a' });
    const { events, results } = collect(service);
    const launched = service.launch(goodSpec);
    expect(launched).toEqual({ ok: true, value: { sweepId: 'sweep-a', runCount: 6, createdAt: expect.any(Number) } });
    await service.idle();
    expect(
      results()
        .map((r) => r.config.id)
        .sort(),
    ).toEqual(Array.from({ length: 6 }, (_, i) => `sweep-a:00000${i}`));
    for (const result of results()) expect(result).toEqual(compactResult(executeRun(result.config)));
    expect(events[0].type).toBe('sweep-started');
    expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'sweep-a', status: 'completed' });
    const lastProgress = events.filter((e) => e.type === 'progress').at(-1);
    expect(lastProgress).toMatchObject({
      type: 'progress',
      sweepId: 'sweep-a',
      progress: { done: 6, total: 6, converged: 0, diverged: 0, failed: 0, etaSeconds: 0 },
    });
  });

  it('passes on where its executor stands (agents away or ready), and says it again after a reload', () => {
    let report: (status: ExecutorStatus) => void = () => undefined;
    const reporting = {
      ...inProcessExecutor(),
      onStatus: (listener: typeof report) => ((report = listener), () => {}),
    };
    const service = new SweepService(reporting);
    const { events } = collect(service);
    const away: ExecutorStatus = { state: 'unreachable', message: 'Redis at cache:6379 is unreachable (ECONNREFUSED)' };
    report(away);
    expect(events).toEqual([{ type: 'executor-status', status: away }]);
    events.length = 0;
    service.resendPending();
    expect(events).toEqual([{ type: 'executor-status', status: away }]);
  });

  it('refuses an invalid spec before anything runs, naming the field, value and rule', () => {
    const service = new SweepService(inProcessExecutor());
    const { events } = collect(service);
    const result = service.launch({
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { values: [0.1, NaN] } } }],
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'optimizers.0.axes.lr: Invalid learning rate: NaN (must be a finite number > 0)',
      },
    });
    expect(events).toEqual([]);
  });

  it('keeps results until acknowledged and sends the unacknowledged ones again', async () => {
    const service = new SweepService(inProcessExecutor(), { batchSize: 2, newSweepId: () => 's' });
    const { events, results } = collect(service);
    service.launch(goodSpec);
    await service.idle();
    const sent = results();
    const ids = sent.map((r) => r.config.id);
    expect(stored(service, sent.slice(0, 4))).toBe(4);
    expect(stored(service, sent.slice(0, 4))).toBe(0); // a second acknowledgement releases nothing
    events.length = 0;
    expect(service.resendPending()).toBe(2);
    const resent = results();
    expect(resent.map((r) => r.config.id)).toEqual(ids.slice(4));
    expect(events.map((e) => e.type)).toEqual(['sweep-started', 'results', 'progress', 'sweep-finished']);
    stored(service, sent);
    events.length = 0;
    expect(service.resendPending()).toBe(0);
    expect(events).toEqual([]);
  });

  it('releases a part the window stored in pieces only once every run of it is stored', async () => {
    const service = new SweepService(inProcessExecutor(), { batchSize: 6, newSweepId: () => 'p' });
    const { events } = collect(service);
    service.launch(goodSpec);
    await service.idle();
    // Stored in two writes that cut the part (a storage page ends inside it), one of them twice.
    expect(service.acknowledge([{ sweepId: 'p', from: 0, to: 2 }])).toBe(2);
    expect(service.acknowledge([{ sweepId: 'p', from: 1, to: 3 }])).toBe(1);
    events.length = 0;
    expect(service.resendPending()).toBe(6); // the part is whole or pending, never cut
    expect(
      service.acknowledge([
        { sweepId: 'p', from: 3, to: 6 },
        { sweepId: 'other', from: 0, to: 6 },
      ]),
    ).toBe(3);
    expect(service.resendPending()).toBe(0);
  });

  it('sends the results of a batch in events of bounded size, every run once and in order', async () => {
    const [config] = expandSweep('s', (validateSweepSpec(goodSpec) as { value: SweepSpec }).value);
    const oneRun = transferablesOf(compactResult(executeRun(config))).reduce(
      (sum, buffer) => sum + buffer.byteLength,
      0,
    );
    // Room for two and a half traces: an event ends with the run that reaches it.
    const service = new SweepService(inProcessExecutor(), {
      batchSize: 6,
      maxResultsEventBytes: 2.5 * oneRun,
      newSweepId: () => 's',
    });
    const { events, results } = collect(service);
    service.launch(goodSpec);
    await service.idle();
    const sizes = events.flatMap((e) => (e.type === 'results' ? [e.batch.to - e.batch.from] : []));
    expect(sizes).toEqual([3, 3]);
    expect(results().map((r) => r.config.id)).toEqual(Array.from({ length: 6 }, (_, i) => `s:00000${i}`));
    events.length = 0;
    expect(service.resendPending()).toBe(6);
    expect(events.flatMap((e) => (e.type === 'results' ? [e.batch.to - e.batch.from] : []))).toEqual([3, 3]);
  });

  it('keeps nothing pending when the window acknowledges each part as it is sent, so later sweeps still start', async () => {
    const [config] = expandSweep('s', (validateSweepSpec(goodSpec) as { value: SweepSpec }).value);
    const oneRun = transferablesOf(compactResult(executeRun(config))).reduce(
      (sum, buffer) => sum + buffer.byteLength,
      0,
    );
    // Two parts a batch. A part left counted as pending (3 runs a sweep, before) adds up until the limit stops sweeps.
    const service = new SweepService(inProcessExecutor(), { batchSize: 6, maxResultsEventBytes: 2.5 * oneRun });
    const { events } = collect(service);
    service.onEvent((e) => {
      if (e.type === 'results') service.acknowledge([{ sweepId: e.sweepId, from: e.batch.from, to: e.batch.to }]);
    });
    for (let i = 0; i < 3; i++) service.launch(goodSpec);
    await service.idle();
    expect(events.filter((e) => e.type === 'sweep-finished' && e.status === 'completed')).toHaveLength(3);
    expect(service.resendPending()).toBe(0);
  });

  it('stores the runs of a batch whose worker failed as failed, with the reason, and completes the sweep', async () => {
    let calls = 0;
    const flaky: BatchRunner = {
      threads: 1,
      runBatch: async (configs): Promise<RunResult[]> => {
        if (calls++ === 1) throw new Error('worker exited with code 1');
        return configs.map((c) => executeRun(c));
      },
      close: async () => {},
    };
    const service = new SweepService(rangeExecutorOf(flaky), { batchSize: 2 });
    const { events, results } = collect(service);
    service.launch(goodSpec);
    await service.idle();
    const failed = results().filter((r) => r.summary.status === 'failed');
    expect(failed).toHaveLength(2);
    expect(failed[0].summary.error).toBe('worker exited with code 1');
    expect(results()).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({ type: 'sweep-finished', status: 'completed' });
  });

  it("runs the seeds' comparison: AdaGrad against SGD, Momentum, RMSProp and Adam on w²+10b², in one sweep", async () => {
    const service = new SweepService(inProcessExecutor(), { newSweepId: () => 'cmp' });
    const { results } = collect(service);
    const launched = service.launch({
      name: 'comparison',
      objectives: [{ id: 'elliptic-2d' }],
      optimizers: [
        { kind: 'adagrad', fixed: { lr: 0.5 }, axes: {} },
        { kind: 'sgd', fixed: { lr: 0.05 }, axes: { momentum: { values: [0, 0.9] } } },
        { kind: 'rmsprop', fixed: { lr: 0.01 }, axes: {} },
        { kind: 'adam', fixed: { lr: 0.05 }, axes: {} },
      ],
      steps: 200,
    });
    expect(launched.ok && launched.value.runCount).toBe(5);
    await service.idle();
    const byKind = results()
      .map((r) => `${r.config.optimizer.kind}:${r.summary.status}`)
      .sort();
    expect(byKind).toEqual([
      'adagrad:completed',
      'adam:completed',
      'rmsprop:completed',
      'sgd:completed',
      'sgd:completed',
    ]);
    for (const result of results()) {
      expect(result.summary.finalLoss).toBeLessThan(result.trace.loss[0]);
      expect(result).toEqual(compactResult(executeRun(result.config)));
    }
    // SGD has no accumulator; the adaptive methods record theirs.
    expect(results().find((r) => r.config.optimizer.kind === 'sgd')?.trace.accum.length).toBe(0);
    expect(results().find((r) => r.config.optimizer.kind === 'adagrad')?.trace.accum.length).toBeGreaterThan(0);
  });

  describe('cancel', () => {
    /** Each batch takes `ms` of (fake) work and stops at once when aborted, as the worker pool does. */
    const slowExecutor = (ms: number): BatchRunner => ({
      threads: 2,
      runBatch: (configs, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve(configs.map((c) => executeRun(c))), ms);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('aborted', 'AbortError'));
          });
        }),
      close: async () => {},
    });
    const bigSpec = {
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { log: { from: 1e-3, to: 1, count: 40 } } } }],
    };

    it('stops a running sweep at once, keeps the runs already finished, and marks it cancelled', async () => {
      const service = new SweepService(rangeExecutorOf(slowExecutor(50)), { batchSize: 2, newSweepId: () => 'c' });
      const { events, results } = collect(service);
      service.launch(bigSpec);
      await until(service, () => results().length >= 4, 'two batches of two runs'); // runs finished before the cancel
      const before = performance.now();
      expect(service.cancel('c')).toBe(true);
      await service.idle();
      expect(performance.now() - before).toBeLessThan(500);
      const kept = results().length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(40);
      expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'c', status: 'cancelled' });
      expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ progress: { done: kept, total: 40 } });
      // A user sees every state it went through, in order.
      const states = events.flatMap((e) =>
        e.type === 'sweep-started' || e.type === 'sweep-status' || e.type === 'sweep-finished' ? [e.status] : [],
      );
      expect(states).toEqual(['queued', 'running', 'cancelling', 'cancelled']);
      expect(service.cancel('c')).toBe(false); // already ended
    });

    it('sends no result of the sweep once it is cancelled, not even of a batch that finishes just after', async () => {
      // Batches that end when the test says, whatever the signal: a task finishing as the user presses Cancel.
      const held: (() => void)[] = [];
      let bothStarted!: () => void;
      const started = new Promise<void>((resolve) => (bothStarted = resolve));
      const stubborn: BatchRunner = {
        threads: 2,
        runBatch: (configs) =>
          new Promise((resolve) => {
            held.push(() => resolve(configs.map((c) => executeRun(c))));
            if (held.length === 2) bothStarted();
          }),
        close: async () => {},
      };
      const service = new SweepService(rangeExecutorOf(stubborn), { batchSize: 2, newSweepId: () => 'late' });
      const { events } = collect(service);
      const finished = new Promise<void>((resolve) => service.onEvent((e) => e.type === 'sweep-finished' && resolve()));
      service.launch(bigSpec);
      await started;
      held.shift()!(); // one batch ends before Cancel: its runs are kept
      await new Promise<void>((resolve) => service.onEvent((e) => e.type === 'results' && resolve()));
      expect(service.cancel('late')).toBe(true);
      for (const release of held) release(); // the other ends after it
      await finished;
      await service.idle();
      const cancelledAt = events.findIndex((e) => e.type === 'sweep-status' && e.status === 'cancelling');
      expect(cancelledAt).toBeGreaterThan(0);
      expect(events.slice(cancelledAt).filter((e) => e.type === 'results')).toEqual([]);
      expect(resultsIn(events)).toHaveLength(2);
      expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'late', status: 'cancelled' });
      expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ progress: { done: 2, total: 40 } });
    });

    it('resumes a cancelled sweep: the runs it never stored, under the same ids, and no other', async () => {
      const service = new SweepService(rangeExecutorOf(slowExecutor(5)), { batchSize: 2, newSweepId: () => 'again' });
      const { events, results } = collect(service);
      const finished = () =>
        new Promise<void>((resolve) => service.onEvent((e) => e.type === 'sweep-finished' && resolve()));
      const cancelled = finished();
      service.launch(bigSpec);
      await new Promise<void>((resolve) => service.onEvent((e) => e.type === 'results' && resolve()));
      service.cancel('again');
      await cancelled;
      const stored = results().map((r) => r.config.id);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.length).toBeLessThan(40);
      const all = expandSweep('again', (validateSweepSpec(bigSpec) as { value: SweepSpec }).value).map((c) => c.id);
      events.length = 0;
      const completed = finished();
      expect(service.resume({ sweepId: 'again', createdAt: 1, spec: bigSpec, storedRunIds: stored })).toMatchObject({
        ok: true,
        value: { sweepId: 'again', runCount: 40 },
      });
      await completed;
      const computed = results().map((r) => r.config.id);
      expect(computed.sort()).toEqual(all.filter((id) => !stored.includes(id)).sort());
      expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'again', status: 'completed' });
    });

    it('never starts a queued sweep that was cancelled, and runs the next one', async () => {
      let ids = 0;
      const service = new SweepService(rangeExecutorOf(slowExecutor(5)), { newSweepId: () => `q${ids++}` });
      const { events, results } = collect(service);
      service.launch(goodSpec);
      service.launch(goodSpec);
      service.launch(goodSpec);
      expect(service.cancel('q1')).toBe(true);
      expect(
        events.filter((e) => e.type === 'sweep-started').map((e) => e.type === 'sweep-started' && e.status),
      ).toEqual(['queued', 'queued', 'queued']);
      await service.idle();
      expect(new Set(results().map((r) => r.config.sweepId))).toEqual(new Set(['q0', 'q2']));
      const finished = events.filter((e) => e.type === 'sweep-finished');
      expect(finished).toContainEqual({ type: 'sweep-finished', sweepId: 'q1', status: 'cancelled' });
      expect(events.some((e) => e.type === 'sweep-status' && e.sweepId === 'q1')).toBe(false); // never ran
    });
  });

  it('throttles progress to a few events a second, always sending the last', async () => {
    let clock = 0;
    // Every batch takes 100 ms of the service's clock.
    const ticking: BatchRunner = {
      ...inProcessExecutor(),
      threads: 1,
      runBatch: async (configs) => ((clock += 100), configs.map((c) => executeRun(c))),
    };
    const service = new SweepService(rangeExecutorOf(ticking), { batchSize: 1, now: () => clock });
    const { events } = collect(service);
    service.launch(goodSpec); // 6 batches, 100 ms apart
    await service.idle();
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThan(6);
    expect(progress.at(-1)).toMatchObject({ progress: { done: 6, total: 6, runsPerSecond: 10, etaSeconds: 0 } });
  });

  it('estimates a resumed sweep from the runs it computes now, not from those stored before', async () => {
    let clock = 0;
    const ticking: BatchRunner = {
      ...inProcessExecutor(),
      threads: 1,
      runBatch: async (configs) => ((clock += 1000), configs.map((c) => executeRun(c))),
    };
    const service = new SweepService(rangeExecutorOf(ticking), { batchSize: 1, now: () => clock });
    const { events } = collect(service);
    const ids = expandSweep('r', (validateSweepSpec(goodSpec) as { value: SweepSpec }).value).map((c) => c.id);
    service.resume({ sweepId: 'r', createdAt: 1, spec: goodSpec, storedRunIds: ids.slice(0, 3) });
    await service.idle();
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    // One run a second: after the first of the 3 missing runs, 2 s are left (not 3 stored + 1 computed in 1 s: 0.5 s).
    expect(progress[0]).toMatchObject({ done: 4, total: 6, runsPerSecond: 1, etaSeconds: 2 });
    expect(progress.at(-1)).toMatchObject({ done: 6, runsPerSecond: 1, etaSeconds: 0 });
  });

  it('estimates from the recent rate: a sweep that slows down says so', async () => {
    let clock = 0;
    let batches = 0;
    // 20 fast runs (10 ms each), then slow ones (1 s each).
    const slowing: BatchRunner = {
      ...inProcessExecutor(),
      threads: 1,
      runBatch: async (configs) => ((clock += ++batches <= 20 ? 10 : 1000), configs.map((c) => executeRun(c))),
    };
    const service = new SweepService(rangeExecutorOf(slowing), { batchSize: 1, now: () => clock });
    const { events } = collect(service);
    service.launch({
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { log: { from: 1e-3, to: 1, count: 40 } } } }],
    });
    await service.idle();
    const late = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : [])).find((p) => p.done === 35)!;
    // Over the last 10 s the rate is one run a second (since the start it would be 35 runs in 15.2 s).
    expect(late.runsPerSecond).toBeCloseTo(1, 1);
  });

  it('pauses while too many results await acknowledgement, and resumes when they are stored', async () => {
    const { executor, started, running } = counted();
    const service = new SweepService(executor, { batchSize: 2, maxPendingResults: 2, newSweepId: () => 'bp' });
    const { results } = collect(service);
    service.launch(goodSpec);
    await until(service, () => results().length >= 4 && running() === 0, 'the first two batches sent, none running');
    await settled();
    // Two workers each took a batch before the limit was reached; nothing more runs until the renderer catches up.
    expect({ results: results().length, started: started(), running: running() }).toEqual({
      results: 4,
      started: 2,
      running: 0,
    });
    stored(service, results());
    await service.idle();
    expect({ results: results().length, started: started() }).toEqual({ results: 6, started: 3 });
  });

  it('pauses on the bytes of unacknowledged traces too, not only on their number', async () => {
    // Any trace at all exceeds a 1-byte budget: each worker finishes the batch it holds, then waits.
    const { executor, started, running } = counted();
    const service = new SweepService(executor, { batchSize: 1, maxPendingBytes: 1, newSweepId: () => 'bytes' });
    const { events, results } = collect(service);
    service.launch(goodSpec);
    for (const expected of [2, 4, 6]) {
      await until(
        service,
        () => results().length >= expected && running() === 0,
        `${expected} results sent, no batch running`,
      );
      await settled();
      expect({ results: results().length, started: started(), running: running() }).toEqual({
        results: expected,
        started: expected,
        running: 0,
      });
      stored(service, results());
    }
    await service.idle();
    expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'bytes', status: 'completed' });
  });

  it('uses as many workers as the setting allows, and follows a change during a sweep', async () => {
    let inFlight = 0;
    const seen: number[] = [];
    const counting: BatchRunner = {
      threads: 4,
      runBatch: async (configs) => {
        seen.push(++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return configs.map((c) => executeRun(c));
      },
      close: async () => {},
    };
    const service = new SweepService(rangeExecutorOf(counting), { batchSize: 1 });
    expect(service.threads).toBe(4);
    expect([service.setThreads(0), service.setThreads(9), service.setThreads(1)]).toEqual([1, 4, 1]);
    const many = {
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', axes: { lr: { log: { from: 1e-3, to: 1, count: 40 } } } }],
    };
    const { results } = collect(service);
    service.launch(many);
    await until(service, () => results().length >= 5, 'five runs at one worker');
    expect(Math.max(...seen)).toBe(1);
    service.setThreads(3);
    await service.idle();
    expect(Math.max(...seen)).toBe(3);
  });

  it('a cancelled sweep does not stay stuck behind back-pressure', async () => {
    const { executor, running } = counted();
    const service = new SweepService(executor, { batchSize: 2, maxPendingResults: 2, newSweepId: () => 'stuck' });
    const { events, results } = collect(service);
    service.launch(goodSpec);
    await until(service, () => results().length >= 4 && running() === 0, 'paused by back-pressure');
    await settled();
    expect(results()).toHaveLength(4); // held back: 2 runs not computed
    expect(service.cancel('stuck')).toBe(true);
    const stuck = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 5000));
    expect(await Promise.race([service.idle().then(() => 'idle' as const), stuck])).toBe('idle');
    expect(events.at(-1)).toEqual({ type: 'sweep-finished', sweepId: 'stuck', status: 'cancelled' });
    expect(results()).toHaveLength(4);
  });

  it('resumes an interrupted sweep: only the runs not stored are computed, under the same ids', async () => {
    const service = new SweepService(inProcessExecutor());
    const { events, results } = collect(service);
    const ids = expandSweep('gone', (validateSweepSpec(goodSpec) as { value: SweepSpec }).value).map((c) => c.id);
    const resumed = service.resume({ sweepId: 'gone', createdAt: 7, spec: goodSpec, storedRunIds: ids.slice(0, 4) });
    expect(resumed).toEqual({ ok: true, value: { sweepId: 'gone', runCount: 6, createdAt: 7 } });
    await service.idle();
    expect(results().map((r) => r.config.id)).toEqual(ids.slice(4));
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ progress: { done: 6, total: 6 } });
    expect(
      service.resume({ sweepId: 'gone', createdAt: 7, spec: { ...goodSpec, steps: -1 }, storedRunIds: [] }),
    ).toMatchObject({ ok: false });
  });
});

describe('SweepService with recycleParts: the buffers of stored parts go back to the executor', () => {
  /** The in-process executor as one that reuses its parts' buffers (the pool), keeping what each task brought back. */
  const recycling = (reusesParts = true) => {
    const spent: (readonly ArrayBuffer[] | undefined)[] = [];
    const inner = inProcessExecutor();
    const executor: RangeExecutor = {
      ...inner,
      reusesParts,
      runRange: async (task) => {
        spent.push(task.spent && [...task.spent]);
        return inner.runRange(task);
      },
    };
    return { executor, spent };
  };
  /** Each part as sent: its buffer, and a copy of its trace bytes then. */
  const sentParts = (service: SweepService) => {
    const sent: { sweepId: string; from: number; buffer: ArrayBuffer; bytes: Uint8Array }[] = [];
    service.onEvent((e) => {
      if (e.type === 'results') {
        const { from, traces } = e.batch;
        sent.push({ sweepId: e.sweepId, from, buffer: traces.buffer as ArrayBuffer, bytes: traces.slice() });
      }
    });
    return sent;
  };
  const other = { ...goodSpec, start: [-3], steps: 25 };

  it('hands back only parts every run of which is stored; parts written into them, and those still pending, are intact', async () => {
    const { executor, spent } = recycling();
    let sweeps = 0;
    const options = { recycleParts: true, batchSize: 2, newSweepId: () => `r${sweeps++}` };
    const service = new SweepService(executor, options);
    const sent = sentParts(service);
    service.launch(goodSpec);
    await service.idle();
    expect(sent.map(({ from }) => from)).toEqual([0, 2, 4]); // a part a task
    expect(spent).toEqual([[], [], []]); // nothing stored yet
    // Parts [0, 2) and [2, 4) stored; [4, 6) only half.
    service.acknowledge([{ sweepId: 'r0', from: 0, to: 5 }]);
    service.launch(other);
    await service.idle();
    expect(spent[3]).toHaveLength(2);
    spent[3]!.forEach((buffer, i) => expect(buffer).toBe(sent[i].buffer));
    expect(spent.slice(4)).toEqual([[], []]);
    // The second sweep's parts, written into the first one's buffers, are those a service that recycles nothing sends.
    const plain = new SweepService(inProcessExecutor(), { ...options, recycleParts: false, newSweepId: () => 'r1' });
    const expected = sentParts(plain);
    plain.launch(other);
    await plain.idle();
    const bytesOf = (parts: typeof sent) => parts.map(({ from, bytes }) => ({ from, bytes }));
    expect(bytesOf(sent.slice(3))).toEqual(bytesOf(expected));
    // The first sweep's part not wholly stored is sent again as it was.
    const before = sent.length;
    service.resendPending();
    expect(bytesOf(sent.slice(before).filter((part) => part.sweepId === 'r0'))).toEqual(bytesOf([sent[2]]));
  });

  it("keeps about a task's worth of buffers for the next task (24 MB), however many parts were stored", async () => {
    const { executor, spent } = recycling();
    let sweeps = 0;
    // A run a part: 2,000 parts, each in a buffer of its own (16 kB at least), 31 MB in all.
    const options = { recycleParts: true, batchSize: 500, maxResultsEventBytes: 1, newSweepId: () => `m${sweeps++}` };
    const service = new SweepService(executor, options);
    const sent = sentParts(service);
    const many = {
      ...goodSpec,
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { log: { from: 0.01, to: 1, count: 2000 } } } }],
    };
    expect(service.launch(many).ok).toBe(true);
    await service.idle();
    expect(sent.reduce((bytes, { buffer }) => bytes + buffer.byteLength, 0)).toBeGreaterThan(30 << 20);
    service.acknowledge([{ sweepId: 'm0', from: 0, to: 2000 }]);
    service.launch(goodSpec);
    await service.idle();
    const handedBack = spent[4]!.reduce((bytes, buffer) => bytes + buffer.byteLength, 0);
    expect(handedBack).toBeLessThanOrEqual(24 << 20);
    expect(handedBack).toBeGreaterThan((24 << 20) - sent[0].buffer.byteLength);
  });

  it('hands nothing back without recycleParts, nor to an executor whose parts are not its own (agents)', async () => {
    for (const [recycleParts, reusesParts] of [
      [false, true],
      [true, false],
    ]) {
      const { executor, spent } = recycling(reusesParts);
      const service = new SweepService(executor, { recycleParts, batchSize: 2, maxResultsEventBytes: 1 });
      const { results } = collect(service);
      service.launch(goodSpec);
      await service.idle();
      stored(service, results());
      service.launch(goodSpec);
      await service.idle();
      expect(spent).toEqual(Array.from({ length: 6 }, () => undefined));
    }
  });
});

describe('SweepService.useExecutor: where the next sweeps run', () => {
  /** Runs tasks in process once `open()` is called, noting which sweep each task was of. */
  function gated(): { executor: RangeExecutor; open: () => void; sweeps: string[] } {
    const inner = inProcessExecutor();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const sweeps: string[] = [];
    const executor: RangeExecutor = {
      threads: 2,
      runRange: async (task, signal) => {
        sweeps.push(task.sweepId);
        await gate;
        return inner.runRange(task, signal);
      },
      close: async () => {},
    };
    return { executor, open, sweeps };
  }
  const isRunning = (e: SweepEvent): boolean => e.type === 'sweep-status' && e.status === 'running';
  const ids = () => {
    let n = 0;
    return () => `s${++n}`;
  };

  it('switches at once between sweeps, handing back the executor let go of', async () => {
    const a = gated();
    const b = gated();
    a.open();
    b.open();
    const service = new SweepService(a.executor, { newSweepId: ids() });
    expect(await service.useExecutor(b.executor)).toBe(a.executor);
    expect(service.currentExecutor).toBe(b.executor);
    expect(service.executorSwitchPending).toBe(false);
    service.launch(goodSpec);
    await service.idle();
    expect(a.sweeps).toEqual([]);
    expect(new Set(b.sweeps)).toEqual(new Set(['s1']));
  });

  it('lets a running sweep finish on its executor; the next sweep runs on the new one', async () => {
    const a = gated();
    const b = gated();
    b.open();
    const service = new SweepService(a.executor, { newSweepId: ids() });
    const { events, results } = collect(service);
    const first = service.launch(goodSpec);
    await until(service, () => events.some(isRunning), 'the first sweep to start');
    let released: RangeExecutor | null = null;
    const switched = service.useExecutor(b.executor).then((previous) => (released = previous));
    const second = service.launch(goodSpec);
    await settled();
    // Still running on a: the switch waits, and says so.
    expect(released).toBeNull();
    expect(service.executorSwitchPending).toBe(true);
    expect(service.currentExecutor).toBe(a.executor);
    a.open();
    await service.idle();
    await switched;
    expect(released).toBe(a.executor);
    expect(new Set(a.sweeps)).toEqual(new Set(['s1']));
    expect(new Set(b.sweeps)).toEqual(new Set(['s2']));
    const counts = (sweepId: string) => results().filter((r) => r.config.sweepId === sweepId).length;
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(counts('s1')).toBe(first.value.runCount);
    expect(counts('s2')).toBe(second.value.runCount);
  });

  it('hands back at once an executor chosen meanwhile and replaced before it ran', async () => {
    const a = gated();
    const b = gated();
    const c = gated();
    const service = new SweepService(a.executor, { newSweepId: ids() });
    const { events } = collect(service);
    service.launch(goodSpec);
    await until(service, () => events.some(isRunning), 'the sweep to start');
    const toB = service.useExecutor(b.executor);
    const toC = service.useExecutor(c.executor);
    expect(await toB).toBe(b.executor);
    a.open();
    await service.idle();
    expect(await toC).toBe(a.executor);
    expect(service.currentExecutor).toBe(c.executor);
  });

  it("follows the new executor's status, and says 'this computer' when switched to the pool", async () => {
    let report: (status: ExecutorStatus) => void = () => undefined;
    const agents: RangeExecutor = {
      ...inProcessExecutor(),
      onStatus: (listener) => ((report = listener), () => (report = () => undefined)),
    };
    const pool = inProcessExecutor();
    const service = new SweepService(pool);
    const { events } = collect(service);
    await service.useExecutor(agents);
    report({ state: 'no-agents', message: 'No agent yet' });
    await service.useExecutor(pool);
    // The old executor's reports no longer reach the window.
    report({ state: 'unreachable', message: 'Redis away' });
    expect(events.filter((e) => e.type === 'executor-status').map((e) => e.status)).toEqual([
      { state: 'no-agents', message: 'No agent yet' },
      { state: 'ready', message: 'Sweeps run on this computer' },
    ]);
  });
});
