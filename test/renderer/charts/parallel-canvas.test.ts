import { describe, expect, it } from 'vitest';
import { geometry, nearestRun, paint, type Scene } from '../../../src-renderer/lib/charts/parallel-canvas';
import { axisLayout, type ParallelAxis } from '../../../src-core/views/parallel';

// Three axes at x = 76, 438, 800 (a 916-px box); three runs, their ys run-major.
const g = geometry(916, 400, 3);
const ys = Float32Array.from(
  [
    [100, 100, 100], // run 0: flat at y = 100
    [100, 300, 100], // run 1: down to 300 at the middle axis
    [300, 300, 300], // run 2: flat at y = 300
  ].flat(),
);

describe('the run pointed at on the parallel coordinates', () => {
  it('is the line passing nearest, its y interpolated between the two axes around the pointer', () => {
    const middle = (g.xs[0] + g.xs[1]) / 2;
    // Halfway to the middle axis run 1 is at y = 200: nearer than run 0 at 100 or run 2 at 300.
    expect(nearestRun(g, ys, 3, { x: middle, y: 198 }, null)).toBe(1);
    expect(nearestRun(g, ys, 3, { x: middle, y: 103 }, null)).toBe(0);
    expect(nearestRun(g, ys, 3, { x: (g.xs[1] + g.xs[2]) / 2, y: 297 }, null)).toBe(2);
    // Between the second and third axes, run 1 climbs back: a quarter of the way it is at 250.
    expect(nearestRun(g, ys, 3, { x: g.xs[1] + (g.xs[2] - g.xs[1]) / 4, y: 252 }, null)).toBe(1);
  });

  it('is none farther than 6 px from every line, and beyond the outer axes the nearest axis point counts', () => {
    expect(nearestRun(g, ys, 3, { x: (g.xs[0] + g.xs[1]) / 2, y: 150 }, null)).toBe(-1);
    expect(nearestRun(g, ys, 3, { x: 10, y: 296 }, null)).toBe(2);
    expect(nearestRun(g, ys, 3, { x: 10, y: 180 }, null)).toBe(-1);
    expect(nearestRun(g, ys, 3, { x: 900, y: 296 }, null)).toBe(2);
  });

  it('with brushes, is only a run inside them: the faint ones are not candidates', () => {
    expect(nearestRun(g, ys, 3, { x: g.xs[1], y: 300 }, Uint8Array.from([1, 0, 1]))).toBe(2);
    expect(nearestRun(g, ys, 3, { x: g.xs[0], y: 100 }, Uint8Array.from([0, 0, 1]))).toBe(-1);
  });
});

/** A 2-D context that draws nothing and records each text: where it lands, at a fixed 7 px a character. */
function recordingContext() {
  const texts: { text: string; left: number; right: number; x: number; y: number }[] = [];
  const ctx = {
    textAlign: 'left',
    font: '12px sans-serif',
    /** ~7 px a character at 12 px, in proportion at other sizes. */
    measureText(text: string) {
      const size = Number(/(\d+)px/.exec(this.font)?.[1] ?? 12);
      return { width: ((7 * size) / 12) * [...text].length };
    },
    fillText(text: string, x: number, y: number) {
      const w = this.measureText(text).width;
      const left = this.textAlign === 'right' ? x - w : this.textAlign === 'center' ? x - w / 2 : x;
      texts.push({ text, left, right: left + w, x, y });
    },
  };
  const noop = () => {};
  for (const name of [
    'setTransform',
    'fillRect',
    'strokeRect',
    'beginPath',
    'moveTo',
    'lineTo',
    'stroke',
    'strokeText',
  ])
    (ctx as Record<string, unknown>)[name] = noop;
  return { ctx: ctx as unknown as CanvasRenderingContext2D, texts };
}

