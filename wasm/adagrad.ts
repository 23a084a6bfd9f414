// AdaGrad's kernels in WebAssembly SIMD, two doubles per instruction: the lane step (src-core/optim/adagrad-lanes.ts,
// stepWithoutDecay and stepWithDecay: every weight-decay mode), the same step fused with a diagonal quadratic
// objective and the lanes' summaries (one pass per step over θ and G, as a C loop would make), and per-sample steps of
// sparse logistic regression with the order of their samples. AssemblyScript, built by `npm run build:wasm` into
// src-core/optim/wasm/adagrad.wasm.ts.
//
// The same operations in the same order as the JavaScript loops: f64x2.sqrt and f64x2.div are correctly rounded IEEE
// operations like Math.sqrt and /, nothing is fused into an FMA, and exp and log1p are JavaScript's own (imported), so
// every run gets the same bits either way (test/core/run/lanes.test.ts and test/core/run/stochastic.test.ts run both).
// Arrays are byte addresses in this module's memory, laid out by the caller (src-core/optim/wasm/module.ts). A step's
// finiteness is Σ (θ − θ) + (G − G) over the new values: 0 when all are finite, NaN as soon as one is not.

/** Math.exp and Math.log1p, imported as adagrad.exp and adagrad.log1p. */
declare function exp(x: f64): f64;
declare function log1p(x: f64): f64;

// The lanes' summaries are eight rows of `stride` doubles from one address, in this order:
const LOSS: usize = 0;
const BEST: usize = 1;
const BEST_STEP: usize = 2;
/** The first step at or below tolerance, −1 until then. */
const REACHED: usize = 3;
/** NaN for none: loss ≤ NaN never holds. */
const TOLERANCE: usize = 4;
/** The highest loss the lane's trace recorded. */
const MAX_LOSS: usize = 5;
/** What the last step asks of the caller for the lane: KEEP_GOING, DIVERGED or SPIKE (src-core/run/lanes.ts). */
const EVENT: usize = 6;
/** The loss above which the lane has blown up (src-core/run/summary.ts, blowUpLimit); +∞ for none. */
const LIMIT: usize = 7;

const DIVERGED: f64 = 1;
const SPIKE: f64 = 2;

/** Where the caller's arrays may start: after this module's own static data. */
export function heapBase(): usize {
  return __heap_base;
}

// The pieces every kernel below shares, inlined into each.

/** G + g·g: the accumulator after a step on gradient g. */
function accumulate(G: v128, g: v128): v128 {
  return f64x2.add(G, f64x2.mul(g, g));
}

// The eps placements, as src-core/optim/adagrad-lanes.ts's placementCode numbers them. A kernel takes its group's
// placement as two masks, built once per call: `inside` (all ones when eps goes inside the root) and `guard` (all ones
// for Optax's guard: no update where G = 0); each step splits a lane's eps by the first (`denominator`).
const INSIDE: i32 = 1;
const GUARDED: i32 = 2;

function insideMask(placement: i32): v128 {
  return i64x2.splat(placement == INSIDE || placement == GUARDED ? -1 : 0);
}

function guardMask(placement: i32): v128 {
  return i64x2.splat(placement == GUARDED ? -1 : 0);
}

/**
 * √(G + eIn) + eOut with eIn = eps & inside, eOut = eps & ~inside: AdaGrad's denominator with eps outside the root
 * (eIn 0, eOut eps) or inside it (eIn eps, eOut 0). Adding that 0 changes nothing (G ≥ +0 after a step, never −0, so
 * G + 0 = G and √(G + eps) + 0 = √(G + eps)), and it keeps one square root a step where a choice between the two forms
 * would be compiled to both and a select.
 */
function denominator(G: v128, eps: v128, inside: v128): v128 {
  return f64x2.add(f64x2.sqrt(f64x2.add(G, v128.and(eps, inside))), v128.andnot(eps, inside));
}

// The weight-decay modes (src-core/optim/adagrad-lanes.ts, decayCode), as type arguments: each kernel's loop is written
// once, generic in its mode, and compiled once per mode, the mode's branches settled at compile time, so that the
// decay-free loop holds nothing of the decay.
class NoDecay {}
class Coupled {}
class Decoupled {}

