/**
 * Fuzzing the CSV export (src-core/export/csv.ts): whatever text a cell holds, a spreadsheet must not run it, and every
 * number must read back as the very double written. Each generated table is written with toCsv, the writer every
 * export goes through, and read back with an independent RFC 4180 parser (csv-parse).
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportRun } from '../../src-core/contract/api';
import { csvHeader, csvRows, type Cell, type Column } from '../../src-core/export/csv';
import { summaryColumns } from '../../src-core/export/summary-table';
import { failedRun } from '../../src-core/run/execute';
import { adagradRun } from '../helpers/configs';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS } from './arbitraries';
import { Tally } from './oracle';

const tally = new Tally();

/** A table as the export writes it, header and every row, joined. */
const toCsv = <T>(columns: readonly Column<T>[], records: Iterable<T>): string =>
  csvHeader(columns) + [...csvRows(columns, records)].join('');
afterAll(() => tally.print());

/**
 * What spreadsheets (Excel, LibreOffice, Google Sheets) treat as the start of a formula: at the start of the cell, or
 * after a separator one may split on (comma, semicolon, tab) or a line break, spaces allowed between.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const FORMULA = /^[=+\-@\t\r]|[,;\t\r\n] *[=+\-@]/;

const formulaLead = fc.constantFrom('=', '+', '-', '@', '\t', '\r');
/** Text that starts like a formula, or hides one after a separator, much of the time. */
const text = fc.oneof(
  fc.string(),
  fc.tuple(formulaLead, fc.string()).map(([lead, rest]) => lead + rest),
  fc
    .tuple(fc.string(), fc.constantFrom(',', ';', '\t', '\r\n', '\n', '; ', ',  '), formulaLead, fc.string())
    .map((parts) => parts.join('')),
  fc.constantFrom(
    '=HYPERLINK("http://evil.example","x")',
    '@SUM(1+1)*cmd|" /C calc"!A0',
    '-2+3',
    '+1',
    'ok;=1+2',
    'ok\t=1+3',
    'ok\r\n=1',
  ),
);
const cell: fc.Arbitrary<Cell> = fc.oneof(text, fc.double(), fc.integer(), fc.constant(null));

/** A cell as a spreadsheet would receive it: text neutralised by a leading apostrophe when it could run, numbers as written. */
function expectReadBack(written: Cell, read: string): void {
  if (written === null) return expect(read).toBe('');
  if (typeof written === 'number') {
    expect(read).toBe(Object.is(written, -0) ? '-0' : String(written));
    expect(Object.is(Number(read), written)).toBe(true);
    return;
  }
  expect(read).toBe(FORMULA.test(written) ? `'${written}` : written);
  expect(FORMULA_START.test(read), `a cell that still starts a formula: ${JSON.stringify(read)}`).toBe(false);
}

describe('CSV export', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('neutralises every text cell a spreadsheet would run, and keeps every number a plain number', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }), (rows) => {
        const columns: Column<Cell[]>[] = [0, 1, 2].map((i) => ({ header: `c${i}`, cell: (row) => row[i] }));
        const read = parse(toCsv(columns, rows), { relax_column_count: false, record_delimiter: '\r\n' }) as string[][];
        expect(read).toHaveLength(rows.length + 1);
        rows.forEach((row, r) => row.forEach((written, c) => expectReadBack(written, read[r + 1][c])));
        tally.record('CSV tables', true);
      }),
      { numRuns: 2000, seed: FUZZ_SEED },
    );
  });

  it('neutralises the text a run carries into the summary export (ids, names, tags, note, error) and keeps its metrics numeric', () => {
    fc.assert(
      fc.property(text, text, text, text, text, text, (sweepId, runId, sweepName, tag, note, error) => {
        const { config, summary } = failedRun(adagradRun({ lr: 0.5 }, { id: runId, sweepId }), new Error(error));
        const run: ExportRun = { config, summary, sweepName, annotations: { tags: [tag], starred: false, note } };
        const [header, row] = parse(toCsv(summaryColumns, [run]), { record_delimiter: '\r\n' }) as string[][];
        const at = (name: string) => row[header.indexOf(name)];
        expectReadBack(runId, at('run_id'));
        expectReadBack(sweepId, at('sweep_id'));
        expectReadBack(sweepName, at('sweep_name'));
        expectReadBack(tag, at('tags'));
        expectReadBack(note, at('note'));
        expectReadBack(summary.error ?? null, at('error'));
        expectReadBack(0.5, at('lr'));
        expectReadBack(summary.finalLoss, at('final_loss'));
        tally.record('CSV summary rows', true);
      }),
      { numRuns: 1000, seed: FUZZ_SEED },
    );
  });
});
