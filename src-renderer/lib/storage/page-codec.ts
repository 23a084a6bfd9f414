/**
 * The records a page of runs and a page of traces are on disk, built from runs and traces and read back. Where a run
 * belongs (its page key) is ./run-pages; how a page's traces share one buffer is ./trace-storage.
 *
 * A page of runs (v6) holds its runs as columns, and only what cannot be derived: IndexedDB structured-clones a
 * record field by field on the main thread, and a config and a summary object per run had made reading and writing
 * run pages most of the renderer's storage time (docs/performance-ui.md). A run's id follows from its place, its
 * config from its sweep's spec and index (src-core/sweep/expand.ts; the app stores no other), so neither is stored; the
 * summary's numbers are one Float64Array (exact: NaN, ±Infinity, −0 and subnormals as they were), its status and
 * divergence cause small codes into a table of words; error messages and what a person attached are listed only for
 * the runs that have them. Anything a column cannot hold exactly (a config the spec does not give, a summary of
 * another shape, an id not made of its place) is kept whole for its run, so a page holds every run as it was given.
 */
import type { RunConfig, RunStatus, RunSummary, SweepSpec } from '../../../src-core/contract/types';
import { expandSweepRange, runId } from '../../../src-core/sweep/expand';
import { runAddress, type PageKey, type StoredPage } from './run-pages';
import { packTraces, unpackTraces, type PackedTrace } from './trace-storage';
import type { RunAnnotations, StoredRun, StoredTrace } from './records';

/** Per run in `numbers`: final loss, best loss, best step, steps to tolerance, diverged at (NaN for null). */
const SUMMARY_NUMBERS = 5;
/** Per run in `codes`: its status, then its divergence cause, each a position in `words`. */
const CODES = 2;
/** A cause code for null; a page has at most NONE words. */
const NONE = 255;

/** A page of runs: its runs' columns, in index order; `tags` is every tag its runs have, once each, for the multi-entry index. */
export interface RunPage {
  sweepId: string;
  page: number;
  /** How many runs it holds, indexed so that counting what is stored reads no page. */
  count: number;
  tags: string[];
  /** Each run's index in its sweep, ascending. */
  indexes: Int32Array;
  /** Each run's sweep time as it was stored with it. */
  createdAt: Float64Array;
  /** SUMMARY_NUMBERS per run (a run whose summary is kept whole has NaNs here). */
  numbers: Float64Array;
  /** CODES per run, positions in `words`. */
  codes: Uint8Array;
  words: string[];
  /** [index, message] of each run that failed. */
  errors: [number, string][];
  /** [index, annotations] of each run a person tagged, starred or noted. */
  annotations: [number, RunAnnotations][];
  /** [index, config] of each run whose config is not its sweep's spec's at its index (none the app stores itself). */
  configs: [number, RunConfig][];
  /** [index, summary] of each run whose summary the columns cannot hold exactly. */
  summaries: [number, RunSummary][];
  /** [index, id] of each run whose id is not runId(sweepId, index). */
  ids: [number, string][];
}

/** A page of traces: every column of its traces in one buffer (./trace-storage). */
export interface TracePage extends StoredPage<PackedTrace> {
  bytes: ArrayBuffer;
}

/** A run as its page holds it: a config or an id only where they cannot be derived (null: derived). */
export interface PageRow {
  index: number;
  createdAt: number;
  summary: RunSummary;
  /** Null for none (no tags, no star, no note). */
  annotations: RunAnnotations | null;
  config: RunConfig | null;
  id: string | null;
}

export const traceIndex = (trace: { runId: string }): number => runAddress(trace.runId).index;
export const traceAddress = (trace: StoredTrace) => runAddress(trace.runId);
export const rowIndex = (row: PageRow): number => row.index;
export const keyOf = ({ sweepId, page }: { sweepId: string; page: number }): PageKey => [sweepId, page];

const nullableStep = (x: unknown): boolean => x === null || (typeof x === 'number' && !Number.isNaN(x));

/** Whether the columns hold `summary` exactly: the summary's own fields, of their types, and nothing else. */
function fitsColumns(s: RunSummary): boolean {
  let keys = 0;
  for (const _key in s) keys++;
  return (
    typeof s.status === 'string' &&
    typeof s.finalLoss === 'number' &&
    typeof s.bestLoss === 'number' &&
    typeof s.bestStep === 'number' &&
    nullableStep(s.stepsToTolerance) &&
    nullableStep(s.divergedAt) &&
    (s.divergedIn === null || typeof s.divergedIn === 'string') &&
    (s.error === undefined ? keys === 7 : typeof s.error === 'string' && keys === 8)
  );
}

