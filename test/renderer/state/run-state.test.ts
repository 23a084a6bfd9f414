import { afterEach, describe, expect, it, vi } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { RunList } from '../../../src-renderer/lib/state/run-list.svelte';
import { RunSelection } from '../../../src-renderer/lib/runs-table/run-selection.svelte';
import { UndoOffers } from '../../../src-renderer/lib/state/undo.svelte';
import type { StoredRun } from '../../../src-renderer/lib/storage/records';
import { runColumns, varyingColumnIds } from '../../../src-renderer/lib/runs-table/run-columns';
import { runId } from '../../../src-core/sweep/expand';
import { optimizerDefaults } from '../../../src-core/optim';

/** A stored run of sweep `sweepId`, as IndexedDB gives it back: its config and summary differ from its neighbours' in numbers. */
function run(sweepId: string, createdAt: number, index: number, starred = false): StoredRun {
  const id = runId(sweepId, index);
  return {
    id,
    sweepId,
    index,
    createdAt,
    config: {
      id,
      sweepId,
      index,
      objective: { id: 'elliptic-2d' },
      start: null,
      optimizer: { ...optimizerDefaults.adagrad, lr: 10 ** -index },
      steps: 100,
      seed: 0,
      tolerance: null,
      traceMaxPoints: 50,
    },
    summary: {
      status: index % 3 ? 'completed' : 'diverged',
      finalLoss: index % 3 ? 1 / (index + 1) : Infinity,
      bestLoss: 1 / (index + 2),
      bestStep: index,
      stepsToTolerance: null,
      divergedAt: index % 3 ? null : 7,
      divergedIn: index % 3 ? null : 'loss',
    },
    tags: starred ? ['best'] : [],
    starred,
    note: '',
  };
}

/** What a listed run reads as, in plain objects (a ListedRun builds its parts when read). */
const plain = (r: StoredRun | undefined) =>
  r && {
    id: r.id,
    sweepId: r.sweepId,
    index: r.index,
    createdAt: r.createdAt,
    config: r.config,
    summary: r.summary,
    tags: r.tags,
    starred: r.starred,
    note: r.note,
  };
afterEach(() => vi.useRealTimers());

describe('RunList', () => {
  it('publishes the first change at once, then at most once per interval, newest sweep first and in sweep order', () => {
    vi.useFakeTimers();
    const list = new RunList(200, () => Date.now());
    list.upsert([run('a', 1, 1), run('a', 1, 0)]);
    expect(list.runs.map((r) => r.id)).toEqual(['a:000000', 'a:000001']);
    list.upsert([run('b', 2, 0)]);
    list.upsert([run('a', 1, 2)]);
    expect(list.runs).toHaveLength(2); // within the interval: not yet
    vi.advanceTimersByTime(200);
    expect(list.runs.map((r) => r.id)).toEqual(['b:000000', 'a:000000', 'a:000001', 'a:000002']);
  });

  it('replaces a run by id and removes runs; flush publishes at once', () => {
    vi.useFakeTimers();
    const list = new RunList(200, () => Date.now());
    list.upsert([run('a', 1, 0), run('a', 1, 1)]);
    const edited = run('a', 1, 0, true);
    list.upsert([edited]);
    list.remove(['a:000001']);
    expect(list.get('a:000001')).toBeDefined(); // published state until the next publication
    expect(list.get('a:000000')?.starred).toBe(false);
    list.flush();
    expect(list.runs.map(plain)).toEqual([edited]);
    expect(plain(list.get('a:000000'))).toEqual(edited);
    expect(list.get('a:000001')).toBeUndefined();
  });
});

test.prop([
  fc.array(
    fc.record({ sweep: fc.integer({ min: 0, max: 2 }), index: fc.nat({ max: 30 }), lr: fc.constantFrom(1, 0.1, 0.01) }),
    {
      minLength: 1,
      maxLength: 40,
    },
  ),
  fc.array(fc.nat({ max: 30 }), { maxLength: 10 }),
])('its setting samples differ in exactly the settings the runs listed differ in', (puts, removed) => {
  const list = new RunList(0);
  list.upsert(
    puts.map(({ sweep, index, lr }) => {
      const r = run(`s${sweep}`, sweep, index);
      return { ...r, config: { ...r.config, optimizer: { ...r.config.optimizer, lr } } };
    }),
  );
  list.remove(removed.map((index) => runId('s0', index)));
  list.flush();
  const columns = runColumns(() => 'a sweep');
  expect(list.settingSamples.length).toBeLessThanOrEqual(list.runs.length);
  expect(varyingColumnIds(columns, list.settingSamples)).toEqual(varyingColumnIds(columns, list.runs));
});

const byNewestSweepThenIndex = (a: StoredRun, b: StoredRun): number =>
  b.createdAt - a.createdAt || (a.sweepId < b.sweepId ? -1 : a.sweepId > b.sweepId ? 1 : 0) || a.index - b.index;

