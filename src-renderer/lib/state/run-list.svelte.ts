/**
 * Every stored run, in memory, kept up to date incrementally: the app applies each batch it stores (and each edit and
 * deletion) here instead of re-reading the table, so a sweep streaming 10,000 runs in costs O(batch) per batch, not
 * O(runs). Views read `runs`, which is replaced, never mutated, at most every `publishIntervalMs` while results
 * stream, so the table re-renders a few times a second instead of once per batch. A sweep's runs are kept in the
 * slots of their indexes, so publishing lists them in order without sorting them: O(runs), where a sort of every run
 * each time had slowed storing to half its rate by 300,000 runs stored (docs/reliability.md, Soak).
 *
 * Columnar, so that a million runs fit: a run is held as its slot in its sweep's columns (./shaped-columns: configs
 * and summaries as a template per shape and a Float64Array per number that varies; what a person attached only where
 * they did) and one small object that reads them, a ListedRun. Its config and summary are built when read, so the
 * views that read every run's read one part (`summaryField`) or a few samples (`settingSamples`) instead.
 * docs/performance-ui.md measures the bytes per run.
 *
 * Stored pages are read straight into those columns (`load`, `upsertPages`): a page's summaries from its columns
 * through one reused object, configs from the sweep's spec (../storage/page-codec), no StoredRun per run.
 *
 * This tab's writes are the only ones it sees: another tab on the same database shows them after a reload.
 */
import type { RunConfig, RunSummary, SweepProgress, SweepSpec } from '../../../src-core/contract/types';
import { runId } from '../../../src-core/sweep/expand';
import type { LabDatabase } from '../storage/db';
import { RunPageReader, specConfigs, type RunPage } from '../storage/page-codec';
import type { StoredColumns } from '../storage/stored-read';
import { gridSamples, listedGridSamples } from './grid-samples';
import type { RunAnnotations, StoredRun } from '../storage/records';
import { ShapedColumns } from './shaped-columns';

/** How many runs converged, diverged or failed, as a sweep's progress counts them. */
export type RunOutcomes = Pick<SweepProgress, 'converged' | 'diverged' | 'failed'>;

const noTags: string[] = Object.freeze([]) as unknown as string[];
const noAnnotations: RunAnnotations = Object.freeze({ tags: noTags, starred: false, note: '' });

/** Where a slot's config is: its own (in `configs` or `odd`), or its spec's, built (in `configs`) or not yet. */
const OWN = 0;
const SPEC_BUILT = 1;
const SPEC_LAZY = 2;
/**
 * Lazy configs are built this many slots at a time, around the one read: a row drawn builds a few dozen (a sort puts
 * rows of many blocks on screen at once; at 256 a block, the rows after a sort of 100,000 runs had built ~9,000
 * configs), and a read of every run (a sort by a setting) builds them all without one long task.
 */
const BUILD_BLOCK = 32;

/** One sweep's runs: the published ones in the slots of their indexes, and the columns they read. */
class SweepRuns {
  readonly rows: (ListedRun | undefined)[] = [];
  /** Configs without what the run's place gives (id, sweepId, index): the rest is alike but for a few numbers. */
  readonly configs = new ShapedColumns<RunConfig>(['id', 'sweepId', 'index']);
  readonly summaries = new ShapedColumns<RunSummary>();
  /** Only the runs a person starred, tagged or noted. */
  readonly annotations = new Map<number, RunAnnotations>();
  /** Configs whose id, sweep or index are not those of their run (none the app stores): kept whole. */
  readonly odd = new Map<number, RunConfig>();
  /**
   * The sweep's spec, which gives the configs of runs read from stored pages (../storage/page-codec): those are built
   * when first read, so that start-up reads none (a view reads a few rows' or, sorting by a setting, every run's).
   */
  spec: SweepSpec | undefined = undefined;
  /** Per slot: OWN, SPEC_BUILT or SPEC_LAZY. */
  private origin = new Uint8Array(0);
  private listed = 0;
  private fromSpec = 0;
  private lazy = 0;
  /** The setting samples (RunList.settingSamples) of this sweep's runs, until one is put or deleted. */
  private sampled: ListedRun[] | null = null;
  /** What this sweep's listed runs came to (outcomes()), until one is put or deleted. */
  private counted: RunOutcomes | null = null;

  constructor(
    readonly sweepId: string,
    public createdAt: number,
  ) {}

