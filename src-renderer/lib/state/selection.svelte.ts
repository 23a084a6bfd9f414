/**
 * The runs selected (as a person picks them: ../runs-table/run-selection) and the traces of the first few, which the
 * charts overlay: loaded from IndexedDB whenever the selection changes, the newest selection winning.
 */
import type { RunConfig } from '../../../src-core/contract/types';
import type { LabDatabase } from '../storage/db';
import type { StoredRun, StoredTrace } from '../storage/records';
import { RunSelection, type ClickModifiers } from '../runs-table/run-selection.svelte';
import type { RunList } from './run-list.svelte';

/** The charts overlay at most this many of the selected runs (their traces are loaded; the rest are not). */
export const MAX_CHARTED_RUNS = 10;
/**
 * Grouped, the charts take at most this many of the selected runs into their groups, whose lines and bands need every
 * member's trace: a group of seeds cut at the tenth run had read "(1 run)" with its sweep's three selected.
 */
export const MAX_GROUPED_RUNS = 200;

export class ChartedSelection {
  private readonly picks = new RunSelection();
  /** How many of the first selected runs have their traces loaded (chartFirst). */
  private charted = MAX_CHARTED_RUNS;
  /** Loads begun, so that only the newest one's traces are kept. */
  private loads = 0;
  /** Traces of the charted runs, loaded from IndexedDB on selection (large: kept out of deep reactivity). */
  traces = $state.raw<ReadonlyMap<string, StoredTrace>>(new Map());

  constructor(
    private readonly runList: RunList,
    private readonly db: LabDatabase,
    /** The traces of runs stored without one (imported runs), from their configs: ../charts/recomputed-traces. */
    private readonly recompute?: (configs: readonly RunConfig[]) => Promise<StoredTrace[]>,
  ) {}

  /** The selected run ids, in the order they were picked. */
  get ids(): readonly string[] {
    return this.picks.ids;
  }

  get set(): ReadonlySet<string> {
    return this.picks.set;
  }

  /** The selected runs, in the order they were picked. */
  get runs(): StoredRun[] {
    return this.picks.ids.flatMap((id) => this.runList.get(id) ?? []);
  }

  /** Selects one run, or with `add` toggles it in or out of the selection (the sweep summary and charts use this). */
  select(runId: string, add = false): Promise<void> {
    this.picks.click(runId, { toggle: add, range: false }, []);
    return this.loadCharted();
  }

  /** A click in the runs table; `shown` is the table's order. */
  click(runId: string, modifiers: ClickModifiers, shown: readonly string[]): Promise<void> {
    this.picks.click(runId, modifiers, shown);
    return this.loadCharted();
  }

  /** Selects exactly these runs, in this order (a preset opens the runs it is about; [] clears the selection). */
  replace(ids: readonly string[]): Promise<void> {
    this.picks.replace(ids);
    return this.loadCharted();
  }

  setShown(shown: readonly string[], on: boolean): Promise<void> {
    this.picks.setShown(shown, on);
    return this.loadCharted();
  }

  /** Keeps only the runs that still exist (after a deletion). */
  retain(exists: (id: string) => boolean): Promise<void> {
    this.picks.retain(exists);
    return this.loadCharted();
  }

  /**
   * Loads the traces of the first `count` selected runs from now on: MAX_CHARTED_RUNS drawn one line each, up to
   * MAX_GROUPED_RUNS while the charts group them.
   */
  chartFirst(count: number): Promise<void> {
    const charted = Math.min(Math.max(count, MAX_CHARTED_RUNS), MAX_GROUPED_RUNS);
    if (charted === this.charted) return Promise.resolve();
    this.charted = charted;
    return this.loadCharted();
  }

  /** Loads the traces of the first selected runs (chartFirst's count). */
  private async loadCharted(): Promise<void> {
    const ids = this.picks.ids.slice(0, this.charted);
    // A newer load (another selection, or another count) wins over this one.
    const load = ++this.loads;
    const traces = await this.db.traces(ids);
    if (load !== this.loads) return;
    const found = new Map(traces.flatMap((trace) => (trace ? [[trace.runId, trace] as const] : [])));
    this.traces = found;
    const missing = ids.flatMap((id) => (found.has(id) ? [] : (this.runList.get(id)?.config ?? [])));
    if (missing.length === 0 || !this.recompute) return;
    const recomputed = await this.recompute(missing);
    if (load !== this.loads) return;
    this.traces = new Map([...found, ...recomputed.map((trace) => [trace.runId, trace] as const)]);
  }
}