test.prop([
  fc.array(
    fc.record({
      remove: fc.boolean(),
      runs: fc.array(
        fc.record({
          sweep: fc.integer({ min: 0, max: 4 }),
          index: fc.integer({ min: 0, max: 40 }),
          starred: fc.boolean(),
        }),
        { maxLength: 30 },
      ),
    }),
    { maxLength: 12 },
  ),
])(
  'whatever arrives in whatever order, lists every run once: newest sweep first, each sweep in index order',
  (batches) => {
    const list = new RunList(0);
    const expected = new Map<string, StoredRun>();
    for (const batch of batches) {
      // Sweeps 0…4, created at 10, 10, 20, 30, 30: two pairs share a time, ordered by id.
      const runs = batch.runs.map(({ sweep, index, starred }) =>
        run(`s${sweep}`, [10, 10, 20, 30, 30][sweep], index, starred),
      );
      if (batch.remove) {
        list.remove(runs.map((r) => r.id));
        for (const r of runs) expected.delete(r.id);
      } else {
        list.upsert(runs);
        for (const r of runs) expected.set(r.id, r);
      }
    }
    list.flush();
    expect(list.runs.map(plain)).toEqual([...expected.values()].sort(byNewestSweepThenIndex));
    for (const [id, r] of expected) expect(plain(list.get(id))).toEqual(r);
    // The count per sweep, kept as it publishes, is the count of the runs it lists, and names no emptied sweep.
    const counted = new Map<string, number>();
    for (const r of list.runs) counted.set(r.sweepId, (counted.get(r.sweepId) ?? 0) + 1);
    expect(new Map([...list.storedBySweep].sort())).toEqual(new Map([...counted].sort()));
    // What each sweep's runs came to (its card's counts once it has ended) is what the runs listed say, after removals too.
    for (const sweepId of ['s0', 's1', 's2', 's3', 's4']) {
      const listed = list.runs.filter((r) => r.sweepId === sweepId);
      const outcome = (status: string) => listed.filter((r) => r.summary.status === status).length;
      expect(list.outcomesOf(sweepId)).toEqual(
        listed.length === 0
          ? undefined
          : { converged: outcome('converged'), diverged: outcome('diverged'), failed: outcome('failed') },
      );
    }
  },
);

describe('RunSelection', () => {
  const shown = ['r0', 'r1', 'r2', 'r3', 'r4'];
  const plain = { toggle: false, range: false };

  it('a click selects one run; Ctrl/Cmd+click toggles; Shift+click selects the range from the last click', () => {
    const selection = new RunSelection();
    selection.click('r1', plain, shown);
    expect(selection.ids).toEqual(['r1']);
    selection.click('r3', { toggle: true, range: false }, shown);
    expect(selection.ids).toEqual(['r1', 'r3']);
    selection.click('r1', { toggle: true, range: false }, shown);
    expect(selection.ids).toEqual(['r3']);
    // The range starts at the last run clicked (r1, even though that click unselected it).
    selection.click('r4', { toggle: false, range: true }, shown);
    expect(selection.ids).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(selection.set.has('r2')).toBe(true);
    selection.click('r0', { toggle: false, range: true }, shown);
    expect(selection.ids).toEqual(['r0', 'r1']);
  });

  it('Ctrl+Shift+click adds the range to what is selected', () => {
    const selection = new RunSelection();
    selection.click('r4', plain, shown);
    selection.click('r0', { toggle: true, range: false }, shown);
    selection.click('r2', { toggle: true, range: true }, shown);
    expect(selection.ids).toEqual(['r4', 'r0', 'r1', 'r2']);
  });

  it('selects and clears every run shown, keeping others; forgets deleted runs', () => {
    const selection = new RunSelection();
    selection.click('other', plain, []);
    selection.setShown(shown, true);
    expect(selection.ids).toEqual(['other', ...shown]);
    selection.setShown(['r1', 'r2'], false);
    expect(selection.ids).toEqual(['other', 'r0', 'r3', 'r4']);
    selection.retain((id) => id !== 'r3');
    expect(selection.ids).toEqual(['other', 'r0', 'r4']);
  });
});

describe('UndoOffers', () => {
  const deletion = { sweeps: [], runs: [run('a', 1, 0)], traces: [] };

  it('offers the last deletion for its duration, once', () => {
    vi.useFakeTimers();
    const undo = new UndoOffers(8000);
    undo.offer('Deleted 1 run', deletion);
    vi.advanceTimersByTime(7999);
    expect(undo.current?.description).toBe('Deleted 1 run');
    expect(undo.take()).toBe(deletion);
    expect(undo.take()).toBeNull();
  });

  it('withdraws the offer when the time is up, and a newer deletion replaces an older one', () => {
    vi.useFakeTimers();
    const undo = new UndoOffers(8000);
    undo.offer('first', deletion);
    vi.advanceTimersByTime(5000);
    const second = { ...deletion, runs: [] };
    undo.offer('second', second);
    vi.advanceTimersByTime(5000);
    expect(undo.current?.deletion).toBe(second);
    vi.advanceTimersByTime(3000);
    expect(undo.current).toBeNull();
  });
});
