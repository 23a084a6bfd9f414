/**
 * Results as columns (src-core/run/result-batch.ts) come back as they were computed: to the bit in float64, exactly as
 * compactResult narrows them for the window, and the same however a batch is cut into parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactResult, compactTraceBytes, float32Mask, shapeOfTrace } from '../../../src-core/run/compact-trace';
import { executeBatch } from '../../../src-core/run/execute';
import {
  countStatuses,
  decodeCompactResults,
  decodeResults,
  decodeSummaries,
  encodeParts,
  encodeResults,
  executeEncoded,
  executeParts,
  PartBuffers,
  splitBatch,
} from '../../../src-core/run/result-batch';
import { noTrace } from '../../../src-core/run/trace';
import { configBatch } from '../../helpers/arbitraries';
import { adagradRun } from '../../helpers/configs';

const align8 = (n: number): number => (n + 7) & ~7;

describe('results as columns', () => {
  it('gives back every result to the bit, failed, diverged and wide ones included', () => {
    fc.assert(
      fc.property(configBatch, (configs) => {
        const results = executeBatch(configs);
        expect(decodeResults(structuredClone(encodeResults(results)), configs)).toEqual(results);
      }),
      { numRuns: 100 },
    );
  });

  it('narrows traces for the window exactly as compactResult does, column by column', () => {
    fc.assert(
      fc.property(configBatch, (configs) => {
        const results = executeBatch(configs);
        const decoded = decodeCompactResults(structuredClone(encodeResults(results, { compact: true })), configs);
        expect(decoded).toEqual(results.map(compactResult));
        decoded.forEach(({ trace }, r) => {
          for (const name of ['loss', 'theta', 'grad', 'accum', 'update'] as const)
            expect(trace[name].constructor).toBe(compactResult(results[r]).trace[name].constructor);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('cut into parts that each end with the run that reaches the bound, gives the same runs in order', () => {
    fc.assert(
      fc.property(configBatch, fc.integer({ min: 1, max: 20_000 }), fc.nat(50), (configs, maxBytes, from) => {
        const results = executeBatch(configs);
        const batch = { ...encodeResults(results, { compact: true }), from, to: from + configs.length };
        const parts = splitBatch(batch, maxBytes);
        expect(parts[0].from).toBe(from);
        expect(parts.at(-1)!.to).toBe(from + configs.length);
        for (let p = 1; p < parts.length; p++) expect(parts[p].from).toBe(parts[p - 1].to);
        const bytes = results.map(({ trace }) => align8(compactTraceBytes(shapeOfTrace(trace), float32Mask(trace))));
        for (const part of parts) {
          const before = bytes.slice(part.from - from, part.to - from);
          const last = before.pop()!;
          expect(part.traces.byteLength).toBe(before.reduce((sum, b) => sum + b, last));
          expect(before.reduce((sum, b) => sum + b, 0)).toBeLessThan(maxBytes);
          if (part.to < from + configs.length) expect(part.traces.byteLength).toBeGreaterThanOrEqual(maxBytes);
          // A part owns its arrays: cloning it does not carry the whole batch along.
          expect(part.traces.byteOffset).toBe(0);
        }
        const rejoined = parts.flatMap((part) =>
          decodeCompactResults(structuredClone(part), configs.slice(part.from - from, part.to - from)),
        );
        expect(rejoined).toEqual(results.map(compactResult));
      }),
      { numRuns: 100 },
    );
  });

  it('encodes a batch run in reused trace memory to the byte as encodeResults of executeBatch, batch after batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(configBatch, fc.boolean(), fc.boolean()), { minLength: 2, maxLength: 4 }),
        (batches) => {
          for (const [configs, compact, traces] of batches) {
            const options = { compact, traces };
            expect(executeEncoded(configs, options)).toEqual(encodeResults(executeBatch(configs, traces), options));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('cut as they are encoded, are the parts splitBatch cuts from the encoded batch, byte for byte, batch after batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(configBatch, fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 20_000 }), fc.nat(50)), {
          minLength: 2,
          maxLength: 4,
        }),
        (batches) => {
          // In turns with other batches, so that the reused trace memory holds other runs' bytes (padding included).
          for (const [configs, compact, traces, maxBytes, from] of batches) {
            const options = { compact, traces };
            const to = from + configs.length;
            const parts = executeParts(configs, options, from, maxBytes);
            expect(parts).toEqual(splitBatch({ ...executeEncoded(configs, options), from, to }, maxBytes));
            // And against the float64 traces narrowed column by column, not laid out compact by the lanes.
            const results = executeBatch(configs, traces);
            expect(parts).toEqual(splitBatch({ ...encodeResults(results, options), from, to }, maxBytes));
            expect(encodeParts(results, options, from, maxBytes)).toEqual(parts);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('written into buffers handed back holding other bytes (PartBuffers), are the same parts, zeros after each', () => {
    let reused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(configBatch, fc.boolean(), fc.integer({ min: 1, max: 20_000 }), fc.nat(255)), {
          minLength: 2,
          maxLength: 4,
        }),
        (batches) => {
          const memory = new PartBuffers();
          const given = new Set<ArrayBuffer>();
          for (const [configs, compact, maxBytes, junk] of batches) {
            const options = { compact, traces: true };
            const parts = executeParts(configs, options, 0, maxBytes, memory);
            expect(parts).toEqual(executeParts(configs, options, 0, maxBytes));
            for (const { traces } of parts) {
              if (given.has(traces.buffer as ArrayBuffer)) reused++;
              expect(traces.byteOffset).toBe(0);
              expect(new Uint8Array(traces.buffer, traces.byteLength).every((byte) => byte === 0)).toBe(true);
            }
            // Handed back as the SweepService hands them back once stored, other bytes in them: none may show.
            const buffers = parts.map(({ traces }) => traces.buffer as ArrayBuffer);
            for (const buffer of buffers) new Uint8Array(buffer).fill(junk);
            memory.give(buffers);
            buffers.forEach((buffer) => given.add(buffer));
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(reused).toBeGreaterThan(0);
  });

  it('copies a lane block whole only where its traces follow on: two groups interleaved run by run', () => {
    // Runs 0, 2, 4 step in one lane group and 1, 3, 5 in another (eps inside the root): each group's traces lie
    // together in its block, so no two runs that follow each other in the batch follow each other in memory.
    const configs = Array.from({ length: 6 }, (_, index) =>
      adagradRun(
        { lr: 0.05 * (index + 1), epsPlacement: index % 2 ? 'inside' : 'outside' },
        { index, objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 40, traceMaxPoints: 30 },
      ),
    );
    const expected = encodeResults(executeBatch(configs), { compact: true });
    for (const maxBytes of [1, 2_000, Infinity])
      expect(executeParts(configs, { compact: true }, 0, maxBytes)).toEqual(
        splitBatch({ ...expected, from: 0, to: configs.length }, maxBytes),
      );
  });

  it('sends summaries only for results without traces: the same summaries to the bit, no trace bytes', () => {
    fc.assert(
      fc.property(configBatch, (configs) => {
        const encoded = encodeResults(executeBatch(configs, false), { traces: false });
        expect(encoded.shapes.length).toBe(0);
        expect(encoded.traces.byteLength).toBe(0);
        const decoded = decodeResults(structuredClone(encoded), configs);
        const summaries = executeBatch(configs).map((r) => r.summary);
        expect(decoded.map((r) => r.summary)).toEqual(summaries);
        expect(decodeSummaries(encoded)).toEqual(summaries);
        for (const r of decoded) expect(r.trace).toBe(noTrace);
        const count = (status: string) => summaries.filter((s) => s.status === status).length;
        expect(countStatuses(encoded)).toEqual({
          runs: configs.length,
          converged: count('converged'),
          diverged: count('diverged'),
          failed: count('failed'),
        });
      }),
      { numRuns: 100 },
    );
  });
});
