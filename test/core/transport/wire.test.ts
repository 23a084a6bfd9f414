import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeFrame, encodeFrame, encodeFrameParts } from '../../../src-core/transport/wire';
import { executeRun } from '../../../src-core/run/execute';
import { adagradRun } from '../../helpers/configs';

describe('wire frames', () => {
  it('carry a run result, typed arrays and all, bit for bit', () => {
    const result = executeRun(adagradRun({}, { steps: 7 }));
    expect(decodeFrame(encodeFrame({ event: { type: 'results', results: [result] } }))).toEqual({
      event: { type: 'results', results: [result] },
    });
  });

  it('keep NaN, ±Infinity and -0 inside typed arrays', () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 50 }), fc.string(), (values, text) => {
        const decoded = decodeFrame(encodeFrame({ text, values })) as { text: string; values: Float64Array };
        expect(decoded.text).toBe(text);
        expect(Array.from(decoded.values).map((x) => (Object.is(x, -0) ? '-0' : String(x)))).toEqual(
          Array.from(values).map((x) => (Object.is(x, -0) ? '-0' : String(x))),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("keep NaN, ±Infinity and -0 outside typed arrays too: a diverged run's summary arrives as computed, not as null", () => {
    const summary = {
      finalLoss: Infinity,
      bestLoss: 2,
      nan: NaN,
      low: -Infinity,
      zero: -0,
      list: [NaN, 1, -Infinity],
      text: 'NaN',
    };
    const decoded = decodeFrame(encodeFrame({ summary })) as { summary: typeof summary };
    expect(decoded.summary).toEqual(summary);
    expect(Object.is(decoded.summary.zero, -0)).toBe(true);
    expect(Number.isNaN(decoded.summary.list[0])).toBe(true);
    expect(decoded.summary.text).toBe('NaN');
  });

  it.each([
    {
      desc: 'an unknown special number',
      frame: encodeFrame({ x: { $number: 'constructor' } }),
      message: 'Invalid frame: unknown number "constructor"',
    },
    {
      desc: 'a frame shorter than its length field',
      frame: Uint8Array.of(1, 0),
      message: 'Invalid frame: shorter than its header length',
    },
    {
      desc: 'a header longer than the frame',
      frame: Uint8Array.of(255, 0, 0, 0, 1),
      message: 'Invalid frame: header longer than the frame',
    },
    {
      desc: 'an array outside the frame',
      frame: encodeFrame({ $typed: 'Float64Array', at: 64, length: 4 }),
      message: 'Invalid frame: array outside the frame',
    },
  ])('refuse $desc', ({ frame, message }) => {
    expect(() => decodeFrame(frame)).toThrow(message);
  });

  /** A frame whose header holds `slots` as written, over a body of `bodyBytes` zero bytes. */
  function forged(slots: unknown[], bodyBytes: number): Uint8Array {
    const header = new TextEncoder().encode(JSON.stringify({ slots }));
    const bodyStart = (4 + header.length + 7) & ~7;
    const frame = new Uint8Array(bodyStart + bodyBytes);
    new DataView(frame.buffer).setUint32(0, header.length, true);
    frame.set(header, 4);
    return frame;
  }

  it('refuse many array slots over the same bytes (one 4 MiB body asking for gigabytes)', () => {
    const body = 4 * 1024 * 1024;
    const slot = { $typed: 'Float64Array', at: 0, length: body / 8 };
    const frame = forged(
      Array.from({ length: 600 }, () => slot),
      body,
    );
    expect(() => decodeFrame(frame)).toThrow('Invalid frame: array slots must be disjoint and in order');
  });

  it.each([
    {
      desc: 'two slots overlapping by one element',
      slots: [
        { $typed: 'Float64Array', at: 0, length: 2 },
        { $typed: 'Float64Array', at: 8, length: 1 },
      ],
    },
    {
      desc: 'slots out of order',
      slots: [
        { $typed: 'Uint8Array', at: 8, length: 8 },
        { $typed: 'Uint8Array', at: 0, length: 8 },
      ],
    },
    {
      desc: 'the same slot twice',
      slots: [
        { $typed: 'Int32Array', at: 0, length: 2 },
        { $typed: 'Int32Array', at: 0, length: 2 },
      ],
    },
  ])('refuse $desc', ({ slots }) => {
    expect(() => decodeFrame(forged(slots, 16))).toThrow('Invalid frame: array slots must be disjoint and in order');
  });

  it('decode no more array bytes than the frame holds, and several arrays of every kind exactly', () => {
    const message = {
      a: Float64Array.of(NaN, Infinity, -Infinity, -0, 0, 1e-310, Number.MAX_VALUE),
      nested: [
        { b: Float32Array.of(-0, NaN, Infinity) },
        Uint8Array.of(),
        Int32Array.of(-1, 2 ** 31 - 1),
        Uint32Array.of(2 ** 32 - 1),
      ],
      c: Uint8Array.of(1, 2, 3),
    };
    const frame = encodeFrame(message);
    const decoded = decodeFrame(frame) as typeof message;
    expect(decoded).toEqual(message);
    expect(Array.from(decoded.a).map((x) => Object.is(x, -0))).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(Object.is(decoded.nested[0] && (decoded.nested[0] as { b: Float32Array }).b[0], -0)).toBe(true);
    const decodedBytes = [
      decoded.a,
      (decoded.nested[0] as { b: Float32Array }).b,
      ...(decoded.nested.slice(1) as ArrayBufferView[]),
      decoded.c,
    ].reduce((sum, array) => sum + array.byteLength, 0);
    expect(decodedBytes).toBeLessThanOrEqual(frame.byteLength);
  });

  it('are their parts back to back, the arrays not copied; decoded as views of the frame they are the same values', () => {
    const typedArray = fc.oneof(
      fc.float64Array({ maxLength: 9 }),
      fc.float32Array({ maxLength: 9 }),
      fc.uint8Array({ maxLength: 9 }),
      fc.int32Array({ maxLength: 9 }),
    );
    fc.assert(
      fc.property(fc.array(typedArray, { maxLength: 6 }), fc.string(), (arrays, text) => {
        const message = { text, arrays };
        const parts = encodeFrameParts(message);
        const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
        parts.reduce((at, part) => (joined.set(part, at), at + part.byteLength), 0);
        expect(joined).toEqual(encodeFrame(message));
        // A non-empty array goes out as its own bytes, not a copy.
        for (const array of arrays.filter((a) => a.byteLength > 0))
          expect(parts.some((part) => part.buffer === array.buffer)).toBe(true);
        const copied = decodeFrame(joined) as typeof message;
        const viewed = decodeFrame(joined, { views: true }) as typeof message;
        expect(viewed).toEqual(copied);
        expect(viewed).toEqual(message);
        for (const array of viewed.arrays) expect(array.buffer).toBe(joined.buffer);
        for (const array of copied.arrays) expect(array.buffer).not.toBe(joined.buffer);
      }),
    );
  });

  it('decode a frame at an odd offset as copies, even when views are asked for', () => {
    const message = { values: Float64Array.of(1.5, NaN, -0) };
    const frame = encodeFrame(message);
    const shifted = new Uint8Array(frame.byteLength + 1);
    shifted.set(frame, 1);
    const decoded = decodeFrame(shifted.subarray(1), { views: true }) as typeof message;
    expect(decoded).toEqual(message);
    expect(decoded.values.buffer).not.toBe(shifted.buffer);
  });
});
