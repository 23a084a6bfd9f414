/**
 * Min, median and max of a vector, for the 'quantiles' layout of traces too wide to keep every parameter (trace.ts):
 * O(n) and allocation-free, since a run of a million parameters summarizes four such vectors per kept row.
 */

/**
 * Writes min, median and max of `values` to out[at..at+2] using `scratch` (length ≥ values.length). The median of an
 * even count is the mean of the two middle values. A vector holding NaN summarizes as NaN, NaN, NaN: it has no order,
 * and a diverged row should look diverged. ±0 compare equal: which zero a zero min, median or max is, is not defined.
 */
export function summarizeInto(values: Float64Array, scratch: Float64Array, out: Float64Array, at: number): void {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x !== x) {
      out[at] = out[at + 1] = out[at + 2] = NaN;
      return;
    }
    if (x < min) min = x;
    if (x > max) max = x;
  }
  out[at] = min;
  // All equal (a start, a zero accumulator or update): the median is that value, with nothing to select.
  out[at + 1] = min === max ? min : median(values, scratch, n);
  out[at + 2] = max;
}

/** The median of values[0..n−1], selected in `scratch` (length ≥ n), which it overwrites. */
function median(values: Float64Array, scratch: Float64Array, n: number): number {
  const k = (n - 1) >> 1;
  const even = n % 2 === 0;
  const middle = n >= sampledFrom ? middleBySample(values, scratch, n, k, even) : null;
  if (middle !== null) return middle;
  scratch.set(values.subarray(0, n));
  const lower = quickselect(scratch, n, k);
  return even ? (lower + minimumOf(scratch, k + 1, n)) / 2 : lower;
}

/**
 * Below this many values, plain selection; above, the middle is first bracketed by a sample (Floyd and Rivest's idea):
 * one pass then keeps only the values between two sampled ones, and selection runs on those few. On a million values
 * it took a tenth of the time of selecting among all of them.
 */
const sampledFrom = 4096;
let sample = new Float64Array(0);

/**
 * The median of values[0..n−1] through a sample, or null when the middle fell outside the sample's bracket (then the
 * caller selects among all of them). `k` is the lower middle's rank; `even`: the upper one's (k + 1) is needed too.
 * The values between the bracket's ends are gathered in `scratch` and selected there.
 */
function middleBySample(values: Float64Array, scratch: Float64Array, n: number, k: number, even: boolean): number | null {
  const size = Math.floor(Math.cbrt(n) ** 2);
  if (sample.length < size) sample = new Float64Array(size);
  const spacing = Math.floor(n / size);
  for (let i = 0; i < size; i++) sample[i] = values[i * spacing];
  // The sample ranks around the middle's, about four standard deviations of a sample rank either side.
  const spread = 2 * Math.ceil(Math.sqrt(size));
  const centre = Math.floor((k * size) / n);
  const low = quickselect(sample, size, Math.max(0, centre - spread));
  const high = quickselect(sample, size, Math.min(size - 1, centre + spread));
  let below = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (x < low) below++;
    else if (x <= high) scratch[kept++] = x;
  }
  const rank = k - below;
  if (rank < 0 || rank + (even ? 1 : 0) >= kept) return null;
  // A bracket of one value (a vector mostly of one value, as the zeros of features no sample has touched): the middle.
  if (low === high) return low;
  const lower = quickselect(scratch, kept, rank);
  return even ? (lower + minimumOf(scratch, rank + 1, kept)) / 2 : lower;
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
