import 'fake-indexeddb/auto';
import { describe, expect, vi } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import { gridSamples, listedGridSamples } from '../../../src-renderer/lib/state/grid-samples';
import * as pageCodec from '../../../src-renderer/lib/storage/page-codec';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { runColumns, varyingColumnIds } from '../../../src-renderer/lib/runs-table/run-columns';
import { expandSweep } from '../../../src-core/sweep/expand';
import type { CompactRunResult, RunConfig, SweepSpec } from '../../../src-core/contract/types';
import { adagradSweep, summaryOf } from '../../helpers/configs';
import { completedSweep } from '../../helpers/database';

/** Grid specs of a few objectives, AdaGrad entries and seeds; axis values repeat (a setting may not differ at all). */
const gridSpec: fc.Arbitrary<SweepSpec> = fc
  .record({
    lrs: fc.array(fc.constantFrom(1, 0.5, 0.1), { minLength: 1, maxLength: 12 }),
    eps: fc.array(fc.constantFrom(1e-8, 1e-6), { minLength: 1, maxLength: 3 }),
    weightDecays: fc.array(fc.constantFrom(0, 1e-4), { minLength: 1, maxLength: 2 }),
    seeds: fc.uniqueArray(fc.nat({ max: 5 }), { minLength: 1, maxLength: 3 }),
    objectives: fc.subarray(['quadratic-1d', 'elliptic-2d'] as const, { minLength: 1 }),
    second: fc.option(fc.constantFrom(0.2, 0.3), { nil: undefined }),
  })
  .map(({ lrs, eps, weightDecays, seeds, objectives, second }) => {
    const spec = adagradSweep({ name: 'grid', start: [4], lrs, eps, weightDecays, steps: 2 });
    const entries = second === undefined ? [] : [{ kind: 'adagrad' as const, fixed: { lr: second }, axes: {} }];
    return {
      ...spec,
      start: null,
      seeds,
      objectives: objectives.map((id) => ({ id })),
      optimizers: [...spec.optimizers, ...entries],
    } as SweepSpec;
  });

/** A completed result of this run, without a trace. */
const resultOf = (config: RunConfig): CompactRunResult => ({
  config,
  summary: summaryOf('completed', config.index),
  trace: {
    steps: new Uint32Array(),
    loss: new Float64Array(),
    dim: 1,
    layout: 'parameters',
    width: 1,
    theta: new Float64Array(),
    grad: new Float64Array(),
    accum: new Float64Array(),
    update: new Float64Array(),
  },
});

