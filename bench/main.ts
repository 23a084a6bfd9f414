/**
 * `npm run bench`: the speed issue's workloads, each run several times in turns with its baselines, medians reported as
 * rates and ratios measured in the same run. Prints a table and writes bench/results/latest.json.
 *
 *   npm run bench -- --repeats 7
 *   npm run bench -- --repeats 7 --only W2,W3   (only the workloads named, from W1, W1t, W2, W3, pool and queue)
 *
 * `queue` (the agents' queue against the pool: bench/queue.ts, which prints its own figures) runs last, in a process of
 * its own, where Debian's redis-server is installed; without it, the report says it was skipped and why.
 */
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createObjective } from '../src-core/objectives';
import { executeBatch, executeRun } from '../src-core/run/execute';
import { executeParts, PartBuffers } from '../src-core/run/result-batch';
import { w1Input, w2Input, w3Input } from './baselines/inputs';
import { w1SeedsWay, w2SeedsWay, w3SeedsWay } from './baselines/seeds-way';
import { w1TightLoop, w2TightLoop, w3TightLoop } from './baselines/tight-loop';
import { cBuilds, compileReference, referenceRunner, w1Bytes, w2Bytes, w3Bytes, type Compiled } from './c-reference';
import { fastPathLines } from './fast-paths';
import { measure, median, timed, type Contender } from './measure';
import { inThreadSweep, openSweeper, workerFile, workerIsBuilt } from './pool-bench';
import { printReport, w1InTurns, type Report, type WorkloadReport } from './report';
import { defaultBatchSizing, estimatedTraceBytes } from '../src-main/batch-sizer';
import { defaultResultsEventBytes } from '../src-main/sweep-service';
import { w1Configs, w1Size, w1Spec, w2Config, w2Size, w3Config, w3Size } from './workloads';

const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '5' }, only: { type: 'string' } },
});
const repeats = Number(values.repeats);
if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 64))
  throw new Error(`--repeats ${values.repeats}: a whole number from 1 to 64`);
const parts = ['W1', 'W1t', 'W2', 'W3', 'pool', 'queue'] as const;
type Part = (typeof parts)[number];
const only = new Set(values.only?.split(',').map((p) => p.trim()) ?? parts);
for (const p of only)
  if (!(parts as readonly string[]).includes(p))
    throw new Error(`--only ${values.only}: ${p} is not one of ${parts.join(', ')}`);
const runs = (part: Part): boolean => only.has(part);

/** The queue's figures (bench/queue.ts), printed by it, after the report: it needs redis-server and a built CLI. */
function benchQueue(): void {
  const redis = spawnSync('redis-server', ['--version']);
  if (redis.error) {
    log(`\nqueue: skipped, redis-server is not installed (sudo apt-get install -y redis-server)`);
    return;
  }
  log("\nThe agents' queue against the local pool (bench/queue.ts):");
  const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
  const ran = spawnSync(tsx, [join(import.meta.dirname, 'queue.ts'), '--repeats', String(repeats)], {
    stdio: 'inherit',
  });
  if (ran.status !== 0) throw new Error(`bench/queue.ts ended with ${ran.status ?? ran.signal}`);
}

const compiled: Compiled[] = cBuilds.map(compileReference);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The C builds as contenders on one workload; each round runs the C loop once in a fresh process. */
function cContenders(
  workload: 'w1' | 'w2' | 'w3',
  input: Uint8Array,
  work: number,
  checksums: Map<string, number>,
): Contender[] {
  return compiled.flatMap((c) => {
    if (!c.ok) return [];
    const run = referenceRunner(c.binary, workload, input);
    return [
      {
        name: c.label,
        work,
        run: () => {
          const result = run(1);
          checksums.set(c.label, result.checksum);
          return result.seconds[0];
        },
      },
    ];
  });
}

/** Compares the C checksums with the engine's: exact for W1 and W2, within `relative` for W3 (exp differs). */
function checkC(checksums: Map<string, number>, engine: number, relative = 0): string[] {
  return [...checksums].map(([label, value]) => {
    const error = Math.abs(value - engine) / Math.abs(engine);
    const agrees = relative === 0 ? value === engine : error <= relative;
    return `${label} ${agrees ? 'agrees' : 'DISAGREES'} with the engine (${relative === 0 ? 'bit for bit' : `relative difference ${error.toExponential(1)}`})`;
  });
}

