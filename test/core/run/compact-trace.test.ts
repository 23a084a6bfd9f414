import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { compactColumn, compactResult, compactTrace } from '../../../src-core/run/compact-trace';
import { transferablesOf, executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';

const FLOAT32_MIN_NORMAL = 2 ** -126;
/** float32's largest finite value, (2 − 2⁻²³)·2¹²⁷, as its published decimal. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The next double above a positive x. */
const nextUp = (x: number): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
};

describe('a trace column compacted', () => {
  it('narrows to float32 when every value is 0, non-finite or in the normal float32 range', () => {
    const column = compactColumn(Float64Array.of(0, -0, 1e-37, -3e38, Infinity, -Infinity, NaN, 0.1));
    expect(column).toBeInstanceOf(Float32Array);
    expect([...column]).toEqual([
      0,
      -0,
      Math.fround(1e-37),
      Math.fround(-3e38),
      Infinity,
      -Infinity,
      NaN,
      Math.fround(0.1),
    ]);
  });

  it("narrows float32's largest value, ±3.4028234663852886e38, and keeps it exactly", () => {
    expect(Math.fround(FLOAT32_MAX)).toBe(FLOAT32_MAX);
    const column = compactColumn(Float64Array.of(FLOAT32_MAX, -FLOAT32_MAX, 1));
    expect(column).toBeInstanceOf(Float32Array);
    expect([...column]).toEqual([FLOAT32_MAX, -FLOAT32_MAX, 1]);
  });

  it.each([
    ['the next double above float32’s largest', nextUp(FLOAT32_MAX)],
    ['minus the next double above float32’s largest', -nextUp(FLOAT32_MAX)],
    ['a value that float32 would round to Infinity', 3.4028235677973366e38],
    ['3.5e38', 3.5e38],
    ['a diverging loss beyond float32 (it would read Infinity)', 1e300],
    ['a loss converged below float32 (it would read 0)', 1e-50],
    ['a value in float32 subnormal range (it would lose digits)', 1e-40],
  ])('keeps the column in float64, exactly, for %s', (_, value) => {
    const values = Float64Array.of(1, value, 2);
    const column = compactColumn(values);
    expect(column).toBeInstanceOf(Float64Array);
    expect(column).toEqual(values);
  });

  test.prop([
    fc.array(
      fc.oneof(
        fc.double({ noNaN: true, min: -FLOAT32_MAX, max: FLOAT32_MAX }),
        fc.constantFrom(FLOAT32_MAX, -FLOAT32_MAX),
      ),
      { maxLength: 50 },
    ),
  ])('a narrowed value is within float32 rounding (2⁻²⁴ relative) of the value computed', (values) => {
    const column = compactColumn(Float64Array.from(values));
    if (column instanceof Float64Array)
      expect(values.some((x) => x !== 0 && Math.abs(x) < FLOAT32_MIN_NORMAL)).toBe(true);
    column.forEach((stored, i) =>
      expect(Math.abs(stored - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -24),
    );
  });

  test.prop([
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }),
    fc.double({ min: nextUp(FLOAT32_MAX), max: 1.7e308, noNaN: true }),
  ])('a column with any finite value beyond float32’s largest stays float64, exactly', (values, beyond) => {
    const input = Float64Array.from([...values, beyond]);
    const column = compactColumn(input);
    expect(column).toBeInstanceOf(Float64Array);
    expect(column).toEqual(input);
  });
});

describe('a trace compacted for the window', () => {
  it('keeps steps and shape, narrows each column that fits to float32, and keeps the others in float64, exactly', () => {
    // θ starts at 1e-45, below float32's normal range, and the loss, gradient and G (its square) fall below it too.
    const { trace } = executeRun(adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1e-45, 1], steps: 5 }));
    const compact = compactTrace(trace);
    expect(compact).toMatchObject({ steps: trace.steps, dim: 2, layout: 'parameters', width: 2 });
    expect(
      [compact.loss, compact.theta, compact.grad, compact.accum, compact.update].map((c) => c.constructor.name),
    ).toEqual(['Float64Array', 'Float64Array', 'Float64Array', 'Float64Array', 'Float32Array']);
    expect(compact.theta).toEqual(trace.theta);
    expect(compact.update).toEqual(Float32Array.from(trace.update));
    for (const name of ['loss', 'theta', 'grad', 'accum', 'update'] as const)
      expect(compact[name]).toEqual(compactColumn(trace[name]));
  });

  it('lays its columns out in one buffer of its own, 8-byte aligned, which is what a transfer moves', () => {
    const result = executeRun(adagradRun({ lr: 0.5 }, { steps: 7 }));
    const compact = compactResult(result);
    const columns = [
      compact.trace.steps,
      compact.trace.loss,
      compact.trace.theta,
      compact.trace.grad,
      compact.trace.accum,
      compact.trace.update,
    ];
    for (const column of columns) expect(column.buffer).toBe(compact.trace.steps.buffer);
    for (const column of columns) expect(column.byteOffset % 8).toBe(0);
    expect(transferablesOf(compact)).toEqual([compact.trace.steps.buffer]);
    // 8 rows: 32 bytes of steps, then five float32 columns of 32 bytes: half the engine's float64 bytes and the steps.
    expect(compact.trace.steps.buffer.byteLength).toBe(32 + 5 * 32);
    expect(compact.config).toBe(result.config);
    expect(compact.summary).toBe(result.summary);
  });

  it('keeps a failed run, whose trace is empty, empty', () => {
    const { trace } = executeRun(adagradRun({}, { start: [1e200], steps: 5 }));
    const empty = {
      ...trace,
      steps: new Uint32Array(0),
      loss: new Float64Array(0),
      theta: new Float64Array(0),
      grad: new Float64Array(0),
      accum: new Float64Array(0),
      update: new Float64Array(0),
    };
    expect(compactTrace(empty)).toMatchObject({ steps: new Uint32Array(0), loss: new Float32Array(0) });
  });
});
