/**
 * Min, median and max of a vector, for the 'quantiles' layout of traces too wide to keep every parameter (trace.ts):
 * O(n) and allocation-free, since a run of a million parameters summarizes four such vectors per kept row.
 */

/**
 * Writes min, median and max of `values` to out[at..at+2] using `scratch` (length ≥ values.length). The median of an
 * even count is the mean of the two middle values. A vector holding NaN summarizes as NaN, NaN, NaN: it has no order,
 * and a diverged row should look diverged. ±0 compare equal: which zero a zero min, median or max is, is not defined.
 *
 * One pass finds the min and max and gathers in `scratch` the values between two that bracket the middle: for a long
 * vector two ranks of an evenly spaced sample (Floyd and Rivest's idea; on a million values it took a tenth of the
 * time of selecting among all of them), for a short one −∞ and +∞, which gather it all. The median is then selected
 * among the gathered values, or among all of them when the sample's bracket missed the middle.
 */
export function summarizeInto(values: Float64Array, scratch: Float64Array, out: Float64Array, at: number): void {
  const n = values.length;
  const k = (n - 1) >> 1;
  const even = n % 2 === 0;
  const [low, high] = n >= sampledFrom ? sampleBracket(values, n, k) : [-Infinity, Infinity];
  // A bracket of one value (a constant vector, or one mostly of zeros) needs nothing gathered: the middle is that value.
  const gather = low !== high;
  let min = Infinity;
  let max = -Infinity;
  let below = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x !== x) {
      out[at] = out[at + 1] = out[at + 2] = NaN;
      return;
    }
    if (x < min) min = x;
    if (x > max) max = x;
    if (x < low) below++;
    else if (x <= high && gather) scratch[kept++] = x;
    else if (x <= high) kept++;
  }
  out[at] = min;
  out[at + 2] = max;
  const rank = k - below;
  if (min === max) {
    // All equal (a start, a zero accumulator or update): the median is that value, with nothing to select.
    out[at + 1] = min;
  } else if (rank >= 0 && rank + (even ? 1 : 0) < kept) {
    out[at + 1] = gather ? middle(scratch, kept, rank, even) : low;
  } else {
    scratch.set(values.subarray(0, n));
    out[at + 1] = middle(scratch, n, k, even);
  }
}

/** The value of rank k of a[0..n−1], or with `even` the mean of ranks k and k + 1; reorders `a`. */
function middle(a: Float64Array, n: number, k: number, even: boolean): number {
  const lower = quickselect(a, n, k);
  return even ? (lower + minimumOf(a, k + 1, n)) / 2 : lower;
}

/** Below this many values, one selection among all of them; above, among those a sample brackets. */
const sampledFrom = 4096;
let sample = new Float64Array(0);

/** Two values of an evenly spaced sample of values[0..n−1] about four standard deviations of a sample rank either side of rank k's. */
function sampleBracket(values: Float64Array, n: number, k: number): [number, number] {
  const size = Math.floor(Math.cbrt(n) ** 2);
  if (sample.length < size) sample = new Float64Array(size);
  const spacing = Math.floor(n / size);
  for (let i = 0; i < size; i++) sample[i] = values[i * spacing];
  const spread = 2 * Math.ceil(Math.sqrt(size));
  const centre = Math.floor((k * size) / n);
  const low = quickselect(sample, size, Math.max(0, centre - spread));
  return [low, quickselect(sample, size, Math.min(size - 1, centre + spread))];
}

/** min of a[from..to−1]. After selecting rank k, everything right of k is ≥ a[k]: the next rank is their minimum. */
function minimumOf(a: Float64Array, from: number, to: number): number {
  let m = Infinity;
  for (let i = from; i < to; i++) if (a[i] < m) m = a[i];
  return m;
}

/** Hoare's selection over a[0..n−1]: reorders it so a[k] is the k-th smallest, smaller ones before it, larger after. */
function quickselect(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}
