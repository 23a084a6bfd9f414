/** What the import worker posts for the app's Runs JSON: the plan, then the runs in chunks, annotations included. */
import { describe, expect, it } from 'vitest';
import type { ExportRun, ExportSweep } from '../../../src-core/contract/api';
import { RunsJsonWriter } from '../../../src-core/export/runs-json';
import { executeRun } from '../../../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import { IMPORT_CHUNK_RUNS, importMessages, type ImportMessage } from '../../../src-renderer/lib/state/import-messages';

describe('importMessages of a Runs JSON', () => {
  it('posts the plan, then every run in chunks with its tags, star and note, then the end', async () => {
    const checked = validateSweepSpec({
      name: 'wide',
      objectives: [{ id: 'quadratic-1d' }],
      start: [4],
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { log: { from: 1e-3, to: 1, count: 700 } } } }],
      steps: 5,
    });
    if (!checked.ok) throw new Error(checked.message);
    const sweep: ExportSweep = { id: 'w', name: 'wide', spec: checked.value };
    const runs = expandSweep('w', sweep.spec).map((config): ExportRun => ({
      config,
      summary: executeRun(config).summary,
      sweepName: 'wide',
      annotations: { tags: config.index === 600 ? ['late'] : [], starred: config.index === 3, note: '' },
    }));
    const writer = new RunsJsonWriter();
    const text = writer.head() + writer.page(runs, () => sweep) + writer.tail();
    const messages: ImportMessage[] = [];
    for await (const message of importMessages(new Blob([text]))) messages.push(message);
    expect(messages.map((m) => (m.type === 'runs' ? m.runs.length : m.type))).toEqual([
      'plan',
      IMPORT_CHUNK_RUNS,
      700 - IMPORT_CHUNK_RUNS,
      'end',
    ]);
    const imported = messages.flatMap((m) => (m.type === 'runs' ? m.runs : []));
    expect(imported.filter((run) => run.annotations).map((run) => [run.config.index, run.annotations])).toEqual([
      [3, { tags: [], starred: true, note: '' }],
      [600, { tags: ['late'], starred: false, note: '' }],
    ]);
  });
});
