/**
 * The lab against real PyTorch: test/fixtures/pytorch-reference.json holds θ, the loss and the accumulator after every
 * step of torch.optim.Adagrad, SGD, RMSprop and Adam (float64, CPU, PyTorch 1.13) on the objectives the lab can express
 * in PyTorch, with every option both have (scripts/pytorch-reference.py made it, once; these tests need no Python).
 *
 * - AdaGrad, SGD and RMSProp (not centered): bit for bit (Object.is) against ATen's kernels without FMA
 *   (ATEN_CPU_CAPABILITY=default), through every path a run can take (the composed loop, the fused kernel, the lanes in
 *   JavaScript and in WebAssembly).
 * - Adam and centered RMSProp follow current PyTorch, whose first moment (Adam's m, RMSProp's ḡ) is a lerp_; 1.13
 *   computed it as mul_ and add_: within `lerpBound` relative of 1.13.
 * - Against ATen's AVX2 kernels (FMA): within `fmaBound` relative (see README.md), measured here.
 * - Python's β^t (C's pow), which Adam's bias corrections use: exactPow equals it on every listed (β, t).
 */
import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../../../src-core/contract/engine';
import type { RunConfig, RunTrace } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { exactPow } from '../../../src-core/optim/exact-pow';
import { executeLanes } from '../../../src-core/run/lanes';
import { executeRun, runStepByStep } from '../../../src-core/run/execute';
import fixture from '../../fixtures/pytorch-reference.json';

type Value = number | string;
interface Case {
  name: string;
  objective: RunConfig['objective'];
  start: number[];
  optimizer: OptimizerConfig;
  noFma: { theta: Value[][]; loss: Value[]; accum: Value[][] };
  fmaDifferences: [column: 'theta' | 'loss' | 'accum', row: number, coordinate: number, value: Value][];
}

const cases = fixture.cases as unknown as Case[];
const steps: number = fixture.steps;

/** The fixture's numbers: non-finite ones are written as strings. */
const num = (x: Value): number => (typeof x === 'number' ? x : Number(x));

/** Relative difference of two doubles; 0 when they are the same double (NaN and infinities included). */
const relative = (a: number, b: number): number =>
  Object.is(a, b) || a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

/** First moments as lerp_ (current PyTorch) where 1.13 computed mul_ + add_. */
const followsCurrentPyTorch = (c: Case): boolean =>
  c.optimizer.kind === 'adam' || (c.optimizer.kind === 'rmsprop' && c.optimizer.centered);

/** 1.13's mul_ + add_ against current PyTorch's lerp_, over the fixture's 15 steps. */
const lerpBound = 1e-13;
/** ATen's AVX2 kernels (FMA) against the same kernels without FMA, over the fixture's 15 steps, as README.md states it. */
const fmaBound = 1e-13;
/** Below this, a relative difference is taken as an absolute one: θ of 1e-16 left by a cancellation. */
const tiny = 1e-14;

function configOf(c: Case, index: number): RunConfig {
  return {
    id: `pytorch:${index}`,
    sweepId: 'pytorch',
    index,
    objective: c.objective,
    start: c.start,
    optimizer: c.optimizer,
    steps,
    seed: 0,
    tolerance: null,
    traceMaxPoints: steps + 1,
    continueAfterNonFinite: true,
  };
}

/** The trace's rows as the fixture holds them. */
function rowsOf(trace: RunTrace): { theta: number[][]; loss: number[]; accum: number[][] } {
  const w = trace.width;
  const rows = Array.from(trace.steps, (_, k) => k);
  return {
    theta: rows.map((k) => Array.from(trace.theta.subarray(k * w, (k + 1) * w))),
    loss: Array.from(trace.loss),
    accum: trace.accum.length === 0 ? [] : rows.map((k) => Array.from(trace.accum.subarray(k * w, (k + 1) * w))),
  };
}

