/**
 * Configs as they cross to a pool worker (src-main/workers/batch-codec.ts) come out as they went in, to the key order
 * (the engine groups runs by their objective's JSON). Results: test/core/run/result-batch.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConfigs, encodeConfigs } from '../../src-main/workers/batch-codec';
import { configBatch as batch } from '../helpers/arbitraries';

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
});