/** Whether the weight-decay mode M is D (a compile-time constant). */
function isMode<M, D>(): bool {
  return idof<M>() == idof<D>();
}

/** The sign bit of both doubles. */
function signBits(): v128 {
  return i64x2.splat(i64.MIN_VALUE);
}

/**
 * The gradient a step of mode M enters into G from ∇f = g at θ = p: g itself without decay (maximize is in the rate's
 * sign, see `update`); with decay −g where the lane maximizes, then + wd·p when coupled (adagradKernel's order). With
 * decay the rate's sign tells: a lane's rate is sign·(−clr) with clr ≥ +0, its sign bit clear exactly when it
 * maximizes (parked and padding lanes, rate +0 and θ, ∇ and wd 0, stay at +0 either way).
 */
function entering<M>(p: v128, g: v128, rate: v128, wd: v128): v128 {
  if (isMode<M, NoDecay>()) return g;
  const gi = v128.xor(g, v128.andnot(signBits(), rate));
  return isMode<M, Coupled>() ? f64x2.add(gi, f64x2.mul(wd, p)) : gi;
}

/**
 * θ after a step of mode M from θ = p, g being what `entering` gave and G the new accumulator, in adagradKernel's
 * order (src-core/optim/adagrad.ts; ATen's CPU addcdiv_):
 *
 * - NoDecay: p + (rate·g) / denominator; rate is sign·(−clr), and for a lane that maximizes (−clr)·(−g) is clr·g.
 * - Coupled: p + (−clr·g) / denominator.
 * - Decoupled: p + (−clr)·(g / denominator + wd·p).
 *
 * With decay −clr is rate | sign bit (−|rate|). Where `guard` and G is not > 0, θ stays p (NoDecay, Coupled), or
 * g / denominator is −0 (Decoupled: the decay still applies). Nothing is fused into an FMA.
 */
function update<M>(p: v128, g: v128, G: v128, eps: v128, inside: v128, guard: v128, rate: v128, wd: v128): v128 {
  const skip = v128.andnot(guard, f64x2.gt(G, f64x2.splat(0)));
  const d = denominator(G, eps, inside);
  if (isMode<M, Decoupled>()) {
    const q = v128.bitselect(f64x2.splat(-0.0), f64x2.div(g, d), skip);
    return f64x2.add(p, f64x2.mul(v128.or(rate, signBits()), f64x2.add(q, f64x2.mul(wd, p))));
  }
  const r = isMode<M, NoDecay>() ? rate : v128.or(rate, signBits());
  return v128.bitselect(p, f64x2.add(p, f64x2.div(f64x2.mul(r, g), d)), skip);
}

/** (x − x) + (G − G): 0 where both are finite, NaN where either is not. */
function nonFinite(x: v128, G: v128): v128 {
  return f64x2.add(f64x2.sub(x, x), f64x2.sub(G, G));
}

/**
 * One AdaGrad step of mode M of the two doubles at byte offset o, from θ = p on ∇f = g: stores G, and θ after in
 * `next` (θ before stays where it was read: the caller's two θ buffers swap roles each step, so no step copies θ
 * before), and returns the step's finiteness there ((x − x) + (G − G) per double).
 */
function stepAt<M>(
  next: usize,
  sum: usize,
  o: usize,
  p: v128,
  g: v128,
  eps: v128,
  inside: v128,
  guard: v128,
  rate: v128,
  wd: v128,
): v128 {
  const ge = entering<M>(p, g, rate, wd);
  const G = accumulate(v128.load(sum + o), ge);
  const x = update<M>(p, ge, G, eps, inside, guard, rate, wd);
  v128.store(sum + o, G);
  v128.store(next + o, x);
  return nonFinite(x, G);
}

function total(check: v128): f64 {
  return f64x2.extract_lane(check, 0) + f64x2.extract_lane(check, 1);
}

