import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { comparisonRows, differingSettings, legendLabel, settingsOf } from '../../../src-core/views/compare';
import { numberText } from '../../../src-core/views/format';
import { optimizerDefaults } from '../../../src-core/optim';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';

/** A view's names for settings (the renderer's are the form's labels): here the spec's names in capitals. */
const label = (name: string): string => name.toUpperCase();

describe('comparing runs', () => {
  const a = adagradRun({ lr: 0.1 });
  const b = adagradRun({ lr: 0.5 });
  const c = adagradRun({ lr: 0.5, eps: 1e-10 });

  it('names only the settings that differ', () => {
    expect(differingSettings([a, b])).toEqual(['lr']);
    expect(differingSettings([a, b, c])).toEqual(['lr', 'eps']);
    expect(legendLabel(c, differingSettings([a, b, c]), label)).toBe('LR 0.5, EPS 1e-10');
  });

  it('across optimizers, names the optimizer and what differs among the runs that have a setting', () => {
    const sgd = { ...a, optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } };
    const momentum = { ...a, optimizer: { ...optimizerDefaults.sgd, lr: 0.1, momentum: 0.9 } };
    const differing = differingSettings([a, sgd, momentum]);
    expect(differing).toEqual(['optimizer', 'momentum']);
    expect(legendLabel(a, differing, label)).toBe('AdaGrad');
    expect(legendLabel(momentum, differing, label)).toBe('SGD, MOMENTUM 0.9');
  });

  it('labels a lone run by its optimizer and learning rate', () => {
    expect(legendLabel(a, differingSettings([a]), label)).toBe('AdaGrad, LR 0.1');
  });

  it("names an objective's settings by their keys, so a legend says which draw or dimension differs", () => {
    const w1 = adagradRun({}, { objective: { id: 'constant-gradient', startDraw: 1, gradientDraw: 3 }, start: null });
    const w2 = adagradRun({}, { objective: { id: 'constant-gradient', startDraw: 2, gradientDraw: 3 }, start: null });
    expect(legendLabel(w2, differingSettings([w1, w2]), label)).toBe('STARTDRAW 2');
  });

  it("keeps sparse-logreg's data seed apart from the run's seed", () => {
    const run = adagradRun(
      {},
      {
        objective: { id: 'sparse-logreg', samples: 10, features: 5, nonZerosPerSample: 2, zipfExponent: 1.1, seed: 7 },
        seed: 3,
      },
    );
    const settings = settingsOf(run);
    expect(settings.get('sparse-logreg.seed')).toBe('7');
    expect(settings.get('seed')).toBe('3');
  });

  it('tells apart doubles that print alike at 6 digits', () => {
    expect(differingSettings([adagradRun({ lr: 0.1 }), adagradRun({ lr: 0.1000000001 })])).toEqual(['lr']);
  });
});

describe('the comparison table', () => {
  const slow = adagradRun({ lr: 0.1 }, { id: 's:000000' });
  const fast = adagradRun({ lr: 1 }, { id: 's:000001' });
  const sgd = adagradRun({}, { optimizer: { ...optimizerDefaults.sgd, lr: 0.1 } });
  const rows = (configs: (typeof slow)[]) => comparisonRows(configs.map((config) => executeRun(config)));

  it('lists every setting and outcome, one cell per run, and marks the lr row and the losses as different', () => {
    const table = rows([slow, fast]);
    const byName = new Map(table.map((row) => [row.name, row]));
    expect(table.filter((r) => r.kind === 'setting').map((r) => r.name)).toEqual([
      'objective',
      'start',
      'optimizer',
      'lr',
      'eps',
      'epsPlacement',
      'weightDecay',
      'decoupledWeightDecay',
      'initialAccumulator',
      'lrDecay',
      'maximize',
      'steps',
      'seed',
      'tolerance',
    ]);
    expect(byName.get('lr')).toEqual({ name: 'lr', kind: 'setting', cells: ['0.1', '1'], differs: true });
    expect(byName.get('eps')).toMatchObject({ cells: ['1e-8', '1e-8'], differs: false });
    expect(table.filter((r) => r.differs).map((r) => r.name)).toEqual(['lr', 'final loss', 'best loss']);
    // Neither run diverged or had a tolerance: those rows would say nothing.
    expect(byName.has('diverged at')).toBe(false);
    expect(byName.has('steps to tolerance')).toBe(false);
  });

  it('leaves a cell empty where an optimizer lacks the setting, without calling that a difference', () => {
    const table = rows([slow, sgd]);
    const byName = new Map(table.map((row) => [row.name, row]));
    expect(byName.get('eps')).toMatchObject({ cells: ['1e-8', undefined], differs: false });
    expect(byName.get('momentum')).toMatchObject({ cells: [undefined, '0'], differs: false });
    expect(byName.get('optimizer')).toMatchObject({ cells: ['AdaGrad', 'SGD'], differs: true });
  });

  it('names objectives and optimizers as the form does, and writes large settings as the axes do', () => {
    const rosenbrock = { ...slow, objective: { id: 'rosenbrock' as const, dim: 2 }, start: null };
    const big = adagradRun({ lr: 1e7 }, { steps: 1 });
    const byName = new Map(rows([rosenbrock, big]).map((row) => [row.name, row]));
    expect(byName.get('objective')!.cells).toEqual(['Rosenbrock', 'f(x) = x²']);
    expect(byName.get('dim')!.cells).toEqual(['2', undefined]);
    // A default start is written with its values, as the objective gives them.
    expect(byName.get('start')!.cells).toEqual(['default (-1.2, 1)', '4']);
    expect(byName.get('lr')!.cells).toEqual(['0.1', '1e7']);
  });

  it('writes a default start to six digits, and counts the coordinates of one too long to read in a cell', () => {
    const seeds = { ...slow, objective: { id: 'constant-gradient' as const }, start: null };
    const wide = { ...slow, objective: { id: 'ill-conditioned' as const, dim: 1000, condition: 100 }, start: null };
    expect(rows([seeds, wide]).find((row) => row.name === 'start')!.cells).toEqual([
      'default (0.496714, -0.138264, 0.647689, 1.52303)',
      'default (1,000 coordinates)',
    ]);
  });

  it('marks a divergence as a difference even though only one run has it', () => {
    const diverging = {
      ...fast,
      objective: { id: 'rosenbrock' as const, dim: 2 },
      start: null,
      optimizer: { ...optimizerDefaults.sgd, lr: 10 },
    };
    const table = rows([{ ...slow, objective: { id: 'rosenbrock', dim: 2 }, start: null }, diverging]);
    const diverged = table.find((r) => r.name === 'diverged at')!;
    expect(diverged.cells[0]).toBeUndefined();
    expect(diverged.cells[1]).toMatch(/^step \d+ \(\w+\)$/);
    expect(diverged.differs).toBe(true);
  });

  test.prop([fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 })])(
    'a setting row differs exactly when its runs were given different values',
    (lrs) => {
      const lrRow = rows(lrs.map((lr) => adagradRun({ lr }, { steps: 1 }))).find((r) => r.name === 'lr')!;
      // Every digit, in the style every view writes numbers (1e-6, not 0.000001).
      expect(lrRow.cells.map(Number)).toEqual(lrs);
      expect(lrRow.cells).toEqual(lrs.map(numberText));
      expect(lrRow.differs).toBe(new Set(lrs).size > 1);
    },
  );
});
