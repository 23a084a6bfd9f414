/**
 * The brushes of the open sweep summary's parallel coordinates, and what they pick: the sweep's axes (computed once,
 * here, for the chart and the mask alike), which of its runs lie inside every brush, and a predicate that the runs
 * table, the selection and the other views filter by. A brush belongs to one sweep: opening another summary or closing
 * it clears them (`follow`), and a summary whose sweep is gone has none.
 */
import type { SweepSpec } from '../../../src-core/contract/sweep-spec';
import { inBrushes, parallelAxes, type Brush, type Brushes } from '../../../src-core/views/parallel';
import type { StoredRun } from '../storage/records';

/** The sweep whose summary is open: its id, its spec (the axes' scales) and its stored runs. */
export interface BrushedSweep {
  id: string;
  spec: SweepSpec;
  runs: readonly StoredRun[];
}

const none: Brushes = new Map();

export class BrushState {
  /** The brushes and the sweep they were drawn on. */
  private drawn = $state.raw<{ sweepId: string | null; brushes: Brushes }>({ sweepId: null, brushes: none });

  /** The sweep's runs, in the order of the axes' values. */
  readonly sweepRuns = $derived.by(() => this.source()?.runs ?? []);

  readonly axes = $derived.by(() => {
    const sweep = this.source();
    return sweep ? parallelAxes(sweep.runs, [sweep.spec]) : [];
  });

  /** The brushes on the open summary's sweep, by axis name. */
  readonly brushes = $derived.by(() => (this.drawn.sweepId === this.source()?.id ? this.drawn.brushes : none));

  /** Whether any brush narrows the runs. */
  readonly active = $derived(this.brushes.size > 0);

  /** 1 for each of the sweep's runs (in its order) inside every brush. */
  readonly mask = $derived(inBrushes(this.axes, this.brushes, this.sweepRuns.length));

  /** The sweep's runs inside every brush (all of them without a brush). */
  readonly runs = $derived.by(() => {
    const runs = this.sweepRuns;
    if (!this.active) return runs;
    const mask = this.mask;
    return runs.filter((_, r) => mask[r] === 1);
  });

  /** Their ids, for the predicate: a Set lookup per row keeps the table's filter linear. */
  private readonly inside = $derived(new Set(this.runs.map((run) => run.id)));

  constructor(private readonly source: () => BrushedSweep | null) {}

  /** Whether a run passes the brushes: every run without one, else only the brushed sweep's runs inside them. */
  readonly keeps = (run: StoredRun): boolean => !this.active || this.inside.has(run.id);

  /** Sets (or, with null, removes) the brush on one axis. */
  set(axis: string, brush: Brush | null): void {
    const brushes = new Map(this.brushes);
    if (brush) brushes.set(axis, brush);
    else brushes.delete(axis);
    this.drawn = { sweepId: this.source()?.id ?? null, brushes };
  }

  clear(): void {
    this.drawn = { sweepId: null, brushes: none };
  }

  /** Called when the summary opens another sweep (or closes): its brushes start empty. */
  follow(sweepId: string | null): void {
    if (sweepId !== this.drawn.sweepId) this.clear();
  }
}
