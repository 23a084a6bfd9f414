/**
 * Tasks and results as they travel through Redis (src-main/agents/protocol.ts): exact to the bit, whatever the numbers
 * (NaN, ±Infinity, -0, subnormals), and decoded from a Buffer (whose slices are views) into arrays of their own.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeResult, decodeTask, encodeResult, encodeTask } from '../../../src-main/agents/protocol';
import type { EncodedResults } from '../../../src-main/workers/batch-codec';
import type { RangeTask } from '../../../src-main/workers/range-task';
import { goodSpec } from '../../helpers/configs';
import { validateSweepSpec } from '../../../src-core/sweep/expand';

const bitsOf = (array: Float64Array): string =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex');

describe('the agents’ protocol', () => {
  test.prop([
    fc.float64Array({ maxLength: 70 }),
    fc.array(fc.tuple(fc.nat(100), fc.string()), { maxLength: 5 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.option(fc.array(fc.string(), { maxLength: 4 }), { nil: undefined }),
  ])('gives back every result bit for bit, each array in a buffer of its own', (summaries, errors, trace, csv) => {
    const traces = new Uint8Array(trace.length * 8);
    traces.set(trace);
    const part = { from: 3, to: 9, summaries, errors, shapes: Int32Array.from([0, 1, 2, 3, 4, 5, 6]), traces };
    const results: EncodedResults = { parts: [part], ...(csv === undefined ? {} : { summaryCsv: csv }) };
    // As ioredis gives it back: a Buffer, a view on a larger pool.
    const bytes = Buffer.concat([Buffer.from('x'), encodeResult(results)]).subarray(1);
    const [back] = decodeResult(bytes).parts;
    expect(bitsOf(back.summaries)).toBe(bitsOf(summaries));
    expect(back.summaries.buffer.byteLength).toBe(summaries.byteLength);
    expect(back.errors).toEqual(errors);
    expect([...back.shapes]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Buffer.from(back.traces).equals(Buffer.from(traces))).toBe(true);
    expect(back.traces.buffer.byteLength).toBe(traces.byteLength);
    expect([back.from, back.to]).toEqual([3, 9]);
    expect(decodeResult(bytes).summaryCsv).toEqual(csv);
  });

  it('carries a task and its engine version in JSON, the spec as validated', () => {
    const checked = validateSweepSpec({ ...goodSpec, divergenceThreshold: 'off' });
    if (!checked.ok) throw new Error(checked.message);
    const task: RangeTask = { sweepId: 's', spec: checked.value, from: 3, to: 6, traces: false, everyStep: true };
    const data = JSON.parse(JSON.stringify(encodeTask(task, 7)));
    expect(data.engine).toBe(7);
    expect(decodeTask(data)).toEqual({ ok: true, task });
  });
});
