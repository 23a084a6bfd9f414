// AdaGrad's lane step (src-core/optim/adagrad-lanes.ts, stepWithoutDecay) in WebAssembly SIMD, two doubles per
// instruction. AssemblyScript, built by `npm run build:wasm` into src-core/optim/adagrad-lanes.wasm.ts.
//
// The same operations in the same order as the JavaScript loop: f64x2.sqrt and f64x2.div are correctly rounded IEEE
// operations like Math.sqrt and /, and nothing is fused into an FMA, so every lane gets the same bits either way
// (test/core/run-lanes.test.ts runs both). Arrays are byte addresses in this module's memory, laid out by the caller.
// Each step returns Σ (θ − θ) + (G − G) over the new values: 0 when all are finite, NaN as soon as one is not.

/** Where the caller's arrays may start: after this module's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** One lane of n coordinates: its eps and −clr are scalars, two coordinates a step; an odd last one alone. */
export function stepOneLane(n: i32, theta: usize, previous: usize, grad: usize, sum: usize, eps: f64, rate: f64, inside: bool): f64 {
  const e = f64x2.splat(eps);
  const r = f64x2.splat(rate);
  let check = f64x2.splat(0);
  const pairs = <usize>(n >> 1) << 4;
  for (let o: usize = 0; o < pairs; o += 16) {
    const p = v128.load(theta + o);
    const g = v128.load(grad + o);
    const G = f64x2.add(v128.load(sum + o), f64x2.mul(g, g));
    v128.store(sum + o, G);
    v128.store(previous + o, p);
    const den = inside ? f64x2.sqrt(f64x2.add(G, e)) : f64x2.add(f64x2.sqrt(G), e);
    const x = f64x2.add(p, f64x2.mul(r, f64x2.div(g, den)));
    v128.store(theta + o, x);
    check = f64x2.add(check, f64x2.add(f64x2.sub(x, x), f64x2.sub(G, G)));
  }
  let tail: f64 = 0;
  if (n & 1) {
    const o = pairs;
    const p = load<f64>(theta + o);
    const g = load<f64>(grad + o);
    const G = load<f64>(sum + o) + g * g;
    store<f64>(sum + o, G);
    store<f64>(previous + o, p);
    const x = p + rate * (g / (inside ? Math.sqrt(G + eps) : Math.sqrt(G) + eps));
    store<f64>(theta + o, x);
    tail = x - x + (G - G);
  }
  return f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1) + tail;
}

/**
 * `stride` lanes (even) of n / stride coordinates each, coordinate-major: two lanes a step, each with its own eps and
 * −clr, read from the per-lane arrays `eps` and `rate` at the lane's offset.
 */
export function stepLanes(n: i32, stride: i32, theta: usize, previous: usize, grad: usize, sum: usize, eps: usize, rate: usize, inside: bool): f64 {
  const row = <usize>stride << 3;
  const end = <usize>n << 3;
  let lane: usize = 0;
  let check = f64x2.splat(0);
  for (let o: usize = 0; o < end; o += 16) {
    const e = v128.load(eps + lane);
    const r = v128.load(rate + lane);
    const p = v128.load(theta + o);
    const g = v128.load(grad + o);
    const G = f64x2.add(v128.load(sum + o), f64x2.mul(g, g));
    v128.store(sum + o, G);
    v128.store(previous + o, p);
    const den = inside ? f64x2.sqrt(f64x2.add(G, e)) : f64x2.add(f64x2.sqrt(G), e);
    const x = f64x2.add(p, f64x2.mul(r, f64x2.div(g, den)));
    v128.store(theta + o, x);
    check = f64x2.add(check, f64x2.add(f64x2.sub(x, x), f64x2.sub(G, G)));
    lane += 16;
    if (lane == row) lane = 0;
  }
  return f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1);
}

/**
 * The summary of `stride` lanes (even) after step `step`, as src-core/run-lanes.ts's observeLanes keeps it, for a step
 * whose θ and G were all finite: a lane whose loss beats its best takes it and the step, a lane that first reaches its
 * tolerance takes the step. Returns how many lanes need a trace row (a non-finite loss, or one above the highest
 * recorded); the caller finds them. Finished and padding lanes hold best −∞, tolerance NaN and max +∞: never counted.
 */
export function observeLanes(stride: i32, step: f64, loss: usize, best: usize, bestStep: usize, reached: usize, tolerance: usize, maxLoss: usize): i32 {
  const zero = f64x2.splat(0);
  const at = f64x2.splat(step);
  const end = <usize>stride << 3;
  let events = 0;
  for (let o: usize = 0; o < end; o += 16) {
    const f = v128.load(loss + o);
    const b = v128.load(best + o);
    const finite = f64x2.eq(f64x2.sub(f, f), zero);
    const better = v128.and(f64x2.lt(f, b), finite);
    v128.store(best + o, v128.bitselect(f, b, better));
    v128.store(bestStep + o, v128.bitselect(at, v128.load(bestStep + o), better));
    const r = v128.load(reached + o);
    const reach = v128.and(v128.and(f64x2.lt(r, zero), f64x2.le(f, v128.load(tolerance + o))), finite);
    v128.store(reached + o, v128.bitselect(at, r, reach));
    const event = v128.or(v128.not(finite), f64x2.gt(f, v128.load(maxLoss + o)));
    events += <i32>popcnt(i64x2.bitmask(event));
  }
  return events;
}