describe('the labels of the parallel coordinates', () => {
  // Two runs, one diverged, on axes as a sweep of objectives × lr × weight decay makes them, at the width the summary
  // has in a 900-px window: the objectives' names are wider than the margin left of the first axis.
  const runs = 2;
  const axes: ParallelAxis[] = [
    {
      name: 'objective',
      scale: 'categorical',
      categories: ['elliptic-2d', 'quadratic-1d'],
      values: Float64Array.of(0, 1),
      loss: false,
    },
    { name: 'lr', scale: 'log', categories: [], values: Float64Array.of(1e-3, 10), loss: false },
    { name: 'weightDecay', scale: 'linear', categories: [], values: Float64Array.of(0, 10000), loss: false },
    { name: 'final loss', scale: 'log', categories: [], values: Float64Array.of(1e-300, Infinity), loss: true },
    { name: 'best loss', scale: 'log', categories: [], values: Float64Array.of(1e-300, Infinity), loss: true },
  ];
  const diverged = Array.from({ length: 4321 }, () => Infinity);
  axes[3].values = Float64Array.from([1e-300, ...diverged]);
  axes[4].values = Float64Array.from([1e-300, ...diverged]);

  function paintedTexts(width: number, shown = axes) {
    const g = geometry(width, 400, shown.length);
    const layouts = shown.map((axis) => axisLayout(axis, { pixels: g.bottom - g.top, extent: () => 15, gap: 4 }));
    const theme = { text: '#000000', muted: '#555555', grid: '#eeeeee', background: '#ffffff', danger: '#cc0000' };
    const scene: Scene = {
      g,
      layouts,
      ys: new Float32Array(runs * shown.length),
      buckets: 1,
      order: { order: Uint32Array.of(0, 1), starts: Uint32Array.of(0, runs, runs) },
      mask: null,
      brushes: new Map(),
      theme,
      color: () => '#000000',
      ratio: 1,
    };
    const { ctx, texts } = recordingContext();
    paint(ctx, scene);
    return texts;
  }

  it.each([500, 900])('stay inside a %i-px canvas and clear of each other', (width) => {
    const texts = paintedTexts(width);
    for (const t of texts) {
      expect(t.left, t.text).toBeGreaterThanOrEqual(0);
      expect(t.right, t.text).toBeLessThanOrEqual(width);
    }
    for (const [i, a] of texts.entries())
      for (const b of texts.slice(i + 1))
        if (a.y === b.y) expect(a.right <= b.left || b.right <= a.left, `${a.text} | ${b.text}`).toBe(true);
  });

  /** A log axis of a setting, for its title. */
  const number = (name: string): ParallelAxis => ({
    name,
    scale: 'log',
    categories: [],
    values: Float64Array.of(1e-3, 1),
    loss: false,
  });

  it('write each axis title whole, on two lines or smaller, where seven axes share a 900-px window', () => {
    const seven = [axes[0], number('lr'), number('eps'), number('weightDecay'), number('lrDecay'), axes[3], axes[4]];
    // The summary's canvas is about 480 px wide there: 53 px for each title, "Learning rate" is 91 at 12 px.
    const texts = paintedTexts(480, seven);
    const g = geometry(480, 400, seven.length);
    const titles = seven.map((axis, a) =>
      texts
        .filter((t) => t.x === g.xs[a] && t.y <= 30)
        .map((t) => t.text)
        .join(' '),
    );
    expect(titles).toEqual([
      'Objective',
      'Learning rate',
      'Epsilon',
      'Weight decay',
      'LR decay',
      'Final loss',
      'Best loss',
    ]);
  });

  it('write a title whole on three smaller lines, hyphenated, where one of its words is wider than its share', () => {
    // "accumulator" is 64 px at 10 px, wider than the 53 px each of seven axes has in a 900-px window (480 px), and
    // 51 px at 8 px, wider than the 43 px each has in a 420-px canvas.
    const seven = [axes[0], number('lr'), number('eps'), number('decoupledWeightDecay'), number('initialAccumulator')];
    seven.push(axes[3], axes[4]);
    const titles = (width: number) => {
      const texts = paintedTexts(width, seven);
      const g = geometry(width, 400, seven.length);
      return [3, 4].map((a) => texts.filter((t) => t.x === g.xs[a] && t.y <= 30));
    };
    const [decoupled, accumulator] = titles(480);
    expect(decoupled.map((t) => t.text).join(' ')).toBe('Decoupled weight decay');
    expect(accumulator.map((t) => t.text)).toEqual(['Initial', 'accumulator', 'value']);
    // Inside the titles' strip, above the bands' labels.
    expect(Math.min(...accumulator.map((t) => t.y))).toBeGreaterThanOrEqual(8);
    const [narrowDecoupled, narrowAccumulator] = titles(420);
    expect(narrowDecoupled.map((t) => t.text)).toEqual(['Decoupled', 'weight', 'decay']);
    expect(narrowAccumulator.map((t) => t.text)).toEqual(['Initial', 'accumula-', 'tor value']);
  });

  it('count runs with thousands separators, and cut a long label rather than a short one', () => {
    const shown = paintedTexts(900).map((t) => t.text);
    expect(shown).toContain('diverged (4,321)');
    expect(paintedTexts(500).map((t) => t.text)).toContain('∞ (4,321)');
    // The first axis's names keep their start (cut with an ellipsis where they must be), not cut by the canvas's edge.
    expect(shown.filter((text) => text.startsWith('f('))).toHaveLength(2);
  });
});