/**
 * The summaries of `stride` lanes (even) after step `step`, as src-core/run/lanes.ts's observeLanes keeps them, their
 * losses in the LOSS row: a lane whose loss beats its best takes it and the step, a lane that first reaches its
 * tolerance takes the step (`tolerances`: whether any lane has one; none need looking at otherwise). Where `masked`,
 * the EVENT row holds on entry, per lane, all ones when its θ and G are all finite and zeros when not; otherwise all
 * are. Writes each lane's EVENT (DIVERGED: something is not finite, or the loss is above the lane's LIMIT; SPIKE: a
 * loss above the highest recorded) and
 * returns 1 when any lane has one, else 0. Finished and padding lanes hold best −∞, tolerance NaN and max +∞ at rest:
 * never touched, never counted. `kept`: the step's row is recorded for every lane, so each lane's MAX_LOSS then takes
 * its loss where that is higher (src-core/run/lanes.ts; there, a JavaScript loop over typed arrays of this memory
 * took 3–9 ns a lane).
 *
 * A pass of its own after a fused step rather than part of it: in one loop body the two ran at half the speed.
 */
function observe(stride: i32, step: f64, summaries: usize, masked: bool, tolerances: bool, kept: bool): i32 {
  const row = (<usize>stride) << 3;
  const lossAt = LOSS * row;
  const bestAt = BEST * row;
  const bestStepAt = BEST_STEP * row;
  const reachedAt = REACHED * row;
  const toleranceAt = TOLERANCE * row;
  const maxLossAt = MAX_LOSS * row;
  const eventAt = EVENT * row;
  const limitAt = LIMIT * row;
  const at = f64x2.splat(step);
  const zero = f64x2.splat(0);
  const all = i64x2.splat(-1);
  let any = zero;
  for (let base = summaries, end = summaries + row; base < end; base += 16) {
    const f = v128.load(base + lossAt);
    const finite = v128.and(f64x2.eq(f64x2.sub(f, f), zero), masked ? v128.load(base + eventAt) : all);
    const ok = v128.andnot(finite, f64x2.gt(f, v128.load(base + limitAt)));
    const b = v128.load(base + bestAt);
    const better = v128.and(f64x2.lt(f, b), ok);
    v128.store(base + bestAt, v128.bitselect(f, b, better));
    v128.store(base + bestStepAt, v128.bitselect(at, v128.load(base + bestStepAt), better));
    if (tolerances) {
      const r = v128.load(base + reachedAt);
      const reach = v128.and(v128.and(f64x2.lt(r, zero), f64x2.le(f, v128.load(base + toleranceAt))), ok);
      v128.store(base + reachedAt, v128.bitselect(at, r, reach));
    }
    const diverged = v128.not(ok);
    const max = v128.load(base + maxLossAt);
    const above = f64x2.gt(f, max);
    const spike = v128.and(above, ok);
    if (kept) v128.store(base + maxLossAt, v128.bitselect(f, max, above));
    v128.store(base + eventAt, v128.or(v128.and(diverged, f64x2.splat(DIVERGED)), v128.and(spike, f64x2.splat(SPIKE))));
    any = v128.or(any, v128.or(diverged, spike));
  }
  return <i32>v128.any_true(any);
}

// The AdaGrad step alone, on a gradient the caller's objective wrote to `grad`. Each kernel takes its group's eps
// placement (placementCode) and weight-decay mode (decayCode: 0 none, 1 coupled, 2 decoupled) and runs the loop of
// that mode; a lane's weight decay is read beside its eps and rate (per lane, or a number for one lane). Each reads θ
// at `theta` and writes θ after the step at `next` (stepAt), a buffer of the same layout.
//
// A lane of odd length ends in half a pair: its last two doubles are stepped together like the others, the second
// being the 16-byte padding after the arrays' last double (src-core/optim/wasm/lane-kernel.ts allocates them so), and
// only the first is counted.

const COUPLED: i32 = 1;
const DECOUPLED: i32 = 2;

/** One lane of n coordinates: its eps, rate and weight decay are numbers, two coordinates at a time. */
export function stepOneLane(
  n: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: f64,
  rate: f64,
  wd: f64,
  placement: i32,
  decay: i32,
): f64 {
  if (decay == COUPLED) return oneLane<Coupled>(n, theta, next, grad, sum, eps, rate, wd, placement);
  if (decay == DECOUPLED) return oneLane<Decoupled>(n, theta, next, grad, sum, eps, rate, wd, placement);
  return oneLane<NoDecay>(n, theta, next, grad, sum, eps, rate, wd, placement);
}

