/** The bench's figures: the JSON it writes, the derived ratios against the targets, and the printed table. */
import type { Measured } from './measure';

/** The name of W1 as timed in W1t's turns (bench/main.ts), which the W1t/W1 line reads. */
export const w1InTurns = 'W1, in turns';

export interface WorkloadReport {
  id: 'W1' | 'W1t' | 'W2' | 'W3';
  title: string;
  unit: 'updates/s' | 'GB/s';
  measured: Measured[];
  /** How each C build's result compared with the engine's. */
  checks: string[];
}

/**
 * W1 updates per second on the wall clock: the workers' task function in this thread, the SweepService on one worker,
 * and on one per core.
 */
export interface PoolFigures {
  cores: number;
  /** The 1-minute load average when the pool's turns started. */
  loadAverage: number;
  /** The workers' work done in this thread (bench/pool-bench.ts inThreadSweep). */
  direct: number;
  /** executeBatch alone on configs expanded beforehand, float64 traces: no expansion, no encoding. */
  engine: number;
  oneWorker: number;
  allWorkers: number;
  /** allWorkers / oneWorker: the all-core/1-core ratio on this machine. */
  scaling: number;
  /** allWorkers / direct. */
  saturation: number;
  /** The main thread's busy time per run with every worker (median), in µs: what would bound many more workers. */
  mainMicrosPerRun: number;
  /** Runs per second one worker computes (W1's runs). */
  runsPerSecondPerWorker: number;
}

export interface Report {
  started: string;
  repeats: number;
  /** loadAverage: the 1-minute load average when the run started (the machine may be shared). */
  machine: { cpu: string; cores: number; loadAverage: number; node: string; v8: string; gcc: string };
  workloads: WorkloadReport[];
  parallel: PoolFigures | { skipped: string };
}

/** How many times longer the engine takes than `name` (its rate over the engine's); null when `name` did not run. */
export function slowdown(w: WorkloadReport, name: string): number | null {
  const engine = w.measured.find((m) => m.name === 'engine')!;
  const other = w.measured.find((m) => m.name === name);
  return other ? other.rate / engine.rate : null;
}

const targets: Partial<Record<WorkloadReport['id'], number>> = { W1: 1.5, W2: 1.5, W3: 2 };

const rate = (w: WorkloadReport, m: Measured): string =>
  w.unit === 'GB/s' ? `${(m.rate / 1e9).toPrecision(3)} GB/s` : `${(m.rate / 1e6).toPrecision(3)} M/s`;

const times = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)}×`);

export function printReport(report: Report): void {
  const out: string[] = [];
  const { machine: m } = report;
  out.push(
    `AdaGrad Lab bench: ${m.cpu}, ${m.cores} cores, Node ${m.node} (V8 ${m.v8}), ${m.gcc}; medians of ${report.repeats}`,
  );
  out.push(
    `CPU seconds of each process; load average ${m.loadAverage.toFixed(1)} when it started (other work on the machine)`,
  );
  for (const w of report.workloads) {
    out.push(
      '',
      `${w.id}: ${w.title} (${w.unit === 'GB/s' ? 'GB/s = 40 bytes per coordinate per step' : 'parameter updates per second'})`,
    );
    for (const x of w.measured) {
      const ratio = x.name === 'engine' ? '' : `  engine takes ${times(slowdown(w, x.name))} its time`;
      out.push(
        `  ${x.name.padEnd(22)} ${rate(w, x).padStart(12)}   median ${(x.median * 1000).toFixed(1).padStart(8)} ms${ratio}`,
      );
    }
    const target = targets[w.id];
    for (const build of ['C -O3', 'C -O3 -march=native']) {
      const c = slowdown(w, build);
      if (target !== undefined && c !== null)
        out.push(`  target: within ${target}× of ${build}: ${c <= target ? 'met' : 'NOT met'} (${times(c)})`);
    }
    for (const check of w.checks) out.push(`  ${check}`);
  }
  // W1t against the W1 timed in its own turns (bench/main.ts w1t), not W1's workload: that ran minutes apart, and this
  // pair of shared cores changes speed by more than the ratio's margin in that time (1.61× in turns, 1.83× apart).
  const w1t = report.workloads.find((w) => w.id === 'W1t');
  const inTurns = w1t?.measured.find((m) => m.name === w1InTurns);
  if (w1t && inTurns) {
    const cost = w1t.measured[0].median / inTurns.median;
    out.push(
      '',
      `W1t/W1 in turns (the cost of recording traces): ${times(cost)} (target at most 1.5×: ${cost <= 1.5 ? 'met' : 'NOT met'})`,
    );
  }
  const p = report.parallel;
  if ('skipped' in p) out.push('', `pool: skipped, ${p.skipped}`);
  else {
    out.push(
      '',
      `W1 through the SweepService and the worker pool, wall clock (load average ${p.loadAverage.toFixed(1)}):`,
    );
    out.push(
      `  in this thread ${(p.direct / 1e6).toFixed(1)} M/s (a worker's task function; executeBatch alone ${(p.engine / 1e6).toFixed(1)} M/s), ` +
        `1 worker ${(p.oneWorker / 1e6).toFixed(1)} M/s, ${p.cores} workers ${(p.allWorkers / 1e6).toFixed(1)} M/s`,
      `  ${p.cores} workers / this thread ${times(p.saturation)} (target ≥ 1.7×; / executeBatch alone ${times(p.allWorkers / p.engine)}), ` +
        `${p.cores}-core/1-core ${times(p.scaling)}, 1 worker / this thread ${times(p.oneWorker / p.direct)}`,
      `  main thread ${p.mainMicrosPerRun.toFixed(2)} µs per run (target ≤ 1 µs: ${p.mainMicrosPerRun <= 1 ? 'met' : 'NOT met'}); ` +
        `one worker computes a run in ${(1e6 / p.runsPerSecondPerWorker).toFixed(1)} µs, so the main thread would keep up with ` +
        `${Math.floor(1e6 / p.runsPerSecondPerWorker / p.mainMicrosPerRun)} workers`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
