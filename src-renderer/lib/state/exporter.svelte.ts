/**
 * CSV exports from the renderer's side: it opens the export, hands the main process the runs page by page (each call
 * returns once that page is written, so the file is never built here) and ends it. The rows themselves, and for
 * traces the runs, are computed in the main process.
 */
import type { ExportKind, ExportRun, LabApi } from '../../../src-core/contract/api';

/** Runs per call: a summary row is cheap; a page of traces is computed before its call returns, so keep it short. */
const PAGE_RUNS: Record<ExportKind, number> = { summary: 2000, traces: 64 };
/** About this much data per call, well inside serve mode's 16 MB message limit even for runs with long start points. */
const PAGE_BYTES = 4_000_000;

/** The runs in pages of at most `maxRuns` runs and about PAGE_BYTES, in order. */
function* pages(runs: readonly ExportRun[], maxRuns: number): Generator<ExportRun[]> {
  let page: ExportRun[] = [];
  let bytes = 0;
  for (const run of runs) {
    // A config and summary take well under a kilobyte, plus a start point's coordinates.
    const size = 1000 + 25 * (run.config.start?.length ?? 0);
    if (page.length > 0 && (page.length === maxRuns || bytes + size > PAGE_BYTES)) {
      yield page;
      page = [];
      bytes = 0;
    }
    page.push(run);
    bytes += size;
  }
  if (page.length > 0) yield page;
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

  async export(kind: ExportKind, runs: readonly ExportRun[], suggestedName: string, everyStep: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.cancelled = false;
    try {
      await this.run(kind, runs, suggestedName, everyStep);
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
  ): Promise<void> {
    const started = await this.api.startExport({ kind, suggestedName, everyStep });
    if (!started.ok) return this.fail(started.error.message);
    const { exportId } = started.value;
    if (exportId === null) return; // the save dialog was cancelled
    this.status = `Exporting ${kind}: 0 of ${runs.length} runs`;
    for (const page of pages(runs, PAGE_RUNS[kind])) {
      if (this.cancelled) {
        await this.api.finishExport({ exportId, abort: true });
        this.status = 'Export cancelled';
        return;
      }
      // A failed page has already discarded the export on the main side.
      const written = await this.api.writeExport({ exportId, runs: page });
      if (!written.ok) return this.fail(written.error.message);
      this.status = `Exporting ${kind}: ${written.value} of ${runs.length} runs`;
    }
    const finished = await this.api.finishExport({ exportId, abort: false });
    if (!finished.ok) return this.fail(finished.error.message);
    this.status = `Exported ${runs.length} run${runs.length === 1 ? '' : 's'}${finished.value.path ? ` to ${finished.value.path}` : ''}`;
  }

  private fail(message: string): void {
    this.status = null;
    this.report(message);
  }
}
