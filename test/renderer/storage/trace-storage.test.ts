import { describe, expect, it, vi } from 'vitest';
import { ownTrace, packTraces, toStoredTrace, unpackTraces } from '../../../src-renderer/lib/storage/trace-storage';
import { executeRun } from '../../../src-core/run/execute';
import { decodeCompactResults, executeEncoded } from '../../../src-core/run/result-batch';
import { adagradRun } from '../../helpers/configs';

describe('trace columns on disk', () => {
  it('stores a run trace under its run id with the steps and shape unchanged', () => {
    const { trace } = executeRun(adagradRun());
    const stored = toStoredTrace('r', trace);
    expect(stored).toMatchObject({ runId: 'r', steps: trace.steps, dim: 1, layout: 'parameters', width: 1 });
    expect(stored.theta).toEqual(Float32Array.from(trace.theta));
    // Half the bytes of the wire format for every float column.
    expect(stored.loss.byteLength).toBe(trace.loss.byteLength / 2);
  });

  it("stores each column with a buffer of its own: the engine's columns share one, which IndexedDB would store whole", () => {
    const { trace } = executeRun(adagradRun({}, { objective: { id: 'elliptic-2d' }, start: [1e-45, 1], steps: 5 }));
    expect(trace.theta.buffer).toBe(trace.loss.buffer); // the engine's layout
    const stored = toStoredTrace('r', trace);
    expect(stored.theta).toBeInstanceOf(Float64Array); // 1e-45 is below float32's normal range: kept in float64
    for (const column of [stored.steps, stored.loss, stored.theta, stored.grad, stored.accum, stored.update]) {
      expect(column.buffer.byteLength).toBe(column.byteLength);
    }
  });

  it('packs a page of traces into one buffer and reads back each trace as its narrowed columns, views of that buffer', () => {
    const traces = [
      executeRun(adagradRun({ lr: 0.5 }, { id: 's:000000' })),
      // θ starts at 1e-45, below float32's normal range, and the loss and gradient fall below it too: those stay
      // float64. An optimizer without an accumulator leaves accum empty: a zero-length column must survive too.
      executeRun(adagradRun({}, { id: 's:000001', objective: { id: 'elliptic-2d' }, start: [1e-45, 1], steps: 5 })),
    ].map(({ config, trace }) => ({ runId: config.id, ...trace }));
    traces[1] = { ...traces[1], accum: new Float64Array(0) };
    const packed = packTraces(traces);
    expect(packed.traces.map((t) => t.columns.map(([kind]) => kind))).toEqual([
      ['u32', 'f32', 'f32', 'f32', 'f32', 'f32'],
      ['u32', 'f64', 'f64', 'f64', 'f32', 'f32'],
    ]);
    for (const trace of packed.traces) for (const [, at] of trace.columns) expect(at % 8).toBe(0);
    const unpacked = unpackTraces(packed);
    expect(unpacked).toEqual(traces.map((t) => toStoredTrace(t.runId, t)));
    for (const trace of unpacked) expect(trace.loss.buffer).toBe(packed.bytes);
    // Read back and packed again (a merge), the page is the same to the byte; a trace copied out owns its columns.
    expect(packTraces(unpacked)).toEqual(packed);
    expect(ownTrace(unpacked[0]).loss.buffer.byteLength).toBe(unpacked[0].loss.byteLength);
  });

  it('keeps one step column for consecutive traces with the same steps, and a column of its own where they differ', () => {
    const runs = [
      adagradRun({ lr: 0.5 }, { id: 's:000000' }),
      adagradRun({ lr: 0.1 }, { id: 's:000001', index: 1 }),
      // Fewer steps: other rows.
      adagradRun({ lr: 0.5 }, { id: 's:000002', index: 2, steps: 5 }),
      adagradRun({ lr: 0.2 }, { id: 's:000003', index: 3 }),
    ];
    const traces = runs.map((config) => ({ runId: config.id, ...executeRun(config).trace }));
    expect(traces[2].steps).not.toEqual(traces[0].steps);
    const packed = packTraces(traces);
    const stepsAt = packed.traces.map((t) => t.columns[0][1]);
    expect(stepsAt[1]).toBe(stepsAt[0]);
    expect(new Set(stepsAt).size).toBe(3);
    // The page holds one step column fewer than one per trace: (11 rows × 4 bytes, 8-aligned) less.
    const unshared = traces.reduce((bytes, t) => bytes + packTraces([t]).bytes.byteLength, 0);
    expect(packed.bytes.byteLength).toBe(unshared - 48);
    const unpacked = unpackTraces(packed);
    expect(unpacked).toEqual(traces.map((t) => toStoredTrace(t.runId, t)));
    expect(unpacked[1].steps.buffer).toBe(packed.bytes);
    // Read back and packed again, still the same page; a trace copied out owns its steps.
    expect(packTraces(unpacked)).toEqual(packed);
    expect(ownTrace(unpacked[1]).steps.buffer.byteLength).toBe(unpacked[1].steps.byteLength);
  });

  it('packs traces as the main process sends them (one copy each) to the bytes it packs the same traces column by column', () => {
    const configs = [
      adagradRun({ lr: 0.5 }, { id: 's:000000' }),
      adagradRun({}, { id: 's:000001', index: 1, objective: { id: 'elliptic-2d' }, start: [1e-45, 1], steps: 5 }),
      adagradRun({ lr: 0.3 }, { id: 's:000002', index: 2, steps: 300, traceMaxPoints: 50 }),
    ];
    const columns = executeEncoded(configs, { compact: true });
    const fromWire = decodeCompactResults(columns, configs).map((r) => ({ runId: r.config.id, ...r.trace }));
    // The wire's columns lie in one buffer; the same traces with columns of their own take the column-by-column path.
    expect(fromWire[0].loss.buffer).toBe(fromWire[0].theta.buffer);
    const owned = fromWire.map(ownTrace);
    const copies = vi.spyOn(Uint8Array.prototype, 'set');
    const packed = packTraces(fromWire);
    // One copy of each trace's value columns (the step columns go through their own view).
    expect(copies).toHaveBeenCalledTimes(fromWire.length);
    copies.mockRestore();
    expect(new Uint8Array(packed.bytes)).toEqual(new Uint8Array(packTraces(owned).bytes));
    expect(packed.traces).toEqual(packTraces(owned).traces);
    expect(unpackTraces(packed)).toEqual(owned.map((t) => toStoredTrace(t.runId, t)));
  });
});
