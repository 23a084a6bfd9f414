/**
 * The lane step from arbitrary states, one step at a time: every lane of the WebAssembly kernel and of the JavaScript
 * loops (adagrad-lanes.ts) against adagradKernel on its own run, bit for bit, for every weight-decay mode, eps placement
 * and the per-lane options (maximize, lr decay, huge rates that overflow). test/core/run/lanes.test.ts checks whole runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdagradConfig } from '../../../../src-core/contract/engine';
import { adagradKernel } from '../../../../src-core/optim/adagrad';
import {
  createAdagradLanes,
  laneArrayLengths,
  laneLayout,
  stepAdagradLanes,
  type LaneArrays,
} from '../../../../src-core/optim/adagrad-lanes';
import { wasmLaneKernel } from '../../../../src-core/optim/wasm/lane-kernel';
import { adagradConfig } from '../../../helpers/arbitraries';

const kernel = wasmLaneKernel()!;

/** A double for θ or ∇: ordinary, signed zeros, or huge (so that G or θ overflows). */
const value = fc.oneof(
  fc.double({ min: -10, max: 10, noNaN: true }),
  fc.constantFrom(0, -0),
  fc.double({ min: -1e200, max: 1e200, noNaN: true }),
);

const group = fc
  .record({
    placement: fc.constantFrom('outside' as const, 'inside' as const, 'inside-guarded' as const),
    decay: fc.constantFrom('none' as const, 'coupled' as const, 'decoupled' as const),
    dim: fc.integer({ min: 1, max: 5 }),
    count: fc.integer({ min: 1, max: 7 }),
    steps: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ placement, decay, dim, count, steps }) =>
    fc.record({
      dim: fc.constant(dim),
      steps: fc.constant(steps),
      configs: fc.array(
        adagradConfig({
          epsPlacement: fc.constant(placement),
          weightDecay:
            decay === 'none'
              ? fc.constant(0)
              : fc.oneof(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.double({ min: 1e100, max: 1e300 })),
          decoupledWeightDecay: fc.constant(decay === 'decoupled'),
          lr: fc.oneof(fc.double({ min: 1e-4, max: 3, noNaN: true }), fc.double({ min: 1e100, max: 1e300 })),
        }),
        { minLength: count, maxLength: count },
      ),
      theta: fc.array(fc.array(value, { minLength: dim, maxLength: dim }), { minLength: count, maxLength: count }),
      accum: fc.array(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })), {
          minLength: dim,
          maxLength: dim,
        }),
        { minLength: count, maxLength: count },
      ),
      grads: fc.array(
        fc.array(fc.array(value, { minLength: dim, maxLength: dim }), { minLength: count, maxLength: count }),
        { minLength: steps, maxLength: steps },
      ),
    }),
  );

type Group = {
  dim: number;
  steps: number;
  configs: AdagradConfig[];
  theta: number[][];
  accum: number[][];
  grads: number[][][];
};

/** θ and G of every run after each step, as adagradKernel computes them one run at a time. */
function reference({ steps, configs, theta, accum, grads }: Group): { theta: number[]; accum: number[] }[][] {
  return configs.map((config, r) => {
    const x = Float64Array.from(theta[r]);
    const G = Float64Array.from(accum[r]);
    const after = [];
    for (let t = 1; t <= steps; t++) {
      adagradKernel(x, Float64Array.from(grads[t - 1][r]), G, t, config);
      after.push({ theta: [...x], accum: [...G] });
    }
    return after;
  });
}

/** The same through lanes with `wasm` (null: the JavaScript loops); also checks θ before and the finiteness sum. */
function throughLanes(g: Group, wasm: typeof kernel | null): { theta: number[]; accum: number[] }[][] {
  const { dim, steps, configs } = g;
  const layout = laneLayout(configs, wasm);
  expect(layout.kernel).toBe(wasm);
  const lengths = laneArrayLengths(dim, layout.stride);
  const arrays = (wasm ? wasm.allocate(lengths) : lengths.map((n) => new Float64Array(n))) as LaneArrays;
  const l = createAdagradLanes(configs, dim, layout, arrays);
  const at = (r: number, d: number) => d * l.stride + r;
  configs.forEach((_, r) => {
    for (let d = 0; d < dim; d++) {
      l.theta[at(r, d)] = g.theta[r][d];
      l.accum[at(r, d)] = g.accum[r][d];
    }
  });
  const after: { theta: number[]; accum: number[] }[][] = configs.map(() => []);
  for (let t = 1; t <= steps; t++) {
    const before = Float64Array.from(l.theta);
    configs.forEach((_, r) => {
      for (let d = 0; d < dim; d++) l.grad[at(r, d)] = g.grads[t - 1][r][d];
    });
    const check = stepAdagradLanes(l, t);
    expect(l.previous).toEqual(before);
    const pick = (a: Float64Array, r: number) => Array.from({ length: dim }, (_, d) => a[at(r, d)]);
    let finite = true;
    configs.forEach((_, r) => {
      after[r].push({ theta: pick(l.theta, r), accum: pick(l.accum, r) });
      finite &&= [...pick(l.theta, r), ...pick(l.accum, r)].every(Number.isFinite);
    });
    expect(check === 0).toBe(finite);
    // A padding lane never moves.
    for (let r = configs.length; r < l.stride; r++) for (let d = 0; d < dim; d++) expect(l.theta[at(r, d)]).toBe(0);
  }
  return after;
}

describe('the lane step, from arbitrary states', () => {
  it('gives every lane adagradKernel’s θ and G bit for bit, in WebAssembly and in JavaScript, any weight decay', () => {
    fc.assert(
      fc.property(group, (g) => {
        const expected = reference(g);
        expect(throughLanes(g, kernel)).toEqual(expected);
        expect(throughLanes(g, null)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