function w1(): WorkloadReport {
  const configs = w1Configs(false);
  const input = w1Input(configs);
  const work = configs.length * w1Size.steps * 2;
  // The seeds' way is ~100× slower: it runs a tenth of the runs, and its rate is per update like the others'.
  const tenth = {
    ...input,
    lr: input.lr.subarray(0, input.lr.length / 10),
    eps: input.eps.subarray(0, input.eps.length / 10),
  };
  const checksums = new Map<string, number>();
  let engineChecksum = 0;
  const contenders: Contender[] = [
    timed('engine', work, () => {
      // Summed as reference.c sums it, run by run: (final + best + best step) added to the total.
      engineChecksum = executeBatch(configs).reduce(
        (sum, { summary: s }) => sum + (s.finalLoss + s.bestLoss + s.bestStep),
        0,
      );
    }),
    timed("seeds' way", work / 10, () => w1SeedsWay(tenth)),
    timed('tight JS loop', work, () => w1TightLoop(input)),
    ...cContenders('w1', w1Bytes(input), work, checksums),
  ];
  const measured = measure(contenders, repeats);
  return {
    id: 'W1',
    title: `${configs.length.toLocaleString('en')} runs × ${w1Size.steps.toLocaleString('en')} steps on w² + 10b², summaries only`,
    unit: 'updates/s',
    measured,
    checks: checkC(checksums, engineChecksum),
  };
}

/** The bytes of traces a part of a task's results holds at most, as the SweepService cuts them for the window. */
const windowPartBytes = defaultResultsEventBytes;

/**
 * W1t: W1's runs with the traces the app keeps for them, timed as the app computes them: a pool worker's tasks
 * (range-task.ts), each executeParts with `compact` (the traces recorded, laid out float32 where faithful and written
 * into the ~768 kB parts the task sends the window), sized by the bytes of their traces as the SweepService sizes them
 * (src-main/batch-sizer.ts). Until issue 15's third pass on traces it timed executeEncoded, the task's one buffer,
 * leaving out the copy into those parts that the worker then made (splitBatch). Since its fourth pass the parts are
 * written into the buffers of parts sent before, handed back after each task as the desktop app's SweepService hands
 * them back once the window has stored them (recycleParts; result-batch.ts PartBuffers); serve mode, whose sockets may
 * still hold a part's bytes, sends parts in fresh memory, timed beside it in the same turns. In turns with W1 itself,
 * so that W1t/W1 is a ratio of one run; the engine's float64 RunResults of the whole batch (executeBatch) are timed
 * after, in turns of their own: in the same turns their 152 MB of garbage was collected in the next contender's time,
 * W1t's (W1t 414–444 ms after them against 255–357 ms without them, W1 the same, load 6–7).
 */
function w1t(): WorkloadReport {
  const configs = w1Configs(true);
  const plain = w1Configs(false);
  const work = configs.length * w1Size.steps * 2;
  const perTask = Math.floor(defaultBatchSizing.maxBytes / estimatedTraceBytes(configs[0]));
  const tasks = Array.from({ length: Math.ceil(configs.length / perTask) }, (_, t) =>
    configs.slice(t * perTask, (t + 1) * perTask),
  );
  const memory = new PartBuffers();
  const [app, alone, fresh] = measure(
    [
      // 'engine' for the report: the engine as the desktop app runs it.
      timed('engine', work, () =>
        tasks.forEach((task, t) => {
          const parts = executeParts(task, { compact: true }, t * perTask, windowPartBytes, memory);
          memory.give(parts.map(({ traces }) => traces.buffer as ArrayBuffer));
        }),
      ),
      timed(w1InTurns, work, () => executeBatch(plain)),
      timed('parts in fresh memory (serve mode)', work, () =>
        tasks.forEach((task, t) => executeParts(task, { compact: true }, t * perTask, windowPartBytes)),
      ),
    ],
    repeats,
  );
  const [wide] = measure([timed('executeBatch, float64, after', work, () => executeBatch(configs))], repeats);
  const measured = [app, alone, fresh, wide];
  return {
    id: 'W1t',
    title:
      `${configs.length.toLocaleString('en')} runs × ${w1Size.steps.toLocaleString('en')} steps on w² + 10b², traces of ` +
      `${configs[0].traceMaxPoints} rows kept, as a worker sends them to the window (tasks of ${perTask} runs)`,
    unit: 'updates/s',
    measured,
    checks: [
      `W1t/W1 in turns: ${(app.median / alone.median).toFixed(2)}× (parts in fresh memory, as serve mode sends ` +
        `them: ${(fresh.median / alone.median).toFixed(2)}×; float64 RunResults of the whole batch: ` +
        `${(wide.median / alone.median).toFixed(2)}×; target at most 1.5×: ${app.median / alone.median <= 1.5 ? 'met' : 'NOT met'})`,
    ],
  };
}

