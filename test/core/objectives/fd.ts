import { expect } from 'vitest';

/** Central differences of f at θ, one coordinate at a time; h scales with |θᵢ| so rounding stays below truncation. */
export function finiteDifference(f: (theta: Float64Array) => number, theta: Float64Array): Float64Array {
  const probe = theta.slice();
  const out = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[i]));
    probe[i] = theta[i] + h;
    const up = f(probe);
    probe[i] = theta[i] - h;
    const down = f(probe);
    probe[i] = theta[i];
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

/**
 * |analytic − FD| ≤ atol + rtol·|FD| per coordinate. The tolerances cover FD's own error, O(h²·f‴) + O(ε·|f|/h),
 * which is far below any real mistake in a gradient (a wrong factor or sign is off by the gradient's own size).
 */
export function expectGradientsClose(analytic: Float64Array, numeric: Float64Array, scale: number): void {
  const atol = 1e-8 * Math.max(1, scale);
  const rtol = 1e-5;
  analytic.forEach((g, i) => {
    if (!(Math.abs(g - numeric[i]) <= atol + rtol * Math.abs(numeric[i]))) {
      expect.fail(`∂f/∂θ${i}: analytic ${g}, finite difference ${numeric[i]} (atol ${atol}, rtol ${rtol})`);
    }
  });
}