/** Every value of `reference` against the lab's, through `compare` (column, row, coordinate, lab, reference). */
function eachValue(
  reference: Case['noFma'],
  lab: ReturnType<typeof rowsOf>,
  visit: (where: string, lab: number, ref: number) => void,
): void {
  expect(lab.theta.length).toBe(reference.theta.length);
  reference.theta.forEach((row, k) => row.forEach((x, i) => visit(`theta[${k}][${i}]`, lab.theta[k][i], num(x))));
  reference.loss.forEach((x, k) => visit(`loss[${k}]`, lab.loss[k], num(x)));
  expect(lab.accum.length).toBe(reference.accum.length);
  reference.accum.forEach((row, k) => row.forEach((x, i) => visit(`accum[${k}][${i}]`, lab.accum[k][i], num(x))));
}

const bitIdentical = cases.filter((c) => !followsCurrentPyTorch(c));

describe('the lab equals PyTorch 1.13 without FMA, bit for bit', () => {
  it('covers every optimizer PyTorch and the lab share', () => {
    expect(new Set(bitIdentical.map((c) => c.optimizer.kind))).toEqual(new Set(['adagrad', 'sgd', 'rmsprop']));
    expect(bitIdentical.length).toBeGreaterThan(100);
  });

  it.each(bitIdentical.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const config = configOf(c, cases.indexOf(c));
    const lab = rowsOf(runStepByStep(config).trace);
    const differ: string[] = [];
    eachValue(c.noFma, lab, (where, x, ref) => {
      if (!Object.is(x, ref)) differ.push(`${where}: lab ${x}, PyTorch ${ref}`);
    });
    expect(differ).toEqual([]);
  });
});

describe('AdaGrad fast paths give PyTorch numbers too', () => {
  const adagrad = bitIdentical.filter(
    (c) => c.optimizer.kind === 'adagrad' && c.noFma.loss.every((x) => typeof x === 'number'),
  );
  it.each(adagrad.map((c) => [c.name, c] as const))(
    '%s: fused kernel, lanes (JavaScript and WebAssembly)',
    (_name, c) => {
      const config = { ...configOf(c, cases.indexOf(c)), continueAfterNonFinite: undefined };
      const reference = rowsOf(runStepByStep(config).trace);
      const objective = createObjective(config.objective);
      for (const result of [
        executeRun(config, objective),
        executeLanes([config], objective, [Float64Array.from(c.start)], null)[0],
      ]) {
        const lab = rowsOf(result.trace);
        eachValue(c.noFma, lab, (where, x, ref) => expect(Object.is(x, ref), where).toBe(true));
        expect(lab).toEqual(reference);
      }
    },
  );
});

describe('Adam and centered RMSProp follow current PyTorch (lerp_ first moments)', () => {
  it.each(cases.filter(followsCurrentPyTorch).map((c) => [c.name, c] as const))(
    `%s: within ${lerpBound} of 1.13`,
    (_name, c) => {
      const lab = rowsOf(runStepByStep(configOf(c, cases.indexOf(c))).trace);
      eachValue(c.noFma, lab, (where, x, ref) => {
        const d = Math.abs(ref) < tiny ? Math.abs(x - ref) : relative(x, ref);
        expect(d, `${where}: lab ${x}, PyTorch ${ref}`).toBeLessThanOrEqual(lerpBound);
      });
    },
  );
});

describe("against PyTorch's AVX2 kernels (FMA)", () => {
  it(`stays within ${fmaBound} relative on every case`, () => {
    let worst = 0;
    let differing = 0;
    for (const c of cases) {
      if (c.fmaDifferences.length > 0) differing++;
      const lab = rowsOf(runStepByStep(configOf(c, cases.indexOf(c))).trace);
      for (const [column, row, coordinate, value] of c.fmaDifferences) {
        const x = column === 'loss' ? lab.loss[row] : lab[column][row][coordinate];
        const ref = num(value);
        worst = Math.max(worst, Math.abs(ref) < tiny ? Math.abs(x - ref) : relative(x, ref));
      }
    }
    expect(differing).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(fmaBound);
  });
});

describe("Python's β ** t (C's pow)", () => {
  it('is exactPow on every listed β and t, where V8 ** is not', () => {
    const powers = fixture.powers as [number, number, number][];
    expect(powers.filter(([b, t, v]) => !Object.is(exactPow(b, t), v))).toEqual([]);
    expect(powers.filter(([b, t, v]) => b ** t !== v).length).toBeGreaterThan(0);
  });
});
