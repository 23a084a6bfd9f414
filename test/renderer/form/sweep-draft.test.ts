import { describe, expect, it } from 'vitest';
import { presets } from '../../../src-core/sweep/presets';
import { expandSweep, validateSweepSpec } from '../../../src-core/sweep/expand';
import type { SweepSpec, SweepSpecInput } from '../../../src-core/contract/sweep-spec';
import { checkDraft, runFieldLabels, seedsHint } from '../../../src-renderer/lib/form/draft-check';
import {
  defaultDraft,
  draftFromRun,
  draftFromSpec,
  objectiveDraft,
  optimizerDraft,
  type SweepDraft,
} from '../../../src-renderer/lib/form/sweep-draft';

const validated = (input: SweepSpecInput): SweepSpec => {
  const checked = validateSweepSpec(input);
  if (!checked.ok) throw new Error(checked.message);
  return checked.value;
};

const specOf = (draft: SweepDraft): SweepSpec => {
  const { validation } = checkDraft(draft);
  if (!validation?.ok) throw new Error(validation ? validation.message : 'a field cannot be read');
  return validation.value;
};

/** A draft with some fields of the first optimizer entry (or of the draft) changed. */
const withOptimizer = (values: Record<string, string>, over: Partial<SweepDraft> = {}): SweepDraft => {
  const draft = { ...defaultDraft(), ...over };
  draft.optimizers = [{ ...draft.optimizers[0], values: { ...draft.optimizers[0].values, ...values } }];
  return draft;
};

const handMade: [string, SweepSpecInput][] = [
  [
    'random search over two optimizers, flags and eps placement swept, a tolerance, a trace size and a run limit',
    {
      name: 'random',
      objectives: [
        { id: 'rosenbrock', dim: 3 },
        { id: 'ill-conditioned', dim: 3, condition: 100 },
      ],
      start: [0.5, -1, 2],
      optimizers: [
        {
          kind: 'adagrad',
          fixed: { initialAccumulator: 0.1 },
          axes: { lr: { logUniform: { from: 1e-3, to: 1 } }, epsPlacement: { values: ['inside', 'outside'] } },
        },
        {
          kind: 'sgd',
          fixed: { momentum: 0.9, dampening: 0 },
          axes: { lr: { uniform: { from: 0.001, to: 0.01 } }, nesterov: { values: [true, false] } },
        },
      ],
      steps: 300,
      seeds: [3, 1],
      tolerance: 1e-6,
      divergenceThreshold: 'off',
      continueAfterNonFinite: true,
      traceMaxPoints: 77,
      search: { mode: 'random', samples: 9, seed: 12345 },
      maxRuns: 500,
    },
  ],
  [
    'a grid of ranges on sparse logistic regression',
    {
      name: 'grid',
      objectives: [
        { id: 'sparse-logreg', samples: 50, features: 20, nonZerosPerSample: 3, zipfExponent: 1.3, seed: 9 },
      ],
      optimizers: [
        {
          kind: 'adam',
          fixed: { amsgrad: true },
          axes: { lr: { log: { from: 1e-4, to: 0.1, count: 4 } }, beta1: { linear: { from: 0, to: 0.9, count: 3 } } },
        },
      ],
      steps: 20,
      divergenceThreshold: 1e3,
    },
  ],
];

