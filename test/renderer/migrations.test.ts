import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { LabDatabase } from '../../src-renderer/lib/db';
import { executeRun } from '../../src-core/run';
import { optimizerDefaults } from '../../src-core/optim';

/** A database exactly as v1 of the app left it: x² from 4, lr 1, two steps, traced per step. */
async function writeV1Fixture(name: string): Promise<void> {
  const v1 = new Dexie(name);
  v1.version(1).stores({
    sweeps: 'id, createdAt, status',
    runs: 'id, sweepId, [sweepId+index], createdAt, summary.status, summary.finalLoss, config.lr',
    traces: 'runId',
  });
  await v1.table('sweeps').add({
    id: 's', name: 'old', runCount: 1, createdAt: 1, status: 'completed',
    spec: { name: 'old', objective: 'quadratic-1d', start: [4], lrs: [1], eps: [1e-8], weightDecays: [0], steps: 2 },
  });
  await v1.table('runs').add({
    id: 's:000000', sweepId: 's', index: 0, createdAt: 1,
    config: { id: 's:000000', sweepId: 's', index: 0, objective: 'quadratic-1d', start: [4], optimizer: 'adagrad', lr: 1, eps: 1e-8, weightDecay: 0, steps: 2 },
    summary: { status: 'completed', finalLoss: 5.76000000811, bestLoss: 5.76000000811, bestStep: 2, divergedAt: null },
  });
  await v1.table('traces').add({
    runId: 's:000000', dim: 1,
    loss: Float64Array.of(16, 9.0000000075, 5.76000000811),
    theta: Float64Array.of(4, 3.00000000125, 2.40000000169),
    grad: Float64Array.of(8, 6.0000000025, 4.80000000338),
    accum: Float64Array.of(0, 64, 100.00000003),
  });
  v1.close();
}

describe('database upgrade from v1', () => {
  it('turns v1 records into the engine config the same run has today, keeping every number', async () => {
    await writeV1Fixture('upgrade-1');
    const db = new LabDatabase('upgrade-1');
    const run = await db.runs.get('s:000000');
    expect(run?.config).toEqual({
      id: 's:000000', sweepId: 's', index: 0, objective: { id: 'quadratic-1d' }, start: [4],
      optimizer: { ...optimizerDefaults.adagrad, lr: 1 }, steps: 2, seed: 0, tolerance: null, traceMaxPoints: 3,
    });
    // The upgraded config, run today, gives the very numbers v1 stored.
    const today = executeRun(run!.config);
    const trace = await db.traces.get('s:000000');
    expect(trace?.steps).toEqual(Uint32Array.of(0, 1, 2));
    expect(trace?.theta).toEqual(today.trace.theta);
    expect(trace?.update).toEqual(today.trace.update);
    expect(trace?.layout).toBe('parameters');
    expect(run?.summary).toEqual({ ...today.summary, finalLoss: 5.76000000811, bestLoss: 5.76000000811 });
    expect((await db.sweeps.get('s'))?.spec.optimizers).toEqual([{ kind: 'adagrad', fixed: {}, axes: { lr: { values: [1] }, eps: { values: [1e-8] }, weightDecay: { values: [0] } } }]);
    expect(await db.runs.where('config.optimizer.lr').equals(1).count()).toBe(1);
    await db.delete();
  });
});