  put(run: StoredRun): void {
    const { id, sweepId, index } = run.config;
    const placed = id === run.id && sweepId === run.sweepId && index === run.index;
    if (placed) this.configs.put(run.index, run.config);
    else this.odd.set(run.index, run.config);
    this.putParts(run.index, OWN, run.summary, run);
    if (placed) this.odd.delete(run.index);
  }

  /** A run read from a stored page whose config is its spec's (built when first read). The objects are copied, not kept. */
  putFromSpec(index: number, summary: RunSummary, annotations: RunAnnotations): void {
    this.configs.delete(index);
    this.odd.delete(index);
    this.putParts(index, SPEC_LAZY, summary, annotations);
  }

  private putParts(index: number, origin: number, summary: RunSummary, annotations: RunAnnotations): void {
    this.forget(index);
    this.summaries.put(index, summary);
    const { tags, starred, note } = annotations;
    if (tags.length > 0 || starred || note !== '') this.annotations.set(index, { tags, starred, note });
    else this.annotations.delete(index);
    this.rows[index] = new ListedRun(this, index);
    this.setOrigin(index, origin);
    this.listed++;
  }

  delete(index: number): void {
    this.forget(index);
    this.rows[index] = undefined;
    this.configs.delete(index);
    this.summaries.delete(index);
    this.annotations.delete(index);
    this.odd.delete(index);
  }

  /** Un-counts what `index` held. */
  private forget(index: number): void {
    this.sampled = null;
    this.counted = null;
    if (this.rows[index] === undefined) return;
    this.listed--;
    this.setOrigin(index, OWN);
  }

  private setOrigin(index: number, origin: number): void {
    if (index >= this.origin.length) {
      const bigger = new Uint8Array(Math.max(index + 1, this.origin.length * 2, 64));
      bigger.set(this.origin);
      this.origin = bigger;
    }
    const before = this.origin[index];
    this.fromSpec += Number(origin !== OWN) - Number(before !== OWN);
    this.lazy += Number(origin === SPEC_LAZY) - Number(before === SPEC_LAZY);
    this.origin[index] = origin;
  }

  /** The config of the run in `index`: built from the spec on its first read, with the rest of its BUILD_BLOCK. */
  config(index: number): RunConfig {
    const odd = this.odd.get(index);
    if (odd) return odd;
    if (this.origin[index] === SPEC_LAZY) {
      const first = index - (index % BUILD_BLOCK);
      this.build(first, Math.min(first + BUILD_BLOCK, this.origin.length) - 1);
    }
    return this.configs.get(index, { id: runId(this.sweepId, index), sweepId: this.sweepId, index })!;
  }

  /** Builds the lazy configs of slots first … last from the spec. */
  private build(first: number, last: number): void {
    const configs = specConfigs(this.sweepId, this.spec, first, last);
    for (let index = first; index <= last; index++) {
      if (this.origin[index] !== SPEC_LAZY) continue;
      const config = configs.get(index);
      if (!config)
        throw new Error(`Run ${runId(this.sweepId, index)} has no config: its sweep's spec does not give it`);
      this.configs.put(index, config);
      this.setOrigin(index, SPEC_BUILT);
    }
  }

  private buildAll(): void {
    if (this.lazy === 0) return;
    const first = this.origin.indexOf(SPEC_LAZY);
    const last = this.origin.lastIndexOf(SPEC_LAZY);
    this.build(first, last);
  }

  /** The indexes of the runs listed, in order. */
  private *indexes(): Generator<number> {
    for (let index = 0; index < this.rows.length; index++) if (this.rows[index] !== undefined) yield index;
  }

  /** How many of the listed runs converged, diverged or failed: read once per change of the runs, not per view. */
  outcomes(): RunOutcomes {
    if (this.counted) return this.counted;
    const counted = { converged: 0, diverged: 0, failed: 0 };
    for (const index of this.indexes()) {
      const status = this.summaries.field(index, 'status');
      if (status === 'converged' || status === 'diverged' || status === 'failed') counted[status]++;
    }
    return (this.counted = counted);
  }

  /** Runs whose settings differ wherever this sweep's do: kept until a run is put or deleted (a publication costs O(runs) less). */
  samples(): readonly ListedRun[] {
    if (this.sampled) return this.sampled;
    const listed = (index: number) => this.rows[index] !== undefined;
    const fromGrid =
      this.spec && this.lazy > 0 && this.fromSpec === this.listed
        ? (gridSamples(this.sweepId, this.spec, listed) ?? listedGridSamples(this.sweepId, this.spec, this.indexes()))
        : null;
    if (fromGrid) {
      // Every run listed has its grid's config: runs that differ from the first in one coordinate show every setting
      // that differs (./grid-samples), without building the others' configs, also while a sweep's runs come in.
      // Their configs, which the views read, are built one by one, not with their BUILD_BLOCKs: a sweep's first
      // publication mounts the runs panel in the same task, and two blocks of log-spaced points were ~6 ms of it.
      for (const index of fromGrid) this.build(index, index);
      return (this.sampled = fromGrid.map((index) => this.rows[index]!));
    }
    this.buildAll();
    const indexes = [...this.configs.samples(listed), ...[...this.odd.keys()].filter(listed)];
    return (this.sampled = indexes.map((index) => this.rows[index]!));
  }
}

