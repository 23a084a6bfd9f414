/**
 * Paints parallel coordinates on a plain 2-D canvas. 10,000 runs × 6 axes is 50,000 segments: each colour is one path
 * (a few dozen strokes in all), the runs outside the brushes one faint path underneath, the axes, their ticks and the
 * brushes on top. The pixels of every run on every axis are computed once per layout (`placeRuns`), not per paint.
 */
import {
  brushSpans,
  positionOf,
  type AxisLayout,
  type Brushes,
  type ColorBuckets,
} from '../../../src-core/views/parallel';
import type { ChartTheme } from './chart-theme';
import { DIVERGED_COLOR, scaleColor, scaleRgb } from './colors';
import { settingLabel } from '../state/labels';
import { formatCount } from '../../../src-core/views/format';

/** Where the axes stand: x of each, and the y of their bottom and top (a value at position p is at bottom − p·(bottom − top)). */
export interface Geometry {
  width: number;
  height: number;
  xs: number[];
  top: number;
  bottom: number;
}

/** Room above the axes for a title of two lines and the diverged band with its label. */
const MARGIN = { top: 76, bottom: 34, left: 76, right: 40 };
/** The diverged band stands this far above an axis's top, the "none" band as far below its bottom. */
const BAND = 20;
const FONT = '12px system-ui, sans-serif';
export const LINE_HEIGHT = 15;
/** The baseline of an axis title's last line. */
const TITLE_BASELINE = 30;

export function geometry(width: number, height: number, axes: number): Geometry {
  const span = Math.max(1, width - MARGIN.left - MARGIN.right);
  const xs = Array.from({ length: axes }, (_, a) => MARGIN.left + (axes > 1 ? (a * span) / (axes - 1) : span / 2));
  return { width, height, xs, top: MARGIN.top, bottom: height - MARGIN.bottom };
}

/**
 * The y of a position on an axis: the bands for a diverged run (+∞) above, and below a missing value (NaN) or a loss
 * of 0 under a log axis (−∞; a loss axis has no missing values, and a setting gets a log axis with 0
 * below only where no run lacks it, so the two never share an axis).
 */
export function yOf(g: Geometry, position: number): number {
  if (position === Infinity) return g.top - BAND;
  if (Number.isNaN(position) || position === -Infinity) return g.bottom + BAND;
  return g.bottom - position * (g.bottom - g.top);
}

/** The position of a y on the axes (0 at the bottom, 1 at the top; outside [0, 1] beyond them). */
export const positionAt = (g: Geometry, y: number): number => (g.bottom - y) / (g.bottom - g.top);

/** Every run's y on every axis, run-major: ys[r · axes + a]. */
export function placeRuns(g: Geometry, layouts: readonly AxisLayout[], runs: number): Float32Array {
  const n = layouts.length;
  const ys = new Float32Array(runs * n);
  layouts.forEach((layout, a) => {
    const values = layout.axis.values;
    for (let r = 0; r < runs; r++) ys[r * n + a] = yOf(g, positionOf(layout, values[r]));
  });
  return ys;
}

/** The runs of each colour bucket, for one path per bucket: order lists the runs bucket by bucket from `starts`. */
export interface BucketOrder {
  order: Uint32Array;
  starts: Uint32Array;
}

export function bucketOrder(colors: ColorBuckets, buckets: number): BucketOrder {
  const starts = new Uint32Array(buckets + 2);
  for (const b of colors.bucket) starts[b + 1]++;
  for (let b = 1; b < starts.length; b++) starts[b] += starts[b - 1];
  const next = starts.slice(0, -1);
  const order = new Uint32Array(colors.bucket.length);
  colors.bucket.forEach((b, r) => (order[next[b]++] = r));
  return { order, starts };
}

export interface Scene {
  g: Geometry;
  layouts: readonly AxisLayout[];
  ys: Float32Array;
  buckets: number;
  order: BucketOrder;
  /** 1 for the runs inside every brush; null: no brush. */
  mask: Uint8Array | null;
  brushes: Brushes;
  theme: ChartTheme;
  /** The colour of a line at t of the scale (lineColor for the theme). */
  color: (t: number) => string;
  /** Device pixels per CSS pixel. */
  ratio: number;
}

/** "#rrggbb" as [r, g, b]; null for any other form. */
function rgbOf(hex: string): number[] | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return match ? match.slice(1).map((h) => parseInt(h, 16)) : null;
}

/**
 * The colour scale for 1-px lines on the theme: pulled a quarter of the way to the theme's text colour. Its yellow end
 * barely shows on white, its purple end on the dark panel; pulled so, both read, in the same order of hues. (A wide
 * edge under the lines would keep the colours, but Skia strokes a wide 10,000-line path in seconds, a hairline in ms.)
 * The key (ColorScale) is drawn with the same colours.
 */
