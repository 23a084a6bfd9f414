/** Axis tick labels that stay readable on linear and log axes, over any number of decades. */
import { numberText } from './format';

/** One tick of an axis: `label` '' draws its grid line only. */
export interface AxisTick {
  value: number;
  label: string;
}

export interface AxisTicks {
  /** The axis range: the data's, widened to the outermost labels unless the range is the user's (a zoom). */
  min: number;
  max: number;
  ticks: AxisTick[];
}

export interface TickRequest {
  /** The data's range (or a zoom's); on a log axis both > 0. */
  min: number;
  max: number;
  log: boolean;
  /** The axis's length in CSS pixels. */
  pixels: number;
  /** The pixels a label takes along the axis: its line height on a vertical axis, its width on a horizontal one. */
  extent: (label: string) => number;
  /** The empty pixels at least between two neighbouring labels. */
  gap: number;
  /** Integers only (a step axis: no 0.5, 1.5). */
  integer?: boolean;
  /** Widen each end to the label beyond it; false at an end the user set (a zoom or pan keeps its range). */
  extendMin?: boolean;
  extendMax?: boolean;
}

/** 1, 2 and 5 × 10ᵏ ascending, from the one at or below `from`. */
function* niceSteps(from: number): Generator<number> {
  let exponent = Math.floor(Math.log10(from));
  for (;;) {
    for (const m of [1, 2, 5]) yield Number((m * 10 ** exponent).toPrecision(12));
    exponent++;
  }
}

/** A value's label with the digits `step` needs (and at least three significant ones): 1000.1 and 1000.2 stay apart. */
function labelFor(value: number, step: number): string {
  if (value === 0) return '0';
  const digits = Math.min(17, Math.max(3, Math.ceil(Math.log10(Math.abs(value) / step) + 1e-9) + 1));
  return numberText(Number(value.toPrecision(digits)));
}

interface Candidate {
  min: number;
  max: number;
  labelled: number[];
  /** Labels per value, for those that need more digits than labelFor's default (the linear steps). */
  step?: number;
  /** Values drawn as grid lines only. */
  minor?: number[];
}

/** Whether every two neighbouring labels of `ticks` are at least `gap` pixels apart on the axis [min, max]. */
export function labelsFit(
  ticks: readonly AxisTick[],
  range: Pick<TickRequest, 'min' | 'max' | 'log' | 'pixels' | 'extent' | 'gap'>,
): boolean {
  const position = pixelScale(range.min, range.max, range.log, range.pixels);
  const labelled = ticks.filter((t) => t.label !== '').sort((a, b) => a.value - b.value);
  for (let i = 1; i < labelled.length; i++) {
    const [a, b] = [labelled[i - 1], labelled[i]];
    const room = position(b.value) - position(a.value) - (range.extent(a.label) + range.extent(b.label)) / 2;
    if (!(room >= range.gap - 1e-9)) return false;
  }
  return true;
}

function pixelScale(min: number, max: number, log: boolean, pixels: number): (value: number) => number {
  if (log) {
    const [a, b] = [Math.log10(min), Math.log10(max)];
    return (value) => ((Math.log10(value) - a) / (b - a)) * pixels;
  }
  return (value) => ((value - min) / (max - min)) * pixels;
}

/** Multiples of `step` from the one at or below `min` (or above, when that end is not extended) to `max`'s. */
function linearCandidate(min: number, max: number, step: number, request: TickRequest): Candidate | null {
  const first = request.extendMin ? Math.floor(min / step + 1e-9) : Math.ceil(min / step - 1e-9);
  const last = request.extendMax ? Math.ceil(max / step - 1e-9) : Math.floor(max / step + 1e-9);
  // Multiples past 2⁵³ are not whole numbers any more (k + 1 === k): a range 1e-15 wide at 1 tried steps of 1e-18.
  if (last - first > 200 || !Number.isSafeInteger(first) || !Number.isSafeInteger(last)) return null;
  const labelled: number[] = [];
  for (let k = first; k <= last; k++) labelled.push(Number((k * step).toPrecision(12)));
  const lo = request.extendMin ? Math.min(min, labelled[0] ?? min) : min;
  const hi = request.extendMax ? Math.max(max, labelled[labelled.length - 1] ?? max) : max;
  return { min: lo, max: hi, labelled, step };
}

function* linearCandidates(request: TickRequest): Generator<Candidate> {
  const { min, max } = request;
  const from = Math.max((max - min) / 200, request.integer ? 1 : 0);
  for (const step of niceSteps(from)) {
    // Steps far beyond the range only move its two labels further out (and near 1e308 they overflow).
    if (step / 100 > max - min || !Number.isFinite(step)) return;
    if (request.integer && !Number.isInteger(step)) continue;
    const candidate = linearCandidate(min, max, step, request);
    if (candidate) yield candidate;
  }
}

