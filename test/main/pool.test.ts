import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerPool } from '../../src-main/pool';
import { executeRun } from '../../src-core/run/execute';
import { executeParts } from '../../src-core/run/result-batch';
import { expandSweep, validateSweepSpec } from '../../src-core/sweep/expand';
import type { SweepSpec } from '../../src-core/contract/sweep-spec';
import { adagradSweep } from '../helpers/configs';

// The pool runs the worker exactly as the app ships it: the built file (npm test builds before the unit tests).
const workerFile = resolve('out/main/run-batch.worker.js');

describe('worker pool', () => {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` before the unit tests`);
  const pool = createWorkerPool(workerFile, { threads: 2 });
  afterAll(() => pool.close());

  it('returns, from worker threads, results equal bit for bit to src-core run in process', async () => {
    const configs = expandSweep(
      'p',
      adagradSweep({ name: 'p', start: [4], lrs: [1, 0.3], eps: [1e-8, 0], weightDecays: [0, 0.1], steps: 50 }),
    );
    const results = await pool.runBatch(configs);
    expect(results).toHaveLength(8);
    results.forEach((result, i) => expect(result).toEqual(executeRun(configs[i])));
    expect(results[0].trace.theta).toBeInstanceOf(Float64Array);
  });

  it('takes the buffers of parts handed back with a range task (transferred) and writes its parts into them', async () => {
    const spec = (
      validateSweepSpec(
        adagradSweep({ name: 'r', start: [4], lrs: [1, 0.3, 0.1], eps: [1e-8], weightDecays: [0, 0.1], steps: 300 }),
      ) as { value: SweepSpec }
    ).value;
    const task = { sweepId: 'r', spec, from: 0, to: 6, compact: true, partBytes: 4096 };
    const expected = executeParts(expandSweep('r', spec), { compact: true }, 0, 4096);
    const first = await pool.runRange({ ...task, spent: [] });
    expect(first.parts).toEqual(expected);
    // Handed back with the next tasks, as the SweepService hands back parts once stored: gone from this thread.
    const spent = first.parts.map(({ traces }) => traces.buffer as ArrayBuffer);
    const sizes = spent.map((buffer) => buffer.byteLength);
    for (let i = 0; i < 2; i++)
      expect((await pool.runRange({ ...task, spent: i === 0 ? spent : [] })).parts).toEqual(expected);
    expect(spent.every((buffer) => buffer.byteLength === 0)).toBe(true);
    expect(sizes.every((size) => size % 16384 === 0)).toBe(true);
  });

  it('returns summaries only, cloned rather than transferred, equal to src-core run in process, with no trace', async () => {
    const configs = expandSweep(
      's',
      adagradSweep({ name: 's', start: [4], lrs: [1, 1e300], eps: [1e-8], weightDecays: [0, 0.1], steps: 50 }),
    );
    const results = await pool.runBatch(configs, undefined, { traces: false });
    expect(results.map((r) => r.summary)).toEqual(configs.map((c) => executeRun(c).summary));
    expect(results.map((r) => r.summary.status)).toEqual(['completed', 'completed', 'diverged', 'diverged']);
    expect(results.every((r) => r.trace.steps.length === 0)).toBe(true);
  });

  it('aborts a running batch at once and keeps serving batches after it', async () => {
    const [long] = expandSweep(
      'long',
      adagradSweep({ name: 'long', start: [4], lrs: [0.1], eps: [1e-8], weightDecays: [0], steps: 1_000_000 }),
    );
    const controller = new AbortController();
    const running = pool.runBatch(
      Array.from({ length: 50 }, () => long),
      controller.signal,
    );
    await new Promise((r) => setTimeout(r, 100));
    const before = performance.now();
    controller.abort();
    await expect(running).rejects.toThrow(/abort/i);
    expect(performance.now() - before).toBeLessThan(500);
    const [short] = expandSweep(
      'short',
      adagradSweep({ name: 'short', start: [4], lrs: [1], eps: [1e-8], weightDecays: [0], steps: 10 }),
    );
    expect(await pool.runBatch([short])).toEqual([executeRun(short)]);
  });

  it("can be closed at any moment of its workers' start without taking the process down", async () => {
    // In a process of its own, plain Node as the command line runs: the abort it guards against (V8's FATAL in a worker
    // terminated while Node's require() instantiated its module) would end vitest's fork, and under a loader (tsx)
    // Node does not take that path. The fixture is bundled for it, its packages left to node_modules.
    const bundle = resolve('node_modules/.cache/adagrad-lab-test/close-pools.mjs');
    await build({
      entryPoints: ['test/main/fixtures/close-pools.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    });
    // 120 pools closed as their workers start: without workerExecArgv this test failed 2 of 3 runs (ended by a signal).
    const ran = spawnSync(process.execPath, [bundle, workerFile, '120'], { encoding: 'utf8', timeout: 120_000 });
    expect({ status: ran.status, signal: ran.signal, stderr: ran.stderr }).toEqual({
      status: 0,
      signal: null,
      stderr: '',
    });
    expect(ran.stdout).toBe('survived\n');
  }, 150_000);
});