export function lineColor(theme: ChartTheme): (t: number) => string {
  const text = rgbOf(theme.text);
  if (!text) return scaleColor;
  return (t) => {
    const [r, g, b] = scaleRgb(t).map((c, k) => Math.round(c + (text[k] - c) * 0.25));
    return `rgb(${r}, ${g}, ${b})`;
  };
}

/** Lines fainter the more there are, so 10,000 still show where they crowd. */
const lineAlpha = (runs: number): number => Math.min(0.8, Math.max(0.12, 12 / Math.sqrt(runs)));

function strokeRuns(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  s: Scene,
  from: number,
  to: number,
  keep: 0 | 1 | null,
): boolean {
  const { xs } = s.g;
  const n = s.layouts.length;
  const { ys, mask } = s;
  const { order } = s.order;
  let any = false;
  ctx.beginPath();
  for (let i = from; i < to; i++) {
    const r = order[i];
    if (keep !== null && mask && mask[r] !== keep) continue;
    const base = r * n;
    ctx.moveTo(xs[0], ys[base]);
    for (let a = 1; a < n; a++) ctx.lineTo(xs[a], ys[base + a]);
    any = true;
  }
  if (any) ctx.stroke();
  return any;
}

function drawLines(ctx: CanvasRenderingContext2D, s: Scene): void {
  const runs = s.order.order.length;
  // Hairlines only: Skia strokes a 1-px path of 10,000 lines in milliseconds, a 3-px one in seconds.
  ctx.lineWidth = 1;
  if (s.mask) {
    // Every run faint and grey beneath the runs inside the brushes: one image per layout and theme, so a brush
    // dragged repaints only the lines inside it.
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(fadedRuns(s), 0, 0);
    ctx.restore();
  }
  const inside = s.mask ? s.mask.reduce((n, x) => n + x, 0) : runs;
  const keep = s.mask ? 1 : null;
  ctx.globalAlpha = lineAlpha(inside);
  const { starts } = s.order;
  // Lost runs first, then the worst colour to the best: the best runs end on top.
  const sequence = [s.buckets, ...Array.from({ length: s.buckets }, (_, k) => s.buckets - 1 - k)];
  for (const b of sequence) {
    ctx.strokeStyle = b === s.buckets ? DIVERGED_COLOR : s.color((b + 0.5) / s.buckets);
    strokeRuns(ctx, s, starts[b], starts[b + 1], keep);
  }
  ctx.globalAlpha = 1;
}

const faded = new WeakMap<Float32Array, { key: string; image: OffscreenCanvas }>();

/** Every run in the theme's grid colour, faint, on a transparent image the size of the canvas (cached). */
function fadedRuns(s: Scene): OffscreenCanvas {
  const key = `${s.theme.grid} ${s.ratio} ${s.g.width} ${s.g.height}`;
  const cached = faded.get(s.ys);
  if (cached?.key === key) return cached.image;
  const image = new OffscreenCanvas(Math.round(s.g.width * s.ratio), Math.round(s.g.height * s.ratio));
  const ctx = image.getContext('2d')!;
  ctx.setTransform(s.ratio, 0, 0, s.ratio, 0, 0);
  ctx.lineWidth = 1;
  ctx.globalAlpha = Math.min(0.5, lineAlpha(s.order.order.length));
  ctx.strokeStyle = s.theme.grid;
  strokeRuns(ctx, s, 0, s.order.order.length, null);
  faded.set(s.ys, { key, image });
  return image;
}

/** `text` cut with an ellipsis to `width` pixels. */
function fitted(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * An axis title's fonts, largest first, each with its line height, how many lines of it the titles' strip holds
 * (three lines of 8 px take the height of two of 12) and whether a word too wide for a line may be hyphenated.
 */
const TITLE_FONTS = [
  { font: `600 ${FONT}`, lineHeight: LINE_HEIGHT, lines: 2, hyphenate: false },
  { font: '600 10px system-ui, sans-serif', lineHeight: 12, lines: 2, hyphenate: false },
  { font: '600 8px system-ui, sans-serif', lineHeight: 10, lines: 3, hyphenate: true },
];

/** The fewest letters a hyphenated word leaves on either side of its break. */
const HYPHEN_PART = 3;

/**
 * `text` on at most `maxLines` lines of `width` pixels, broken between words, each as long as can be, and with
 * `hyphenate` a word wider than a line broken too, its first part as long as fits with its hyphen; null if it does not
 * fit.
 */
function wrapped(
  ctx: CanvasRenderingContext2D,
  text: string,
  width: number,
  maxLines: number,
  hyphenate: boolean,
): string[] | null {
  const fits = (line: string) => ctx.measureText(line).width <= width;
  const lines: string[] = [];
  for (let word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && fits(`${lines[last]} ${word}`)) {
      lines[last] = `${lines[last]} ${word}`;
      continue;
    }
    while (hyphenate && !fits(word)) {
      let cut = word.length - HYPHEN_PART;
      while (cut >= HYPHEN_PART && !fits(`${word.slice(0, cut)}-`)) cut--;
      if (cut < HYPHEN_PART) return null;
      lines.push(`${word.slice(0, cut)}-`);
      word = word.slice(cut);
    }
    lines.push(word);
  }
  return lines.length <= maxLines && lines.every(fits) ? lines : null;
}