describe('the sweep draft', () => {
  it('reads the divergence threshold: blank for 10⁶, off, a number above 1, its placeholder; refuses 1 on its field', () => {
    expect(specOf(defaultDraft()).divergenceThreshold).toBe(1e6);
    expect(specOf({ ...defaultDraft(), divergenceThreshold: 'off' }).divergenceThreshold).toBe('off');
    expect(specOf({ ...defaultDraft(), divergenceThreshold: '1e3' }).divergenceThreshold).toBe(1000);
    // Its placeholder, typed as it reads: one number, not a list.
    expect(specOf({ ...defaultDraft(), divergenceThreshold: '1,000,000' }).divergenceThreshold).toBe(1e6);
    expect(specOf({ ...defaultDraft(), maxRuns: '20,000' }).maxRuns).toBe(20_000);
    expect(checkDraft({ ...defaultDraft(), divergenceThreshold: '1' }).errors.get('divergenceThreshold')).toBe(
      'Invalid divergence threshold: 1 (must be > 1 or off)',
    );
    // A sweep stored before the field existed duplicates as the default.
    const { divergenceThreshold: _, ...stored } = specOf(defaultDraft());
    expect(draftFromSpec(stored, 'copy').divergenceThreshold).toBe('');
  });

  it('keeps stepping after ∞ or NaN only when the box is ticked, and a duplicate or re-run keeps the choice', () => {
    expect(specOf(defaultDraft())).not.toHaveProperty('continueAfterNonFinite');
    const ticked = specOf({ ...defaultDraft(), continueAfterNonFinite: true });
    expect(ticked.continueAfterNonFinite).toBe(true);
    expect(draftFromSpec(ticked, 'copy').continueAfterNonFinite).toBe(true);
    expect(draftFromRun(expandSweep('s', ticked)[0], 're-run').continueAfterNonFinite).toBe(true);
    expect(
      expandSweep('s', specOf({ ...defaultDraft(), continueAfterNonFinite: true }))[0].continueAfterNonFinite,
    ).toBe(true);
  });

  it('starts as the seeds’ example over three learning rates: valid, 3 runs', () => {
    const check = checkDraft(defaultDraft());
    expect(check.errors.size).toBe(0);
    expect(check.runs).toBe(3);
    expect(specOf(defaultDraft()).optimizers[0]).toMatchObject({
      kind: 'adagrad',
      axes: { lr: { values: [1, 0.5, 0.1] } },
    });
  });

  it.each([...presets.map((p) => [p.id, p.spec] as [string, SweepSpecInput]), ...handMade])(
    'a duplicate of "%s" launches exactly the same runs',
    (_name, input) => {
      const original = validated(input);
      const copy = specOf(draftFromSpec(original, `copy of ${original.name}`));
      expect(copy.name).toBe(`copy of ${original.name}`);
      expect(expandSweep('s', copy)).toEqual(expandSweep('s', original));
    },
  );

  it('a re-run of any run of a sweep is a sweep of one that runs the very same config', () => {
    const [original] = handMade;
    const runs = expandSweep('s', validated(original[1]));
    for (const run of [runs[0], runs[runs.length - 1]]) {
      const again = expandSweep('t', specOf(draftFromRun(run, 're-run')));
      expect(again).toHaveLength(1);
      expect({ ...again[0], id: run.id, sweepId: run.sweepId, index: run.index }).toEqual(run);
    }
  });

  it('pins a bad value to its field, with the rule, and leaves nothing to launch', () => {
    const check = checkDraft(withOptimizer({ lr: '0.1, -0.5' }));
    expect(check.validation).toEqual({
      ok: false,
      message: 'optimizers.0.axes.lr: Invalid learning rate: -0.5 (must be a finite number > 0)',
    });
    expect([...check.errors]).toEqual([
      ['optimizers.0.lr', 'Invalid learning rate: -0.5 (must be a finite number > 0)'],
    ]);
    expect(check.runs).toBeNull();
  });

  it('names every bad value of a list at once, and the field of a bad range by its label', () => {
    // The fourteenth round's walk: "-1, abc" named only "abc", and a range's count of 0 was refused without its field.
    const check = checkDraft(withOptimizer({ lr: '-1, abc', eps: 'log(1e-8, 1, 0)' }, { seeds: '1.5, 0, -1' }));
    expect(Object.fromEntries(check.errors)).toEqual({
      'optimizers.0.lr': 'Invalid learning rate: -1 (must be a finite number > 0); "abc" (must be a number)',
      'optimizers.0.eps': 'Epsilon: Invalid number of points: 0 (must be a whole number from 1 to 1,000,000)',
      seeds:
        'Invalid seed: 1.5 (must be a whole number from 0 to 4,294,967,295); -1 (must be a whole number from 0 to 4,294,967,295)',
    });
    expect(checkDraft(withOptimizer({ lr: '-1, 0.1, -2, -3' })).errors.get('optimizers.0.lr')).toBe(
      'Invalid learning rate: -1 (must be a finite number > 0); -2 (must be a finite number > 0); -3 (must be a finite number > 0)',
    );
    const sgd = { ...defaultDraft(), optimizers: [optimizerDraft('sgd', { momentum: 'lin(0, 0.9, 1e9)' })] };
    expect(checkDraft(sgd).errors.get('optimizers.0.momentum')).toMatch(
      /^Momentum: Invalid number of points: 1000000000 /,
    );
  });

  it('names every field it cannot read, before checking the spec', () => {
    const draft = withOptimizer({ lr: 'abc', eps: 'NaN, 1e-8' }, { steps: 'ten', seeds: '' });
    const check = checkDraft(draft);
    expect(check.validation).toBeNull();
    expect(Object.fromEntries(check.errors)).toEqual({
      'optimizers.0.lr': 'Invalid learning rate: "abc" (must be a number)',
      steps: 'Invalid number of steps: "ten" (must be a number)',
      seeds: 'Invalid seed: give at least one value',
    });
  });

  it('marks every field the schema refuses at once, beside those it cannot read (not one after another)', () => {
    const refused = { ...defaultDraft(), steps: '1e9', seeds: '0, -1', traceMaxPoints: '0' };
    expect(Object.fromEntries(checkDraft(refused).errors)).toEqual({
      steps: 'Invalid number of steps: 1000000000 (must be a whole number from 1 to 1,000,000)',
      seeds: expect.stringMatching(/^Invalid seed: -1 /),
      traceMaxPoints: expect.stringMatching(/^Invalid trace size: 0 /),
    });
    const alsoUnreadable = withOptimizer({ lr: 'abc' }, { steps: '2000000' });
    expect(Object.fromEntries(checkDraft(alsoUnreadable).errors)).toEqual({
      'optimizers.0.lr': 'Invalid learning rate: "abc" (must be a number)',
      steps: 'Invalid number of steps: 2000000 (must be a whole number from 1 to 1,000,000)',
    });
    expect(checkDraft(alsoUnreadable).validation).toBeNull();
  });

  it('marks a check across fields beside a field refused on its own that no such check reads, and waits otherwise', () => {
    // A typo in Steps and the trace size, a bad weight decay and a start point of the wrong length: all four at once.
    const draft = withOptimizer({ weightDecay: 'NaN' }, { steps: '0.5', traceMaxPoints: '1', start: '1, 2' });
    const check = checkDraft(draft);
    expect(Object.fromEntries(check.errors)).toEqual({
      steps: expect.stringMatching(/^Invalid number of steps: 0.5 /),
      traceMaxPoints: expect.stringMatching(/^Invalid trace size: 1 /),
      'optimizers.0.weightDecay': 'Invalid weight decay: NaN (must be a finite number >= 0)',
      start: expect.stringMatching(/^Invalid start point: 2 coordinates /),
    });
    expect(check.validation).toBeNull();
    expect(check.runs).toBeNull();
    // Listed as the form shows them, top to bottom ("Launch waits for: …"), not in the order they were found.
    expect([...check.errors.keys()]).toEqual(['optimizers.0.weightDecay', 'start', 'steps', 'traceMaxPoints']);
    const named = withOptimizer({ lr: 'abc' }, { name: 'x'.repeat(201) });
    expect([...checkDraft(named).errors.keys()]).toEqual(['name', 'optimizers.0.lr']);
    // An optimizer value refused leaves its kind's default in its place: the entry's other values are still checked
    // (a typo in the learning rate hid a weight decay of NaN), but not the sweep's size, which counts its values.
    const typo = withOptimizer({ lr: '0.1, abc', weightDecay: 'NaN', eps: 'lin(1e-8, 1e-6, 20001)' });
    expect(Object.fromEntries(checkDraft(typo).errors)).toEqual({
      'optimizers.0.lr': 'Invalid learning rate: "abc" (must be a number)',
      'optimizers.0.weightDecay': 'Invalid weight decay: NaN (must be a finite number >= 0)',
    });
    expect(checkDraft(typo).validation).toBeNull();
    // Seeds feed the sweep's size: with them refused, the size is not guessed, nor anything else across fields.
    const seeds = withOptimizer({ weightDecay: 'NaN' }, { seeds: '-1' });
    expect([...checkDraft(seeds).errors.keys()]).toEqual(['seeds']);
  });

  it('marks every check across fields that refuses at once, each on its field (not one after another)', () => {
    const draft = withOptimizer(
      { lr: '0.1, -0.5', eps: '-1', lrDecay: '-2', weightDecay: 'lin(0, 1, 20001)' },
      { start: '1, 2' },
    );
    const check = checkDraft(draft);
    expect(Object.fromEntries(check.errors)).toEqual({
      start: expect.stringMatching(/^Invalid start point: 2 coordinates \(must be 1, /),
      form: 'Invalid sweep size: 40,002 runs (must be at most 10,000; raise the Run limit up to 1,000,000 to allow more)',
      'optimizers.0.eps': 'Invalid epsilon: -1 (must be a finite number >= 0)',
      'optimizers.0.lrDecay': 'Invalid lr decay: -2 (must be a finite number >= 0)',
      'optimizers.0.lr': 'Invalid learning rate: -0.5 (must be a finite number > 0)',
    });
    // What the main process answers is the first of them, as before.
    expect(check.validation).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^start: Invalid start point: 2 coordinates \(must be 1, the dimension of objectives\.0/,
      ),
    });
    expect(check.runs).toBeNull();
  });

  it.each([
    {
      desc: 'NaN as a learning rate',
      draft: withOptimizer({ lr: 'NaN' }),
      field: 'optimizers.0.lr',
      message: 'Invalid learning rate: NaN (must be a finite number > 0)',
    },
    {
      desc: 'an interval in a grid',
      draft: withOptimizer({ lr: 'uniform(0.1, 1)' }),
      field: 'optimizers.0.lr',
      message:
        'Learning rate: uniform(0.1, 1) draws values at random, which a grid does not do. Choose "Random samples" under Search, or type lin(0.1, 1, 5) for 5 values on a grid.',
    },
    {
      desc: 'a start of the wrong length, in the form\'s words (it read "objectives.0, quadratic-1d; leave start null")',
      draft: { ...defaultDraft(), start: '1, 2' },
      field: 'start',
      message:
        'Invalid start point: 2 coordinates (must be 1, the dimension of f(x) = x²; leave the Start point blank or write default to use each objective’s default)',
    },
    {
      desc: 'a seed twice',
      draft: { ...defaultDraft(), seeds: '1, 2, 1' },
      field: 'seeds',
      message: 'Invalid seed list: 1 appears twice (each seed once)',
    },
    {
      desc: 'a grid over the limit',
      draft: withOptimizer({ lr: 'log(1e-4, 1, 20001)' }),
      field: 'form',
      message: /^Invalid sweep size: 20,001 runs/,
    },
    {
      desc: 'a zero trace size',
      draft: { ...defaultDraft(), traceMaxPoints: '0' },
      field: 'traceMaxPoints',
      message: 'Invalid trace size: 0 (must be a whole number from 3 to 100,000)',
    },
    {
      desc: 'an objective setting out of range',
      draft: { ...defaultDraft(), objectives: [{ id: 'rosenbrock' as const, settings: { dim: '1' } }] },
      field: 'objectives.0.dim',
      message: 'Invalid dimension: 1 (must be a whole number from 2 to 1,000,000)',
    },
    {
      desc: 'Nesterov without momentum',
      draft: { ...defaultDraft(), optimizers: [optimizerDraft('sgd', { nesterov: true })] },
      field: 'optimizers.0',
      message: 'Nesterov momentum requires a momentum and zero dampening',
    },
    {
      desc: 'random search with no samples',
      draft: { ...defaultDraft(), search: 'random' as const, samples: '0' },
      field: 'search.samples',
      message: 'Invalid number of samples: 0 (must be a whole number from 1 to 1,000,000)',
    },
  ])('pins $desc to $field', ({ draft, field, message }) => {
    const check = checkDraft(draft);
    expect([...check.errors.keys()]).toEqual([field]);
    expect(check.errors.get(field)).toMatch(message);
  });

  it('counts the runs of several entries and objectives as the sweep will: entries added, objectives and seeds crossed', () => {
    const draft = {
      ...defaultDraft(),
      objectives: [objectiveDraft('quadratic-1d'), objectiveDraft('elliptic-2d')],
      optimizers: [optimizerDraft('adagrad', { lr: '1, 0.1' }), optimizerDraft('adam', { lr: 'log(1e-3, 1e-1, 3)' })],
      seeds: '0, 1',
    };
    expect(checkDraft(draft).runs).toBe((2 + 3) * 2 * 2);
    expect(checkDraft({ ...draft, search: 'random', samples: '7' }).runs).toBe(7 * 2 * 2 * 2);
  });

  it('takes a blank hyperparameter as the kind’s default; a blank objective setting is left out, so a required one is missing', () => {
    const spec = specOf(withOptimizer({ eps: '', lrDecay: ' ' }));
    expect(spec.optimizers[0].fixed).not.toHaveProperty('eps');
    expect(expandSweep('s', spec)[0].optimizer).toMatchObject({ eps: 1e-8, lrDecay: 0 });
    const optional = specOf({
      ...defaultDraft(),
      objectives: [{ id: 'constant-gradient', settings: { startDraw: '', gradientDraw: '3' } }],
      start: 'default',
    });
    expect(optional.objectives).toEqual([{ id: 'constant-gradient', gradientDraw: 3 }]);
    const missing = checkDraft({ ...defaultDraft(), objectives: [{ id: 'rosenbrock', settings: { dim: '' } }] });
    expect(Object.fromEntries(missing.errors)).toEqual({ 'objectives.0.dim': 'Missing field: rosenbrock needs it' });
  });
});