function oneLane<M>(
  n: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: f64,
  rate: f64,
  wd: f64,
  placement: i32,
): f64 {
  const inside = insideMask(placement);
  const guard = guardMask(placement);
  const e = f64x2.splat(eps);
  const r = f64x2.splat(rate);
  const w = f64x2.splat(wd);
  let check = f64x2.splat(0);
  const pairs = (<usize>(n >> 1)) << 4;
  for (let o: usize = 0; o < pairs; o += 16)
    check = f64x2.add(
      check,
      stepAt<M>(next, sum, o, v128.load(theta + o), v128.load(grad + o), e, inside, guard, r, w),
    );
  const tail =
    n & 1
      ? f64x2.extract_lane(
          stepAt<M>(next, sum, pairs, v128.load(theta + pairs), v128.load(grad + pairs), e, inside, guard, r, w),
          0,
        )
      : 0;
  return total(check) + tail;
}

/**
 * `stride` lanes (even) of n / stride coordinates each, coordinate-major: two lanes a step, each with its own eps, rate
 * and weight decay, read from the per-lane arrays `eps`, `rate` and `wd` at the lane's offset (`wd` is not read without
 * decay).
 */
export function stepLanes(
  n: i32,
  stride: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: usize,
  rate: usize,
  wd: usize,
  placement: i32,
  decay: i32,
): f64 {
  if (decay == COUPLED) return manyLanes<Coupled>(n, stride, theta, next, grad, sum, eps, rate, wd, placement);
  if (decay == DECOUPLED) return manyLanes<Decoupled>(n, stride, theta, next, grad, sum, eps, rate, wd, placement);
  return manyLanes<NoDecay>(n, stride, theta, next, grad, sum, eps, rate, wd, placement);
}

function manyLanes<M>(
  n: i32,
  stride: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: usize,
  rate: usize,
  wd: usize,
  placement: i32,
): f64 {
  const row = (<usize>stride) << 3;
  const end = (<usize>n) << 3;
  const inside = insideMask(placement);
  const guard = guardMask(placement);
  const none = f64x2.splat(0);
  let lane: usize = 0;
  let check = f64x2.splat(0);
  for (let o: usize = 0; o < end; o += 16) {
    const w = isMode<M, NoDecay>() ? none : v128.load(wd + lane);
    check = f64x2.add(
      check,
      stepAt<M>(
        next,
        sum,
        o,
        v128.load(theta + o),
        v128.load(grad + o),
        v128.load(eps + lane),
        inside,
        guard,
        v128.load(rate + lane),
        w,
      ),
    );
    lane += 16;
    if (lane == row) lane = 0;
  }
  return total(check);
}

/**
 * The summaries of `stride` lanes (even) after step `step`, for a step whose θ and G were all finite (stepLanes
 * returned 0), the losses written by the objective. Returns 1 when any lane has an EVENT, else 0.
 */
export function observeLanes(stride: i32, step: f64, summaries: usize, tolerances: bool): i32 {
  return observe(stride, step, summaries, false, tolerances, false);
}

// The step fused with a diagonal quadratic, f(θ) = scale · Σ_d c_d·(θ_d·θ_d) with ∇f_d = a_d·θ_d (the coefficients
// a and c in memory, dim doubles each; src-core/objectives/diagonal-quadratic.ts is the same formula in JavaScript):
// each coordinate's gradient is taken from θ as the step reads it, and the loss at the new θ is summed in the same
// pass, in coordinate order. The gradient the step used, ∇f at θ before it, is stored only when `grad` is not 0 (a step
// whose rows are kept: the row's gradient column is that one, and no second pass evaluates it).

/** ∇f = a·p at θ = p (byte offset o), written to `grad` too unless that is 0. */
function usedGradient(grad: usize, o: usize, a: v128, p: v128): v128 {
  const g = f64x2.mul(a, p);
  if (grad) v128.store(grad + o, g);
  return g;
}

/** The loss's term c·(x·x) of the new θ = x at byte offset o. */
function newPoint(next: usize, o: usize, c: v128): v128 {
  const x = v128.load(next + o);
  return f64x2.mul(c, f64x2.mul(x, x));
}