/**
 * An axis's title, whole where it can be: on one line or two at 12 px, else at 10 px ("Learning" over "rate": seven
 * axes in a 900-px window cut it to "Learnin…"), else on up to three lines at 8 px, a word wider than the axis's
 * share hyphenated ("Initial" over "accumula-" over "tor value": seven axes at 900 px cut it to "accumula…"). Only
 * a title that fits none of these is cut (the title's strip shows it in full on hover, ParallelCoordinates.svelte;
 * the axis's handle names it to a screen reader). Bottom-aligned: its last line stands at `baseline`.
 */
function drawTitle(ctx: CanvasRenderingContext2D, text: string, x: number, width: number, baseline: number): void {
  let lines: string[] | null = null;
  let lineHeight = LINE_HEIGHT;
  for (const title of TITLE_FONTS) {
    ctx.font = title.font;
    lineHeight = title.lineHeight;
    lines = wrapped(ctx, text, width, title.lines, title.hyphenate);
    if (lines) break;
  }
  if (!lines) {
    const [first, ...rest] = text.split(' ');
    lines = [first, rest.join(' ')].filter((line) => line !== '').map((line) => fitted(ctx, line, width));
  }
  lines.forEach((line, i) => ctx.fillText(line, x, baseline - (lines.length - 1 - i) * lineHeight));
}

/** The first of `texts` that fits `width` pixels whole, else the last one cut to it: a long form and a short one. */
function fittedOf(ctx: CanvasRenderingContext2D, texts: readonly string[], width: number): string {
  return texts.find((text) => ctx.measureText(text).width <= width) ?? fitted(ctx, texts[texts.length - 1], width);
}

/** Pixels kept clear between a label and the canvas's edge or the axis before it. */
const EDGE = 4;

/**
 * The width a label centred at `x` may take: its share between the axes (`room`), and no more than reaches the
 * canvas's edge at the outer axes (the last axis's "diverged" label ran off the right edge, the first's title the left).
 */
const centredRoom = (g: Geometry, x: number, room: number): number =>
  Math.min(room, 2 * (Math.min(x, g.width - x) - EDGE));

function drawAxis(ctx: CanvasRenderingContext2D, s: Scene, a: number, room: number): void {
  const { g, theme } = s;
  const layout = s.layouts[a];
  const x = g.xs[a];
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(x, g.top);
  ctx.lineTo(x, g.bottom);
  ctx.stroke();
  ctx.fillStyle = theme.text;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  drawTitle(ctx, settingLabel(layout.axis.name), x, centredRoom(g, x, room), TITLE_BASELINE);
  ctx.font = FONT;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = theme.muted;
  const categorical = layout.axis.scale === 'categorical';
  // Category names thinned to one in `every` where their slots are narrower than a line.
  const slot = (g.bottom - g.top) / Math.max(1, layout.ticks.length);
  const every = categorical ? Math.ceil((LINE_HEIGHT * 1.2) / slot) : 1;
  layout.ticks.forEach((tick, i) => {
    const y = yOf(g, positionOf(layout, tick.value));
    ctx.strokeStyle = theme.muted;
    ctx.beginPath();
    ctx.moveTo(x - (tick.label ? 4 : 2), y);
    ctx.lineTo(x, y);
    ctx.stroke();
    if (tick.label && i % every === 0) {
      // Right-aligned 10 px left of the axis, as far as the axis before it (or the canvas's left edge, where the
      // first axis's category names were cut mid-word): "1e-100" whole where axes stand 60 px apart.
      const label = fitted(ctx, tick.label, Math.min(room + 8, x) - 10 - EDGE);
      // Edged in the background colour: the label reads where lines cross it.
      ctx.strokeStyle = theme.background;
      ctx.lineWidth = 3;
      ctx.strokeText(label, x - 10, y);
      ctx.lineWidth = 1;
      ctx.fillText(label, x - 10, y);
    }
  });
  ctx.textAlign = 'center';
  // A band's label within its axis's share: two neighbouring loss axes' "diverged (960)" ran into each other.
  const bandRoom = centredRoom(g, x, room);
  if (layout.diverged > 0) {
    ctx.fillStyle = theme.danger;
    const count = formatCount(layout.diverged);
    ctx.fillText(fittedOf(ctx, [`diverged (${count})`, `∞ (${count})`], bandRoom), x, g.top - BAND - 14);
    ctx.fillRect(x - 6, g.top - BAND - 1, 12, 2);
  }
  if (layout.missing > 0 || layout.zeros > 0) {
    ctx.fillStyle = theme.muted;
    const band = layout.missing > 0 ? `none (${formatCount(layout.missing)})` : `0 (${formatCount(layout.zeros)})`;
    ctx.fillText(fitted(ctx, band, bandRoom), x, g.bottom + BAND + 10);
  }
}

