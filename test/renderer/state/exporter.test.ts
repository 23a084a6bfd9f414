/** The renderer's half of an export, against the main process's half in process: pages, cancel, failure. */
import { describe, expect, it } from 'vitest';
import type { ExportOutcome, ExportPage, ExportRun, ExportSweep, LabApi } from '../../../src-core/contract/api';
import { parseImport } from '../../../src-core/import/cli-json';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { executeRun } from '../../../src-core/run/execute';
import { ExportSessions } from '../../../src-main/export/sessions';
import type { ExportSink } from '../../../src-main/export/sink';
import { createHandlers } from '../../../src-main/handlers';
import { SweepService } from '../../../src-main/sweep-service';
import { Exporter } from '../../../src-renderer/lib/state/exporter.svelte';
import { adagradRun, goodSpec } from '../../helpers/configs';
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

  it('writes a Runs JSON, sweep by sweep with each spec once, that imports back as the same runs and annotations', async () => {
    const sweeps = ['a', 'b'].map((id): ExportSweep => {
      const checked = validateSweepSpec({ ...goodSpec, name: `sweep ${id}` });
      if (!checked.ok) throw new Error(checked.message);
      return { id, name: checked.value.name, spec: checked.value };
    });
    // Listed as a table sorted by loss would list them: the two sweeps interleaved, out of index order.
    const stored = sweeps
      .flatMap((sweep) => expandSweep(sweep.id, sweep.spec))
      .map((config, i): ExportRun => ({
        config,
        summary: executeRun(config).summary,
        sweepName: `sweep ${config.sweepId}`,
        annotations: { tags: i % 3 === 0 ? ['kept', '“best”'] : [], starred: i === 4, note: '' },
      }))
      .sort((x, y) => x.summary.finalLoss - y.summary.finalLoss);
    const sink = new RecordingSink();
    const sent: ExportPage[] = [];
    const api = wire(sink);
    const exporter = new Exporter(
      {
        ...api,
        writeExport: (page: ExportPage) => (sent.push(page), api.writeExport(page)),
      } as LabApi,
      () => undefined,
    );
    await exporter.export('runs', stored, 'runs.json', false, new Map(sweeps.map((s) => [s.id, s])));
    expect(sent.length).toBe(1);
    expect(sent[0].sweeps).toEqual(sweeps);
    expect(exporter.status).toBe('Exported 12 runs to /home/u/runs.csv');
    const plan = parseImport(sink.lines.join('\n'));
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.refusals).toEqual([]);
    expect(plan.sweeps.map(({ id, spec }) => ({ id, name: spec.name, spec }))).toEqual(sweeps);
    const byId = new Map(stored.map((run) => [run.config.id, run]));
    for (const run of plan.runs) {
      const before = byId.get(run.config.id)!;
      expect(run.config).toEqual(before.config);
      expect(run.summary).toEqual(before.summary);
      const { tags, starred } = before.annotations!;
      expect(run.annotations).toEqual(tags.length > 0 || starred ? before.annotations : undefined);
    }
    expect(plan.runs).toHaveLength(12);
  });

  it('sends each sweep’s spec once, with the page of its first run, however many pages its runs take', async () => {
    const spec = validateSweepSpec(goodSpec);
    if (!spec.ok) throw new Error(spec.message);
    const sweeps = new Map(['a', 'b'].map((id): [string, ExportSweep] => [id, { id, name: 'test', spec: spec.value }]));
    // 30 runs with 20,000-coordinate start points (~15 MB): several pages, sweep "a" in the first, "b" later.
    const wide = runs.slice(0, 30).map((run, i) => ({
      ...run,
      config: { ...run.config, sweepId: i < 15 ? 'a' : 'b', start: new Array<number>(20_000).fill(1) },
    }));
    const sent: ExportPage[] = [];
    const sink = new RecordingSink();
    const api = wire(sink);
    await new Exporter(
      { ...api, writeExport: (page: ExportPage) => (sent.push(page), api.writeExport(page)) } as LabApi,
      () => undefined,
    ).export('runs', wide, 'runs.json', false, sweeps);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    const firstOfB = sent.findIndex((page) => page.runs.some((run) => run.config.sweepId === 'b'));
    expect(sent.map((page) => (page.sweeps ?? []).map((sweep) => sweep.id))).toEqual(
      sent.map((_, i) => [...(i === 0 ? ['a'] : []), ...(i === firstOfB ? ['b'] : [])]),
    );
    const file = JSON.parse(sink.lines.join('\n'));
    expect(file.sweeps.map((sweep: { id: string; runs: unknown[] }) => [sweep.id, sweep.runs.length])).toEqual([
      ['a', 15],
      ['b', 15],
    ]);
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
