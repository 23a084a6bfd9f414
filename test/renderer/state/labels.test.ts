import { describe, expect, it } from 'vitest';
import { countOf, distinctName, formatCount, settingLabel, sweepLabel } from '../../../src-renderer/lib/state/labels';
import { settingsOf } from '../../../src-core/views/compare';
import { optimizerFields } from '../../../src-renderer/lib/form/optimizer-fields';
import { runFieldLabels } from '../../../src-renderer/lib/form/draft-check';
import { adagradRun } from '../../helpers/configs';

describe('how the app names things', () => {
  it('shows a sweep by its name, and one without a name (or not known) as "untitled"', () => {
    expect(sweepLabel({ name: 'lr grid' })).toBe('lr grid');
    expect(sweepLabel({ name: '' })).toBe('untitled');
    expect(sweepLabel(undefined)).toBe('untitled');
  });

  it('isolates a name with a direction control, so that it cannot reverse the text around it', () => {
    // U+202E (right-to-left override) left open would turn 'Launched “x‮evil”: 3 / 3 completed' around.
    expect(sweepLabel({ name: 'x\u202eevil' })).toBe('\u2068x\u202eevil\u2069');
    expect(sweepLabel({ name: 'שלום 名前 Ünï' })).toBe('שלום 名前 Ünï');
  });

  it('shows a count with thousands separated', () => {
    expect(formatCount(10_000)).toBe('10,000');
    expect(formatCount(1)).toBe('1');
    expect(formatCount(0)).toBe('0');
  });

  it('counts in words, with thousands separated', () => {
    expect(countOf(0, 'run')).toBe('0 runs');
    expect(countOf(1, 'run')).toBe('1 run');
    expect(countOf(10_000, 'trace')).toBe('10,000 traces');
  });

  it('names a preset run again apart from the sweeps listed: "… (2)", then "… (3)"', () => {
    expect(distinctName('Seeds: x² from 4', [])).toBe('Seeds: x² from 4');
    expect(distinctName('Seeds: x² from 4', ['Seeds: x² from 4'])).toBe('Seeds: x² from 4 (2)');
    expect(distinctName('a', ['a', 'a (2)', 'b'])).toBe('a (3)');
  });

  it("labels every setting of a run as the form's field for it does: no camelCase key reaches the compare table", () => {
    const names = [
      ...settingsOf({
        ...adagradRun(),
        objective: {
          id: 'sparse-logreg',
          samples: 10,
          features: 5,
          nonZerosPerSample: 2,
          zipfExponent: 1.1,
          seed: 1,
          batchSize: 0,
        },
      }).keys(),
    ];
    const labels = names.map(settingLabel);
    for (const label of labels) expect(label).not.toMatch(/[a-z][A-Z]/);
    expect(settingLabel('epsPlacement')).toBe(optimizerFields('adagrad').find((f) => f.key === 'epsPlacement')!.label);
    expect(settingLabel('decoupledWeightDecay')).toBe('Decoupled weight decay');
    expect(settingLabel('lr')).toBe('Learning rate');
    expect(settingLabel('start')).toBe(runFieldLabels.start);
    expect(settingLabel('sparse-logreg.seed')).toBe('Sparse logistic regression: Seed');
    expect(settingLabel('seed')).toBe('Seed');
    expect(settingLabel('nonZerosPerSample')).not.toBe('nonZerosPerSample');
  });
});