function drawBrushes(ctx: CanvasRenderingContext2D, s: Scene): void {
  s.layouts.forEach((layout, a) => {
    const brush = s.brushes.get(layout.axis.name);
    if (!brush) return;
    for (const [lo, hi] of brushSpans(layout, brush)) {
      const [top, bottom] = [yOf(s.g, hi), yOf(s.g, lo)];
      ctx.globalAlpha = 0.25;
      ctx.fillStyle = s.theme.text;
      ctx.fillRect(s.g.xs[a] - 7, top, 14, Math.max(2, bottom - top));
      ctx.globalAlpha = 1;
      ctx.strokeStyle = s.theme.text;
      ctx.strokeRect(s.g.xs[a] - 7.5, top - 0.5, 15, Math.max(2, bottom - top) + 1);
    }
  });
}

/** The width an axis's labels may take: the space between two axes, less a gap. */
export const axisRoom = (g: Geometry): number => (g.xs.length > 1 ? g.xs[1] - g.xs[0] - 8 : g.width);

/** The height of the titles' strip above the axes, two lines of 12 px. */
export const TITLE_HEIGHT = TITLE_BASELINE + 4;

/** Paints the whole scene: background, lines, axes, brushes. */
export function paint(ctx: CanvasRenderingContext2D, s: Scene): void {
  ctx.setTransform(s.ratio, 0, 0, s.ratio, 0, 0);
  ctx.fillStyle = s.theme.background;
  ctx.fillRect(0, 0, s.g.width, s.g.height);
  drawLines(ctx, s);
  const room = axisRoom(s.g);
  ctx.lineWidth = 1;
  s.layouts.forEach((_, a) => drawAxis(ctx, s, a, room));
  drawBrushes(ctx, s);
}

/**
 * The run whose line passes nearest (x, y), within `within` pixels vertically; −1 if none. Between two axes a line is
 * straight, so its y at x is interpolated; beyond the outer axes the nearest axis's point counts. With a `mask`, only
 * the runs inside the brushes (1) are candidates: the others are drawn faint and grey.
 */
export function nearestRun(
  g: Geometry,
  ys: Float32Array,
  axes: number,
  at: { x: number; y: number },
  mask: Uint8Array | null,
  within = 6,
): number {
  if (axes === 0) return -1;
  const { xs } = g;
  let a = 0;
  while (a < axes - 2 && at.x > xs[a + 1]) a++;
  const b = Math.min(a + 1, axes - 1);
  const t = b === a ? 0 : Math.min(1, Math.max(0, (at.x - xs[a]) / (xs[b] - xs[a])));
  let best = -1;
  let bestDistance = within;
  for (let r = 0, base = 0; base < ys.length; r++, base += axes) {
    if (mask && mask[r] !== 1) continue;
    const distance = Math.abs(ys[base + a] + (ys[base + b] - ys[base + a]) * t - at.y);
    if (distance <= bestDistance) [best, bestDistance] = [r, distance];
  }
  return best;
}

/** Run `r`'s line on its own (a clear overlay canvas the scene's size): the line a person points at, drawn over all. */
export function paintHighlight(
  ctx: CanvasRenderingContext2D,
  s: Pick<Scene, 'g' | 'ys' | 'theme' | 'ratio'>,
  axes: number,
  r: number,
): void {
  ctx.setTransform(s.ratio, 0, 0, s.ratio, 0, 0);
  ctx.clearRect(0, 0, s.g.width, s.g.height);
  if (r < 0) return;
  const base = r * axes;
  ctx.beginPath();
  ctx.moveTo(s.g.xs[0], s.ys[base]);
  for (let a = 1; a < axes; a++) ctx.lineTo(s.g.xs[a], s.ys[base + a]);
  // Edged in the background colour so that it reads over the lines it crosses.
  ctx.lineJoin = 'round';
  ctx.strokeStyle = s.theme.background;
  ctx.lineWidth = 5;
  ctx.stroke();
  ctx.strokeStyle = s.theme.text;
  ctx.lineWidth = 2;
  ctx.stroke();
}
