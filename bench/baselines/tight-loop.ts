/**
 * Baseline 2, a tight C-like loop over Float64Arrays: bench/reference/reference.c line for line in JavaScript (runs
 * side by side for W1, one fused pass per step for W2, the lazy per-sample update for W3), so that its ratio to C
 * measures the language, and the engine's ratio to it measures what the engine's generality costs.
 */
import type { W1Input, W2Input, W3Input } from './inputs';
import type { W1Summary, W3Result } from './seeds-way';

export function w1TightLoop({ steps, lr, eps }: W1Input): W1Summary[] {
  const runs = lr.length;
  const w = new Float64Array(runs).fill(1);
  const b = new Float64Array(runs).fill(1);
  const Gw = new Float64Array(runs);
  const Gb = new Float64Array(runs);
  const loss = new Float64Array(runs).fill(11);
  const best = new Float64Array(runs).fill(11);
  const bestStep = new Float64Array(runs);
  const check = new Float64Array(runs);
  for (let s = 1; s <= steps; s++) {
    for (let r = 0; r < runs; r++) {
      const g0 = 2 * w[r];
      const g1 = 20 * b[r];
      const G0 = Gw[r] + g0 * g0;
      const G1 = Gb[r] + g1 * g1;
      const rate = -lr[r];
      const x0 = w[r] + (rate * g0) / (Math.sqrt(G0) + eps[r]);
      const x1 = b[r] + (rate * g1) / (Math.sqrt(G1) + eps[r]);
      const f = x0 * x0 + 10 * (x1 * x1);
      Gw[r] = G0;
      Gb[r] = G1;
      w[r] = x0;
      b[r] = x1;
      loss[r] = f;
      check[r] += G0 - G0 + (G1 - G1) + (x0 - x0) + (x1 - x1) + (f - f);
      if (f < best[r]) {
        best[r] = f;
        bestStep[r] = s;
      }
    }
  }
  return Array.from(loss, (finalLoss, r) => ({
    finalLoss: finalLoss + check[r],
    bestLoss: best[r],
    bestStep: bestStep[r],
  }));
}

export function w2TightLoop({ steps, lr, eps, curvature }: W2Input): { loss: number; theta: Float64Array } {
  const dim = curvature.length;
  const x = new Float64Array(dim).fill(1);
  const G = new Float64Array(dim);
  const rate = -lr;
  let loss = 0;
  let check = 0;
  for (let s = 1; s <= steps; s++) {
    let twice = 0;
    for (let i = 0; i < dim; i++) {
      const k = curvature[i];
      const xi = x[i];
      const g = k * xi;
      const Gi = G[i] + g * g;
      const xn = xi + (rate * g) / (Math.sqrt(Gi) + eps);
      G[i] = Gi;
      x[i] = xn;
      twice += k * (xn * xn);
      check += Gi - Gi + (xn - xn);
    }
    loss = 0.5 * twice;
  }
  return { loss: loss + check, theta: x };
}

function fullLoss(theta: Float64Array, { samples, nonZerosPerSample: k, indices, labels }: W3Input): number {
  let loss = 0;
  for (let s = 0; s < samples; s++) {
    let m = 0;
    for (let j = s * k; j < s * k + k; j++) m += theta[indices[j]];
    const e = Math.exp(-Math.abs(m));
    loss += (m > 0 ? m : 0) + Math.log1p(e) - labels[s] * m;
  }
  return loss * (1 / samples);
}

export function w3TightLoop(input: W3Input): W3Result {
  const { features, nonZerosPerSample: k, indices, labels, order } = input;
  const theta = new Float64Array(features);
  const G = new Float64Array(features);
  const rate = -input.lr;
  const eps = input.eps;
  const firstLoss = fullLoss(theta, input);
  let check = 0;
  for (let t = 0; t < order.length; t++) {
    const s = order[t];
    const base = s * k;
    let m = 0;
    for (let j = base; j < base + k; j++) m += theta[indices[j]];
    const e = Math.exp(-Math.abs(m));
    const r = (m >= 0 ? 1 : e) / (1 + e) - labels[s];
    for (let j = base; j < base + k; j++) {
      const i = indices[j];
      const Gi = G[i] + r * r;
      const p = theta[i] + (rate * r) / (Math.sqrt(Gi) + eps);
      G[i] = Gi;
      theta[i] = p;
      check += p - p + (Gi - Gi);
    }
  }
  return { firstLoss, lastLoss: fullLoss(theta, input) + check, theta };
}