const isPlain = ({ tags, starred, note }: RunAnnotations): boolean =>
  Array.isArray(tags) && tags.length === 0 && starred === false && note === '';

/** Strict equality of JSON-like values: numbers by Object.is (−0 and NaN apart), the same keys, arrays alike. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    keys++;
    if (!(key in y) || !sameValue(x[key], y[key])) return false;
  }
  for (const _key in y) keys--;
  return keys === 0;
}

/**
 * The configs a sweep's spec gives its runs from `first` to `last` (indexes), by index; empty without a spec or when
 * the spec no longer expands (then every config of it is kept whole, as it was).
 */
export function specConfigs(
  sweepId: string,
  spec: SweepSpec | undefined,
  first: number,
  last: number,
): Map<number, RunConfig> {
  const configs = new Map<number, RunConfig>();
  if (!spec || last < first) return configs;
  try {
    for (const config of expandSweepRange(sweepId, spec, first, last + 1)) configs.set(config.index, config);
  } catch {
    configs.clear();
  }
  return configs;
}

/** A stored run as a row of its page: its config kept only when it is not `derived` (its spec's at its index). */
export const rowOf = (run: StoredRun, derived: RunConfig | undefined): PageRow => ({
  index: run.index,
  createdAt: run.createdAt,
  summary: run.summary,
  annotations: isPlain(run) ? null : { tags: run.tags, starred: run.starred, note: run.note },
  config: derived !== undefined && sameValue(run.config, derived) ? null : run.config,
  id: run.id === runId(run.sweepId, run.index) ? null : run.id,
});

