/**
 * How the runs table looks at the runs: which columns (saved in localStorage), the sort, the search, the status and
 * the filter of each column; and the runs it therefore shows, in order. At 10,000 runs all of it runs in memory in a
 * few milliseconds; the one costly part, the text a search matches, is built once per run object and column choice.
 */
import type { RunStatus } from '../../../src-core/contract/types';
import type { StoredRun } from '../storage/records';
import { defaultColumnIds, runColumns, type RunColumn } from './run-columns';
import { parseColumnFilter, type RunPredicate } from './run-filters';

export const COLUMNS_STORAGE_KEY = 'adagrad-lab.runs-table.columns';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export class RunsView {
  readonly columns: readonly RunColumn[];
  columnIds = $state<string[]>([]);
  sortId = $state<string | null>(null);
  descending = $state(false);
  search = $state('');
  status = $state<'all' | RunStatus>('all');
  /** What is typed in each column's filter, by column id. */
  filters = $state<Record<string, string>>({});

  readonly visibleColumns = $derived.by(() => this.columns.filter((c) => this.columnIds.includes(c.id)));
  /** The filter of each column shown, compiled, and what is wrong with those that do not parse. */
  readonly compiledFilters = $derived.by(() => {
    const predicates: RunPredicate[] = [];
    const errors: Record<string, string> = {};
    for (const column of this.visibleColumns) {
      const parsed = parseColumnFilter(column, this.filters[column.id] ?? '');
      if (!parsed.ok) errors[column.id] = parsed.message;
      else if (parsed.value) predicates.push(parsed.value);
    }
    return { predicates, errors };
  });
  readonly shown = $derived.by(() => this.order(this.filter(this.source())));
  readonly shownIds = $derived(this.shown.map((run) => run.id));

  /** Shows every run again: no search, every status, no column filter. */
  clearFilters(): void {
    this.search = '';
    this.status = 'all';
    this.filters = {};
  }

  private readonly searchText = new WeakMap<StoredRun, { columns: string; text: string }>();

  constructor(
    private readonly source: () => readonly StoredRun[],
    sweepName: (sweepId: string) => string,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null,
  ) {
    this.columns = runColumns(sweepName);
    this.columnIds = this.savedColumns() ?? [...defaultColumnIds];
  }

  /** Shows or hides a column; the choice is saved. */
  toggleColumn(id: string): void {
    this.columnIds = this.columnIds.includes(id) ? this.columnIds.filter((c) => c !== id) : [...this.columnIds, id];
    this.storage?.setItem(COLUMNS_STORAGE_KEY, JSON.stringify(this.columnIds));
  }

  /** Sorts by a column; again on the same column reverses the order. */
  sortBy(id: string): void {
    if (this.sortId === id) this.descending = !this.descending;
    else [this.sortId, this.descending] = [id, false];
  }

  private filter(runs: readonly StoredRun[]): readonly StoredRun[] {
    const { predicates } = this.compiledFilters;
    const status = this.status;
    const needle = this.search.trim().toLowerCase();
    if (predicates.length === 0 && status === 'all' && needle === '') return runs;
    return runs.filter(
      (run) => (status === 'all' || run.summary.status === status) && predicates.every((p) => p(run)) && (needle === '' || this.textOf(run).includes(needle)),
    );
  }

  /** NaN (a setting the optimizer lacks, a failed run's loss) sorts last either way. */
  private order(runs: readonly StoredRun[]): readonly StoredRun[] {
    const column = this.columns.find((c) => c.id === this.sortId);
    if (!column) return runs;
    const sign = this.descending ? -1 : 1;
    const keyed = runs.map((run) => ({ run, key: column.value(run) }));
    if (column.kind === 'text') keyed.sort((a, b) => sign * collator.compare(a.key as string, b.key as string));
    else {
      keyed.sort((a, b) => {
        const [x, y] = [a.key as number, b.key as number];
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
        return sign * (x - y);
      });
    }
    return keyed.map((entry) => entry.run);
  }

  /** The run's text in the visible columns, lower-cased, built once per run object and column choice. */
  private textOf(run: StoredRun): string {
    const columns = this.columnIds.join();
    const cached = this.searchText.get(run);
    if (cached?.columns === columns) return cached.text;
    const text = this.visibleColumns.map((c) => c.text(run)).join('\u0000').toLowerCase();
    this.searchText.set(run, { columns, text });
    return text;
  }

  private savedColumns(): string[] | null {
    try {
      const saved: unknown = JSON.parse(this.storage?.getItem(COLUMNS_STORAGE_KEY) ?? 'null');
      if (!Array.isArray(saved)) return null;
      const known = new Set(this.columns.map((c) => c.id));
      return saved.filter((id): id is string => typeof id === 'string' && known.has(id));
    } catch {
      return null; // a value this version cannot read: start from the defaults
    }
  }
}
