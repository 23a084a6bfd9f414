import { describe, expect, it } from 'vitest';
import { settingColumns } from '../../../src-core/views/swept-settings';
import { expandSweep } from '../../../src-core/sweep/expand';
import type { SweepSpec } from '../../../src-core/contract/types';
import { validSpec } from '../../helpers/configs';

/** Runs whose summaries are never read here: only the configs matter. */
const runsOf = (s: SweepSpec) => expandSweep('s', s).map((config) => ({ config, summary: {} as never }));

describe('the settings a sweep varied', () => {
  const random = validSpec({
    name: 'random',
    objectives: [{ id: 'quadratic-1d' }],
    optimizers: [
      {
        kind: 'adagrad',
        fixed: {},
        axes: {
          lr: { logUniform: { from: 1e-3, to: 1 } },
          eps: { values: [1e-10, 1e-8, 1e-6] },
          weightDecay: { uniform: { from: 0, to: 0.1 } },
          lrDecay: { values: [0, 0.5] },
        },
      },
      { kind: 'sgd', fixed: {}, axes: { lr: { values: [0.1] } } },
    ],
    search: { mode: 'random', samples: 20, seed: 7 },
    steps: 5,
  });
  const runs = runsOf(random);
  const columns = settingColumns(runs, [random]);
  const byName = new Map(columns.map((c) => [c.setting.name, c]));

  it('reads each on the scale it was drawn on, a typed list by its span, names as categories', () => {
    expect([...byName].map(([name, c]) => [name, c.setting.scale])).toEqual(
      expect.arrayContaining([
        ['lr', 'log'],
        ['eps', 'log'],
        ['weightDecay', 'linear'],
        ['lrDecay', 'linear'],
        ['optimizer', 'categorical'],
      ]),
    );
    expect(byName.has('steps')).toBe(false);
  });

  it('holds every run’s exact value, NaN where the run lacks the setting', () => {
    const lr = byName.get('lr')!;
    runs.forEach((run, r) => expect(lr.values[r]).toBe(run.config.optimizer.lr));
    const eps = byName.get('eps')!;
    runs.forEach((run, r) =>
      expect(eps.values[r]).toBe(
        run.config.optimizer.kind === 'sgd' ? NaN : (run.config.optimizer as { eps: number }).eps,
      ),
    );
    const optimizer = byName.get('optimizer')!;
    runs.forEach((run, r) => expect(optimizer.setting.values[optimizer.values[r]]).toBe(run.config.optimizer.kind));
  });

  it('reads runs without a spec by the span of their values', () => {
    const columns = settingColumns(runs, []);
    expect(columns.find((c) => c.setting.name === 'lr')?.setting.scale).toBe('log');
    expect(columns.find((c) => c.setting.name === 'weightDecay')?.setting.scale).toBe('linear');
  });
});
