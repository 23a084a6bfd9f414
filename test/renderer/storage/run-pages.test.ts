import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { groupByPage, mergeEntries, PAGE_SIZE, pageKey, runAddress } from '../../../src-renderer/lib/storage/run-pages';
import { runId } from '../../../src-core/sweep/expand';

describe('run pages', () => {
  test.prop([fc.string({ minLength: 1 }), fc.nat({ max: 10_000_000 })])(
    'a run id names the sweep and index it was made of',
    (sweepId, index) => {
      expect(runAddress(runId(sweepId, index))).toEqual({ sweepId, index });
    },
  );

  it.each([
    ['no index', 'sweep'],
    ['an index of fewer than 6 digits', 's:12'],
    ['an index that is not a number', 's:00001x'],
    ['a negative index', 's:-00001'],
  ])('refuses a run id with %s, naming it', (_, id) => {
    expect(() => runAddress(id)).toThrow(
      `Invalid run id: "${id}" (must be a sweep id, ":" and the run's index in 6 or more digits)`,
    );
  });

  it("keys a run's page by its sweep and floor(index / PAGE_SIZE)", () => {
    expect(pageKey({ sweepId: 's', index: 0 })).toEqual(['s', 0]);
    expect(pageKey({ sweepId: 's', index: PAGE_SIZE - 1 })).toEqual(['s', 0]);
    expect(pageKey({ sweepId: 's', index: PAGE_SIZE })).toEqual(['s', 1]);
  });

  it('groups items by page, pages in the order they first appear, a later item replacing an earlier one at its index', () => {
    const items = [
      { sweepId: 'b', index: 5, v: 1 },
      { sweepId: 'a', index: PAGE_SIZE + 2, v: 2 },
      { sweepId: 'b', index: 7, v: 3 },
      { sweepId: 'b', index: 5, v: 4 },
    ];
    const groups = groupByPage(items, (item) => item);
    expect(groups.map((g) => [g.key, [...g.items.values()].map((item) => item.v)])).toEqual([
      [
        ['b', 0],
        [4, 3],
      ],
      [['a', 1], [2]],
    ]);
  });

  test.prop([fc.array(fc.nat({ max: 50 })), fc.array(fc.nat({ max: 50 }))])(
    'a merge holds each index once, in order, the incoming entry where both have it',
    (stored, incoming) => {
      const merged = mergeEntries(
        stored.map((index) => ({ index, from: 'stored' })),
        incoming.map((index) => ({ index, from: 'incoming' })),
        (entry) => entry.index,
      );
      const indexes = [...new Set([...stored, ...incoming])].sort((a, b) => a - b);
      expect(merged.map((entry) => entry.index)).toEqual(indexes);
      for (const entry of merged) expect(entry.from).toBe(incoming.includes(entry.index) ? 'incoming' : 'stored');
    },
  );
});
