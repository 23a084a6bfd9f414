import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCell, summaryColumns, summaryCsv } from '../../src-core/csv';
import { executeRun } from '../../src-core/run';
import { expandSweep } from '../../src-core/sweep';

describe('CSV', () => {
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
    { desc: 'a negative number stays a number', input: -0.5, expected: '-0.5' },
    { desc: 'null is empty', input: null, expected: '' },
    { desc: 'NaN', input: NaN, expected: 'NaN' },
  ])('writes $desc as $expected', ({ input, expected }) => {
    expect(formatCell(input)).toBe(expected);
  });

  it('writes every double so that it parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(Object.is(Number(formatCell(x)), x) || (x === 0 && Number(formatCell(x)) === 0)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('has one row per run with every hyperparameter and metric', () => {
    const runs = expandSweep('s', { name: 's', objective: 'quadratic-1d', start: [4], lrs: [1, 0.1], eps: [1e-8], weightDecays: [0], steps: 3 }).map(executeRun);
    const lines = summaryCsv(runs).split('\r\n');
    expect(lines[0]).toBe(summaryColumns.map((c) => c.header).join(','));
    expect(lines).toHaveLength(4); // header, 2 rows, trailing empty after the final CRLF
    expect(lines[1]).toBe(`s:000000,s,quadratic-1d,adagrad,4,1,1e-8,0,3,completed,${runs[0].summary.finalLoss},${runs[0].summary.bestLoss},3,,`);
  });
});
