/**
 * The benchmark's ratios mean something only if its baselines compute what the engine computes: the same workloads,
 * small, through the engine and through each baseline, compared bit for bit. (The C reference is checked against the
 * engine by the bench itself, with its checksum, on the full-size workloads.)
 */
import { describe, expect, it } from 'vitest';
import { w1Input, w2Input, w3Input } from '../../bench/baselines/inputs';
import { w1SeedsWay, w2SeedsWay, w3SeedsWay } from '../../bench/baselines/seeds-way';
import { w1TightLoop, w2TightLoop, w3TightLoop } from '../../bench/baselines/tight-loop';
import { w1Configs, w2Config, w3Config } from '../../bench/workloads';
import { executeBatch, executeRun } from '../../src-core/run/execute';
import { summarizeInto } from '../../src-core/run/quantiles';

const lastRow = (column: Float64Array, width: number) => Array.from(column.subarray(column.length - width));

describe('the bench baselines compute what the engine computes', () => {
  it('W1: final loss, best loss and best step of every run', () => {
    const configs = w1Configs(false, { lrCount: 7, epsCount: 4, steps: 300 });
    const engine = executeBatch(configs).map(({ summary: { finalLoss, bestLoss, bestStep } }) => ({
      finalLoss,
      bestLoss,
      bestStep,
    }));
    const input = w1Input(configs);
    expect(w1SeedsWay(input)).toEqual(engine);
    expect(w1TightLoop(input)).toEqual(engine);
    expect(new Set(engine.map((s) => s.finalLoss)).size).toBe(configs.length); // every run its own numbers
  });

  it('W2: the final loss, and θ (as the min, median and max the trace keeps at this dimension)', () => {
    const config = w2Config({ dim: 2000, steps: 25 });
    const { summary, trace } = executeRun(config);
    const input = w2Input(config);
    const quantiles = (theta: ArrayLike<number>) => {
      const out = new Float64Array(3);
      summarizeInto(Float64Array.from(theta), new Float64Array(theta.length), out, 0);
      return Array.from(out);
    };
    for (const baseline of [w2SeedsWay(input), w2TightLoop(input)]) {
      expect(baseline.loss).toBe(summary.finalLoss);
      expect(quantiles(baseline.theta)).toEqual(lastRow(trace.theta, 3));
    }
  });

  it('W3: the full-data loss at the start and the end, and every weight', () => {
    const config = w3Config({ samples: 300, features: 12, nonZerosPerSample: 3, epochs: 2 });
    const { summary, trace } = executeRun(config);
    const input = w3Input(config);
    for (const baseline of [w3SeedsWay(input), w3TightLoop(input)]) {
      expect(baseline.firstLoss).toBe(trace.loss[0]);
      expect(baseline.lastLoss).toBe(summary.finalLoss);
      expect(Array.from(baseline.theta)).toEqual(lastRow(trace.theta, 12));
    }
  });
});
