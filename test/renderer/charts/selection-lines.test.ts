/**
 * What the selection's charts draw with grouping and smoothing on: one line and band per group, in the group's colour,
 * labelled with its runs and divergences; a diverged run marked; smoothed lines over their faint raw curves.
 */
import { describe, expect, it } from 'vitest';
import { addGroupLines, smoothLines } from '../../../src-renderer/components/charts/selection-lines';
import type { ChartLine } from '../../../src-renderer/lib/charts/chart-line';
import type { StepMarker } from '../../../src-renderer/lib/charts/chart-marks';
import type { StoredRun, StoredTrace } from '../../../src-renderer/lib/storage/records';
import { fallbackPalette } from '../../../src-renderer/lib/charts/colors';
import { executeRun } from '../../../src-core/run/execute';
import { groupRuns } from '../../../src-core/views/groups';
import { smoothOverSteps } from '../../../src-core/views/smoothing';
import { adagradRun } from '../../helpers/configs';

/** A run of AdaGrad on elliptic-2d, stored as the window stores it. */
function stored(index: number, lr: number, seed: number): { run: StoredRun; trace: StoredTrace } {
  const { config, summary, trace } = executeRun(
    adagradRun({ lr }, { objective: { id: 'elliptic-2d' }, start: [1, 1], steps: 20, seed, index, id: `s:${index}` }),
  );
  return {
    run: { id: config.id, sweepId: 's', index, createdAt: 0, config, summary, tags: [], starred: false, note: '' },
    trace: { runId: config.id, ...trace },
  };
}

describe('group lines', () => {
  // lr 0.1 with seeds 0 and 1 (the same path: elliptic-2d is deterministic), and lr 2.5 alone.
  const made = [stored(0, 0.1, 0), stored(1, 0.1, 1), stored(2, 2.5, 0)];
  const runs = made.map((m) => m.run);
  const traces = new Map(made.map((m) => [m.run.id, m.trace]));
  const groups = groupRuns(runs, { kind: 'seeds' });

  it('draws a line per group in its colour, its band min–max or mean ± sd, one run without spread', () => {
    const lines: ChartLine[] = [];
    const markers: StepMarker[] = [];
    addGroupLines({ groups, center: 'median', band: 'minmax' }, traces, 'loss', lines, markers);
    expect(lines.map((l) => [l.label, l.color])).toEqual([
      ['Learning rate 0.1 (2 runs)', fallbackPalette[0]],
      ['Learning rate 2.5 (1 run)', fallbackPalette[1]],
    ]);
    expect(Array.from(lines[0].values)).toEqual(Array.from(made[0].trace.loss));
    expect(Array.from(lines[0].band!.upper)).toEqual(Array.from(made[0].trace.loss));
    const sd: ChartLine[] = [];
    addGroupLines({ groups, center: 'mean', band: 'sd' }, traces, 'loss', sd, []);
    // The lone run: the band is its line (its sd, undefined for one run, is drawn as no spread).
    expect(Array.from(sd[1].band!.lower)).toEqual(Array.from(made[2].trace.loss));
    expect(Array.from(sd[1].band!.upper)).toEqual(Array.from(made[2].trace.loss));
    // θ has two parameters: a line per parameter and group, named by both.
    const theta: ChartLine[] = [];
    addGroupLines({ groups, center: 'median', band: 'minmax' }, traces, 'theta', theta, []);
    expect(theta.map((l) => l.label)).toEqual([
      'Learning rate 0.1 (2 runs) θ₀',
      'Learning rate 0.1 (2 runs) θ₁',
      'Learning rate 2.5 (1 run) θ₀',
      'Learning rate 2.5 (1 run) θ₁',
    ]);
  });

  it('marks where a run of a group diverged, in its colour, and counts it in the label', () => {
    const diverging = stored(3, 1e6, 4);
    expect(diverging.run.summary.status).toBe('diverged');
    const all = [...runs, diverging.run];
    const lines: ChartLine[] = [];
    const markers: StepMarker[] = [];
    addGroupLines(
      { groups: groupRuns(all, { kind: 'seeds' }), center: 'median', band: 'minmax' },
      new Map([...traces, [diverging.run.id, diverging.trace]]),
      'loss',
      lines,
      markers,
    );
    expect(lines.map((l) => l.label)).toEqual([
      'Learning rate 0.1 (2 runs)',
      'Learning rate 2.5 (1 run)',
      'Learning rate 1e6 (1 run, 1 diverged)',
    ]);
    expect(markers).toEqual([
      {
        x: diverging.run.summary.divergedAt,
        color: fallbackPalette[2],
        label: expect.stringMatching(/^Learning rate 1e6, Seed 4: diverged at step \d+/),
      },
    ]);
  });
});

describe('smoothed lines', () => {
  const line: ChartLine = {
    label: 'lr=0.1',
    steps: [0, 1, 5, 50],
    values: [4, 3, 1, 0.5],
    color: '#123456',
    band: { lower: [3, 2, 0.5, 0.25], upper: [5, 4, 2, 1] },
  };

  it('draws the smoothed line over its raw curve, faint and out of the legend; α = 0 draws the lines as they are', () => {
    expect(smoothLines([line], 0)).toEqual([line]);
    const [raw, smooth] = smoothLines([line], 0.9);
    expect(raw).toMatchObject({ label: 'lr=0.1 (raw)', faint: true, band: undefined, values: line.values });
    expect(smooth.label).toBe('lr=0.1');
    expect(smooth.faint).toBeUndefined();
    expect(Array.from(smooth.values)).toEqual(Array.from(smoothOverSteps(line.steps, line.values, 0.9)));
    expect(Array.from(smooth.band!.upper)).toEqual(Array.from(smoothOverSteps(line.steps, line.band!.upper, 0.9)));
  });
});