/**
 * `stride` lanes (even) of `dim` coordinates, coordinate-major, then their summaries after step `step`: each lane's
 * loss and finiteness from the one pass, then `observe`. Returns 1 when any lane has an EVENT, else 0.
 */
export function stepQuadraticLanes(
  dim: i32,
  stride: i32,
  step: f64,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: usize,
  rate: usize,
  wd: usize,
  a: usize,
  c: usize,
  scale: f64,
  summaries: usize,
  tolerances: bool,
  placement: i32,
  decay: i32,
): i32 {
  if (decay == COUPLED)
    quadraticLanes<Coupled>(dim, stride, theta, next, grad, sum, eps, rate, wd, a, c, scale, summaries, placement);
  else if (decay == DECOUPLED)
    quadraticLanes<Decoupled>(dim, stride, theta, next, grad, sum, eps, rate, wd, a, c, scale, summaries, placement);
  else quadraticLanes<NoDecay>(dim, stride, theta, next, grad, sum, eps, rate, wd, a, c, scale, summaries, placement);
  return observe(stride, step, summaries, true, tolerances, grad != 0);
}

function quadraticLanes<M>(
  dim: i32,
  stride: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: usize,
  rate: usize,
  wd: usize,
  a: usize,
  c: usize,
  scale: f64,
  summaries: usize,
  placement: i32,
): void {
  const row = (<usize>stride) << 3;
  const s = f64x2.splat(scale);
  const zero = f64x2.splat(0);
  const end = (<usize>dim) << 3;
  const inside = insideMask(placement);
  const guard = guardMask(placement);
  for (let o: usize = 0; o < row; o += 16) {
    const e = v128.load(eps + o);
    const r = v128.load(rate + o);
    const w = isMode<M, NoDecay>() ? zero : v128.load(wd + o);
    let f = zero;
    let check = zero;
    for (let d: usize = 0, i = o; d < end; d += 8, i += row) {
      const p = v128.load(theta + i);
      const ad = v128.load64_splat(a + d);
      check = f64x2.add(check, stepAt<M>(next, sum, i, p, usedGradient(grad, i, ad, p), e, inside, guard, r, w));
      f = f64x2.add(f, newPoint(next, i, v128.load64_splat(c + d)));
    }
    v128.store(summaries + LOSS * row + o, f64x2.mul(s, f));
    v128.store(summaries + EVENT * row + o, f64x2.eq(check, zero));
  }
}

/**
 * One lane of n coordinates, two at a time, its loss written to `loss`; the sum over coordinates runs in their order,
 * one at a time, as the JavaScript formula adds them. Returns the step's finiteness.
 */
export function stepQuadraticOneLane(
  n: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: f64,
  rate: f64,
  wd: f64,
  a: usize,
  c: usize,
  scale: f64,
  loss: usize,
  placement: i32,
  decay: i32,
): f64 {
  if (decay == COUPLED)
    return quadraticOneLane<Coupled>(n, theta, next, grad, sum, eps, rate, wd, a, c, scale, loss, placement);
  if (decay == DECOUPLED)
    return quadraticOneLane<Decoupled>(n, theta, next, grad, sum, eps, rate, wd, a, c, scale, loss, placement);
  return quadraticOneLane<NoDecay>(n, theta, next, grad, sum, eps, rate, wd, a, c, scale, loss, placement);
}

function quadraticOneLane<M>(
  n: i32,
  theta: usize,
  next: usize,
  grad: usize,
  sum: usize,
  eps: f64,
  rate: f64,
  wd: f64,
  a: usize,
  c: usize,
  scale: f64,
  loss: usize,
  placement: i32,
): f64 {
  const inside = insideMask(placement);
  const guard = guardMask(placement);
  const e = f64x2.splat(eps);
  const r = f64x2.splat(rate);
  const w = f64x2.splat(wd);
  let check = f64x2.splat(0);
  let f: f64 = 0;
  const pairs = (<usize>(n >> 1)) << 4;
  for (let o: usize = 0; o < pairs; o += 16) {
    const p = v128.load(theta + o);
    const ao = v128.load(a + o);
    check = f64x2.add(check, stepAt<M>(next, sum, o, p, usedGradient(grad, o, ao, p), e, inside, guard, r, w));
    const term = newPoint(next, o, v128.load(c + o));
    f += f64x2.extract_lane(term, 0);
    f += f64x2.extract_lane(term, 1);
  }
  let tail: f64 = 0;
  if (n & 1) {
    const p = v128.load(theta + pairs);
    const ao = v128.load(a + pairs);
    const g = usedGradient(grad, pairs, ao, p);
    tail = f64x2.extract_lane(stepAt<M>(next, sum, pairs, p, g, e, inside, guard, r, w), 0);
    f += f64x2.extract_lane(newPoint(next, pairs, v128.load(c + pairs)), 0);
  }
  store<f64>(loss, scale * f);
  return total(check) + tail;
}

