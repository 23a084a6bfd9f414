import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { PageAssembly } from '../../../src-renderer/lib/storage/page-assembly';
import { PAGE_SIZE } from '../../../src-renderer/lib/storage/run-pages';
import type { ResultToStore } from '../../../src-renderer/lib/storage/db';

/** Stand-ins for results: the assembly reads only their sweep and index. */
const result = (sweepId: string, index: number) => ({ config: { sweepId, index } }) as ResultToStore;
const range = (sweepId: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => result(sweepId, from + i));
const indexes = (results: ResultToStore[]) => results.map((r) => r.config.index);
const runCounts = (counts: Record<string, number>) => (sweepId: string) => counts[sweepId];

describe('PageAssembly', () => {
  it('holds results until their page is complete, then gives the whole page', () => {
    const assembly = new PageAssembly(250);
    const counts = runCounts({ s: 3 * PAGE_SIZE });
    expect(indexes(assembly.admit(range('s', 0, PAGE_SIZE - 10), counts, 0))).toEqual([]);
    expect(assembly.nextDue).toBe(250);
    // The next batch completes page 0 and starts page 1.
    const ready = assembly.admit(range('s', PAGE_SIZE - 10, PAGE_SIZE + 5), counts, 100);
    expect(indexes(ready)).toEqual(indexes(range('s', 0, PAGE_SIZE)));
    expect(assembly.nextDue).toBe(350);
  });

  it("writes a sweep's last, shorter page once it has every run, and an unknown sweep's results at once", () => {
    const assembly = new PageAssembly();
    const counts = runCounts({ s: PAGE_SIZE + 3 });
    expect(indexes(assembly.admit(range('s', PAGE_SIZE, PAGE_SIZE + 3), counts, 0))).toEqual([
      PAGE_SIZE,
      PAGE_SIZE + 1,
      PAGE_SIZE + 2,
    ]);
    expect(indexes(assembly.admit([result('unknown', 7)], counts, 0))).toEqual([7]);
    expect(assembly.nextDue).toBeNull();
  });

  it('gives what waits when its sweep ends or its wait is over, and drops everything on request', () => {
    const assembly = new PageAssembly(250);
    const counts = runCounts({ a: 1000, b: 1000 });
    assembly.admit(range('a', 0, 3), counts, 0);
    assembly.admit(range('b', 0, 2), counts, 100);
    expect(indexes(assembly.release(new Set(['b']), 200))).toEqual([0, 1]);
    expect(assembly.release(new Set(), 249)).toEqual([]);
    expect(indexes(assembly.release(new Set(), 250))).toEqual([0, 1, 2]);
    assembly.admit(range('a', 10, 14), counts, 300);
    expect(assembly.drop()).toBe(4);
    expect(assembly.nextDue).toBeNull();
  });

  test.prop([
    fc.integer({ min: 1, max: 3 * PAGE_SIZE }),
    fc.array(fc.integer({ min: 1, max: 3 * PAGE_SIZE }), { maxLength: 8 }),
    fc.integer({ min: 0, max: 2 }),
  ])(
    "however a sweep's results are batched, each is given once, in whole pages until the sweep ends",
    (runCount, cuts, resent) => {
      const assembly = new PageAssembly();
      const all = range('s', 0, runCount);
      const bounds = [0, ...cuts.filter((c) => c < runCount).sort((a, b) => a - b), runCount];
      const batches = bounds.slice(1).map((end, i) => all.slice(bounds[i], end));
      const given: number[] = [];
      // A batch sent again before the end (as after a reload) gives its pages again: the store merges them by index.
      for (const batch of [...batches, ...batches.slice(0, resent)]) {
        const ready = indexes(assembly.admit(batch, runCounts({ s: runCount }), 0));
        for (const page of new Set(ready.map((i) => Math.floor(i / PAGE_SIZE)))) {
          expect(new Set(ready.filter((i) => Math.floor(i / PAGE_SIZE) === page)).size).toBe(
            Math.min(PAGE_SIZE, runCount - page * PAGE_SIZE),
          );
        }
        given.push(...ready);
      }
      given.push(...indexes(assembly.release(new Set(['s']), 0)));
      expect([...new Set(given)].sort((a, b) => a - b)).toEqual(indexes(all));
      if (resent === 0) expect(given).toHaveLength(runCount);
    },
  );
});
