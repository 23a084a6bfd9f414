import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeInto } from '../../../src-core/run/quantiles';
import { TraceRecorder, traceSchedule, withReusedTraceMemory } from '../../../src-core/run/trace';
import type { CompactTrace, RunConfig, RunTrace } from '../../../src-core/contract/types';
import { createObjective } from '../../../src-core/objectives';
import { wasmLaneKernel } from '../../../src-core/optim/wasm/lane-kernel';
import { compactTrace, traceValueColumns } from '../../../src-core/run/compact-trace';
import { executeBatch, executeRun, runStepByStep } from '../../../src-core/run/execute';
import { executeLanes, laneGroupKey } from '../../../src-core/run/lanes';
import { laneRunBatch } from '../../helpers/arbitraries';
import { adagradRun } from '../../helpers/configs';

describe('traceSchedule', () => {
  it('is sorted, unique, holds 0 and steps, and leaves a row for the spike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 3, max: 5000 }), (steps, maxPoints) => {
        const s = traceSchedule(steps, maxPoints);
        expect(s[0]).toBe(0);
        expect(s[s.length - 1]).toBe(steps);
        expect(s.every((x, i) => i === 0 || x > s[i - 1])).toBe(true);
        if (steps + 1 <= maxPoints) expect(s.length).toBe(steps + 1);
        else expect(s.length).toBeLessThanOrEqual(maxPoints - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the first quarter dense, then spaces steps out logarithmically', () => {
    const s = traceSchedule(1_000_000, 1000);
    expect(s.length).toBe(999);
    expect(Array.from(s.subarray(0, 249))).toEqual(Array.from({ length: 249 }, (_, i) => i));
    const ratios = Array.from(s.subarray(400), (x, i) => x / s[399 + i]);
    // Geometric spacing: the ratio between neighbours stays near the ideal (1e6/249)^(1/750) ≈ 1.011.
    for (const r of ratios) expect(r).toBeGreaterThan(1.005);
    for (const r of ratios) expect(r).toBeLessThan(1.02);
  });

  it('refuses a budget too small for the start, the end and the spike', () => {
    expect(() => traceSchedule(10, 2)).toThrow(RangeError);
  });
});

/** Runs `losses` through a recorder of dim 1 with θ = step, the way a run loop does; `divergeAt` stops it early. */
function recordRun(losses: number[], maxPoints: number, divergeAt: number | null = null): RunTrace {
  const steps = losses.length - 1;
  const rec = new TraceRecorder(1, steps, maxPoints);
  const theta = new Float64Array(1);
  const grad = new Float64Array(1);
  const accum = new Float64Array(1);
  const update = new Float64Array(1);
  for (let k = 0; k <= steps; k++) {
    theta[0] = k;
    grad[0] = -k;
    accum[0] = 2 * k;
    update[0] = k === 0 ? 0 : 1;
    if (k === divergeAt) {
      rec.recordFinal(k, losses[k], theta, grad, accum, update);
      break;
    }
    if (rec.wants(k, losses[k])) rec.record(k, losses[k], theta, grad, accum, update);
  }
  return rec.finish();
}

/** The columns hold `rows` rows each, as views of one buffer that holds nothing else: one transfer moves exactly the trace. */
const expectExactBuffers = (t: RunTrace, rows: number) => {
  const columns = [t.steps, t.loss, t.theta, t.grad, t.accum, t.update];
  for (const column of [t.steps, t.loss]) expect(column.length).toBe(rows);
  for (const column of [t.theta, t.grad, t.update]) expect(column.length).toBe(rows * t.width);
  expect(new Set(columns.map((c) => c.buffer)).size).toBe(1);
  expect(t.steps.buffer.byteLength).toBe(columns.reduce((bytes, c) => bytes + c.byteLength, 0));
};