const mantissaSets = [
  [1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 5],
];

/** m × 10ᵉ for every m of `set`, ascending, over the decades around [min, max]. */
function mantissaValues(min: number, max: number, set: readonly number[]): number[] {
  const values: number[] = [];
  for (let e = Math.floor(Math.log10(min)) - 1; e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of set) {
      const value = Number((m * 10 ** e).toPrecision(12));
      // Beyond the doubles' range a value is 0 or ∞, which a log axis cannot hold (data at 5e-324 reaches there).
      if (value > 0 && value < Infinity) values.push(value);
    }
  }
  return values;
}

/** The values of `sorted` within [min, max], widened by one value at each extended end. */
function within(sorted: readonly number[], min: number, max: number, request: TickRequest): Candidate {
  let first = sorted.findIndex((v) => v >= min * (1 - 1e-12));
  let last = sorted.findLastIndex((v) => v <= max * (1 + 1e-12));
  if (request.extendMin && sorted[first] > min * (1 + 1e-12)) first--;
  if (request.extendMax && sorted[last] < max * (1 - 1e-12)) last++;
  const labelled = sorted.slice(first, last + 1);
  return {
    min: request.extendMin ? Math.min(min, labelled[0]) : min,
    max: request.extendMax ? Math.max(max, labelled[labelled.length - 1]) : max,
    labelled,
  };
}

function* logCandidates(request: TickRequest): Generator<Candidate> {
  const { min, max } = request;
  const [a, b] = [Math.log10(min), Math.log10(max)];
  // Within about a decade: evenly spaced values (11, 12, 13), as a linear axis would have.
  if (b - a < 1) {
    for (const candidate of linearCandidates(request)) {
      if (candidate.labelled[0] > 0 && candidate.labelled.length >= 3) yield candidate;
      if (candidate.labelled.length < 3) break;
    }
  }
  // Then 1–9 and 1, 2, 5 within each decade, grid lines at 1–9.
  const fine = mantissaValues(min, max, mantissaSets[0]);
  for (const set of mantissaSets) {
    const candidate = within(mantissaValues(min, max, set), min, max, request);
    if (candidate.labelled.length >= 2) yield { ...candidate, minor: fine };
  }
  // Then every k-th decade, k = 1, 2, 5, 10, 20…, on multiples of k only, so the labels step evenly (1e-20, 1e-10, 1,
  // 1e10; never 1e-19, 1e-10, 1, 1e9): each extended end is widened to the multiple of k beyond the data, as a linear
  // axis is to its next label, unless that leaves the normal doubles (then the axis ends at its bounding decade, unlabelled).
  const [first, last] = [
    Math.max(MIN_DECADE, request.extendMin ? Math.floor(a + 1e-12) : Math.ceil(a - 1e-12)),
    Math.min(MAX_DECADE, request.extendMax ? Math.ceil(b - 1e-12) : Math.floor(b + 1e-12)),
  ];
  const span = Math.max(1, last - first);
  const decade = (e: number): number => Number(`1e${e}`);
  for (const k of niceSteps(1)) {
    const widenedLo = Math.floor(first / k) * k;
    const widenedHi = Math.ceil(last / k) * k;
    const lo = request.extendMin && widenedLo >= -NORMAL_DECADES ? widenedLo : first;
    const hi = request.extendMax && widenedHi <= NORMAL_DECADES ? widenedHi : last;
    const decades = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    const labelled = decades.filter((e) => e % k === 0).map(decade);
    // Fewer than two labels say nothing of the scale; a coarser stride would not give more.
    if (labelled.length < 2 && k > 1) break;
    yield {
      min: request.extendMin ? decade(lo) : min,
      max: request.extendMax ? decade(hi) : max,
      labelled,
      minor: k > 1 ? decades.map(decade) : fine,
    };
    if (k >= span) break;
  }
  // Last, where no stride fits (near 1e±307 an end cannot be widened to its multiple): the two bounding decades alone,
  // one step apart.
  if (first < last) {
    const range = { min: request.extendMin ? decade(first) : min, max: request.extendMax ? decade(last) : max };
    yield { ...range, labelled: [decade(first), decade(last)], minor: [] };
  }
}

/** 1e±307 are the widest decades that are normal doubles (1e-308 is subnormal, 1e309 is ∞). */
const NORMAL_DECADES = 307;
/**
 * The widest decades a double holds at all: 1e-323 (subnormal; 1e-324 is 0) and 1e308 (1e309 is ∞). A loss of 5e-324,
 * the smallest double, lies below the lowest: the axis then ends at the data, unlabelled, as it must never reach 0.
 */