function w2(): WorkloadReport {
  const config = w2Config();
  const input = w2Input(config);
  const objective = createObjective(config.objective);
  // The minimum traffic of a step: read x, κ and G, write x and G, 8 bytes each, per coordinate.
  const bytes = 40 * w2Size.dim * w2Size.steps;
  const checksums = new Map<string, number>();
  let engineLoss = 0;
  const measured = measure(
    [
      // Summary only, as the workload is defined and as C computes it (no trace rows: `traces` false, as the command
      // line's --summary runs it); with its three rows kept the engine spends ~50 ms more on their quantiles.
      timed('engine', bytes, () => (engineLoss = executeRun(config, objective, false).summary.finalLoss)),
      // The seeds' way makes ~5 arrays of a million numbers a step: it runs 5 steps, its rate per step like the others'.
      timed("seeds' way", (bytes / w2Size.steps) * 5, () => w2SeedsWay({ ...input, steps: 5 })),
      timed('tight JS loop', bytes, () => w2TightLoop(input)),
      ...cContenders('w2', w2Bytes(input), bytes, checksums),
    ],
    repeats,
  );
  return {
    id: 'W2',
    title: `one run, d = 10⁶, ${w2Size.steps} steps (ill-conditioned quadratic)`,
    unit: 'GB/s',
    measured,
    checks: checkC(checksums, engineLoss),
  };
}

function w3(): WorkloadReport {
  const config = w3Config();
  const input = w3Input(config);
  const objective = createObjective(config.objective);
  const work = config.steps * w3Size.nonZerosPerSample;
  // The seeds' way steps every feature for every sample (O(features)): it runs the first 200 samples of the order.
  const seedsSteps = 200;
  const checksums = new Map<string, number>();
  // C's checksum is the full-data loss at the start and at the end (and its finiteness sum, 0): the engine's first is
  // that of its row 0, the objective's own loss at the start (the kernel's evaluation is the objective's, bit for bit:
  // test/core/optim/wasm/sparse-kernel.test.ts), taken here once, outside the timing.
  const initialLoss = objective.evaluate(objective.defaultStart(), new Float64Array(objective.dim));
  let engineChecksum = 0;
  let tracedChecksum = 0;
  const measured = measure(
    [
      // Summary only, as the workload is defined and as C computes it (no trace rows: `traces` false, as the command
      // line's --summary runs it); the full-data loss is still evaluated at the rows the schedule keeps (steps 0 and
      // 100,000, as C evaluates it), the rows' min, median and max of θ, ∇, G and the update over 50,000 features are
      // not (~2–2.5 ms more: the next contender).
      timed(
        'engine',
        work,
        () => (engineChecksum = initialLoss + executeRun(config, objective, false).summary.finalLoss),
      ),
      timed('engine, traced', work, () => {
        const { trace, summary } = executeRun(config, objective);
        tracedChecksum = trace.loss[0] + summary.finalLoss;
      }),
      timed("seeds' way", seedsSteps * w3Size.nonZerosPerSample, () => w3SeedsWay(input, seedsSteps)),
      timed('tight JS loop', work, () => w3TightLoop(input)),
      ...cContenders('w3', w3Bytes(input), work, checksums),
    ],
    repeats,
  );
  const { samples, features, nonZerosPerSample, epochs } = w3Size;
  return {
    id: 'W3',
    title: `sparse logistic regression, ${samples.toLocaleString('en')} × ${features.toLocaleString('en')}, ${nonZerosPerSample} non-zeros, ${epochs} epochs per sample`,
    unit: 'updates/s',
    measured,
    checks: [
      ...checkC(checksums, engineChecksum, 1e-9),
      `the traced run ${tracedChecksum === engineChecksum ? 'agrees' : 'DISAGREES'} with the summary-only one (bit for bit)`,
    ],
  };
}