/** A page of these rows (one per index), in index order whatever their order here. */
export function encodeRunPage([sweepId, page]: PageKey, given: readonly PageRow[]): RunPage {
  const inOrder = given.every((row, r) => r === 0 || given[r - 1].index < row.index);
  const rows = inOrder ? given : [...given].sort((a, b) => a.index - b.index);
  const n = rows.length;
  const record: RunPage = {
    sweepId,
    page,
    count: n,
    tags: [],
    indexes: new Int32Array(n),
    createdAt: new Float64Array(n),
    numbers: new Float64Array(n * SUMMARY_NUMBERS),
    codes: new Uint8Array(n * CODES),
    words: [],
    errors: [],
    annotations: [],
    configs: [],
    summaries: [],
    ids: [],
  };
  const words = new Map<string, number>();
  const code = (word: string): number => {
    let k = words.get(word);
    if (k === undefined && words.size < NONE) words.set(word, (k = record.words.push(word) - 1));
    return k ?? NONE;
  };
  const tags = new Set<string>();
  rows.forEach(({ index, createdAt, summary: s, annotations, config, id }, r) => {
    record.indexes[r] = index;
    record.createdAt[r] = createdAt;
    if (annotations) {
      record.annotations.push([index, annotations]);
      if (Array.isArray(annotations.tags)) for (const tag of annotations.tags) tags.add(tag);
    }
    if (config) record.configs.push([index, config]);
    if (id !== null) record.ids.push([index, id]);
    const status = fitsColumns(s) ? code(s.status) : NONE;
    const cause = status === NONE || s.divergedIn === null ? NONE : code(s.divergedIn);
    if (status === NONE || (s.divergedIn !== null && cause === NONE)) {
      record.numbers.fill(NaN, r * SUMMARY_NUMBERS, (r + 1) * SUMMARY_NUMBERS);
      record.codes.fill(NONE, r * CODES, (r + 1) * CODES);
      record.summaries.push([index, s]);
      return;
    }
    const at = r * SUMMARY_NUMBERS;
    record.numbers[at] = s.finalLoss;
    record.numbers[at + 1] = s.bestLoss;
    record.numbers[at + 2] = s.bestStep;
    record.numbers[at + 3] = s.stepsToTolerance ?? NaN;
    record.numbers[at + 4] = s.divergedAt ?? NaN;
    record.codes[r * CODES] = status;
    record.codes[r * CODES + 1] = cause;
    if (s.error !== undefined) record.errors.push([index, s.error]);
  });
  record.tags = [...tags].sort();
  return record;
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** Reads a page's runs by position (0 … count − 1) without building more than is asked for. */
export class RunPageReader {
  private readonly errors: Map<number, string>;
  private readonly annotationsOf: Map<number, RunAnnotations>;
  private readonly configsOf: Map<number, RunConfig>;
  private readonly summariesOf: Map<number, RunSummary>;
  private readonly idsOf: Map<number, string>;

  constructor(readonly page: RunPage) {
    this.errors = new Map(page.errors);
    this.annotationsOf = new Map(page.annotations);
    this.configsOf = new Map(page.configs);
    this.summariesOf = new Map(page.summaries);
    this.idsOf = new Map(page.ids);
  }

  get count(): number {
    return this.page.indexes.length;
  }

  index(r: number): number {
    return this.page.indexes[r];
  }

  id(r: number): string {
    const index = this.page.indexes[r];
    return this.idsOf.get(index) ?? runId(this.page.sweepId, index);
  }

  /** The run's annotations, or undefined for none. */
  annotations(r: number): RunAnnotations | undefined {
    return this.annotationsOf.get(this.page.indexes[r]);
  }

  /** The run's config when the page keeps it (its spec does not give it), else undefined. */
  keptConfig(r: number): RunConfig | undefined {
    return this.configsOf.get(this.page.indexes[r]);
  }

  /**
   * The run's summary, written into `into` (a summary object to reuse: what a reader that copies it elsewhere passes)
   * or a new object; a summary kept whole is returned as the page holds it.
   */
  summary(r: number, into?: RunSummary): RunSummary {
    const { indexes, numbers, codes, words } = this.page;
    const whole = this.summariesOf.get(indexes[r]);
    if (whole) return whole;
    const at = r * SUMMARY_NUMBERS;
    const cause = codes[r * CODES + 1];
    const s = into ?? ({} as RunSummary);
    s.status = words[codes[r * CODES]] as RunStatus;
    s.finalLoss = numbers[at];
    s.bestLoss = numbers[at + 1];
    s.bestStep = numbers[at + 2];
    s.stepsToTolerance = orNull(numbers[at + 3]);
    s.divergedAt = orNull(numbers[at + 4]);
    s.divergedIn = cause === NONE ? null : (words[cause] as RunSummary['divergedIn']);
    const error = this.errors.get(indexes[r]);
    if (error !== undefined) s.error = error;
    else delete s.error;
    return s;
  }

  row(r: number): PageRow {
    const index = this.page.indexes[r];
    return {
      index,
      createdAt: this.page.createdAt[r],
      summary: this.summary(r),
      annotations: this.annotationsOf.get(index) ?? null,
      config: this.configsOf.get(index) ?? null,
      id: this.idsOf.get(index) ?? null,
    };
  }

  rows(): PageRow[] {
    return Array.from({ length: this.count }, (_, r) => this.row(r));
  }

  /** The indexes of the first and last run (first > last for an empty page). */
  span(): [first: number, last: number] {
    const { indexes } = this.page;
    return indexes.length ? [indexes[0], indexes[indexes.length - 1]] : [0, -1];
  }

  /** Run r as a StoredRun, its config from `derived` (its spec's configs: specConfigs) unless the page keeps it. */
  run(r: number, derived: ReadonlyMap<number, RunConfig>): StoredRun {
    const index = this.page.indexes[r];
    const config = this.configsOf.get(index) ?? derived.get(index);
    if (!config)
      throw new Error(
        `Run ${index} of sweep ${this.page.sweepId} has no config: its sweep's spec is not stored or no longer gives it`,
      );
    const { tags, starred, note } = this.annotationsOf.get(index) ?? { tags: [], starred: false, note: '' };
    return {
      id: this.id(r),
      sweepId: this.page.sweepId,
      index,
      createdAt: this.page.createdAt[r],
      config,
      summary: this.summary(r),
      tags,
      starred,
      note,
    };
  }

  /** Every run of the page as StoredRuns; `spec`: its sweep's (undefined when not stored). */
  runs(spec: SweepSpec | undefined): StoredRun[] {
    const derived = specConfigs(this.page.sweepId, spec, ...this.span());
    return Array.from({ length: this.count }, (_, r) => this.run(r, derived));
  }
}

/** Stored runs of one page as its rows, each config compared with what `spec` gives at its index. */
export function rowsOf([sweepId]: PageKey, runs: readonly StoredRun[], spec: SweepSpec | undefined): PageRow[] {
  const indexes = runs.map((run) => run.index);
  const derived = specConfigs(sweepId, spec, Math.min(...indexes), Math.max(...indexes));
  return runs.map((run) => rowOf(run, derived.get(run.index)));
}

/** A page of these stored runs (one per index). */
export const runsPage = (key: PageKey, runs: readonly StoredRun[], spec: SweepSpec | undefined): RunPage =>
  encodeRunPage(key, rowsOf(key, runs, spec));

export function tracePage([sweepId, page]: PageKey, traces: StoredTrace[]): TracePage {
  const { traces: entries, bytes } = packTraces(traces);
  return { sweepId, page, entries, count: entries.length, bytes };
}

/** The traces of a stored page (none for a page not stored), as views of its buffer. */
export const tracesIn = (page: TracePage | undefined): StoredTrace[] =>
  page ? unpackTraces({ traces: page.entries, bytes: page.bytes }) : [];
