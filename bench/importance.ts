/**
 * Parameter importance at the size: 10,000 runs × 4 swept settings (a random AdaGrad sweep on Rosenbrock, run
 * by the engine), fANOVA with Optuna's 64 trees, as the importance worker computes it (the plan from the runs, the
 * forest, the decomposition). Target: ≤ 2 s. Prints the median of 5 (and the other times).
 *
 *   npx tsx bench/importance.ts
 */
import { parameterImportance } from '../src-core/analysis/importance';
import { executeBatch } from '../src-core/run/execute';
import { expandSweep, validateSweepSpec } from '../src-core/sweep/expand';
import { loadavg } from 'node:os';
import { median } from './measure';

const validation = validateSweepSpec({
  name: 'importance bench',
  objectives: [{ id: 'rosenbrock', dim: 2 }],
  optimizers: [
    {
      kind: 'adagrad',
      fixed: {},
      axes: {
        lr: { logUniform: { from: 1e-3, to: 1 } },
        eps: { logUniform: { from: 1e-10, to: 1e-2 } },
        weightDecay: { uniform: { from: 0, to: 0.05 } },
        initialAccumulator: { uniform: { from: 0, to: 1 } },
      },
    },
  ],
  steps: 200,
  seeds: [0],
  traceMaxPoints: 3,
  search: { mode: 'random', samples: 10_000, seed: 1 },
});
if (!validation.ok) throw new Error(validation.message);
const spec = validation.value;
const runs = executeBatch(expandSweep('bench', spec)).map(({ config, summary }) => ({ config, summary }));

// Wall time is what a user waits; CPU time is what the computation costs when the machine is shared (2 cores here).
const seconds: number[] = [];
const cpuSeconds: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const outcome = parameterImportance(runs, [spec], 'finalLoss');
  seconds.push((performance.now() - start) / 1000);
  cpuSeconds.push(process.cpuUsage(cpu).user / 1e6);
  if (!outcome.ok) throw new Error(outcome.message);
  if (i === 0) console.log(outcome.ranking.map((r) => `${r.name} ${r.importance.toFixed(3)}`).join(', '));
}
console.log(
  `importance, ${runs.length} runs × 4 settings, 64 trees: median ${median(seconds).toFixed(2)} s ` +
    `(${seconds.map((s) => s.toFixed(2)).join(', ')}); CPU median ${median(cpuSeconds).toFixed(2)} s; load ${loadavg()[0].toFixed(1)}`,
);
