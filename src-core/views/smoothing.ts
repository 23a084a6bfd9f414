/**
 * Smoothing of a loss curve: the exponential moving average with debiasing that TensorBoard and W&B call "smoothing",
 * weighted by steps rather than by rows.
 *
 * Every step: m₋₁ = 0, mₜ = α·mₜ₋₁ + (1 − α)·yₜ, shown as mₜ / (1 − α^(t − s₀ + 1)) from the first step s₀ (the
 * division undoes the pull towards the 0 it starts from). A stored trace keeps every early step, then log-spaced ones
 * (src-core/run/trace.ts traceSchedule), so rows late in a run stand hundreds of steps apart: smoothing row by row would
 * give each of them the weight of one step and drag the curve of step 20,000 back to the values of step 400.
 *
 * Over a gap of d steps from a stored step s to the next, s + d, whose value y stands for every step of the gap (the
 * value held over it), d updates unroll to
 *   m_(s+d) = α^d·m_s + (1 − α)(1 + α + … + α^(d−1))·y = α^d·m_s + (1 − α^d)·y,
 * and the debias at s + d is 1 − α^(s + d − s₀ + 1) as for every step. So on a trace that kept every step (d = 1) this
 * is TensorBoard's recurrence operation for operation, and on a sparse one it equals the every-step average of the
 * series held constant over each gap; how far that is from the every-step average of the real series is bounded by how
 * much the series moves within a gap (test/core/views/smoothing.test.ts derives the bound and checks it on a run).
 *
 * Non-finite values (a diverged run's last row; the tail of a run stepped on past its divergence) are returned as they
 * are, so the chart draws the same gap or mark as for the raw curve, and they leave the average untouched, as in
 * TensorBoard; the next finite row's gap reaches back to the last finite one. A constant series is returned as it is,
 * also as in TensorBoard: the average's rounding (an ulp off here and there) would give a flat line a scale of its own.
 */

/** The strongest smoothing offered: α = 1 would never move from the start (and its debias would divide by 0). */
export const maxSmoothing = 0.999;

/** `values` at ascending `steps` smoothed with weight `alpha` ∈ [0, 1) per step; α = 0 returns the values as they are. */
export function smoothOverSteps(steps: ArrayLike<number>, values: ArrayLike<number>, alpha: number): Float64Array {
  if (!(alpha >= 0 && alpha < 1))
    throw new RangeError(`smoothing: the weight ${alpha} is not allowed; it must be at least 0 and below 1`);
  const n = Math.min(steps.length, values.length);
  const out = Float64Array.from({ length: n }, (_, k) => values[k]);
  if (out.every((y) => y === out[0])) return out;
  let average = 0;
  let first = NaN;
  let last = NaN;
  for (let k = 0; k < n; k++) {
    const y = values[k];
    if (!Number.isFinite(y)) continue;
    const step = steps[k];
    if (Number.isNaN(first)) first = step;
    const decay = Number.isNaN(last) ? alpha : Math.pow(alpha, step - last);
    average = average * decay + (1 - decay) * y;
    out[k] = average / (1 - Math.pow(alpha, step - first + 1));
    last = step;
  }
  return out;
}
