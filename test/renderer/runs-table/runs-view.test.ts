import { describe, expect, it } from 'vitest';
import { COLUMNS_STORAGE_KEY, RunsView } from '../../../src-renderer/lib/runs-table/runs-view.svelte';
import { parseColumnFilter } from '../../../src-renderer/lib/runs-table/run-filters';
import { runColumns } from '../../../src-renderer/lib/runs-table/run-columns';
import type { StoredRun } from '../../../src-renderer/lib/storage/records';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';
import { hyperparameterNames, optimizerKinds } from '../../../src-core/contract/sweep-spec';

function stored(index: number, over: Partial<StoredRun> = {}, lr = 0.1, start = [4]): StoredRun {
  const { config, summary } = executeRun(adagradRun({ lr }, { id: `s:${index}`, index, steps: 20, start }));
  return { id: config.id, sweepId: 's', index, createdAt: 1, config, summary, tags: [], starred: false, note: '', ...over };
}

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

// lr 3 on x² from 1e154 overflows the loss at step 0: a diverged run whose losses are not finite.
const runs = [stored(0, {}, 1), stored(1, { starred: true, tags: ['good'] }, 0.5), stored(2, { note: 'slow' }, 0.01), stored(3, {}, 3, [1e155])];
const view = (storage = memory()) => new RunsView(() => runs, () => 'sweep', storage);
const ids = (v: RunsView) => v.shown.map((r) => r.id);

describe('runs table columns', () => {
  it('offer every hyperparameter of every optimizer, every metric, the star, the tags and the note', () => {
    const columnIds = runColumns(() => '').map((c) => c.id);
    for (const kind of optimizerKinds) for (const name of hyperparameterNames(kind)) expect(columnIds).toContain(`hp.${name}`);
    expect(columnIds).toEqual(expect.arrayContaining(['finalLoss', 'bestLoss', 'bestStep', 'stepsToTolerance', 'divergedAt', 'divergedIn', 'status', 'starred', 'tags', 'note']));
    // A setting the optimizer lacks reads "—"; a boolean one its value.
    const columns = new Map(runColumns(() => '').map((c) => [c.id, c]));
    expect(columns.get('hp.beta1')?.text(runs[0])).toBe('—');
    expect(columns.get('hp.decoupledWeightDecay')?.text(runs[0])).toBe(String(optimizerDefaults.adagrad.decoupledWeightDecay));
    expect(columns.get('divergedAt')?.text(runs[3])).toBe(String(runs[3].summary.divergedAt));
  });

  it('are chosen by the person and the choice survives a restart; unknown saved ids are ignored', () => {
    const storage = memory();
    const first = view(storage);
    expect(first.visibleColumns.map((c) => c.id)).toContain('hp.lr');
    first.toggleColumn('hp.lr');
    first.toggleColumn('note');
    expect(first.visibleColumns.map((c) => c.id)).not.toContain('hp.lr');
    storage.setItem(COLUMNS_STORAGE_KEY, JSON.stringify([...JSON.parse(storage.getItem(COLUMNS_STORAGE_KEY)!), 'gone-in-this-version']));
    const again = view(storage);
    expect(again.columnIds).toEqual(first.columnIds);
    expect(again.columnIds.at(-1)).toBe('note');
  });
});

describe('runs table sorting and filtering', () => {
  it('sorts by a metric, NaN last in both directions, and by text', () => {
    const v = view();
    expect(runs[3].summary.status).toBe('diverged');
    v.sortBy('hp.lr');
    expect(ids(v)).toEqual(['s:2', 's:1', 's:0', 's:3']);
    v.sortBy('hp.lr');
    expect(ids(v)).toEqual(['s:3', 's:0', 's:1', 's:2']);
    v.sortBy('stepsToTolerance'); // no tolerance: every value is NaN, order kept
    expect(ids(v)).toEqual(['s:0', 's:1', 's:2', 's:3']);
    v.sortBy('note');
    expect(ids(v)[3]).toBe('s:2');
  });

  it('filters by comparisons, ranges, text, the star and "diverged at step k", all at once', () => {
    const v = view();
    v.filters['hp.lr'] = '<=0.5';
    expect(ids(v)).toEqual(['s:1', 's:2']);
    v.filters['hp.lr'] = '0.4..1';
    expect(ids(v)).toEqual(['s:0', 's:1']);
    v.filters['starred'] = 'on';
    expect(ids(v)).toEqual(['s:1']);
    v.filters = { tags: 'GOO' };
    expect(ids(v)).toEqual(['s:1']);
    v.filters = { divergedAt: `=${runs[3].summary.divergedAt}` };
    expect(ids(v)).toHaveLength(4); // a filter applies to a column shown, not to a hidden one
    v.toggleColumn('divergedAt');
    expect(ids(v)).toEqual(['s:3']);
    v.filters = { status: `diverged at step ${runs[3].summary.divergedAt}` };
    expect(ids(v)).toEqual(['s:3']);
    v.filters = {};
    v.status = 'diverged';
    expect(ids(v)).toEqual(['s:3']);
  });

  it('a filter that does not parse says why and filters nothing', () => {
    const v = view();
    v.filters['hp.lr'] = '<abc';
    expect(v.compiledFilters.errors['hp.lr']).toBe('Invalid filter for lr: "<abc" (use <x, <=x, >x, >=x, =x or a..b, with numbers such as 0.1 or 1e-3)');
    expect(ids(v)).toHaveLength(4);
  });

  it('"=" matches at the 6 digits the table shows', () => {
    const lr = runColumns(() => '').find((c) => c.id === 'hp.lr')!;
    const run = stored(0, {}, 0.00031622776601683794);
    const matches = (text: string) => {
      const parsed = parseColumnFilter(lr, text);
      return parsed.ok && parsed.value !== null && parsed.value(run);
    };
    expect(lr.text(run)).toBe('0.000316228');
    expect(matches('=0.000316228')).toBe(true);
    expect(matches('0.000316228')).toBe(true);
    expect(matches('=0.00031623')).toBe(false);
  });

  it('searches the text of the visible columns', () => {
    const v = view();
    v.search = 'SLOW';
    expect(ids(v)).toEqual([]); // the note is not shown
    v.toggleColumn('note');
    expect(ids(v)).toEqual(['s:2']);
  });
});