describe('TraceRecorder', () => {
  it('keeps every step of a short run', () => {
    const losses = [5, 4, 3, 2, 1];
    const t = recordRun(losses, 10);
    expect(Array.from(t.steps)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(t.loss)).toEqual(losses);
    expect(Array.from(t.theta)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(t.update)).toEqual([0, 1, 1, 1, 1]);
    expect(t).toMatchObject({ dim: 1, layout: 'parameters', width: 1 });
    expectExactBuffers(t, 5);
  });

  it('keeps the first, the last and the highest loss of a long run, in at most maxPoints rows, sorted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 3, max: 200 }),
        (losses, maxPoints) => {
          const t = recordRun(losses, maxPoints);
          const steps = Array.from(t.steps);
          expect(steps[0]).toBe(0);
          expect(steps[steps.length - 1]).toBe(losses.length - 1);
          expect(steps.length).toBeLessThanOrEqual(maxPoints);
          for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
          const max = Math.max(...losses);
          expect(steps).toContain(losses.indexOf(max));
          // Each row holds its own step's data.
          steps.forEach((k, i) => {
            expect(t.loss[i]).toBe(losses[k]);
            expect(t.theta[i]).toBe(k);
          });
          expectExactBuffers(t, steps.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps a spike between scheduled steps, and only the highest one', () => {
    const losses = Array.from({ length: 10_001 }, () => 1);
    const schedule = new Set(traceSchedule(10_000, 100));
    const offSchedule = (from: number) => {
      let k = from;
      while (schedule.has(k)) k++;
      return k;
    };
    const [low, high] = [offSchedule(5000), offSchedule(7000)];
    losses[low] = 50;
    losses[high] = 60;
    const steps = Array.from(recordRun(losses, 100).steps);
    expect(steps).toContain(high);
    expect(steps).not.toContain(low);
  });

  it('keeps the step at which a run diverged, scheduled or not, and nothing after it', () => {
    const losses = Array.from({ length: 10_001 }, (_, k) => 1 / (k + 1));
    const schedule = new Set(traceSchedule(10_000, 50));
    let offSchedule = 6000;
    while (schedule.has(offSchedule)) offSchedule++;
    for (const divergeAt of [offSchedule, 0, 3]) {
      const t = recordRun(losses, 50, divergeAt);
      expect(t.steps[t.steps.length - 1]).toBe(divergeAt);
      expect(t.theta[t.steps.length - 1]).toBe(divergeAt);
      expect(new Set(t.steps).size).toBe(t.steps.length);
      expect(t.steps.length).toBeLessThanOrEqual(50);
    }
  });

  it('wants a non-finite loss off the schedule, and keeps it once when recordFinal follows', () => {
    const rec = new TraceRecorder(1, 10_000, 10);
    const v = new Float64Array(1);
    expect(rec.wants(0, 1)).toBe(true);
    rec.record(0, 1, v, v, v, v);
    expect(rec.wants(5000, 0.5)).toBe(false);
    expect(rec.wants(5000, NaN)).toBe(true);
    rec.record(5000, NaN, v, v, v, v);
    rec.recordFinal(5000, NaN, v, v, v, v);
    expect(Array.from(rec.finish().steps)).toEqual([0, 5000]);
  });

  it('leaves the accumulator empty for an optimizer without one', () => {
    const rec = new TraceRecorder(2, 3, 10, 16, false);
    const v = new Float64Array(2);
    for (let k = 0; k <= 3; k++) if (rec.wants(k, 1)) rec.record(k, 1, v, v, null, v);
    const t = rec.finish();
    expect(t.accum.length).toBe(0);
    expect(t.theta.length).toBe(8);
  });

  it('summarizes wide parameters as min, median and max per row', () => {
    const dim = 5;
    const rec = new TraceRecorder(dim, 1, 10, 4);
    const theta = Float64Array.from([3, -1, 7, 2, 0]);
    const grad = Float64Array.from([1, 1, 1, 1, 1]);
    const update = new Float64Array(dim);
    rec.record(0, 1, theta, grad, theta, update);
    const t = rec.finish();
    expect(t).toMatchObject({ dim: 5, layout: 'quantiles', width: 3 });
    expect(Array.from(t.theta)).toEqual([-1, 2, 7]);
    expect(Array.from(t.grad)).toEqual([1, 1, 1]);
    expect(Array.from(t.update)).toEqual([0, 0, 0]);
    expect(Array.from(theta)).toEqual([3, -1, 7, 2, 0]); // the caller's vector is not reordered
    expectExactBuffers(t, 1);
  });
});

describe("a lane block's traces", () => {
  const block = Array.from({ length: 5 }, (_, i) =>
    adagradRun(
      { lr: 0.1 * (i + 1) },
      { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 30, traceMaxPoints: 12 },
    ),
  );
  const columns = ['loss', 'theta', 'grad', 'accum', 'update'] as const;

  it("share one buffer without overlapping: writing one run's trace changes no other run's", () => {
    const results = executeBatch(block);
    const expected = executeBatch(block);
    expect(new Set(results.map((r) => r.trace.theta.buffer)).size).toBe(1);
    for (const name of columns) results[2].trace[name].fill(7);
    results[2].trace.steps.fill(7);
    results.forEach(({ trace }, r) => {
      if (r !== 2) expect(trace).toEqual(expected[r].trace);
    });
  });

  it('recorded in reused memory are the same traces, and are reused by the next batch', () => {
    withReusedTraceMemory(() => executeBatch(block)); // grows the reused memory to this batch's
    const first = withReusedTraceMemory(() => executeBatch(block));
    expect(first.map((r) => r.trace)).toEqual(executeBatch(block).map((r) => r.trace));
    const second = withReusedTraceMemory(() => executeBatch(block.slice(1)));
    expect(second.map((r) => r.trace)).toEqual(executeBatch(block.slice(1)).map((r) => r.trace));
    expect(second[0].trace.theta.buffer).toBe(first[0].trace.theta.buffer);
    expect(() => withReusedTraceMemory(() => withReusedTraceMemory(() => 0))).toThrow(/already inside/);
  });
});

describe('lane traces laid out from the rows recorded for the whole group (trace-layout.ts)', () => {
  /** Every byte of a trace's columns, NaN payloads included, and each column's type. */
  const bytesOf = (trace: CompactTrace) =>
    [trace.steps, ...traceValueColumns.map((name) => trace[name])].map((column) => [
      column.constructor.name,
      Array.from(new Uint8Array(column.buffer, column.byteOffset, column.byteLength)),
    ]);

  it("are the step-by-step loop's traces, and compacted the bytes compactTrace makes, in WebAssembly and in JavaScript", () => {
    fc.assert(
      fc.property(laneRunBatch(), (configs) => {
        const groups = new Map<string | null, RunConfig[]>();
        for (const c of configs) {
          const key = laneGroupKey(c, createObjective(c.objective));
          if (key !== null) groups.set(key, [...(groups.get(key) ?? []), c]);
        }
        for (const group of groups.values()) {
          const objective = createObjective(group[0].objective);
          const starts = group.map((c) => (c.start ? Float64Array.from(c.start) : objective.defaultStart()));
          const expected = group.map((c) => runStepByStep(c).trace);
          // The lanes in WebAssembly lay the traces out in WebAssembly; the JavaScript lanes, in JavaScript.
          for (const kernel of [wasmLaneKernel(), null]) {
            const wide = executeLanes(group, objective, starts, kernel).map((r) => r.trace);
            expect(wide).toEqual(expected);
            const compact = executeLanes(group, objective, starts, kernel, 'compact').map((r) => r.trace);
            expect(compact.map(bytesOf)).toEqual(expected.map((t) => bytesOf(compactTrace(t))));
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  // Groups of 8 lanes and more are laid out eight at a time where the eight share a column's kind; a start of 1e-30
  // or 1e25 puts that lane's loss, θ or G outside float32's range, so its column stays float64 beside float32 ones.
  it('of wide groups, some columns float64 among float32 ones, are the bytes compactTrace makes of the loop', () => {
    const start = fc.constantFrom(1, 0.5, -3, 1e-30, 1e25, 0);
    fc.assert(
      fc.property(
        fc.array(fc.record({ lr: fc.double({ min: 1e-3, max: 0.5, noNaN: true }), x: start, y: start }), {
          minLength: 8,
          maxLength: 40,
        }),
        fc.integer({ min: 3, max: 40 }),
        (lanes, traceMaxPoints) => {
          const group = lanes.map(({ lr, x, y }, index) =>
            adagradRun({ lr }, { index, objective: { id: 'elliptic-2d' }, start: [x, y], steps: 60, traceMaxPoints }),
          );
          const objective = createObjective(group[0].objective);
          const starts = group.map((c) => Float64Array.from(c.start!));
          const expected = group.map((c) => bytesOf(compactTrace(runStepByStep(c).trace)));
          for (const kernel of [wasmLaneKernel(), null])
            expect(executeLanes(group, objective, starts, kernel, 'compact').map((r) => bytesOf(r.trace))).toEqual(
              expected,
            );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('summarizeInto', () => {
  const naive = (xs: number[]): number[] => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    const median = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return [s[0], median, s[n - 1]];
  };

  it('agrees with sorting, duplicates and infinities included', () => {
    const value = fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), (xs) => {
        const out = new Float64Array(5);
        summarizeInto(Float64Array.from(xs), new Float64Array(xs.length), out, 1);
        // ±0 compare equal, so which zero is the min or max of {0, −0} is not defined: compare them as numbers.
        const plain = (values: number[]) => values.map((x) => (x === 0 ? 0 : x));
        expect(plain(Array.from(out.subarray(1, 4)))).toEqual(plain(naive(xs)));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with sorting on long vectors too, selected through a sample: spread, clustered, repeated, or made to fool the sample', () => {
    const spacing = (n: number) => Math.floor(n / Math.floor(Math.cbrt(n) ** 2));
    const shapes = {
      spread: (n: number, seed: number) =>
        Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 1e3),
      clustered: (n: number, seed: number) =>
        Float64Array.from({ length: n }, (_, i) => 1e-3 * (1 + 1e-12 * ((i * 7919 + seed) % 1000))),
      repeated: (n: number, seed: number) =>
        Float64Array.from({ length: n }, (_, i) => [0, -0, 1, -1, Infinity][(i + seed) % 5]),
      // The sampled positions hold the largest values: the sample's bracket misses the middle.
      adversarial: (n: number, seed: number) =>
        Float64Array.from({ length: n }, (_, i) => (i % spacing(n) === 0 ? 1e9 + i : (i * 31 + seed) % 977)),
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(shapes)),
        fc.integer({ min: 4096, max: 20_000 }),
        fc.nat(),
        (shape, n, seed) => {
          const xs = shape(n, seed);
          const out = new Float64Array(3);
          summarizeInto(xs, new Float64Array(n), out, 0);
          const plain = (values: number[]) => values.map((x) => (x === 0 ? 0 : x));
          expect(plain(Array.from(out))).toEqual(plain(naive(Array.from(xs))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives NaN, NaN, NaN for a vector holding NaN', () => {
    const out = new Float64Array(3);
    summarizeInto(Float64Array.from([1, NaN, 2]), new Float64Array(3), out, 0);
    expect(Array.from(out)).toEqual([NaN, NaN, NaN]);
  });
});

describe('the gradient column is what entered G (property)', () => {
  const objectives = [
    { id: 'quadratic-1d' },
    { id: 'elliptic-2d' },
    { id: 'rosenbrock', dim: 3 },
    { id: 'ill-conditioned', dim: 4, condition: 100 },
  ] as const;
  it('G_t = G_{t−1} + g_t·g_t exactly, every row of every-step AdaGrad traces, on every path', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...objectives),
        fc.double({ min: 1e-3, max: 2, noNaN: true }),
        fc.constantFrom(0, 0.05),
        fc.boolean(),
        fc.constantFrom('outside' as const, 'inside' as const),
        (objective, lr, weightDecay, decoupledWeightDecay, epsPlacement) => {
          const config = adagradRun(
            { lr, weightDecay, decoupledWeightDecay, epsPlacement, initialAccumulator: 0.1 },
            { objective, start: null, steps: 40 },
          );
          for (const { trace } of [
            executeRun(config),
            runStepByStep(config),
            ...executeBatch([config, { ...config, id: 's:000001' }]),
          ]) {
            const w = trace.width;
            expect(trace.grad.subarray(0, w).every(Number.isNaN)).toBe(true);
            for (let t = 1; t < trace.steps.length; t++) {
              expect(trace.steps[t]).toBe(t);
              for (let i = 0; i < w; i++)
                expect(trace.accum[t * w + i]).toBe(
                  trace.accum[(t - 1) * w + i] + trace.grad[t * w + i] * trace.grad[t * w + i],
                );
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