describe('the form says what its numbers mean', () => {
  it('reads the default seed "0" as one run per setting, not as zero repeats', () => {
    expect(runFieldLabels.seeds).toBe('Seeds');
    expect(defaultDraft().seeds).toBe('0');
    expect(seedsHint('0')).toBe('1 run per setting, with seed 0. List seeds (0, 1, 2) to repeat each setting.');
    expect(seedsHint('0, 1, 2')).toBe('3 runs per setting, one per seed.');
    expect(seedsHint('x')).toBe('One run per setting for each seed listed.');
  });

  it('names the field and the two ways on for a log-uniform interval in a grid, in the words of the form', () => {
    const draft = {
      ...defaultDraft(),
      optimizers: [
        { ...optimizerDraft('adagrad'), values: { ...optimizerDraft('adagrad').values, lr: 'loguniform(1e-3, 1)' } },
      ],
    };
    const message = checkDraft(draft).errors.get('optimizers.0.lr');
    expect(message).toBe(
      'Learning rate: loguniform(0.001, 1) draws values at random, which a grid does not do. Choose "Random samples" under Search, or type log(0.001, 1, 5) for 5 values on a grid.',
    );
    expect(message).not.toMatch(/logUniform|search mode/);
    expect(checkDraft({ ...draft, search: 'random', samples: '4', searchSeed: '0' }).errors.size).toBe(0);
  });
});