/** A run as listed: a StoredRun whose parts are read from its sweep's columns (built anew on each read). */
export class ListedRun implements StoredRun {
  constructor(
    private readonly sweep: SweepRuns,
    readonly index: number,
  ) {}

  get id(): string {
    return runId(this.sweep.sweepId, this.index);
  }

  get sweepId(): string {
    return this.sweep.sweepId;
  }

  get createdAt(): number {
    return this.sweep.createdAt;
  }

  get config(): RunConfig {
    return this.sweep.config(this.index);
  }

  get summary(): RunSummary {
    return this.sweep.summaries.get(this.index)!;
  }

  /** One part of the summary, read without building the rest (what a sort or a filter reads per run). */
  summaryField<K extends keyof RunSummary>(key: K): RunSummary[K] {
    return this.sweep.summaries.field(this.index, key)!;
  }

  get tags(): string[] {
    return this.annotations.tags;
  }

  get starred(): boolean {
    return this.annotations.starred;
  }

  get note(): string {
    return this.annotations.note;
  }

  private get annotations(): RunAnnotations {
    return this.sweep.annotations.get(this.index) ?? noAnnotations;
  }
}

/** One part of a run's summary: read from its columns if it is a ListedRun, without building the whole summary. */
export const summaryField = <K extends keyof RunSummary>(run: StoredRun, key: K): RunSummary[K] =>
  run instanceof ListedRun ? run.summaryField(key) : run.summary[key];

/** The place a run id names, read leniently (ids come from stored runs): its sweep and index. */
function placeOf(id: string): { sweepId: string; index: number } {
  const colon = id.lastIndexOf(':');
  return { sweepId: id.slice(0, colon), index: Number(id.slice(colon + 1)) };
}

const newestFirst = (a: SweepRuns, b: SweepRuns): number =>
  b.createdAt - a.createdAt || (a.sweepId < b.sweepId ? -1 : a.sweepId > b.sweepId ? 1 : 0);

export class RunList {
  /** Newest sweep first, then in each sweep's order. */
  runs = $state.raw<readonly StoredRun[]>([]);
  /**
   * Runs that together show every setting that differs among `runs` (ShapedColumns.samples): what a view that asks
   * which settings vary reads instead of every run's config.
   */
  settingSamples = $state.raw<readonly StoredRun[]>([]);
  /** How many runs of each sweep `runs` lists: counted per sweep as they are published, not per run by each view. */
  storedBySweep = $state.raw<ReadonlyMap<string, number>>(new Map());
  /** False until what is stored has been read once: no "no runs yet" flashes past a returning person. */
  loaded = $state(false);
  private readonly bySweep = new Map<string, SweepRuns>();
  /** Changes not yet published, by id: a run to put, or null to remove. Applied after `pendingPages`. */
  private readonly pending = new Map<string, StoredRun | null>();
  /** Stored pages not yet published, in the order they came, each with its sweep's spec. */
  private pendingPages: { page: RunPage; spec: SweepSpec | undefined }[] = [];
  /** What a page's summaries are read through before ShapedColumns copies them (see applyPage). */
  private readonly scratch = {} as RunSummary;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPublished = -Infinity;

