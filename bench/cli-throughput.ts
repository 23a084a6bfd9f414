/**
 * The command line end to end (`node out/main/cli.js`, a process each time, as a user runs it) on W1 made 10× larger
 * with weight decay: 100,000 runs (1,000 lr × 100 eps) × 1,000 steps of AdaGrad on w² + 10b², weight decay 1e-4,
 * `--summary` only, with `--threads 1` and `--threads 2`, against the C reference (bench/reference/reference.c, -O3, one
 * thread; it has no weight decay: one multiply-add a coordinate less) on the same lr and eps, two such C processes side
 * by side (what two threads of computing alone get from the machine in that round: the CLI's two threads cannot beat
 * it), and a CLI of one run of one step (a process's fixed cost: Node's start, the modules, a worker and its kernel). Contenders run in turns;
 * medians of wall clock (the whole process: start, workers, expansion, writing), with CPU seconds (user + system, every
 * thread) beside. Not part of `npm run bench`:
 *
 *   npx electron-vite build && npx tsx bench/cli-throughput.ts --repeats 3 [--lr-count 1000] [--before out/before/main]
 *
 * `--before`: a copy of an earlier build's out/main, measured in the same turns (copy it inside the repository, so
 * that its imports find node_modules). Every CLI's summary CSV must be the same bytes, or the bench stops.
 *
 * `--marginal`: each CLI thread count also runs the sweep of twice the learning rates (2N runs) in the same rounds, and
 * the report splits its wall clock into a fixed part, f = 2·T(N) − T(2N) (the process's start, its workers' start,
 * their warm-up and compiling), and N runs' steady cost, T(2N) − T(N); from those, the two-thread speed-up at N that
 * the steady costs would allow with every fixed part cut to the same f, and the largest such f for 1.7×.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { w1Input } from './baselines/inputs';
import { cBuilds, compileReference, referenceRunner, w1Bytes } from './c-reference';
import { median } from './measure';
import { w1Configs, w1Spec, type W1Size } from './workloads';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    'lr-count': { type: 'string', default: '1000' },
    before: { type: 'string' },
    threads: { type: 'string', default: '1,2' },
    marginal: { type: 'boolean', default: false },
  },
});
const repeats = Number(values.repeats);
const size: W1Size = { lrCount: Number(values['lr-count']), epsCount: 100, steps: 1000 };
const threads = values.threads.split(',').map(Number);
const runs = size.lrCount * size.epsCount;

const dir = join(tmpdir(), 'adagrad-lab-cli-bench');
mkdirSync(dir, { recursive: true });
/** The sweep of `lrScale` times the learning rates, written to a file of its own: its path. */
function specFileOf(lrScale: number): string {
  const file = join(dir, lrScale === 1 ? 'spec.json' : `spec-${lrScale}x.json`);
  // W1's spec with weight decay; the trace size left to the sweep (traceMaxPoints null), as a user's spec would.
  const spec = w1Spec(true, { ...size, lrCount: size.lrCount * lrScale }, 'coupled');
  writeFileSync(file, JSON.stringify({ ...spec, name: 'cli-bench' }));
  return file;
}
const specFile = specFileOf(1);

const root = join(import.meta.dirname, '..');
const builds = [{ label: 'now', cli: join(root, 'out', 'main', 'cli.js') }];
if (values.before) builds.push({ label: 'before', cli: join(resolve(values.before), 'cli.js') });

interface Timing {
  wall: number;
  cpu: number;
}

/** One CLI process on `input` (the spec file, or run flags): wall and CPU seconds from /usr/bin/time. */
function runCli(cli: string, t: number, out: string, input: readonly string[] = [specFile]): Timing {
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S', process.execPath, cli, ...input, '--summary', out, '--threads', String(t), '--quiet'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`${cli} failed: ${result.stderr}`);
  const [wall, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall, cpu: user + system };
}

