/** The main process's side of an export: pages in, rows out, in order, at the pace of the destination. */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExportOutcome, ExportRun } from '../../src-core/contract/api';
import type { RunConfig, RunResult } from '../../src-core/contract/types';
import { executeRun } from '../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import { ExportSessions } from '../../src-main/export/sessions';
import { batchSizeFor, runInOrder } from '../../src-main/export/ordered-runs';
import type { ExportSink } from '../../src-main/export/sink';
import type { RunExecutor } from '../../src-main/pool';
import { adagradSweep } from '../helpers/configs';
import { inProcessExecutor } from '../helpers/in-process-executor';

/** A sink that keeps what it is given, and can be told to hold writes back or to fail. */
class MemorySink implements ExportSink {
  text = '';
  finished = false;
  aborted = false;
  hold: Promise<void> | null = null;
  failWith: Error | null = null;
  async write(chunks: Iterable<string>): Promise<void> {
    if (this.hold) await this.hold;
    if (this.failWith) throw this.failWith;
    for (const chunk of chunks) this.text += chunk;
  }
  async finish(): Promise<ExportOutcome> {
    this.finished = true;
    return { saved: true, path: '/somewhere/runs.csv' };
  }
  async abort(): Promise<void> {
    this.aborted = true;
  }
}

const sweep = (() => {
  const checked = validateSweepSpec(
    adagradSweep({
      name: 'grid',
      start: [4],
      lrs: [1, 0.5, 0.1, 0.05, 0.01],
      eps: [1e-8, 1e-3],
      weightDecays: [0],
      steps: 30,
    }),
  );
  if (!checked.ok) throw new Error(checked.message);
  return expandSweep('sw', checked.value);
})();
const asExportRuns = (results: RunResult[]): ExportRun[] =>
  results.map(({ config, summary }) => ({ config, summary, sweepName: 'grid' }));