/**
 * The pool against the same work in this thread, all on the wall clock (what a user waits for), in turns (this thread,
 * one worker, every worker, …) so that other load on the machine weighs on all alike. The pool side is the app's: the
 * SweepService handing out W1's spec in ranges sized by its own timings. This thread does what each worker does
 * (inThreadSweep); executeBatch on W1's configs expanded beforehand (what this line compared with until issue 15's
 * last round) is timed in the same turns and reported beside it.
 */
async function parallel(): Promise<Report['parallel']> {
  if (!workerIsBuilt()) return { skipped: `${workerFile} is missing: run npm run build first` };
  const configs = w1Configs(false);
  const work = configs.length * w1Size.steps * 2;
  const cores = availableParallelism();
  const inThread = inThreadSweep(w1Spec(false));
  const engineAlone = async () => {
    const start = performance.now();
    executeBatch(configs);
    return (performance.now() - start) / 1000;
  };
  const one = await openSweeper(w1Spec(false), 1);
  const all = await openSweeper(w1Spec(false), cores);
  try {
    const seconds = [[], [], [], []] as number[][];
    const mainMicros = [[], []] as number[][];
    inThread();
    await engineAlone();
    for (let r = 0; r < repeats; r++) {
      // The two in this thread swap places each round, so that neither always follows a sweep's leftovers.
      for (const k of r % 2 ? [1, 0] : [0, 1]) seconds[k].push(k === 0 ? inThread() : await engineAlone());
      for (const [i, sweeper] of [one, all].entries()) {
        const timing = await sweeper.sweep();
        seconds[i + 2].push(timing.seconds);
        mainMicros[i].push(timing.mainMicrosPerRun);
      }
    }
    const [direct, engine, oneWorker, allWorkers] = seconds.map((s) => work / median(s));
    return {
      cores,
      loadAverage: loadavg()[0],
      direct,
      engine,
      oneWorker,
      allWorkers,
      scaling: allWorkers / oneWorker,
      saturation: allWorkers / direct,
      mainMicrosPerRun: median(mainMicros[1]),
      runsPerSecondPerWorker: oneWorker / (work / configs.length),
    };
  } finally {
    await Promise.all([one.close(), all.close()]);
  }
}

function machine(): Report['machine'] {
  let gcc = 'none';
  try {
    gcc = execSync('gcc --version', { encoding: 'utf8' }).split('\n')[0];
  } catch {
    // reported as none
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    loadAverage: loadavg()[0],
    node: process.version,
    v8: process.versions.v8,
    gcc,
  };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  for (const c of compiled) if (!c.ok) log(`${c.label}: skipped, ${c.reason}`);
  log('Paths of the AdaGrad options (the figures below time the fast ones):');
  for (const line of fastPathLines()) log(`  ${line}`);
  const workloads: WorkloadReport[] = [];
  const workloadRuns: [Part, () => WorkloadReport][] = [
    ['W1', w1],
    ['W1t', w1t],
    ['W2', w2],
    ['W3', w3],
  ];
  for (const [part, run] of workloadRuns)
    if (runs(part)) {
      log(`${part}…`);
      workloads.push(run());
    }
  let pool: Report['parallel'] = { skipped: 'not asked for (--only)' };
  if (runs('pool')) {
    log('pool…');
    pool = await parallel();
  }
  const report: Report = { started, repeats, machine: machine(), workloads, parallel: pool };
  printReport(report);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (runs('queue')) benchQueue();
  log(`written to ${join(dir, 'latest.json')}`);
}

await main();
