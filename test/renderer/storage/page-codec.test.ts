import 'fake-indexeddb/auto';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { LabDatabase } from '../../../src-renderer/lib/storage/db';
import { encodeRunPage, RunPageReader, sameValue, specConfigs } from '../../../src-renderer/lib/storage/page-codec';
import type { RunAnnotations, StoredRun } from '../../../src-renderer/lib/storage/records';
import { PAGE_SIZE } from '../../../src-renderer/lib/storage/run-pages';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { expandSweep, runId } from '../../../src-core/sweep/expand';
import type { RunSummary } from '../../../src-core/contract/types';
import { adagradSweep } from '../../helpers/configs';
import { completedSweep } from '../../helpers/database';

/** A sweep of a page and a half: its spec gives the configs a page does not hold. */
const spec = adagradSweep({
  name: 'codec',
  start: [4],
  lrs: Array.from({ length: PAGE_SIZE + PAGE_SIZE / 2 }, (_, i) => 1 / (i + 1)),
  eps: [1e-8],
  weightDecays: [0],
  steps: 3,
});
const configs = expandSweep('s', spec);
const sweep = completedSweep('s', spec);

/** Every double: NaN, ±Infinity, −0 and subnormals included. */
const anyDouble = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, -2.2e-308));
const step = fc.option(fc.oneof(fc.nat(), fc.double({ noNaN: true })), { nil: null });
const summary: fc.Arbitrary<RunSummary> = fc
  .record({
    status: fc.constantFrom('completed', 'converged', 'diverged', 'failed'),
    finalLoss: anyDouble,
    bestLoss: anyDouble,
    bestStep: anyDouble,
    stepsToTolerance: step,
    divergedAt: step,
    divergedIn: fc.constantFrom(null, 'accumulator', 'parameters', 'loss'),
    error: fc.option(fc.string(), { nil: undefined }),
  })
  .map(({ error, ...rest }) => (error === undefined ? rest : { ...rest, error }) as RunSummary);
/** Summaries the columns cannot hold: NaN where a step may only be null, a key they do not know. */
const oddSummary = fc.oneof(
  summary.map((s) => ({ ...s, divergedAt: NaN })),
  summary.map((s) => ({ ...s, source: 'elsewhere' }) as RunSummary),
);
const annotations: fc.Arbitrary<RunAnnotations> = fc.oneof(
  fc.constant<RunAnnotations>({ tags: [], starred: false, note: '' }),
  fc.record({
    tags: fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 3 }),
    starred: fc.boolean(),
    note: fc.string(),
  }),
);
/** A run at `index`: its config the spec's, or (rarely) one it does not give. */
const runAt = (index: number): fc.Arbitrary<StoredRun> =>
  fc
    .record({
      summary: fc.oneof({ weight: 9, arbitrary: summary }, { weight: 1, arbitrary: oddSummary }),
      annotations,
      createdAt: anyDouble,
      ownConfig: fc.option(anyDouble, { freq: 8, nil: undefined }),
    })
    .map(({ summary, annotations, createdAt, ownConfig }): StoredRun => ({
      id: runId('s', index),
      sweepId: 's',
      index,
      createdAt,
      config:
        ownConfig === undefined
          ? configs[index]
          : { ...configs[index], optimizer: { ...configs[index].optimizer, lr: ownConfig } },
      summary,
      ...annotations,
    }));
/** Runs of the sweep at distinct indexes, in index order. */
const someRuns = fc
  .uniqueArray(fc.nat({ max: configs.length - 1 }), { minLength: 1, maxLength: 40 })
  .chain((indexes) => fc.tuple(...indexes.sort((a, b) => a - b).map(runAt)));

describe('run pages as columns', () => {
  test.prop([someRuns], { numRuns: 40 })(
    'runs written through column pages and read back equal the StoredRuns written: summaries bit for bit, annotations, errors, configs',
    async (runs) => {
      const db = new LabDatabase('codec-property');
      try {
        await db.sweeps.add(sweep);
        await db.restore({ sweeps: [], runs, traces: [] });
        const read = await db.allRuns();
        expect(read).toEqual(runs);
        expect(sameValue(read, runs)).toBe(true);
        // Configs are stored only where the spec does not give them.
        const pages = await db.runPages.toArray();
        expect(pages.flatMap((page) => page.configs.map(([index]) => index))).toEqual(
          runs.filter((run) => run.config !== configs[run.index]).map((run) => run.index),
        );
        expect(await db.tags()).toEqual([...new Set(runs.flatMap((run) => run.tags))].sort());
        // And the runs list reads the same runs straight from the columns (one time per sweep: the newest run's).
        const list = new RunList();
        await list.load(db);
        for (const run of runs) {
          const { id, sweepId, index, config, summary, tags, starred, note } = list.get(run.id)!;
          const expected = { id: run.id, sweepId: run.sweepId, index: run.index, config: run.config };
          const { summary: s, tags: t, starred: st, note: n } = run;
          expect(
            sameValue(
              { id, sweepId, index, config, summary, tags, starred, note },
              { ...expected, summary: s, tags: t, starred: st, note: n },
            ),
            run.id,
          ).toBe(true);
        }
      } finally {
        await db.delete();
      }
    },
  );

  test.prop([someRuns])('a page read back through its reader gives each run as encoded, without IndexedDB', (runs) => {
    const derived = specConfigs('s', spec, 0, configs.length - 1);
    const reader = new RunPageReader(
      encodeRunPage(
        ['s', 0],
        runs.map((run) => ({
          index: run.index,
          createdAt: run.createdAt,
          summary: run.summary,
          annotations: { tags: run.tags, starred: run.starred, note: run.note },
          config: run.config === configs[run.index] ? null : run.config,
          id: null,
        })),
      ),
    );
    expect(Array.from({ length: reader.count }, (_, r) => reader.run(r, derived))).toEqual(runs);
  });
});