// Per-sample AdaGrad on sparse logistic regression (src-core/objectives/sparse-logreg.ts, sampleGradient, then
// src-core/optim/sparse-adagrad.ts, adagradSparseKernel): a sample's loss is log(1 + e^m) − y·m with m the sum of θ
// over its k features, its gradient σ(m) − y on each of them; the lazy step touches only those.

// The eps placements of the per-sample kernel, as type arguments (placementCode's numbers at the entry): W3's steps
// wait on each feature's square root and division, and the masks the lane kernels take (`denominator`, `update`) cost
// an addition and a guard's selection per pair there. The forms are the masked ones without their +0 and their
// all-false guard: √G + eps, √(G + eps), and √(G + eps) with no step where G is not > 0.
class Outside {}
class Inside {}
class Guarded {}

/**
 * `count` steps, step firstStep + j on sample samples[j] (i32): its features at indices[s·k …] (i32, distinct), its label
 * at labels[s] (u8, 0 or 1), the features two at a time (an odd last one in both lanes). Returns count when every
 * touched θ and G stayed finite, else −(j + 1) for the first step j that made one non-finite, after which nothing ran;
 * that step's θ before is then in `previous` for the features it touched (for its row: its update and the gradient
 * it used). No other step writes `previous`: ten scattered stores a step, for a row almost no run keeps. `scratch`:
 * k + 1 doubles (16-byte aligned) where a step keeps θ before its features until it knows it stayed finite.
 */
export function stepLogisticSamples(
  count: i32,
  samples: usize,
  indices: usize,
  k: i32,
  labels: usize,
  theta: usize,
  sum: usize,
  previous: usize,
  scratch: usize,
  firstStep: f64,
  lr: f64,
  lrDecay: f64,
  eps: f64,
  placement: i32,
): i32 {
  if (placement == INSIDE)
    return logisticSamples<Inside>(
      count,
      samples,
      indices,
      k,
      labels,
      theta,
      sum,
      previous,
      scratch,
      firstStep,
      lr,
      lrDecay,
      eps,
    );
  if (placement == GUARDED)
    return logisticSamples<Guarded>(
      count,
      samples,
      indices,
      k,
      labels,
      theta,
      sum,
      previous,
      scratch,
      firstStep,
      lr,
      lrDecay,
      eps,
    );
  return logisticSamples<Outside>(
    count,
    samples,
    indices,
    k,
    labels,
    theta,
    sum,
    previous,
    scratch,
    firstStep,
    lr,
    lrDecay,
    eps,
  );
}