const [MIN_DECADE, MAX_DECADE] = [-323, 308];

/** The smallest distance in pixels between two of `values` (sorted) on the axis. */
function smallestGap(values: readonly number[], position: (value: number) => number): number {
  let gap = Infinity;
  for (let i = 1; i < values.length; i++) gap = Math.min(gap, position(values[i]) - position(values[i - 1]));
  return gap;
}

/** Grid lines closer than this are left out: they would only grey the plot. */
const MIN_GRID_GAP = 6;

/**
 * The ticks of a linear or log axis for `pixels` of length: the finest labelling whose neighbouring labels keep
 * `gap` pixels between them. A log axis labels every value in a short range (11, 12, 13), or 1–9 or 1, 2, 5 within
 * each decade, or every k-th decade (k = 1, 2, 5, 10…) on multiples of k, evenly spaced, the axis widened to the
 * multiple of k beyond the data; the decades or mantissas between labels keep their grid lines. A linear axis labels multiples of
 * 1, 2 or 5 × 10ᵏ (integers only on a step axis). Each extended end is widened to the label beyond the data.
 */
export function axisTicks(request: TickRequest): AxisTicks {
  const normalised = normalise(request);
  const candidates = normalised.log ? logCandidates(normalised) : linearCandidates(normalised);
  let chosen: AxisTicks | null = null;
  for (const candidate of candidates) {
    // The data stays inside, whatever rounding did to the labels' values.
    const [min, max] = [Math.min(candidate.min, normalised.min), Math.max(candidate.max, normalised.max)];
    const ticks = toTicks({ ...candidate, min, max }, normalised);
    chosen = { min, max, ticks };
    if (labelsFit(ticks, { ...normalised, min, max })) break;
  }
  if (!chosen) return { min: normalised.min, max: normalised.max, ticks: [] };
  return { ...chosen, ticks: thinned(chosen.ticks, { ...normalised, min: chosen.min, max: chosen.max }) };
}

/**
 * The labels of even the coarsest choice may not fit a tiny axis: keep both ends' labels and those between that have
 * room, the others as grid lines only (and the top label alone if even the ends collide).
 */
function thinned(ticks: AxisTick[], range: Parameters<typeof labelsFit>[1]): AxisTick[] {
  if (labelsFit(ticks, range)) return ticks;
  const fits = (a: AxisTick, b: AxisTick) => labelsFit([a, b], range);
  const labelled = ticks.filter((t) => t.label !== '');
  const kept: AxisTick[] = [labelled[0]];
  const last = labelled[labelled.length - 1];
  for (const tick of labelled.slice(1, -1)) if (fits(kept[kept.length - 1], tick) && fits(tick, last)) kept.push(tick);
  if (fits(kept[kept.length - 1], last)) kept.push(last);
  else kept.splice(0, kept.length, last);
  return ticks.map((t) => (t.label === '' || kept.includes(t) ? t : { value: t.value, label: '' }));
}

function toTicks(candidate: Candidate, request: TickRequest): AxisTick[] {
  const { min, max } = candidate;
  const slack = request.log ? 0 : 1e-9 * (max - min);
  const inRange = (v: number) =>
    (request.log ? v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12) : v >= min - slack && v <= max + slack) &&
    (!request.integer || Number.isInteger(v));
  const labelled = candidate.labelled.filter(inRange);
  const label = (v: number) => labelFor(v, candidate.step ?? Math.abs(v));
  const ticks: AxisTick[] = labelled.map((value) => ({ value, label: label(value) }));
  const minor = (candidate.minor ?? []).filter((v) => inRange(v) && !labelled.includes(v));
  const position = pixelScale(min, max, request.log, request.pixels);
  if (
    minor.length > 0 &&
    smallestGap(
      [...minor, ...labelled].sort((x, y) => x - y),
      position,
    ) >= MIN_GRID_GAP
  ) {
    ticks.push(...minor.map((value) => ({ value, label: '' })));
  }
  return ticks.sort((x, y) => x.value - y.value);
}

/** A range that can be drawn: min < max, and both > 0 on a log axis. */
function normalise(request: TickRequest): TickRequest {
  let { min, max } = request;
  const log = request.log;
  if (log) {
    if (!(max > 0)) [min, max] = [1, 10];
    else if (!(min > 0)) min = max / 10;
    if (min === max) [min, max] = [min / 10, max * 10];
  } else if (!(max > min)) {
    const pad = min === 0 || !Number.isFinite(min) ? 1 : Math.abs(min) / 10;
    [min, max] = Number.isFinite(min) ? [min - pad, min + pad] : [0, 1];
  }
  return { extendMin: true, extendMax: true, ...request, min, max, pixels: Math.max(1, request.pixels) };
}
