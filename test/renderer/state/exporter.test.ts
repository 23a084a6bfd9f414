/** The renderer's half of an export, against the main process's half in process: pages, cancel, failure. */
import { describe, expect, it } from 'vitest';
import type { ExportOutcome, ExportRun, LabApi } from '../../../src-core/contract/api';
import { executeRun } from '../../../src-core/run/execute';
import { ExportSessions } from '../../../src-main/export/sessions';
import type { ExportSink } from '../../../src-main/export/sink';
import { createHandlers } from '../../../src-main/handlers';
import { SweepService } from '../../../src-main/sweep-service';
import { Exporter } from '../../../src-renderer/lib/state/exporter.svelte';
import { adagradRun } from '../../helpers/configs';
import { inProcessExecutor } from '../../helpers/in-process-executor';

class RecordingSink implements ExportSink {
  lines: string[] = [];
  outcome: 'open' | 'finished' | 'aborted' = 'open';
  failAfterLines = Infinity;
  async write(chunks: Iterable<string>): Promise<void> {
    for (const chunk of chunks) this.lines.push(...chunk.split('\r\n').filter((line) => line !== ''));
    if (this.lines.length > this.failAfterLines) throw new Error('the disk is full');
  }
  async finish(): Promise<ExportOutcome> {
    this.outcome = 'finished';
    return { saved: true, path: '/home/u/runs.csv' };
  }
  async abort(): Promise<void> {
    this.outcome = 'aborted';
  }
}

/** The LabApi the exporter uses, wired to real handlers and export sessions over `sink`. */
function wire(sink: RecordingSink, onWrite: (pages: number) => void = () => undefined): LabApi {
  const handlers = createHandlers(
    new SweepService(inProcessExecutor()),
    new ExportSessions(inProcessExecutor(), async () => sink),
  );
  let pages = 0;
  return {
    startExport: (request) => handlers.startExport(request),
    writeExport: (page) => {
      onWrite(++pages);
      return handlers.writeExport(page);
    },
    finishExport: (request) => handlers.finishExport(request),
  } as LabApi;
}

const runs: ExportRun[] = Array.from({ length: 150 }, (_, i) => {
  const config = adagradRun({ lr: 0.01 * (i + 1) }, { id: `s:${String(i).padStart(6, '0')}`, steps: 5 });
  return { config, summary: executeRun(config).summary, sweepName: 'lr' };
});

describe('Exporter', () => {
  it('sends the runs in pages, in order, and reports where the file went', async () => {
    const sink = new RecordingSink();
    const problems: string[] = [];
    const exporter = new Exporter(wire(sink), (p) => problems.push(p));
    await exporter.export('traces', runs, 'traces.csv', false);
    expect(sink.outcome).toBe('finished');
    expect(sink.lines).toHaveLength(1 + 150 * 6);
    expect([...new Set(sink.lines.slice(1).map((line) => line.split(',')[0]))]).toEqual(runs.map((r) => r.config.id));
    expect(exporter.status).toBe('Exported 150 runs to /home/u/runs.csv');
    expect(exporter.busy).toBe(false);
    expect(problems).toEqual([]);
  });

  it('stops after the page being written when cancelled, and the file is discarded', async () => {
    const sink = new RecordingSink();
    // The user presses Cancel while the first page is being written.
    const exporter: Exporter = new Exporter(
      wire(sink, (pages) => pages === 1 && exporter.cancel()),
      () => undefined,
    );
    await exporter.export('traces', runs, 'traces.csv', false);
    expect(sink.outcome).toBe('aborted');
    expect(exporter.status).toBe('Export cancelled');
  });

  it('keeps each call to a few megabytes, whatever the size of the start points', async () => {
    const dim = 20_000;
    const wide = runs.slice(0, 30).map((run) => ({
      ...run,
      config: {
        ...run.config,
        objective: { id: 'ill-conditioned' as const, dim, condition: 10 },
        start: new Array<number>(dim).fill(1),
      },
    }));
    const sink = new RecordingSink();
    let calls = 0;
    await new Exporter(
      wire(sink, (pages) => (calls = pages)),
      () => undefined,
    ).export('summary', wide, 'runs.csv', false);
    expect(sink.lines).toHaveLength(31);
    expect(calls).toBeGreaterThanOrEqual(4); // 30 × 20,000 coordinates ≈ 15 MB: not one message
  });

  it('shows why an export failed, and discards it', async () => {
    const sink = new RecordingSink();
    sink.failAfterLines = 10;
    const problems: string[] = [];
    const exporter = new Exporter(wire(sink), (p) => problems.push(p));
    await exporter.export('summary', runs, 'runs.csv', false);
    expect(problems).toEqual(['Could not export runs.csv: the disk is full']);
    expect(sink.outcome).toBe('aborted');
    expect(exporter.status).toBeNull();
  });
});