function logisticSamples<P>(
  count: i32,
  samples: usize,
  indices: usize,
  k: i32,
  labels: usize,
  theta: usize,
  sum: usize,
  previous: usize,
  scratch: usize,
  firstStep: f64,
  lr: f64,
  lrDecay: f64,
  eps: f64,
): i32 {
  const epsPair = f64x2.splat(eps);
  const one = f64x2.splat(1);
  const zero = f64x2.splat(0);
  const width = (<usize>k) << 2;
  for (let j = 0; j < count; j++) {
    const s = <usize>load<i32>(samples + ((<usize>j) << 2));
    const row = indices + s * width;
    let m: f64 = 0;
    for (let q: usize = 0; q < width; q += 4) m += load<f64>(theta + ((<usize>load<i32>(row + q)) << 3));
    // σ(m) − y as sampleGradient computes it, (m ≥ 0 ? 1 : e) / (1 + e) − y with e = exp(−|m|), in lanes: the sign of
    // m is the sample's, a branch taken at random (mispredicted, it cost more than the selection).
    const e = f64x2.splat(exp(-Math.abs(m)));
    const numerator = v128.bitselect(one, e, f64x2.ge(f64x2.splat(m), zero));
    const g = f64x2.sub(f64x2.div(numerator, f64x2.add(one, e)), f64x2.splat(<f64>load<u8>(labels + s)));
    // −lr / (1 + (t − 1)·decay); without lr decay −lr itself, lr / (1 + t·0) = lr exactly, and no division a step (the
    // divider is what W3's steps wait on: a square root and a division per feature).
    const rate = lrDecay == 0 ? -lr : -(lr / (1 + (firstStep + <f64>j - 1) * lrDecay));
    const step = f64x2.mul(f64x2.splat(rate), g);
    const gg = f64x2.mul(g, g);
    let check = zero;
    // Two features at a time; an odd last one in both lanes (written twice, the same values; its finiteness counted
    // twice, which is 0 or NaN as once). One call site, so that binaryen inlines the step.
    for (let q: usize = 0, kept = scratch; q < width; q += 8, kept += 16) {
      const a = (<usize>load<i32>(row + q)) << 3;
      const b = (<usize>load<i32>(row + (q + 4 < width ? q + 4 : q))) << 3;
      const p = v128.load64_lane(theta + b, v128.load64_zero(theta + a), 1);
      const G = f64x2.add(v128.load64_lane(sum + b, v128.load64_zero(sum + a), 1), gg);
      const x = featureStep<P>(p, G, step, epsPair);
      v128.store(kept, p);
      v128.store64_lane(sum + a, G, 0);
      v128.store64_lane(sum + b, G, 1);
      v128.store64_lane(theta + a, x, 0);
      v128.store64_lane(theta + b, x, 1);
      check = f64x2.add(check, nonFinite(x, G));
    }
    if (total(check) != 0) {
      // θ before the step that diverged, for its features (the same order as the pairs: the odd last one twice).
      for (let q: usize = 0, kept = scratch; q < width; q += 4, kept += 8)
        store<f64>(previous + ((<usize>load<i32>(row + q)) << 3), load<f64>(kept));
      return -(j + 1);
    }
  }
  return count;
}

/**
 * θ after the lazy step of two features from θ = p, their new accumulator G and step = rate·g (adagradKernel's order:
 * p + (rate·g) / denominator; for Guarded, p where G is not > 0). Nothing is fused into an FMA.
 */
function featureStep<P>(p: v128, G: v128, step: v128, eps: v128): v128 {
  if (isMode<P, Outside>()) return f64x2.add(p, f64x2.div(step, f64x2.add(f64x2.sqrt(G), eps)));
  const x = f64x2.add(p, f64x2.div(step, f64x2.sqrt(f64x2.add(G, eps))));
  return isMode<P, Guarded>() ? v128.bitselect(x, p, f64x2.gt(G, f64x2.splat(0))) : x;
}

/**
 * The full-data loss (1/n) Σₛ [max(m, 0) + log(1 + e^−|m|) − yₛ·m] over n samples laid out as above: sparse-logreg.ts's
 * evaluate, in its order. Its gradient is not computed: a stochastic run's rows keep the gradient its step used.
 */
export function evaluateLogistic(n: i32, indices: usize, k: i32, labels: usize, theta: usize): f64 {
  const width = (<usize>k) << 2;
  let loss: f64 = 0;
  // Two samples a turn, their terms added in order: a sample's chain (k ordered additions, exp, log1p) is long, and
  // one at a time the calls left the processor little of the next sample in view; side by side, both exps before both
  // log1ps, a row took 0.8× as long. An odd last sample is paired with itself, its second term not added.
  for (let s: usize = 0, row = indices; s < <usize>n; s += 2, row += width << 1) {
    const last = s + 1 == <usize>n;
    const other = last ? row : row + width;
    let m: f64 = 0;
    let next: f64 = 0;
    for (let q: usize = 0; q < width; q += 4) {
      m += load<f64>(theta + ((<usize>load<i32>(row + q)) << 3));
      next += load<f64>(theta + ((<usize>load<i32>(other + q)) << 3));
    }
    const e = exp(-Math.abs(m));
    const f = exp(-Math.abs(next));
    loss += (m > 0 ? m : 0) + log1p(e) - <f64>load<u8>(labels + s) * m;
    if (!last) loss += (next > 0 ? next : 0) + log1p(f) - <f64>load<u8>(labels + s + 1) * next;
  }
  return loss * (1 / <f64>n);
}

