import { describe, expect, it } from 'vitest';
import {
  COLUMNS_STORAGE_KEY,
  compareNumbers,
  HIDDEN_STORAGE_KEY,
  RunsView,
} from '../../../src-renderer/lib/runs-table/runs-view.svelte';
import { parseColumnFilter } from '../../../src-renderer/lib/runs-table/run-filters';
import { runColumns } from '../../../src-renderer/lib/runs-table/run-columns';
import type { StoredRun } from '../../../src-renderer/lib/storage/records';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';
import { hyperparameterNames, optimizerKinds } from '../../../src-core/contract/sweep-spec';

function stored(index: number, over: Partial<StoredRun> = {}, lr = 0.1, start = [4]): StoredRun {
  const { config, summary } = executeRun(adagradRun({ lr }, { id: `s:${index}`, index, steps: 20, start }));
  return {
    id: config.id,
    sweepId: 's',
    index,
    createdAt: 1,
    config,
    summary,
    tags: [],
    starred: false,
    note: '',
    ...over,
  };
}

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

// lr 3 on x² from 1e154 overflows the loss at step 0: a diverged run whose losses are not finite.
const runs = [
  stored(0, {}, 1),
  stored(1, { starred: true, tags: ['good'] }, 0.5),
  stored(2, { note: 'slow' }, 0.01),
  stored(3, {}, 3, [1e155]),
];
const view = (storage = memory()) =>
  new RunsView(
    () => runs,
    () => 'sweep',
    storage,
  );
const ids = (v: RunsView) => v.shown.map((r) => r.id);

