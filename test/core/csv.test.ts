import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCell, summaryCsv } from '../../src-core/csv';
import { executeRun } from '../../src-core/run';
import { optimizerDefaults } from '../../src-core/optim';
import { adagradRun } from '../helpers/configs';

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

  it('has one row per run with what it ran, every hyperparameter of every optimizer, and every metric', () => {
    const runs = [adagradRun({}, { steps: 3 }), { ...adagradRun({ lr: 0.1 }, { steps: 3 }), optimizer: { ...optimizerDefaults.sgd, lr: 0.1, momentum: 0.9 } }].map((c) => executeRun(c));
    const lines = summaryCsv(runs).split('\r\n');
    expect(lines[0]).toBe(
      'run_id,sweep_id,objective,start,optimizer,lr,eps,eps_placement,weight_decay,decoupled_weight_decay,initial_accumulator,lr_decay,' +
        'momentum,dampening,nesterov,alpha,centered,beta1,beta2,amsgrad,steps,seed,tolerance,status,final_loss,best_loss,best_step,' +
        'steps_to_tolerance,diverged_at,diverged_in,error',
    );
    expect(lines).toHaveLength(4); // header, 2 rows, trailing empty after the final CRLF
    const [a, b] = runs.map((r) => r.summary);
    expect(lines[1]).toBe(`s:000000,s,quadratic-1d,4,adagrad,1,1e-8,outside,0,false,0,0,,,,,,,,,3,0,,completed,${a.finalLoss},${a.bestLoss},3,,,,`);
    expect(lines[2]).toBe(`s:000000,s,quadratic-1d,4,sgd,0.1,,,0,,,,0.9,0,false,,,,,,3,0,,completed,${b.finalLoss},${b.bestLoss},3,,,,`);
  });
});
