/**
 * What crosses between the main thread and a pool worker (src-main/workers/batch-codec.ts) comes out as it went in:
 * configs to the key order (the engine groups runs by their objective's JSON), results to the bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectiveConfig, OptimizerConfig } from '../../src-core/contract/engine';
import type { RunConfig } from '../../src-core/contract/types';
import { optimizerDefaults } from '../../src-core/optim';
import { executeBatch } from '../../src-core/run/execute';
import { noTrace } from '../../src-core/run/trace';
import { decodeConfigs, decodeResults, encodeConfigs, encodeResults } from '../../src-main/workers/batch-codec';

const objectives: ObjectiveConfig[] = [
  { id: 'quadratic-1d' },
  { id: 'elliptic-2d' },
  { id: 'rosenbrock', dim: 3 },
  { id: 'ill-conditioned', dim: 20, condition: 100 },
  { id: 'sparse-logreg', samples: 20, features: 30, nonZerosPerSample: 3, zipfExponent: 1.1, seed: 4, batchSize: 1 },
];

const number = fc.oneof(fc.double({ min: 1e-4, max: 1, noNaN: true }), fc.constantFrom(0, -0, 1e300));
const optimizer: fc.Arbitrary<OptimizerConfig> = fc.oneof(
  fc
    .record({ lr: number, eps: number, weightDecay: fc.constantFrom(0, 0.1), lrDecay: fc.constantFrom(0, 0.5) })
    .map((o) => ({ ...optimizerDefaults.adagrad, ...o })),
  fc.record({ lr: number, momentum: fc.constantFrom(0, 0.9) }).map((o) => ({ ...optimizerDefaults.sgd, ...o })),
);

/** Batches as a sweep makes them (one sweep, fields mostly shared) or mixed; some runs invalid, so that they fail. */
const batch = fc
  .array(
    fc.record({
      objective: fc.constantFrom(...objectives),
      optimizer,
      start: fc.option(fc.constant([1e160, 1, 1]), { nil: null }),
      steps: fc.constantFrom(5, 40),
      tolerance: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      traceMaxPoints: fc.constantFrom(3, 30),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((runs) =>
    runs.map((run, index): RunConfig => ({
      id: `s:${index}`,
      sweepId: 's',
      index,
      seed: 0,
      ...run,
      start: run.start && run.start.slice(0, objectiveDim(run.objective)),
    })),
  );

const objectiveDim = (o: ObjectiveConfig): number => (o.id === 'quadratic-1d' ? 1 : o.id === 'elliptic-2d' ? 2 : 3);

describe('a batch as it crosses to a worker and back', () => {
  it('keeps every config, its values and its keys in their order', () => {
    fc.assert(
      fc.property(batch, (configs) => {
        const decoded = decodeConfigs(structuredClone(encodeConfigs(configs)));
        expect(decoded).toEqual(configs);
        expect(JSON.stringify(decoded)).toBe(JSON.stringify(configs));
      }),
      { numRuns: 200 },
    );
  });

  it('sends a value the batch shares once, and a number that differs as one array', () => {
    const configs = batch
      .map((runs) => runs.map((c) => ({ ...c, objective: { id: 'elliptic-2d' as const }, start: null })))
      .filter((runs) => runs.length > 3);
    fc.assert(
      fc.property(configs, (runs) => {
        const { column } = encodeConfigs(runs);
        if (!('fields' in column)) return expect.fail('configs go as a column per field');
        const field = (key: string) => column.columns[column.fields.indexOf(key)];
        expect(field('sweepId')).toEqual({ same: 's' });
        expect(field('objective')).toEqual({ fields: ['id'], columns: [{ same: 'elliptic-2d' }] });
        expect(field('index')).toEqual({ numbers: Float64Array.from(runs, (c) => c.index) });
      }),
      { numRuns: 20 },
    );
  });

  it('gives back every result to the bit, failed, diverged and wide ones included, each trace in a buffer of its own', () => {
    fc.assert(
      fc.property(batch, (configs) => {
        const results = executeBatch(configs);
        const decoded = decodeResults(structuredClone(encodeResults(results)), configs);
        expect(decoded).toEqual(results);
        for (const { trace } of decoded) {
          const columns = [trace.steps, trace.loss, trace.theta, trace.grad, trace.accum, trace.update];
          expect(new Set(columns.map((c) => c.buffer)).size).toBe(1);
          expect(trace.steps.buffer.byteLength).toBe(columns.reduce((bytes, c) => bytes + c.byteLength, 0));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sends summaries only for a batch without traces: the same summaries to the bit, no trace bytes', () => {
    fc.assert(
      fc.property(batch, (configs) => {
        const encodedConfigs = structuredClone(encodeConfigs(configs, false));
        expect(encodedConfigs.traces).toBe(false);
        expect(encodeConfigs(configs).traces).toBeUndefined();
        const results = executeBatch(decodeConfigs(encodedConfigs), false);
        const encoded = encodeResults(results, false);
        expect(encoded.shapes.length).toBe(0);
        expect(encoded.traces.byteLength).toBe(0);
        const decoded = decodeResults(structuredClone(encoded), configs);
        expect(decoded.map((r) => r.summary)).toEqual(executeBatch(configs).map((r) => r.summary));
        for (const r of decoded) expect(r.trace).toBe(noTrace);
      }),
      { numRuns: 100 },
    );
  });
});