describe('runs table columns', () => {
  it('offer every hyperparameter of every optimizer, every metric, the star, the tags and the note', () => {
    const columnIds = runColumns(() => '').map((c) => c.id);
    for (const kind of optimizerKinds)
      for (const name of hyperparameterNames(kind)) expect(columnIds).toContain(`hp.${name}`);
    expect(columnIds).toEqual(
      expect.arrayContaining([
        'finalLoss',
        'bestLoss',
        'bestStep',
        'stepsToTolerance',
        'divergedAt',
        'divergedIn',
        'status',
        'starred',
        'tags',
        'note',
      ]),
    );
    // A setting the optimizer lacks reads "—"; a boolean one its value.
    const columns = new Map(runColumns(() => '').map((c) => [c.id, c]));
    expect(columns.get('hp.beta1')?.text(runs[0])).toBe('—');
    expect(columns.get('hp.decoupledWeightDecay')?.text(runs[0])).toBe(
      String(optimizerDefaults.adagrad.decoupledWeightDecay),
    );
    expect(columns.get('divergedAt')?.text(runs[3])).toBe(String(runs[3].summary.divergedAt));
  });

  it('are headed in sentence case, as the form names settings ("Learning rate" beside "Final loss", not "final loss")', () => {
    const labels = runColumns(() => '').map((c) => c.label);
    expect(labels.filter((label) => /^[a-z]/.test(label))).toEqual([]);
    expect(labels).toEqual(
      expect.arrayContaining(['Learning rate', 'Start point', 'Final loss', 'Steps to tolerance']),
    );
  });

  it('are chosen by the person and the choice survives a restart; unknown saved ids are ignored', () => {
    const storage = memory();
    const first = view(storage);
    expect(first.visibleColumns.map((c) => c.id)).toContain('hp.lr');
    first.toggleColumn('hp.lr');
    first.toggleColumn('note');
    expect(first.visibleColumns.map((c) => c.id)).not.toContain('hp.lr');
    storage.setItem(
      COLUMNS_STORAGE_KEY,
      JSON.stringify([...JSON.parse(storage.getItem(COLUMNS_STORAGE_KEY)!), 'gone-in-this-version']),
    );
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
    expect(v.compiledFilters.errors['hp.lr']).toBe(
      'Invalid filter for Learning rate: "<abc" (use <x, <=x, >x, >=x, =x or a..b, with numbers such as 0.1 or 1e-3, or a word: inf, NaN, diverged)',
    );
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

  it('names objectives and optimizers as the form does, and finds them by that name or by their id', () => {
    const sgd = stored(6, {});
    sgd.config = { ...sgd.config, optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } };
    const columns = runColumns(() => '');
    const column = (id: string) => columns.find((c) => c.id === id)!;
    expect(column('objective').text(runs[0])).toBe('f(x) = x²');
    expect(column('optimizer').text(runs[0])).toBe('AdaGrad');
    expect(column('optimizer').text(sgd)).toBe('SGD');
    const rosenbrock = { ...runs[0], config: { ...runs[0].config, objective: { id: 'rosenbrock' as const, dim: 2 } } };
    expect(column('objective').text(rosenbrock)).toBe('Rosenbrock (dim=2)');
    const found = (id: string, text: string) => {
      const parsed = parseColumnFilter(column(id), text);
      if (!parsed.ok || !parsed.value) throw new Error(`no filter from ${text}`);
      return [runs[0], sgd, rosenbrock]
        .filter(parsed.value)
        .map((r) => r.config.optimizer.kind + r.config.objective.id);
    };
    expect(found('optimizer', 'sgd')).toEqual(['sgdquadratic-1d']);
    expect(found('optimizer', 'adagrad')).toEqual(['adagradquadratic-1d', 'adagradrosenbrock']);
    expect(found('objective', 'quadratic-1d')).toEqual(['adagradquadratic-1d', 'sgdquadratic-1d']);
    expect(found('objective', 'x²')).toEqual(['adagradquadratic-1d', 'sgdquadratic-1d']);
    expect(found('objective', 'rosenbrock(dim=2)')).toEqual(['adagradrosenbrock']);
    expect(found('objective', 'dim=2')).toEqual(['adagradrosenbrock']);
    const v = new RunsView(
      () => [runs[0], rosenbrock],
      () => 'sweep',
      memory(),
    );
    v.search = 'quadratic-1d';
    expect(ids(v)).toEqual(['s:0']);
  });

  it('searches the text of the visible columns', () => {
    const v = view();
    v.search = 'SLOW';
    expect(ids(v)).toEqual([]); // the note is not shown
    v.toggleColumn('note');
    expect(ids(v)).toEqual(['s:2']);
  });
});

describe('a diverged run in the runs table', () => {
  const diverged = runs[3];
  /** The same diverged run, ending on NaN instead of ∞ (and one stored as null by an older serve mode). */
  const nan = { ...stored(4, {}, 3, [1e155]), summary: { ...diverged.summary, finalLoss: NaN, bestLoss: 1 } };
  const legacy = {
    ...stored(5, {}, 3, [1e155]),
    summary: { ...diverged.summary, finalLoss: null as unknown as number, bestLoss: null as unknown as number },
  };
  const all = [...runs, nan, legacy];
  const column = (id: string) => runColumns(() => '').find((c) => c.id === id)!;
  const filtered = (id: string, text: string) => {
    const parsed = parseColumnFilter(column(id), text);
    if (!parsed.ok || !parsed.value) throw new Error(`no filter from ${text}`);
    return all.filter(parsed.value).map((r) => r.id);
  };

  it('reads its final loss as ∞ or NaN, with the step it diverged at, never as null or "—"', () => {
    expect(diverged.summary.finalLoss).toBe(Infinity);
    const k = diverged.summary.divergedAt;
    expect(column('finalLoss').text(diverged)).toBe(`∞ (diverged at step ${k})`);
    expect(column('finalLoss').text(nan)).toBe(`NaN (diverged at step ${k})`);
    expect(column('finalLoss').text(legacy)).toBe(`NaN (diverged at step ${k})`);
    expect(column('finalLoss').value(legacy)).toBeNaN();
    const low = { ...nan, summary: { ...nan.summary, finalLoss: -Infinity } };
    expect(column('finalLoss').text(low)).toBe(`−∞ (diverged at step ${k})`);
    expect(column('finalLoss').text(runs[0])).toBe(String(Number(runs[0].summary.finalLoss.toPrecision(6))));
  });

  it('sorts non-finite losses after every finite one ascending and before them descending', () => {
    const v = new RunsView(
      () => all,
      () => 'sweep',
      memory(),
    );
    v.sortBy('finalLoss');
    const finite = [...runs.slice(0, 3)].sort((a, b) => a.summary.finalLoss - b.summary.finalLoss).map((r) => r.id);
    expect(ids(v)).toEqual([...finite, 's:3', 's:4', 's:5']);
    v.sortBy('finalLoss');
    expect(ids(v).slice(0, 3).sort()).toEqual(['s:3', 's:4', 's:5']);
    expect(ids(v).slice(3)).toEqual([...finite].reverse());
  });

  it('orders numbers: none last either way; ∞, −∞, NaN past every finite value', () => {
    const values = [2, null, NaN, -Infinity, Infinity, -1];
    const sorted = (descending: boolean) => [...values].sort((a, b) => compareNumbers(a, b, descending));
    expect(sorted(false)).toEqual([-1, 2, Infinity, -Infinity, NaN, null]);
    expect(sorted(true)).toEqual([NaN, -Infinity, Infinity, 2, -1, null]);
  });

  it('is matched by a comparison it exceeds and by the words a person types: diverged, NaN, inf', () => {
    expect(filtered('finalLoss', '> 1e6')).toEqual(['s:3']);
    expect(filtered('finalLoss', '<1e6')).toEqual(['s:0', 's:1', 's:2']);
    expect(filtered('finalLoss', 'diverged')).toEqual(['s:3', 's:4', 's:5']);
    expect(filtered('finalLoss', 'NaN')).toEqual(['s:4', 's:5']);
    expect(filtered('finalLoss', 'inf')).toEqual(['s:3']);
    expect(filtered('finalLoss', 'Infinity')).toEqual(['s:3']);
    expect(filtered('finalLoss', '∞')).toEqual(['s:3']);
    expect(filtered('finalLoss', '-inf')).toEqual([]);
    const v = new RunsView(
      () => all,
      () => 'sweep',
      memory(),
    );
    v.search = 'inf';
    expect(ids(v)).toEqual(['s:3']);
  });
});

describe('settings that differ show themselves', () => {
  const withOptions = (index: number, epsPlacement: 'inside' | 'outside', decoupledWeightDecay: boolean): StoredRun => {
    const run = stored(index);
    return {
      ...run,
      config: {
        ...run.config,
        optimizer: { ...run.config.optimizer, epsPlacement, decoupledWeightDecay } as typeof run.config.optimizer,
      },
    };
  };
  const swept = [
    withOptions(0, 'outside', false),
    withOptions(1, 'inside', false),
    withOptions(2, 'outside', true),
    withOptions(3, 'inside', true),
  ];

  it('shows swept eps placement and decoupled weight decay without being chosen, labelled as the form labels them', () => {
    const v = new RunsView(
      () => swept,
      () => 'sweep',
      memory(),
    );
    const shown = v.visibleColumns.map((c) => c.id);
    expect(shown).toEqual(expect.arrayContaining(['hp.epsPlacement', 'hp.decoupledWeightDecay']));
    expect(v.visibleColumns.find((c) => c.id === 'hp.epsPlacement')?.label).toBe('Eps placement');
    expect(v.visibleColumns.find((c) => c.id === 'hp.lr')?.label).toBe('Learning rate');
    // Rows that differ only there read apart.
    const texts = swept.map((run) => v.visibleColumns.map((c) => c.text(run)).join('|'));
    expect(new Set(texts).size).toBe(4);
    // Settings alike in every run stay hidden (the defaults show lr and eps anyway).
    expect(shown).not.toContain('hp.initialAccumulator');
    expect(
      new RunsView(
        () => runs.slice(0, 3),
        () => 'sweep',
        memory(),
      ).visibleColumns.map((c) => c.id),
    ).not.toContain('hp.epsPlacement');
  });

  it('stays hidden once the person hides it, after a restart too; choosing it again shows it', () => {
    const storage = memory();
    const v = new RunsView(
      () => swept,
      () => 'sweep',
      storage,
    );
    v.toggleColumn('hp.epsPlacement');
    expect(v.isShown('hp.epsPlacement')).toBe(false);
    expect(JSON.parse(storage.getItem(HIDDEN_STORAGE_KEY)!)).toEqual(['hp.epsPlacement']);
    const again = new RunsView(
      () => swept,
      () => 'sweep',
      storage,
    );
    expect(again.isShown('hp.epsPlacement')).toBe(false);
    expect(again.isShown('hp.decoupledWeightDecay')).toBe(true);
    again.toggleColumn('hp.epsPlacement');
    expect(again.isShown('hp.epsPlacement')).toBe(true);
  });
});
