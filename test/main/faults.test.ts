/**
 * Worker faults against real worker threads: a worker that throws, exits or runs out of memory fails only the runs of
 * its batch (stored with the reason), the pool replaces it, and the sweep completes.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src-main/pool';
import { SweepService } from '../../src-main/sweep-service';
import { compactResult } from '../../src-core/run/compact-trace';
import { executeRun } from '../../src-core/run/execute';
import type { CompactRunResult, SweepEvent } from '../../src-core/contract/types';
import { goodSpec } from '../helpers/configs';
import { resultsIn } from '../helpers/sweep-events';

const workerFile = resolve('test/fixtures/crashing-worker.mjs');
if (!existsSync(resolve('out/main/run-batch.worker.js')))
  throw new Error('out/main/run-batch.worker.js is missing: run `npm run build` first');

describe('worker faults', () => {
  const pool = createWorkerPool(workerFile, { threads: 2, maxWorkerMemoryMb: 64 });
  afterAll(() => pool.close());

  /** Runs a healthy sweep, then the faulty one, then a healthy one again, all on the same pool. */
  async function sweepWith(fault: string, options: { batchTimeoutMs?: number } = {}) {
    const ids = ['healthy-before', fault, 'healthy-after'];
    const service = new SweepService(pool, { batchSize: 3, newSweepId: () => ids.shift()!, ...options });
    const events: SweepEvent[] = [];
    service.onEvent((e) => events.push(e));
    for (let i = 0; i < 3; i++) service.launch(goodSpec);
    await service.idle();
    const results = (sweepId: string): CompactRunResult[] => {
      const sent = resultsIn(events, sweepId);
      // Whatever the fault, no run is sent (and so stored) twice: each id once.
      expect(new Set(sent.map((r) => r.config.id)).size).toBe(sent.length);
      return sent;
    };
    const finished = (sweepId: string) => events.find((e) => e.type === 'sweep-finished' && e.sweepId === sweepId);
    return { results, finished };
  }

  it.each([
    { fault: 'fault-throw', reason: /the worker threw/ },
    { fault: 'fault-exit', reason: /exit/i },
    { fault: 'fault-oom', reason: /memory/i },
  ])('$fault: its runs fail with the reason, the sweep completes, and the pool goes on', async ({ fault, reason }) => {
    const { results, finished } = await sweepWith(fault);
    const faulty = results(fault);
    expect(faulty).toHaveLength(6);
    for (const run of faulty) {
      expect(run.summary.status).toBe('failed');
      expect(run.summary.error).toMatch(reason);
    }
    expect(finished(fault)).toMatchObject({ status: 'completed' });
    for (const sweepId of ['healthy-before', 'healthy-after']) {
      expect(results(sweepId)).toHaveLength(6);
      for (const run of results(sweepId)) expect(run).toEqual(compactResult(executeRun(run.config)));
    }
  });

  it('a batch that runs far longer than its siblings is stopped by the timeout; only its runs fail', async () => {
    // Long enough that a healthy batch never hits it on a loaded machine (a fresh worker must start after the hung one).
    const { results, finished } = await sweepWith('fault-hang', { batchTimeoutMs: 3000 });
    expect(results('fault-hang').map((r) => r.summary.error)).toEqual(Array(6).fill('timed out after 3 s'));
    expect(finished('fault-hang')).toMatchObject({ status: 'completed' });
    expect(results('healthy-after').every((r) => r.summary.status === 'completed')).toBe(true);
  });
});
