/**
 * Exports from the renderer's side: it opens the export, hands the main process the runs page by page (each call
 * returns once that page is written, so the file is never built here) and ends it. The rows themselves, and for
 * traces the runs, are computed in the main process. A Runs JSON also carries each sweep's spec, once, with the page
 * of its first run, and its runs sweep by sweep (src-core/export/runs-json.ts).
 */
import type { ExportKind, ExportRun, ExportSweep, LabApi } from '../../../src-core/contract/api';
import { toJson } from '../../../src-core/export/json';
import { inFileOrder } from '../../../src-core/export/runs-json';
import { countOf, formatCount } from './labels';

/** Runs per call: a summary row is cheap; a page of traces is computed before its call returns, so keep it short. */
const PAGE_RUNS: Record<ExportKind, number> = { summary: 2000, traces: 64, runs: 2000 };
/** About this much data per call, well inside serve mode's 16 MB message limit even for runs with long start points. */
const PAGE_BYTES = 4_000_000;
/** What the status line calls each export. */
const LABELS: Record<ExportKind, string> = { summary: 'summary', traces: 'traces', runs: 'Runs JSON' };

interface Page {
  runs: ExportRun[];
  /** The sweeps of these runs that no earlier page brought. */
  sweeps: ExportSweep[];
}

/**
 * The runs in pages of at most `maxRuns` runs and about PAGE_BYTES, in order; each of `sweeps` goes with the page of
 * its first run (none for the CSVs, which are given none).
 */
function* pages(
  runs: readonly ExportRun[],
  maxRuns: number,
  sweeps: ReadonlyMap<string, ExportSweep>,
): Generator<Page> {
  const sent = new Set<string>();
  let page: Page = { runs: [], sweeps: [] };
  let bytes = 0;
  for (const run of runs) {
    const { sweepId } = run.config;
    const sweep = sent.has(sweepId) ? undefined : sweeps.get(sweepId);
    // A config and summary take well under a kilobyte, plus a start point's coordinates, a note and a new spec.
    const size =
      1000 +
      25 * (run.config.start?.length ?? 0) +
      4 * (run.annotations?.note.length ?? 0) +
      (sweep ? toJson(sweep.spec).length : 0);
    if (page.runs.length > 0 && (page.runs.length === maxRuns || bytes + size > PAGE_BYTES)) {
      yield page;
      page = { runs: [], sweeps: [] };
      bytes = 0;
    }
    if (sweep) {
      sent.add(sweepId);
      page.sweeps.push(sweep);
    }
    page.runs.push(run);
    bytes += size;
  }
  if (page.runs.length > 0) yield page;
}

export class Exporter {
  /** What the current or last export is doing or did, in words; null when there is nothing to say. */
  status = $state<string | null>(null);
  busy = $state(false);
  private cancelled = false;

  constructor(
    private readonly api: LabApi,
    private readonly report: (problem: string) => void,
  ) {}

  /** `sweeps`: the Runs JSON's, by id (every sweep its runs belong to); the CSVs need none. */
  async export(
    kind: ExportKind,
    runs: readonly ExportRun[],
    suggestedName: string,
    everyStep: boolean,
    sweeps: ReadonlyMap<string, ExportSweep> = new Map(),
  ): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.cancelled = false;
    try {
      await this.run(kind, kind === 'runs' ? inFileOrder(runs) : runs, suggestedName, everyStep, sweeps);
    } finally {
      this.busy = false;
    }
  }

  /** Stops the export after the page being written; the partial file is discarded. */
  cancel(): void {
    this.cancelled = true;
  }

  private async run(
    kind: ExportKind,
    runs: readonly ExportRun[],
    suggestedName: string,
    everyStep: boolean,
    sweeps: ReadonlyMap<string, ExportSweep>,
  ): Promise<void> {
    const started = await this.api.startExport({ kind, suggestedName, everyStep });
    if (!started.ok) return this.fail(started.error.message);
    const { exportId } = started.value;
    if (exportId === null) return; // the save dialog was cancelled
    this.status = `Exporting ${LABELS[kind]}: 0 of ${formatCount(runs.length)} runs`;
    for (const page of pages(runs, PAGE_RUNS[kind], sweeps)) {
      if (this.cancelled) {
        await this.api.finishExport({ exportId, abort: true });
        this.status = 'Export cancelled';
        return;
      }
      // A failed page has already discarded the export on the main side.
      const written = await this.api.writeExport({
        exportId,
        runs: page.runs,
        ...(page.sweeps.length > 0 ? { sweeps: page.sweeps } : {}),
      });
      if (!written.ok) return this.fail(written.error.message);
      this.status = `Exporting ${LABELS[kind]}: ${formatCount(written.value)} of ${formatCount(runs.length)} runs`;
    }
    const finished = await this.api.finishExport({ exportId, abort: false });
    if (!finished.ok) return this.fail(finished.error.message);
    this.status = `Exported ${countOf(runs.length, 'run')}${finished.value.path ? ` to ${finished.value.path}` : ''}`;
  }

  private fail(message: string): void {
    this.status = null;
    this.report(message);
  }
}
