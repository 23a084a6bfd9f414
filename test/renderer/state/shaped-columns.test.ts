import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ShapedColumns } from '../../../src-renderer/lib/state/shaped-columns';

/** Numbers as a sweep's configs and summaries have them, and the ones that compare oddly. */
const number = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324, 1e-8),
  fc.integer({ min: -5, max: 5 }),
);
/** Values of a few shapes: a config-like object whose strings, flags and nulls come from small sets. */
const value = fc.record({
  kind: fc.constantFrom('adagrad', 'sgd'),
  lr: number,
  eps: number,
  flag: fc.boolean(),
  tolerance: fc.option(number),
  start: fc.option(fc.array(number, { maxLength: 3 })),
  nested: fc.record({ a: number, b: fc.constantFrom('x', 'y') }),
});

/** Bit-for-bit equality of numbers (NaN equals NaN, -0 differs from 0), deep. */
const same = (a: unknown, b: unknown): boolean => {
  if (typeof a === 'number') return Object.is(a, b);
  if (a === null || typeof a !== 'object') return a === b;
  if (b === null || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return ka.join() === kb.join() && ka.every((k) => same((a as never)[k], (b as never)[k]));
};

describe('ShapedColumns', () => {
  test.prop([fc.array(fc.tuple(fc.nat({ max: 300 }), value), { maxLength: 200 })])(
    'gives back, for every slot, the last object put there (whole or one key): keys in order, numbers bit for bit',
    (puts) => {
      const columns = new ShapedColumns<object>();
      const last = new Map<number, object>();
      for (const [slot, v] of puts) {
        columns.put(slot, v);
        last.set(slot, v);
      }
      for (const [slot, v] of last) {
        expect(same(columns.get(slot), v)).toBe(true);
        for (const key of Object.keys(v))
          expect(same(columns.field(slot, key as never), v[key as keyof typeof v])).toBe(true);
      }
      expect(columns.get(301)).toBeUndefined();
    },
  );

  it('keeps a slot in 8 bytes per number that varies: a column only for the numbers that differ', () => {
    const columns = new ShapedColumns<{ lr: number; eps: number }>();
    for (let i = 0; i < 1000; i++) columns.put(i, { lr: i / 1000, eps: 1e-8 });
    // Filled in where the first different value came: slot 0 reads 0, not the template's 0.
    expect(columns.get(0)).toEqual({ lr: 0, eps: 1e-8 });
    expect(columns.get(999)).toEqual({ lr: 0.999, eps: 1e-8 });
  });

  it('takes placed keys from the caller, neither compared nor stored', () => {
    const columns = new ShapedColumns<{ id: string; index: number; lr: number }>(['id', 'index']);
    columns.put(0, { id: 'a:000000', index: 0, lr: 1 });
    columns.put(1, { id: 'a:000001', index: 1, lr: 1 });
    expect(columns.get(1, { id: 'b:000001', index: 1 })).toEqual({ id: 'b:000001', index: 1, lr: 1 });
    expect(Object.keys(columns.get(1, { id: 'x', index: 1 })!)).toEqual(['id', 'index', 'lr']);
  });

  it('finds an old shape again after many new ones, or makes it anew: either way the object comes back', () => {
    const columns = new ShapedColumns<{ status: string; loss: number }>();
    columns.put(0, { status: 'completed', loss: 1 });
    for (let i = 1; i <= 40; i++) columns.put(i, { status: `failed ${i}`, loss: i });
    columns.put(41, { status: 'completed', loss: 0.5 });
    expect(columns.get(0)).toEqual({ status: 'completed', loss: 1 });
    expect(columns.get(41)).toEqual({ status: 'completed', loss: 0.5 });
    expect(columns.get(40)).toEqual({ status: 'failed 40', loss: 40 });
  });

  it('keeps objects whole beyond the last shape, and forgets deleted slots', () => {
    const columns = new ShapedColumns<{ error: string }>();
    for (let i = 0; i < 300; i++) columns.put(i, { error: `failed ${i}` });
    expect(columns.get(299)).toEqual({ error: 'failed 299' });
    columns.delete(299);
    columns.delete(3);
    expect(columns.get(299)).toBeUndefined();
    expect(columns.get(3)).toBeUndefined();
    expect(columns.get(4)).toEqual({ error: 'failed 4' });
  });

  test.prop([fc.array(value, { minLength: 1, maxLength: 60 }), fc.array(fc.boolean(), { maxLength: 60 })], {
    numRuns: 500,
  })('samples: a number differs among the kept slots exactly when it differs among the samples', (values, dropped) => {
    const columns = new ShapedColumns<object>();
    values.forEach((v, slot) => columns.put(slot, v));
    const kept = (slot: number) => !dropped[slot];
    const samples = [...columns.samples(kept)];
    const keptSlots = values.map((_, slot) => slot).filter(kept);
    expect(samples.every(kept)).toBe(true);
    const distinct = (slots: number[], read: (v: (typeof values)[number]) => unknown) =>
      new Set(slots.map((slot) => JSON.stringify(read(values[slot])))).size;
    for (const read of [(v: (typeof values)[number]) => v.lr, (v: (typeof values)[number]) => v.nested.a]) {
      expect(distinct(samples, read) > 1).toBe(distinct(keptSlots, read) > 1);
    }
  });
});