// The C reference's binary and input file live in a directory every bench shares (bench/c-reference.ts), and another
// bench running meanwhile wrote its own W1 there (10,000 runs: "C" took 0.09 s): this bench compiles a binary of its
// own and writes its input again right before each run.
const c = compileReference(
  cBuilds.find((b) => b.label === 'C -O3')!,
  process.pid,
);
if (!c.ok) throw new Error(`C reference: ${c.reason}`);
const cInput = w1Bytes(w1Input(w1Configs(false, size)));

/**
 * Two C processes side by side, each on the whole input: what two threads of computing alone get from this machine
 * now (two vCPUs shared with others, whose own load comes and goes). Wall clock of the pair; CPU of both.
 */
const pairInput = join(dir, 'w1.bin');
writeFileSync(pairInput, cInput);
const cProcess = (): Promise<number> =>
  new Promise((resolveRun, reject) => {
    let out = '';
    const child = spawn(c.binary, ['w1', pairInput, '1']);
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun((JSON.parse(out) as { seconds: number[] }).seconds[0]) : reject(new Error(`C: ${code}`)),
    );
  });

interface Contender {
  name: string;
  run: () => Timing | Promise<Timing>;
  /** Its summary CSV, which must equal every other one of the same `runScale`. */
  check?: string;
  /** 2 for the `--marginal` runs. */
  runScale?: number;
  oneRun?: true;
  pair?: true;
}
const contenders: Contender[] = [
  {
    name: 'C -O3, 1 thread (no weight decay)',
    run: () => {
      const cRun = referenceRunner(c.binary, 'w1', cInput);
      const start = performance.now();
      const { seconds } = cRun(1);
      return { wall: (performance.now() - start) / 1000, cpu: seconds[0] };
    },
  },
];
contenders.push({
  name: 'C -O3, 2 processes side by side',
  run: async () => {
    const start = performance.now();
    const seconds = await Promise.all([cProcess(), cProcess()]);
    return { wall: (performance.now() - start) / 1000, cpu: seconds[0] + seconds[1] };
  },
  pair: true,
});
for (const build of builds)
  contenders.push({
    name: `CLI ${build.label}, one run`,
    run: () => runCli(build.cli, 1, join(dir, `${build.label}-one.csv`), ['--steps', '1']),
    oneRun: true,
  });
const cliName = (label: string, t: number, runScale: number) =>
  `CLI ${label}, --threads ${t}${runScale === 1 ? '' : `, ${runScale}× runs`}`;
for (const runScale of values.marginal ? [1, 2] : [1]) {
  const input = [specFileOf(runScale)];
  for (const t of threads)
    for (const build of builds) {
      const out = join(dir, `${build.label}-${t}-${runScale}x.csv`);
      const run = () => runCli(build.cli, t, out, input);
      contenders.push({ name: cliName(build.label, t, runScale), run, check: out, runScale });
    }
}

process.stderr.write(
  `${runs} runs × ${size.steps} steps; load average ${loadavg()[0].toFixed(1)}; ${repeats} rounds…\n`,
);
const timings = contenders.map(() => [] as Timing[]);
for (let r = 0; r < repeats; r++)
  for (const [i, contender] of contenders.entries()) timings[i].push(await contender.run());
rmSync(c.binary);

for (const runScale of [1, 2]) {
  const checks = contenders
    .filter((x) => x.check && x.runScale === runScale)
    .map((x) => readFileSync(x.check!, 'utf8'));
  if (checks.some((text) => text !== checks[0])) throw new Error('the summary CSVs differ between builds or threads');
}

