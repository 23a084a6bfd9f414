import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFrame, encodeFrame } from '../../../src-core/transport/wire';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';

describe('wire frames', () => {
  it('carry a run result, typed arrays and all, bit for bit', () => {
    const result = executeRun(adagradRun({}, { steps: 7 }));
    expect(decodeFrame(encodeFrame({ event: { type: 'results', results: [result] } }))).toEqual({ event: { type: 'results', results: [result] } });
  });

  it('keep NaN, ±Infinity and -0 inside typed arrays', () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 50 }), fc.string(), (values, text) => {
        const decoded = decodeFrame(encodeFrame({ text, values })) as { text: string; values: Float64Array };
        expect(decoded.text).toBe(text);
        expect(Array.from(decoded.values).map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(Array.from(values).map((x) => Object.is(x, -0) ? '-0' : String(x)));
      }),
      { numRuns: 500 },
    );
  });

  it("keep NaN, ±Infinity and -0 outside typed arrays too: a diverged run's summary arrives as computed, not as null", () => {
    const summary = { finalLoss: Infinity, bestLoss: 2, nan: NaN, low: -Infinity, zero: -0, list: [NaN, 1, -Infinity], text: 'NaN' };
    const decoded = decodeFrame(encodeFrame({ summary })) as { summary: typeof summary };
    expect(decoded.summary).toEqual(summary);
    expect(Object.is(decoded.summary.zero, -0)).toBe(true);
    expect(Number.isNaN(decoded.summary.list[0])).toBe(true);
    expect(decoded.summary.text).toBe('NaN');
  });

  it.each([
    { desc: 'an unknown special number', frame: encodeFrame({ x: { $number: 'constructor' } }), message: 'Invalid frame: unknown number "constructor"' },
    { desc: 'a frame shorter than its length field', frame: Uint8Array.of(1, 0), message: 'Invalid frame: shorter than its header length' },
    { desc: 'a header longer than the frame', frame: Uint8Array.of(255, 0, 0, 0, 1), message: 'Invalid frame: header longer than the frame' },
    { desc: 'an array outside the frame', frame: encodeFrame({ $typed: 'Float64Array', at: 64, length: 4 }), message: 'Invalid frame: array outside the frame' },
  ])('refuse $desc', ({ frame, message }) => {
    expect(() => decodeFrame(frame)).toThrow(message);
  });
});