describe('setting samples of runs read from stored pages', () => {
  test.prop([gridSpec, fc.array(fc.nat(), { maxLength: 4 })], { numRuns: 25 })(
    'show exactly the settings that differ among the runs listed, whole grids without building every config',
    async (spec, deletions) => {
      const db = new LabDatabase('grid-samples');
      try {
        const configs = expandSweep('g', spec);
        const sweep = completedSweep('g', spec);
        await db.storeResults({
          started: [sweep],
          results: configs.map(resultOf),
        });
        const list = new RunList(0);
        await list.load(db);
        const columns = runColumns(() => 'a sweep');
        const whole = gridSamples('g', spec, () => true);
        // Found from the spec unless an axis of more than PROBES + 1 points had no differing value among the first.
        if (
          spec.optimizers.every((entry) =>
            Object.values(entry.axes).every((axis) => !axis || !('values' in axis) || axis.values.length <= 9),
          )
        )
          expect(whole).not.toBeNull();
        expect(varyingColumnIds(columns, list.settingSamples)).toEqual(varyingColumnIds(columns, list.runs));
        expect(list.runs.map((run) => run.config)).toEqual(configs);
        // With runs deleted, what is left is sampled exactly (from the grid's samples while they are all listed).
        list.remove(deletions.map((k) => configs[k % configs.length].id));
        list.flush();
        expect(varyingColumnIds(columns, list.settingSamples)).toEqual(varyingColumnIds(columns, list.runs));
      } finally {
        await db.delete();
      }
    },
  );
  test.prop([gridSpec, fc.nat()], { numRuns: 25 })(
    'show exactly the settings that differ among the runs of a sweep still coming in',
    async (spec, cut) => {
      const db = new LabDatabase('grid-samples-arriving');
      try {
        const configs = expandSweep('g', spec);
        const arrived = configs.slice(0, 1 + (cut % configs.length));
        await db.storeResults({
          started: [{ ...completedSweep('g', spec), status: 'running' }],
          results: arrived.map(resultOf),
        });
        const list = new RunList(0);
        await list.load(db);
        const columns = runColumns(() => 'a sweep');
        expect(list.runs).toHaveLength(arrived.length);
        expect(varyingColumnIds(columns, list.settingSamples)).toEqual(varyingColumnIds(columns, list.runs));
        // The grid's samples are given only when every one of them has arrived.
        const samples = gridSamples('g', spec, (index) => index < arrived.length);
        if (samples) expect(Math.max(...samples)).toBeLessThan(arrived.length);
      } finally {
        await db.delete();
      }
    },
  );

  test.prop([gridSpec, fc.array(fc.boolean(), { minLength: 1 })], { numRuns: 40 })(
    'of any part of a grid listed, from its places: exactly the settings that differ among those runs',
    (spec, pattern) => {
      const configs = expandSweep('g', spec);
      // Any part: the first runs missing, runs here and there, one run.
      const listed = configs.filter((_, i) => pattern[i % pattern.length]);
      if (listed.length === 0) return;
      const samples = listedGridSamples(
        'g',
        spec,
        listed.map((config) => config.index),
      );
      // The arbitrary's axes have at most 12 points: a differing one is always among the first PROBES + 1 compared.
      expect(samples).not.toBeNull();
      const listedIndexes = new Set(listed.map((config) => config.index));
      expect(samples!.every((index) => listedIndexes.has(index))).toBe(true);
      const columns = runColumns(() => 'a sweep');
      const asRuns = (shown: RunConfig[]) => shown.map((config) => ({ config }) as never);
      expect(varyingColumnIds(columns, asRuns(samples!.map((index) => configs[index])))).toEqual(
        varyingColumnIds(columns, asRuns(listed)),
      );
    },
  );

  test('a sweep coming in without its first runs is sampled building a few configs, not one per run listed', async () => {
    const spec: SweepSpec = {
      ...adagradSweep({ name: 'big', start: [4], lrs: [1], eps: [1e-8], weightDecays: [0], steps: 2 }),
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { log: { from: 1e-3, to: 1, count: 1000 } } } }],
    };
    const configs = expandSweep('g', spec);
    const db = new LabDatabase('grid-samples-late-first');
    try {
      // Runs 300… stored, 0… not yet (a worker's first run was slow).
      await db.storeResults({
        started: [{ ...completedSweep('g', spec), status: 'running' }],
        results: configs.slice(300).map(resultOf),
      });
      const list = new RunList(0);
      await list.load(db);
      const built = vi.spyOn(pageCodec, 'specConfigs');
      list.upsertPages(await db.runPages.toArray(), () => spec);
      list.flush();
      const columns = runColumns(() => 'a sweep');
      const varying = varyingColumnIds(columns, list.settingSamples);
      const configsBuilt = built.mock.calls.reduce((sum, [, , first, last]) => sum + last - first + 1, 0);
      built.mockRestore();
      // The grid's own samples tried (runs 0 and 1, not listed), the listed runs' compared, and the samples' configs
      // the columns read: not 700, nor a block of 32 around each sample.
      expect(configsBuilt).toBeLessThanOrEqual(10);
      expect(list.settingSamples.map((run) => run.index).sort((a, b) => a - b)).toEqual([300, 301]);
      expect(varying).toEqual(varyingColumnIds(columns, list.runs));
    } finally {
      await db.delete();
    }
  });
});