  constructor(
    private readonly publishIntervalMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Reads what is stored (once, at start-up): from `started`, the page's own start-up read, when it has it, else
   * through `db`; runs applied meanwhile are newer and win.
   */
  async load(db: LabDatabase, started: Promise<StoredColumns | null> = Promise.resolve(null)): Promise<void> {
    const { sweeps, pages } = (await started) ?? (await db.runColumns());
    const specs = new Map(sweeps.map((sweep) => [sweep.id, sweep.spec] as const));
    const newer = this.bySweep.size > 0 || this.pending.size > 0 || this.pendingPages.length > 0;
    const older = newer ? (id: string) => !this.pending.has(id) && !this.has(id) : null;
    for (const page of pages) this.applyPage(page, specs.get(page.sweepId), older);
    this.flush();
    this.loaded = true;
  }

  /** What the listed runs of a sweep came to (none listed: undefined); counted when first asked after a change. */
  outcomesOf(sweepId: string): RunOutcomes | undefined {
    if (!this.runs) return undefined; // read to make callers follow publications
    return this.bySweep.get(sweepId)?.outcomes();
  }

  get(id: string): StoredRun | undefined {
    if (!this.runs) return undefined; // read to make callers follow publications
    const { sweepId, index } = placeOf(id);
    return this.bySweep.get(sweepId)?.rows[index];
  }

  /** Adds or replaces runs; published within publishIntervalMs. */
  upsert(runs: readonly StoredRun[]): void {
    for (const run of runs) this.pending.set(run.id, run);
    this.schedule();
  }

  /**
   * Adds or replaces every run of these stored pages (as ../storage/db writes them); `specOf` gives a sweep's spec,
   * where the configs the pages do not hold come from. Published within publishIntervalMs.
   */
  upsertPages(pages: readonly RunPage[], specOf: (sweepId: string) => SweepSpec | undefined): void {
    for (const page of pages) {
      this.pendingPages.push({ page, spec: specOf(page.sweepId) });
      // A change by id made before this page is older than it.
      if (this.pending.size > 0) {
        const reader = new RunPageReader(page);
        for (let r = 0; r < reader.count; r++) this.pending.delete(reader.id(r));
      }
    }
    this.schedule();
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) this.pending.set(id, null);
    this.schedule();
  }

  /** Publishes now: after a person's own edit, which must show at once. O(runs), never a sort of them. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastPublished = this.now();
    for (const { page, spec } of this.pendingPages) this.applyPage(page, spec, null);
    this.pendingPages = [];
    for (const [id, run] of this.pending) {
      if (run) this.apply(run);
      else {
        const { sweepId, index } = placeOf(id);
        this.bySweep.get(sweepId)?.delete(index);
      }
    }
    this.pending.clear();
    const runs: StoredRun[] = [];
    const samples: StoredRun[] = [];
    const counts = new Map<string, number>();
    for (const sweep of [...this.bySweep.values()].sort(newestFirst)) {
      const before = runs.length;
      for (const run of sweep.rows) if (run) runs.push(run);
      if (runs.length === before) this.bySweep.delete(sweep.sweepId);
      else counts.set(sweep.sweepId, runs.length - before);
      samples.push(...sweep.samples());
    }
    this.settingSamples = samples;
    this.storedBySweep = counts;
    this.runs = runs;
  }

  private apply(run: StoredRun): void {
    this.sweepOf(run.sweepId, run.createdAt).put(run);
  }

  /** The sweep's runs, made if new; its time set to `createdAt` (the latest run's). */
  private sweepOf(sweepId: string, createdAt: number): SweepRuns {
    let sweep = this.bySweep.get(sweepId);
    if (!sweep) this.bySweep.set(sweepId, (sweep = new SweepRuns(sweepId, createdAt)));
    sweep.createdAt = createdAt;
    return sweep;
  }

  /**
   * Every run of a stored page (those `wanted` names, when given) into its sweep's columns: a summary read from the
   * page's columns into one reused object, which ShapedColumns copies; a config the page keeps is put as it is, the
   * others are the spec's, built when first read.
   */
  private applyPage(page: RunPage, spec: SweepSpec | undefined, wanted: ((id: string) => boolean) | null): void {
    const reader = new RunPageReader(page);
    if (reader.count === 0) return;
    const sweep = this.sweepOf(page.sweepId, page.createdAt[reader.count - 1]);
    sweep.spec ??= spec;
    for (let r = 0; r < reader.count; r++) {
      if (wanted && !wanted(reader.id(r))) continue;
      const summary = reader.summary(r, this.scratch);
      const annotations = reader.annotations(r) ?? noAnnotations;
      const kept = reader.keptConfig(r);
      if (kept)
        sweep.put({
          id: reader.id(r),
          sweepId: page.sweepId,
          index: reader.index(r),
          createdAt: 0,
          config: kept,
          summary,
          ...annotations,
        });
      else if (sweep.spec) sweep.putFromSpec(reader.index(r), summary, annotations);
      else throw new Error(`Run ${reader.id(r)} has no config: its sweep's spec is not known`);
    }
  }

  private has(id: string): boolean {
    const { sweepId, index } = placeOf(id);
    return this.bySweep.get(sweepId)?.rows[index] !== undefined;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    const wait = this.lastPublished + this.publishIntervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), wait);
  }
}
