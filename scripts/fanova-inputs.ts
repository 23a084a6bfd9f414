/**
 * Writes test/fixtures/fanova-inputs.json: a real random sweep run by this app's engine (200 AdaGrad runs on
 * elliptic-2d, lr, eps, weight decay and G₀ drawn at random): the spec and each run's config and summary, for the tests
 * to feed importancePlan, and the swept settings' columns with the final losses, for scripts/optuna-importance.py to
 * hand to Optuna. Run with `npx tsx scripts/fanova-inputs.ts`, then the Python script.
 */
import { writeFileSync } from 'node:fs';
import { expandSweep, validateSweepSpec } from '../src-core/sweep/expand';
import { executeRun } from '../src-core/run/execute';
import { settingColumns } from '../src-core/views/swept-settings';

const input = {
  name: 'fanova reference',
  objectives: [{ id: 'elliptic-2d' }],
  optimizers: [
    {
      kind: 'adagrad',
      fixed: {},
      axes: {
        lr: { logUniform: { from: 1e-2, to: 1e-1 } },
        eps: { logUniform: { from: 1e-8, to: 1 } },
        weightDecay: { uniform: { from: 0, to: 0.5 } },
        initialAccumulator: { logUniform: { from: 1e-2, to: 1e4 } },
      },
    },
  ],
  steps: 200,
  seeds: [0],
  search: { mode: 'random', samples: 200, seed: 7 },
};

const validation = validateSweepSpec(input);
if (!validation.ok) throw new Error(validation.message);
const spec = validation.value;
const runs = expandSweep('fanova-reference', spec).map((config) => ({ config, summary: executeRun(config).summary }));
const columns = settingColumns(runs, [spec]);
const fixture = {
  description: 'scripts/fanova-inputs.ts: 200 AdaGrad runs on elliptic-2d, random search seed 7, 200 steps',
  spec,
  runs,
  settings: columns.map(({ setting, values }) => ({ name: setting.name, scale: setting.scale, values: [...values] })),
  finalLoss: runs.map((r) => r.summary.finalLoss),
  status: runs.map((r) => r.summary.status),
};
writeFileSync(new URL('../test/fixtures/fanova-inputs.json', import.meta.url), JSON.stringify(fixture) + '\n');
console.log(
  `${runs.length} runs; settings ${columns.map((c) => `${c.setting.name} (${c.setting.scale})`).join(', ')}; ` +
    `${runs.filter((r) => !Number.isFinite(r.summary.finalLoss)).length} without a finite final loss`,
);