// The order of the samples, drawn here so that a run's steps need no JavaScript between epochs: MT19937 as NumPy's
// RandomState(seed) (src-core/objectives/random.ts) and each epoch's permutation as SampleOrder draws it
// (src-core/objectives/sample-order.ts), the same draws in the same order, so the same samples
// (test/core/optim/wasm/sparse-kernel.test.ts compares the two over seeds, sizes and epochs). The generator's state
// is 624 u32 words and then its position (i32), from one address.

const MT_N: usize = 624;
const MT_M: usize = 397;

/** The bytes of a generator's state: its words and its position. */
export function sampleOrderBytes(): usize {
  return (MT_N + 1) << 2;
}

/** Seeds the generator at `state` as init_genrand(seed) (RandomState.seed). */
export function seedSampleOrder(state: usize, seed: u32): void {
  store<u32>(state, seed);
  for (let i: usize = 1; i < MT_N; i++) {
    const previous = load<u32>(state + ((i - 1) << 2));
    store<u32>(state + (i << 2), 1812433253 * (previous ^ (previous >> 30)) + <u32>i);
  }
  store<i32>(state + (MT_N << 2), <i32>MT_N);
}

function twistWord(state: usize, i: usize, next: usize, far: usize): void {
  const y = (load<u32>(state + (i << 2)) & 0x80000000) | (load<u32>(state + (next << 2)) & 0x7fffffff);
  store<u32>(state + (i << 2), load<u32>(state + (far << 2)) ^ (y >> 1) ^ (y & 1 ? 0x9908b0df : 0));
}

/** The next MT_N words of the generator at `state` (RandomState's twist). */
function twist(state: usize): void {
  let i: usize = 0;
  for (; i < MT_N - MT_M; i++) twistWord(state, i, i + 1, i + MT_M);
  for (; i < MT_N - 1; i++) twistWord(state, i, i + 1, i + MT_M - MT_N);
  twistWord(state, MT_N - 1, 0, MT_M - 1);
}

/** The output for a word of the state (RandomState.nextUint32's tempering). */
function temper(word: u32): u32 {
  let y = word;
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >> 18;
  return y;
}

/**
 * The next epoch's permutation of 0…n−1 into `order` (n i32) from the generator at `state`: NumPy's legacy shuffle,
 * for i from n−1 down to 1 a swap with j drawn by random_interval(i) (draws masked by the smallest all-ones mask ≥ i
 * until one is ≤ i), as SampleOrder.shuffle.
 */
export function shuffleSamples(state: usize, order: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(order + ((<usize>i) << 2), i);
  if (n < 2) return;
  let mask = <u32>(n - 1);
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  // The generator's position, in a local while an epoch is drawn and in memory between epochs.
  let position = <usize>load<i32>(state + (MT_N << 2));
  // One draw a turn, without a branch on it: a draw above i (rejected: up to half of them) swaps order[i] with itself
  // and leaves i as it is, and the next turn draws again for the same i. As a loop of draws inside a loop of i's, the
  // rejection was a branch taken at random, and its mispredictions were most of the shuffle's time.
  let i = <u32>(n - 1);
  while (i >= 1) {
    if (position == MT_N) {
      twist(state);
      position = 0;
    }
    const j = temper(load<u32>(state + (position << 2))) & mask;
    position++;
    const accepted = j <= i;
    const at = order + ((<usize>i) << 2);
    const other = order + ((<usize>select<u32>(j, i, accepted)) << 2);
    const t = load<i32>(at);
    store<i32>(at, load<i32>(other));
    store<i32>(other, t);
    i -= <u32>accepted;
    if (i <= mask >> 1) mask >>= 1;
  }
  store<i32>(state + (MT_N << 2), <i32>position);
}
