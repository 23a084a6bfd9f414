/**
 * W1 with weight decay against W1 without it, and the lanes' JavaScript loop against the WebAssembly kernel, in turns
 * (medians of CPU time, ratios from the same run). Not part of `npm run bench`, which times W1 without decay:
 *
 *   npx tsx bench/weight-decay.ts --repeats 7
 *
 * The engine rows are executeBatch (the app's path, the kernel where this thread has one); the lane rows run the same
 * blocks of 512 lanes through executeLanes with the kernel and with null (the JavaScript loop, as where WebAssembly
 * cannot be compiled). C -O3 (bench/reference/reference.c, no weight decay) is W1's reference.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { RunConfig } from '../src-core/contract/types';
import { createObjective } from '../src-core/objectives';
import { wasmLaneKernel } from '../src-core/optim/wasm/lane-kernel';
import { executeBatch } from '../src-core/run/execute';
import { executeLanes } from '../src-core/run/lanes';
import { w1Input } from './baselines/inputs';
import { cBuilds, compileReference, referenceRunner, w1Bytes } from './c-reference';
import { fastPathLines } from './fast-paths';
import { measure, timed, type Contender } from './measure';
import { w1Configs, w1Size, w1WeightDecay, type W1Decay } from './workloads';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '7' } } });
const repeats = Number(values.repeats);
if (!(Number.isInteger(repeats) && repeats >= 1 && repeats <= 64))
  throw new Error(`--repeats ${values.repeats}: a whole number from 1 to 64`);

const modes: W1Decay[] = ['none', 'coupled', 'decoupled'];
const runs = Object.fromEntries(modes.map((m) => [m, w1Configs(false, w1Size, m)])) as Record<W1Decay, RunConfig[]>;
const work = runs.none.length * w1Size.steps * 2;
const objective = createObjective({ id: 'elliptic-2d' });
const starts = runs.none.map(() => objective.defaultStart());
const block = 512;

/** W1's runs through executeLanes in blocks of `block` lanes, with `kernel` (null: the JavaScript loop). */
const lanes = (configs: readonly RunConfig[], kernel: ReturnType<typeof wasmLaneKernel>) => () => {
  for (let i = 0; i < configs.length; i += block)
    executeLanes(configs.slice(i, i + block), objective, starts.slice(i, i + block), kernel);
};

const kernel = wasmLaneKernel();
if (!kernel) throw new Error('no WebAssembly here: nothing to compare');
const label = (m: W1Decay) => (m === 'none' ? 'wd 0' : `${m} wd ${w1WeightDecay}`);
const contenders: Contender[] = [
  ...modes.map((m) => timed(`engine, ${label(m)}`, work, () => executeBatch(runs[m]))),
  ...modes.flatMap((m) => [
    timed(`lanes WebAssembly, ${label(m)}`, work, lanes(runs[m], kernel)),
    timed(`lanes JavaScript, ${label(m)}`, work, lanes(runs[m], null)),
  ]),
];
const c = compileReference(
  cBuilds.find((b) => b.label === 'C -O3')!,
  1,
);
if (c.ok) {
  const run = referenceRunner(c.binary, 'w1', w1Bytes(w1Input(runs.none)));
  contenders.push({ name: `${c.label}, wd 0`, work, run: () => run(1).seconds[0] });
} else process.stderr.write(`${c.label}: skipped, ${c.reason}\n`);

for (const line of fastPathLines()) process.stderr.write(`${line}\n`);
process.stderr.write(`load average ${loadavg()[0].toFixed(1)}; ${repeats} repeats…\n`);
const measured = measure(contenders, repeats);
const byName = new Map(measured.map((m) => [m.name, m]));
const ms = (name: string) => byName.get(name)!.median * 1000;
for (const m of measured)
  console.log(
    `${m.name.padEnd(36)} ${(m.median * 1000).toFixed(1).padStart(7)} ms  ${(m.rate / 1e6).toFixed(1)} M updates/s`,
  );
console.log('ratios of medians:');
for (const m of modes.slice(1)) {
  console.log(`  engine ${label(m)} / engine wd 0: ${(ms(`engine, ${label(m)}`) / ms('engine, wd 0')).toFixed(2)}×`);
  console.log(
    `  lanes JavaScript / WebAssembly, ${label(m)}: ${(ms(`lanes JavaScript, ${label(m)}`) / ms(`lanes WebAssembly, ${label(m)}`)).toFixed(2)}×`,
  );
}
console.log(
  `  lanes JavaScript / WebAssembly, wd 0: ${(ms('lanes JavaScript, wd 0') / ms('lanes WebAssembly, wd 0')).toFixed(2)}×`,
);
if (c.ok)
  for (const m of modes)
    console.log(
      `  engine ${label(m)} / ${c.label} wd 0: ${(ms(`engine, ${label(m)}`) / ms(`${c.label}, wd 0`)).toFixed(2)}×`,
    );
console.log(`load average at the end ${loadavg()[0].toFixed(1)}`);