function sessions(sink = new MemorySink(), options = {}) {
  const opened: string[] = [];
  const exports = new ExportSessions(
    inProcessExecutor(),
    async (exportId) => {
      opened.push(exportId);
      return sink;
    },
    { newExportId: () => `e${opened.length + 1}`, ...options },
  );
  return { exports, sink, opened };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ExportSessions', () => {
  it('writes a summary page by page, the header once, and completes the file', async () => {
    const { exports, sink } = sessions();
    const runs = asExportRuns(sweep.map((c) => executeRun(c)));
    const started = await exports.start({ kind: 'summary', suggestedName: 'runs.csv', everyStep: false });
    expect(started).toEqual({ ok: true, value: { exportId: 'e1' } });
    expect(await exports.write({ exportId: 'e1', runs: runs.slice(0, 4) })).toEqual({ ok: true, value: 4 });
    expect(await exports.write({ exportId: 'e1', runs: runs.slice(4) })).toEqual({ ok: true, value: 10 });
    expect(await exports.finish({ exportId: 'e1', abort: false })).toEqual({
      ok: true,
      value: { saved: true, path: '/somewhere/runs.csv' },
    });
    const rows = parse(sink.text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.run_id)).toEqual(sweep.map((c) => c.id));
    rows.forEach((row, i) => expect(Number(row.final_loss)).toBe(runs[i].summary.finalLoss));
    // Finished means gone.
    expect(await exports.write({ exportId: 'e1', runs: [] })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it("computes the traces afresh from the configs, in the pages' order, with the run's own doubles", async () => {
    const { exports, sink } = sessions();
    // The summaries the renderer sends play no part in the traces: make them nonsense.
    const runs = asExportRuns(sweep.map((c) => executeRun(c))).map((r) => ({
      ...r,
      summary: { ...r.summary, finalLoss: -1 },
    }));
    await exports.start({ kind: 'traces', suggestedName: 'traces.csv', everyStep: false });
    await exports.write({ exportId: 'e1', runs: runs.slice(0, 7) });
    await exports.write({ exportId: 'e1', runs: runs.slice(7) });
    await exports.finish({ exportId: 'e1', abort: false });
    const rows = parse(sink.text, { columns: true }) as Record<string, string>[];
    const expected = sweep.flatMap((config) => {
      const { trace } = executeRun(config);
      return Array.from(trace.steps, (step, k) => ({
        run_id: config.id,
        step: String(step),
        theta: trace.theta[k],
        loss: trace.loss[k],
      }));
    });
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      expect(row.run_id).toBe(expected[i].run_id);
      expect(row.step).toBe(expected[i].step);
      expect(Number(row.theta)).toBe(expected[i].theta);
      expect(Number(row.loss)).toBe(expected[i].loss);
    });
  });

  it('writes every step of each run when asked to', async () => {
    const { exports, sink } = sessions();
    const config: RunConfig = { ...sweep[0], steps: 500, traceMaxPoints: 20 };
    await exports.start({ kind: 'traces', suggestedName: 'traces.csv', everyStep: true });
    await exports.write({ exportId: 'e1', runs: asExportRuns([executeRun(config)]) });
    await exports.finish({ exportId: 'e1', abort: false });
    expect(sink.text.trimEnd().split('\r\n')).toHaveLength(1 + 501);
  });

  it('resolves a page only once the destination has taken it', async () => {
    const { exports, sink } = sessions();
    let release!: () => void;
    sink.hold = new Promise((resolve) => (release = resolve));
    await exports.start({ kind: 'summary', suggestedName: 'runs.csv', everyStep: false });
    let settled = false;
    const writing = exports
      .write({ exportId: 'e1', runs: asExportRuns([executeRun(sweep[0])]) })
      .then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await writing;
    expect(sink.text).toContain(sweep[0].id);
  });

  it('discards the export when the destination fails, and says why', async () => {
    const { exports, sink } = sessions();
    await exports.start({ kind: 'summary', suggestedName: 'runs.csv', everyStep: false });
    sink.failWith = new Error('ENOSPC: no space left on device');
    const result = await exports.write({ exportId: 'e1', runs: asExportRuns([executeRun(sweep[0])]) });
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Could not export runs.csv: ENOSPC: no space left on device' },
    });
    expect(sink.aborted).toBe(true);
    expect(await exports.finish({ exportId: 'e1', abort: false })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('discards on request, and discards an export left idle', async () => {
    vi.useFakeTimers();
    const first = sessions(new MemorySink(), { idleMs: 60_000 });
    await first.exports.start({ kind: 'summary', suggestedName: 'a.csv', everyStep: false });
    expect(await first.exports.finish({ exportId: 'e1', abort: true })).toEqual({ ok: true, value: { saved: false } });
    expect(first.sink.aborted).toBe(true);
    expect(first.sink.finished).toBe(false);

    const idle = sessions(new MemorySink(), { idleMs: 60_000 });
    await idle.exports.start({ kind: 'summary', suggestedName: 'b.csv', everyStep: false });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(await idle.exports.write({ exportId: 'e1', runs: [] })).toMatchObject({ ok: true });
    await vi.advanceTimersByTimeAsync(61_000);
    expect(idle.sink.aborted).toBe(true);
    expect(await idle.exports.write({ exportId: 'e1', runs: [] })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('opens nothing when the user cancels the dialog, and refuses a ninth export at once', async () => {
    const cancelled = new ExportSessions(inProcessExecutor(), async () => null);
    expect(await cancelled.start({ kind: 'traces', suggestedName: 't.csv', everyStep: false })).toEqual({
      ok: true,
      value: { exportId: null },
    });

    const many = new ExportSessions(inProcessExecutor(), async () => new MemorySink());
    for (let i = 0; i < 8; i++)
      expect((await many.start({ kind: 'summary', suggestedName: 'a.csv', everyStep: false })).ok).toBe(true);
    expect(await many.start({ kind: 'summary', suggestedName: 'a.csv', everyStep: false })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    await many.discardAll();
    expect((await many.start({ kind: 'summary', suggestedName: 'a.csv', everyStep: false })).ok).toBe(true);
  });
});

describe('runInOrder', () => {
  /** Batches that finish in a scrambled order, counting how many run at once. */
  function scrambled(threads: number) {
    let running = 0;
    const stats = { maxRunning: 0, batches: 0 };
    const executor: RunExecutor = {
      threads,
      async runBatch(configs) {
        running++;
        stats.batches++;
        stats.maxRunning = Math.max(stats.maxRunning, running);
        // Later batches often finish first.
        await new Promise((resolve) => setTimeout(resolve, (configs[0].index * 7919) % 13));
        running--;
        if (configs[0].index === 32) throw new Error('worker exited');
        return configs.map((c) => executeRun(c));
      },
      close: async () => {},
    };
    return { executor, stats };
  }

  it('yields every result in the order of the configs, at most one batch per worker plus one in flight', async () => {
    const configs = Array.from({ length: 100 }, (_, i) => ({ ...sweep[i % sweep.length], id: `r:${i}`, index: i }));
    const { executor, stats } = scrambled(3);
    const ids: string[] = [];
    for await (const results of runInOrder(executor, configs)) ids.push(...results.map((r) => r.config.id));
    expect(ids).toEqual(configs.map((c) => c.id));
    expect(stats.maxRunning).toBeLessThanOrEqual(4);
    expect(stats.batches).toBe(Math.ceil(100 / 16));
  });

  it('sizes batches to hold their traces in bounded memory and to reach every worker', () => {
    const many = Array.from({ length: 1000 }, () => sweep[0]);
    expect(batchSizeFor(many, 4)).toBe(16);
    expect(batchSizeFor(many.slice(0, 20), 8)).toBe(3);
    const long = {
      ...sweep[0],
      objective: { id: 'rastrigin' as const, dim: 16 },
      start: null,
      steps: 1_000_000,
      traceMaxPoints: 100_000,
    };
    expect(batchSizeFor([...many, long], 4)).toBe(1);
  });

  it('without traces, asks for summaries only, in batches sized by work, still in order and bounded', async () => {
    const configs = Array.from({ length: 3000 }, (_, i) => ({ ...sweep[i % sweep.length], id: `r:${i}`, index: i }));
    const { executor, stats } = scrambled(2);
    const asked: (boolean | undefined)[] = [];
    const run = executor.runBatch.bind(executor);
    executor.runBatch = (batch, signal, options) => {
      asked.push(options?.traces);
      return run(batch, signal, options);
    };
    const ids: string[] = [];
    for await (const results of runInOrder(executor, configs, undefined, { traces: false }))
      ids.push(...results.map((r) => r.config.id));
    expect(ids).toEqual(configs.map((c) => c.id));
    expect(stats.maxRunning).toBeLessThanOrEqual(3);
    expect(asked.every((traces) => traces === false)).toBe(true);
    expect(stats.batches).toBe(Math.ceil(3000 / batchSizeFor(configs, 2, false)));
  });

  it('sizes batches without traces by the work of a run: ~4·10⁶ coordinate-steps, at most 4,096 runs', () => {
    const runs = (steps: number, objective: RunConfig['objective'], n: number): RunConfig[] =>
      Array.from({ length: n }, (_, i) => ({ ...sweep[0], objective, start: null, steps, id: `w:${i}`, index: i }));
    // 1,000 steps × 2 coordinates (+ 500 a run): 1,600 runs, ~7 ms of AdaGrad in lanes.
    expect(batchSizeFor(runs(1000, { id: 'elliptic-2d' }, 100_000), 2, false)).toBe(1600);
    expect(batchSizeFor(runs(10, { id: 'elliptic-2d' }, 100_000), 2, false)).toBe(4096);
    expect(batchSizeFor(runs(1_000_000, { id: 'rastrigin', dim: 16 }, 100), 2, false)).toBe(1);
    // Still reaches every worker.
    expect(batchSizeFor(runs(1000, { id: 'elliptic-2d' }, 100), 4, false)).toBe(25);
    // With traces, as before.
    expect(batchSizeFor(runs(1000, { id: 'elliptic-2d' }, 100_000), 2)).toBe(16);
  });

  it('turns a batch that fails as a whole into failed runs, and goes on', async () => {
    const configs = Array.from({ length: 64 }, (_, i) => ({ ...sweep[0], id: `r:${i}`, index: i }));
    const statuses: string[] = [];
    for await (const results of runInOrder(scrambled(2).executor, configs))
      statuses.push(...results.map((r) => r.summary.status));
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(16);
    expect(statuses.slice(32, 48).every((s) => s === 'failed')).toBe(true);
  });
});
