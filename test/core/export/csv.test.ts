import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvHeader, csvRows, formatCell, type Column } from '../../../src-core/export/csv';
import { summaryColumns } from '../../../src-core/export/summary-table';
import { executeRun } from '../../../src-core/run/execute';
import { optimizerDefaults } from '../../../src-core/optim';
import { adagradRun } from '../../helpers/configs';

/** A whole table as one string, as a file holds it. */
const table = <T>(columns: readonly Column<T>[], records: Iterable<T>): string =>
  csvHeader(columns) + [...csvRows(columns, records)].join('');

describe('CSV cells', () => {
  it.each([
    { desc: 'plain text', input: 'abc', expected: 'abc' },
    { desc: 'a comma', input: 'a,b', expected: '"a,b"' },
    { desc: 'a quote', input: 'say "hi"', expected: '"say ""hi"""' },
    { desc: 'a newline', input: 'a\nb', expected: '"a\nb"' },
    { desc: 'a formula', input: '=HYPERLINK("x")', expected: '"\'=HYPERLINK(""x"")"' },
    { desc: 'a leading plus', input: '+1', expected: "'+1" },
    { desc: 'a leading minus', input: '-1+2', expected: "'-1+2" },
    { desc: 'a leading at', input: '@SUM(A1)', expected: "'@SUM(A1)" },
    { desc: 'a leading tab', input: '\tx', expected: "'\tx" },
    { desc: 'a leading carriage return', input: '\r=1', expected: '"\'\r=1"' },
    // A spreadsheet that splits on ; or tab (Excel's default in many locales) starts a cell after the separator.
    { desc: 'a formula after a semicolon', input: 'ok;=1+2', expected: "'ok;=1+2" },
    { desc: 'a formula after a tab', input: 'ok\t=1+3', expected: "'ok\t=1+3" },
    { desc: 'a formula after a comma', input: 'ok,@SUM(A1)', expected: '"\'ok,@SUM(A1)"' },
    { desc: 'a formula on the next line', input: 'ok\r\n=1', expected: '"\'ok\r\n=1"' },
    { desc: 'a formula after a bare line feed', input: 'ok\n-1+2', expected: '"\'ok\n-1+2"' },
    { desc: 'a formula after a separator and spaces', input: 'a;  =1', expected: "'a;  =1" },
    { desc: 'a separator before plain text', input: 'a; b, c-d', expected: '"a; b, c-d"' },
    { desc: 'a negative number stays a number', input: -0.5, expected: '-0.5' },
    { desc: 'negative zero keeps its sign', input: -0, expected: '-0' },
    { desc: 'null is empty', input: null, expected: '' },
    { desc: 'NaN', input: NaN, expected: 'NaN' },
    { desc: 'infinity', input: -Infinity, expected: '-Infinity' },
  ])('writes $desc as $expected', ({ input, expected }) => {
    expect(formatCell(input)).toBe(expected);
  });

  it('writes every double so that it parses back to the very same double, sign of zero included', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(Number(formatCell(x)), x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('writes any text so that an RFC 4180 parser reads it back, neutralised only when a spreadsheet would run it', () => {
    const columns: Column<string>[] = [
      { header: 'text', cell: (s) => s },
      { header: 'after', cell: () => 1 },
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[a-z]{0,3}[,;\t\r\n] ?[=+\-@][a-z0-9+]{0,3}$/)),
          { minLength: 1, maxLength: 5 },
        ),
        (texts) => {
          const rows: string[][] = parse(table(columns, texts), { from_line: 2, relax_column_count: false });
          expect(rows.map((r) => r[0])).toEqual(
            texts.map((t) => (/^[=+\-@\t\r]|[,;\t\r\n] *[=+\-@]/.test(t) ? `'${t}` : t)),
          );
          expect(rows.every((r) => r[1] === '1')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('CSV rows', () => {
  const numbered: Column<number>[] = [
    { header: 'i', cell: (i) => i },
    { header: 'label', cell: (i) => `row ${i}` },
  ];

  it('come in chunks that end at row ends, together the whole table', () => {
    const n = 20_000;
    const chunks = [
      ...csvRows(
        numbered,
        Array.from({ length: n }, (_, i) => i),
      ),
    ];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.endsWith('\r\n')).toBe(true);
    const lines = chunks.join('').split('\r\n');
    expect(lines).toHaveLength(n + 1); // the last CRLF leaves an empty string
    expect(lines[12_345]).toBe('12345,row 12345');
  });

  it('are cut where a chunk first reaches 64K characters, the rest (never empty) in a last chunk', () => {
    const text: Column<string>[] = [{ header: 'text', cell: (s) => s }];
    fc.assert(
      fc.property(fc.array(fc.nat(5_000), { maxLength: 120 }), (lengths) => {
        const records = lengths.map((n, i) => String(i % 10).repeat(n));
        const chunks = [...csvRows(text, records)];
        expect(chunks.join('')).toBe(records.map((s) => `${s}\r\n`).join(''));
        chunks.forEach((chunk, k) => {
          expect(chunk.length).toBeGreaterThan(0);
          if (k < chunks.length - 1) expect(chunk.length).toBeGreaterThanOrEqual(1 << 16);
          // Without its last row, no chunk had reached the size yet.
          const end = chunk.slice(0, -2).lastIndexOf('\r\n');
          expect(end < 0 ? 0 : end + 2).toBeLessThan(1 << 16);
        });
      }),
    );
  });

  it('are produced as they are asked for, not all at once', () => {
    let produced = 0;
    function* counting(): Generator<number> {
      for (let i = 0; i < 1_000_000; i++) {
        produced++;
        yield i;
      }
    }
    const first = csvRows(numbered, counting()).next();
    expect(first.done).toBe(false);
    expect(produced).toBeLessThan(20_000);
  });

  it('of nothing are nothing; the header is its own line', () => {
    expect([...csvRows(numbered, [])]).toEqual([]);
    expect(csvHeader(numbered)).toBe('i,label\r\n');
  });
});

describe('the summary table', () => {
  it('has one row per run with what it ran, every hyperparameter of every optimizer, and every metric', () => {
    const results = [
      adagradRun({}, { steps: 3 }),
      { ...adagradRun({ lr: 0.1 }, { steps: 3 }), optimizer: { ...optimizerDefaults.sgd, lr: 0.1, momentum: 0.9 } },
    ].map((c) => executeRun(c));
    const annotations = [{ tags: ['best', 'x²'], starred: true, note: 'looks right' }, undefined];
    const lines = table(
      summaryColumns,
      results.map((r, i) => ({ ...r, sweepName: 'seeds', annotations: annotations[i] })),
    ).split('\r\n');
    expect(lines[0]).toBe(
      'run_id,sweep_id,sweep_name,objective,start,optimizer,lr,eps,eps_placement,weight_decay,decoupled_weight_decay,initial_accumulator,lr_decay,maximize,' +
        'momentum,dampening,nesterov,alpha,centered,beta1,beta2,amsgrad,steps,seed,tolerance,status,final_loss,best_loss,best_step,' +
        'steps_to_tolerance,diverged_at,diverged_in,error,starred,tags,note',
    );
    expect(lines).toHaveLength(4); // header, 2 rows, trailing empty after the final CRLF
    const [a, b] = results.map((r) => r.summary);
    expect(lines[1]).toBe(
      `s:000000,s,seeds,quadratic-1d,4,adagrad,1,1e-8,outside,0,false,0,0,false,,,,,,,,,3,0,,completed,${a.finalLoss},${a.bestLoss},3,,,,,true,best; x²,looks right`,
    );
    expect(lines[2]).toBe(
      `s:000000,s,seeds,quadratic-1d,4,sgd,0.1,,,0,,,,false,0.9,0,false,,,,,,3,0,,completed,${b.finalLoss},${b.bestLoss},3,,,,,,,`,
    );
  });

  it('neutralises a sweep name a spreadsheet would run, and keeps the numbers plain', () => {
    const result = executeRun(adagradRun({ lr: 0.5 }, { steps: 3 }));
    const [row] = parse(table(summaryColumns, [{ ...result, sweepName: '=1+1' }]), { columns: true }) as Record<
      string,
      string
    >[];
    expect(row.sweep_name).toBe("'=1+1");
    expect(row.lr).toBe('0.5');
    expect(Number(row.final_loss)).toBe(result.summary.finalLoss);
  });

  it('neutralises notes and tags that hide a formula after a separator, and reads them back whole', () => {
    const result = executeRun(adagradRun({}, { steps: 3 }));
    const notes = ['ok;=1+2', 'ok\t=1+3', 'ok\r\n=1', 'fine; really'];
    const runs = notes.map((note) => ({
      ...result,
      sweepName: 's',
      annotations: { tags: ['a', '=b'], starred: false, note },
    }));
    const rows = parse(table(summaryColumns, runs), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.note)).toEqual(["'ok;=1+2", "'ok\t=1+3", "'ok\r\n=1", 'fine; really']);
    // The tags cell is joined with "; ": a second tag starting like a formula would follow a separator.
    expect(rows[0].tags).toBe("'a; =b");
  });

  it('writes a 1-D start as a number and a longer one in a form no spreadsheet runs or needs to neutralise', () => {
    const record = { ...executeRun(adagradRun({}, { steps: 2 })), sweepName: 's' };
    const rows = [[-0.5], [-0], [4], [-0.5, 2], [1e-300, -Infinity], null].map((start) => ({
      ...record,
      config: { ...record.config, start },
    }));
    const lines = table(summaryColumns, rows).split('\r\n').slice(1, -1);
    expect(lines.map((line) => line.split(',')[4])).toEqual([
      '-0.5',
      '-0',
      '4',
      '[-0.5 2]',
      '[1e-300 -Infinity]',
      'default',
    ]);
    const read = (parse(table(summaryColumns, rows), { columns: true, cast: false }) as Record<string, string>[]).map(
      (row) => row.start,
    );
    expect(Number(read[0])).toBe(-0.5);
    expect(Object.is(Number(read[1]), -0)).toBe(true);
    expect(read[3]).toBe('[-0.5 2]');
  });

  it('writes a diverged run with its non-finite loss and where it diverged', () => {
    const result = executeRun(
      adagradRun({ lr: 1e308 }, { objective: { id: 'rosenbrock', dim: 2 }, start: null, steps: 50 }),
    );
    expect(result.summary.status).toBe('diverged');
    const [row] = parse(table(summaryColumns, [{ ...result, sweepName: 'big' }]), { columns: true }) as Record<
      string,
      string
    >[];
    expect(row.status).toBe('diverged');
    expect(Number(row.diverged_at)).toBe(result.summary.divergedAt);
    expect(row.diverged_in).toBe(result.summary.divergedIn);
    expect(Object.is(Number(row.final_loss), result.summary.finalLoss)).toBe(true);
  });
});
