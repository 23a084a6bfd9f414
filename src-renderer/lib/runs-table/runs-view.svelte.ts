/**
 * How the runs table looks at the runs: which columns (saved in localStorage), the sort, the search, the status and
 * the filter of each column; and the runs it therefore shows, in order. At 10,000 runs all of it runs in memory in a
 * few milliseconds; the one costly part, the text a search matches, is built once per run object and column choice.
 * Columns are those chosen plus every setting that differs among the runs listed (unless the person hid it).
 */
import type { RunStatus } from '../../../src-core/contract/types';
import type { StoredRun } from '../storage/records';
import { defaultColumnIds, runColumns, varyingColumnIds, type RunColumn } from './run-columns';
import { parseColumnFilter, searchedText, type RunPredicate } from './run-filters';
import { summaryField } from '../state/run-list.svelte';

export const COLUMNS_STORAGE_KEY = 'adagrad-lab.runs-table.columns';
/** The columns a person hid although their settings differ (they would show themselves otherwise). */
export const HIDDEN_STORAGE_KEY = 'adagrad-lab.runs-table.hidden';

/** Finite values first, then ∞, −∞ and NaN (the runs that diverged); reversed when descending. */
const rank = (x: number): number => (Number.isFinite(x) ? 0 : x === Infinity ? 1 : x === -Infinity ? 2 : 3);

/**
 * The order of two values of a number column: null (the run has no such value) last either way; the values a diverged
 * run ends on (∞, −∞, NaN) after every finite one ascending and before them descending, as the worst.
 */
export function compareNumbers(x: number | null, y: number | null, descending: boolean): number {
  if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
  const sign = descending ? -1 : 1;
  const [rx, ry] = [rank(x), rank(y)];
  if (rx !== ry) return sign * (rx - ry);
  return rx === 0 ? sign * (x - y) : 0;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** What narrows the runs from outside the table (a sweep summary's brushes): the table says so and can clear it. */
export interface Narrowing {
  /** Said after the count: "37 of 300 runs (brushed)". */
  label: string;
  keeps: RunPredicate;
  /** The button that clears it: "Clear brush". */
  clearLabel: string;
  clear: () => void;
}

export class RunsView {
  readonly columns: readonly RunColumn[];
  /** The columns chosen (the defaults until a person changes them). */
  columnIds = $state<string[]>([]);
  /** Columns hidden by the person although their settings differ. */
  hiddenIds = $state<string[]>([]);
  sortId = $state<string | null>(null);
  descending = $state(false);
  search = $state('');
  status = $state<'all' | RunStatus>('all');
  /** What is typed in each column's filter, by column id. */
  filters = $state<Record<string, string>>({});

  /** The setting columns whose values differ among the runs listed (read from `settingSamples`, which show them all). */
  readonly varyingIds = $derived.by(() => varyingColumnIds(this.columns, this.settingSamples()));
  readonly visibleColumns = $derived.by(() => this.columns.filter((c) => this.isShown(c.id)));
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
    /** The narrowing in force, if any. */
    readonly narrowing: () => Narrowing | null = () => null,
    /** Runs whose settings differ wherever the source's do (RunList.settingSamples): fewer to read than every run. */
    private readonly settingSamples: () => readonly StoredRun[] = source,
  ) {
    this.columns = runColumns(sweepName);
    this.columnIds = this.saved(COLUMNS_STORAGE_KEY) ?? [...defaultColumnIds];
    this.hiddenIds = this.saved(HIDDEN_STORAGE_KEY) ?? [];
  }

  /** Whether the table shows a column: chosen, or a differing setting the person has not hidden. */
  isShown(id: string): boolean {
    return this.columnIds.includes(id) || (this.varyingIds.has(id) && !this.hiddenIds.includes(id));
  }

  /** Shows or hides a column; the choice is saved. */
  toggleColumn(id: string): void {
    const hide = this.isShown(id);
    this.columnIds = hide ? this.columnIds.filter((c) => c !== id) : [...this.columnIds, id];
    this.hiddenIds = hide ? [...this.hiddenIds.filter((c) => c !== id), id] : this.hiddenIds.filter((c) => c !== id);
    this.storage?.setItem(COLUMNS_STORAGE_KEY, JSON.stringify(this.columnIds));
    this.storage?.setItem(HIDDEN_STORAGE_KEY, JSON.stringify(this.hiddenIds));
  }

  /** Sorts by a column; again on the same column reverses the order. */
  sortBy(id: string): void {
    if (this.sortId === id) this.descending = !this.descending;
    else [this.sortId, this.descending] = [id, false];
  }

  private filter(runs: readonly StoredRun[]): readonly StoredRun[] {
    const { predicates } = this.compiledFilters;
    const status = this.status;
    const needle = searchedText(this.search);
    const narrowing = this.narrowing();
    if (predicates.length === 0 && status === 'all' && needle === '' && !narrowing) return runs;
    return runs.filter(
      (run) =>
        (!narrowing || narrowing.keeps(run)) &&
        (status === 'all' || summaryField(run, 'status') === status) &&
        predicates.every((p) => p(run)) &&
        (needle === '' || this.textOf(run).includes(needle)),
    );
  }

  /** See compareNumbers: none last either way, a diverged run's ∞ or NaN past every finite value. */
  private order(runs: readonly StoredRun[]): readonly StoredRun[] {
    const column = this.columns.find((c) => c.id === this.sortId);
    if (!column) return runs;
    const descending = this.descending;
    const keyed = runs.map((run) => ({ run, key: column.value(run) }));
    if (column.kind === 'text')
      keyed.sort((a, b) => (descending ? -1 : 1) * collator.compare(a.key as string, b.key as string));
    else keyed.sort((a, b) => compareNumbers(a.key as number | null, b.key as number | null, descending));
    return keyed.map((entry) => entry.run);
  }

  /**
   * The run's text in the visible columns (and the ids a column shows by name, as a filter finds them), lower-cased,
   * built once per run object and column choice.
   */
  private textOf(run: StoredRun): string {
    const columns = this.visibleColumns.map((c) => c.id).join();
    const cached = this.searchText.get(run);
    if (cached?.columns === columns) return cached.text;
    const text = this.visibleColumns
      .flatMap((c) => (c.alias ? [c.text(run), c.alias(run)] : [c.text(run)]))
      .join('\u0000')
      .toLowerCase();
    this.searchText.set(run, { columns, text });
    return text;
  }

  private saved(key: string): string[] | null {
    try {
      const saved: unknown = JSON.parse(this.storage?.getItem(key) ?? 'null');
      if (!Array.isArray(saved)) return null;
      const known = new Set(this.columns.map((c) => c.id));
      return saved.filter((id): id is string => typeof id === 'string' && known.has(id));
    } catch {
      return null; // a value this version cannot read: start from the defaults
    }
  }
}