const wall = timings.map((ts) => median(ts.map((t) => t.wall)));
const cpu = timings.map((ts) => median(ts.map((t) => t.cpu)));
const cLoop = cpu[0];
console.log(
  `${runs} runs × ${size.steps} steps, medians of ${repeats}; C's loop alone (its own CPU clock): ${cLoop.toFixed(3)} s`,
);
contenders.forEach((x, i) =>
  console.log(
    `${x.name.padEnd(45)} wall ${wall[i].toFixed(2).padStart(6)} s  cpu ${cpu[i].toFixed(2).padStart(6)} s  ` +
      (x.oneRun || x.pair
        ? ''
        : // C ran N runs: the 2N runs of `--marginal` are compared by their time a run only.
          (x.runScale === 2
            ? ''
            : `wall / C wall ${(wall[i] / wall[0]).toFixed(1).padStart(5)}×  wall / C loop ${(wall[i] / cLoop).toFixed(1).padStart(5)}×  `) +
          `${((wall[i] / (runs * (x.runScale ?? 1))) * 1e6).toFixed(1)} µs/run`),
  ),
);
// Each round's own ratio too: its two runs are seconds apart, the medians' minutes, and others' load drifts meanwhile.
for (const build of builds)
  if (threads.includes(1) && threads.includes(2)) {
    const walls = (t: number, runScale = 1) =>
      timings[contenders.findIndex((x) => x.name === cliName(build.label, t, runScale))];
    const [one, two] = [walls(1), walls(2)];
    const rounds = one.map((t, r) => t.wall / two[r].wall);
    // What the second worker costs beyond its share of the work (its own start, warm-up and JIT compiling): on two
    // cores the two-thread run cannot take less than half its CPU, so this is the bound a loaded machine still shows.
    const extraCpu = median(two.map((t, r) => t.cpu - one[r].cpu));
    console.log(
      `CLI ${build.label}: 2 threads / 1 thread speed-up ${(median(one.map((t) => t.wall)) / median(two.map((t) => t.wall))).toFixed(2)}× ` +
        `(medians); each round's ${rounds.map((x) => x.toFixed(2)).join(', ')}: median ${median(rounds).toFixed(2)}×; ` +
        `CPU of 2 threads − 1 thread, each round's median: ${extraCpu >= 0 ? '+' : ''}${extraCpu.toFixed(2)} s`,
    );
    if (values.marginal) reportMarginal(build.label, [one, two], [walls(1, 2), walls(2, 2)]);
  }

/**
 * `--marginal`: each thread count's wall clock at N runs split, round by round (the two sizes run seconds apart), into
 * its fixed part f = 2·T(N) − T(2N) and N runs' steady cost s = T(2N) − T(N); medians over the rounds. A speed-up at N
 * is (f₁ + s₁) / (f₂ + s₂); the line ends with s₁ / s₂ (what it tends to as N grows) and the largest fixed part f,
 * the same for both, with which (f + s₁) / (f + s₂) still reaches 1.7×: (s₁ − 1.7·s₂) / 0.7.
 */
function reportMarginal(label: string, atN: readonly Timing[][], at2N: readonly Timing[][]): void {
  const split = (t: 0 | 1) => ({
    fixed: median(atN[t].map((x, r) => 2 * x.wall - at2N[t][r].wall)),
    steady: median(atN[t].map((x, r) => at2N[t][r].wall - x.wall)),
  });
  const [one, two] = [split(0), split(1)];
  const fixedFor17 = (one.steady - 1.7 * two.steady) / 0.7;
  console.log(
    `CLI ${label}, marginal: fixed part 1 thread ${one.fixed.toFixed(2)} s, 2 threads ${two.fixed.toFixed(2)} s; ` +
      `${runs} runs' steady cost ${one.steady.toFixed(2)} s and ${two.steady.toFixed(2)} s: speed-up without fixed ` +
      `parts ${(one.steady / two.steady).toFixed(2)}×; 1.7× at ${runs} runs needs both fixed parts ≤ ` +
      `${fixedFor17.toFixed(2)} s`,
  );
}
// The machine's own ceiling for two threads, measured in the same rounds: one C process's wall clock against two side
// by side (2× when two cores are free; the CLI's two threads cannot do better than this).
const pair = contenders.findIndex((x) => x.pair);
const pairRounds = timings[pair].map((t, r) => (2 * timings[0][r].wall) / t.wall);
console.log(
  `C -O3: 2 processes side by side / 1 alone, throughput ${((2 * wall[0]) / wall[pair]).toFixed(2)}× (medians); ` +
    `each round's ${pairRounds.map((x) => x.toFixed(2)).join(', ')}: median ${median(pairRounds).toFixed(2)}×`,
);
console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
