import { describe, expect, it } from 'vitest';
import { differingSettings, legendLabel } from '../../src-core/compare';
import { optimizerDefaults } from '../../src-core/optim';
import { adagradRun } from '../helpers/configs';

describe('comparing runs', () => {
  const a = adagradRun({ lr: 0.1 });
  const b = adagradRun({ lr: 0.5 });
  const c = adagradRun({ lr: 0.5, eps: 1e-10 });

  it('names only the settings that differ', () => {
    expect(differingSettings([a, b])).toEqual(['lr']);
    expect(differingSettings([a, b, c])).toEqual(['lr', 'eps']);
    expect(legendLabel(c, differingSettings([a, b, c]))).toBe('lr=0.5 eps=1e-10');
  });

  it('across optimizers, names the optimizer and what differs among the runs that have a setting', () => {
    const sgd = { ...a, optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } };
    const momentum = { ...a, optimizer: { ...optimizerDefaults.sgd, lr: 0.1, momentum: 0.9 } };
    const differing = differingSettings([a, sgd, momentum]);
    expect(differing).toEqual(['optimizer', 'momentum']);
    expect(legendLabel(a, differing)).toBe('optimizer=adagrad');
    expect(legendLabel(momentum, differing)).toBe('optimizer=sgd momentum=0.9');
  });

  it('labels a lone run by its optimizer and learning rate', () => {
    expect(legendLabel(a, differingSettings([a]))).toBe('optimizer=adagrad lr=0.1');
  });
});
