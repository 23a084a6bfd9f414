/**
 * AdaGrad on many runs side by side: one step of every lane, over coordinate-major arrays (coordinate d of lane r at
 * d·stride + r), so the inner loop walks contiguous memory and the lanes' independent arithmetic overlaps. Every lane
 * performs exactly adagradKernel's operations in its order (adagrad.ts), so a lane's numbers are its run's numbers
 * (test/core/run/lanes.test.ts). What must be the same for all lanes is fixed per group: eps placement, and whether
 * weight decay is off, coupled or decoupled (PyTorch skips a zero weight decay, which keeps −0 and ±∞ as they are).
 *
 * Maximize is per lane, in `sign` (−1) and in the rate: a lane's rate is sign·(−clr), so that without weight decay the
 * step θ + (rate·g)/denominator is PyTorch's θ + (−clr·(−g))/denominator exactly (the product of two negations is the
 * product). With weight decay the loops negate g themselves, before the decay, and take −clr back as rate·sign (the
 * WebAssembly kernels as −|rate|, and the sign from the rate's sign bit: clr ≥ +0, so it is clear exactly where the
 * lane maximizes).
 */
import type { AdagradConfig } from '../contract/engine';
import type { WasmLaneKernel } from './wasm/lane-kernel';

export type WeightDecayMode = 'none' | 'coupled' | 'decoupled';

export const weightDecayMode = (c: AdagradConfig): WeightDecayMode =>
  c.weightDecay === 0 ? 'none' : c.decoupledWeightDecay ? 'decoupled' : 'coupled';

/** The eps placements as the WebAssembly kernels take them. */
export const placementCode = { outside: 0, inside: 1, 'inside-guarded': 2 } as const satisfies Record<
  AdagradConfig['epsPlacement'],
  number
>;

/** The weight-decay modes as the WebAssembly kernels take them. */
export const decayCode = { none: 0, coupled: 1, decoupled: 2 } as const satisfies Record<WeightDecayMode, number>;

export interface AdagradLanes {
  readonly dim: number;
  /** The runs stepped, lanes 0…lanes−1. */
  readonly lanes: number;
  /** Lanes allocated: `lanes`, or one more for the WebAssembly kernel, which takes lanes two by two. */
  readonly stride: number;
  readonly inside: boolean;
  /** Optax's guard: no update where G = 0 ('inside-guarded'). */
  readonly guarded: boolean;
  /** placementCode of the group's eps placement, for the WebAssembly kernels. */
  readonly placement: number;
  readonly decay: WeightDecayMode;
  /** decayCode of `decay`, for the WebAssembly kernels. */
  readonly decayCode: number;
  /**
   * θ, and θ before the last step (for the trace's update column): two buffers that swap roles at each step (`turnOver`),
   * a step reading θ from one and writing its new θ to the other, so that no step copies θ before. Read them from
   * here after a step, never from a copy of the reference taken before it.
   */
  theta: Float64Array;
  previous: Float64Array;
  readonly grad: Float64Array;
  readonly accum: Float64Array;
  readonly lr: Float64Array;
  readonly lrDecay: Float64Array;
  readonly eps: Float64Array;
  /** Per lane (stride), 0 for padding; read by the loops only when `decay` is not 'none'. */
  readonly weightDecay: Float64Array;
  /** −1 for a lane that maximizes, else 1. */
  readonly sign: Float64Array;
  /** sign·(−clr) of each lane at the current step. */
  readonly rate: Float64Array;
  /** Whether any lane has an lr decay, so that its rate changes from step to step. */
  readonly decays: boolean;
  /** The SIMD kernel that steps these lanes (arrays in its memory), or null for the JavaScript loop. */
  readonly kernel: WasmLaneKernel | null;
}

/**
 * How a group's lanes are laid out: the kernel that steps them (the WebAssembly one if given: it takes every AdaGrad
 * option, weight decay of either mode included) and the lanes allocated: the kernel takes lanes two by two, so a group
 * of more than one gets an even count, the last one padding.
 */
export function laneLayout(
  configs: readonly AdagradConfig[],
  wasm: WasmLaneKernel | null,
): { kernel: WasmLaneKernel | null; stride: number } {
  const kernel = wasm;
  const lanes = configs.length;
  return { kernel, stride: kernel && lanes > 1 ? lanes + (lanes & 1) : lanes };
}

/**
 * The arrays of a lane group, zeroed, from `laneLayout`'s kernel memory or plain: θ, θ before, ∇, G (dim·stride), eps,
 * rate, weight decay (stride).
 */
export type LaneArrays = [
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
  Float64Array,
];

export const laneArrayLengths = (dim: number, stride: number): number[] => [
  dim * stride,
  dim * stride,
  dim * stride,
  dim * stride,
  stride,
  stride,
  stride,
];

/**
 * Lanes for `configs` (one group: same eps placement and weight-decay mode) on `arrays`, θ and the gradient left at
 * zero. A padding lane has eps 1, rate 0 and weight decay 0, and so never moves.
 */
export function createAdagradLanes(
  configs: readonly AdagradConfig[],
  dim: number,
  layout: ReturnType<typeof laneLayout>,
  arrays: LaneArrays,
): AdagradLanes {
  const { kernel, stride } = layout;
  const [theta, previous, grad, accum, eps, rate, weightDecay] = arrays;
  eps.fill(1);
  configs.forEach((c, r) => {
    eps[r] = c.eps;
    weightDecay[r] = c.weightDecay;
    // One lane's G is the whole array: filled at once, as a memset is, rather than a coordinate at a time.
    if (stride === 1) accum.fill(c.initialAccumulator);
    else for (let d = 0; d < dim; d++) accum[d * stride + r] = c.initialAccumulator;
  });
  const column = (pick: (c: AdagradConfig) => number) => Float64Array.from(configs, pick);
  const placement = configs[0].epsPlacement;
  const decay = weightDecayMode(configs[0]);
  return {
    dim,
    lanes: configs.length,
    stride,
    inside: placement !== 'outside',
    guarded: placement === 'inside-guarded',
    placement: placementCode[placement],
    decay,
    decayCode: decayCode[decay],
    theta,
    previous,
    grad,
    accum,
    lr: column((c) => c.lr),
    lrDecay: column((c) => c.lrDecay),
    eps,
    weightDecay,
    sign: column((c) => (c.maximize ? -1 : 1)),
    rate,
    decays: configs.some((c) => c.lrDecay !== 0),
    kernel,
  };
}

/**
 * Step t (from 1) of every lane, on `grad`: G in place, θ into the other buffer (`turnOver`). Returns Σ (θ − θ) + (G − G) over the new values: 0 when every
 * lane's θ and G are finite, NaN as soon as one is not (then lanes must be checked one by one).
 */
export function stepAdagradLanes(l: AdagradLanes, t: number): number {
  const { kernel } = l;
  updateRates(l, t);
  if (kernel) return kernel.step(l);
  const check = l.decay === 'none' ? stepWithoutDecay(l) : stepWithDecay(l, l.decay === 'coupled');
  turnOver(l);
  return check;
}

/**
 * A diagonal quadratic (objectives/diagonal-quadratic.ts) fused into the JavaScript step, as the WebAssembly kernel's
 * stepQuadratic* fuse it: each coordinate's gradient a_d·θ_d taken from θ as the step reads it, and each lane's loss
 * scale·Σ_d c_d·(x_d·x_d) at the new θ summed in coordinate order into `loss`; the gradient the step used (∇f at θ
 * before it) is written to the lanes' `grad` only when `keepGradient` (a step whose rows are kept).
 */
export interface FusedQuadratic {
  readonly a: Float64Array;
  readonly c: Float64Array;
  readonly scale: number;
  readonly loss: Float64Array;
  keepGradient: boolean;
}

/**
 * Step t (from 1) of every lane in JavaScript, fused with the diagonal quadratic `q` (the lanes' `grad` is not read).
 * Returns the step's finiteness, as stepAdagradLanes.
 */
export function stepQuadraticAdagradLanes(l: AdagradLanes, t: number, q: FusedQuadratic): number {
  updateRates(l, t);
  // Two loops, as the unfused step has: without decay the loop holds none of the decay's branches and loads (W1's
  // step 1.28× faster than through the loop that takes every mode).
  const check = l.decay === 'none' ? quadraticWithoutDecay(l, q) : quadraticWithDecay(l, q, l.decay === 'coupled');
  turnOver(l);
  return check;
}

/**
 * Per lane (stride), the summaries run/lanes.ts keeps between steps (its LaneSummaries, observeLanes's rules): the
 * loss, the best loss and its step, the first step at or below tolerance (−1 until then; tolerance NaN for none), the
 * highest loss the lane's trace recorded and the loss above which the lane has blown up.
 */
export interface BlockSummaries {
  readonly loss: Float64Array;
  readonly best: Float64Array;
  readonly bestStep: Float64Array;
  readonly reached: Float64Array;
  readonly tolerance: Float64Array;
  readonly maxLoss: Float64Array;
  readonly limit: Float64Array;
}

/**
 * Lane r stops at step `step` of a block: it `diverged` (a non-finite θ, G or loss, or a loss above its limit), or
 * else its loss is above the highest its trace recorded (a spike). Its θ after the step is in the lanes' `theta`, θ
 * before it in `previous`, its G, loss and summaries in place, and ∇f at θ before (the gradient the step took, before
 * maximize and decay) in `grad`. The caller records the row, or parks the lane; the block then goes on from what the
 * arrays hold.
 */
export type BlockStop = (r: number, step: number, diverged: boolean) => void;

/**
 * Steps `from`…`to` (from 1, none of them a step whose rows are kept) of every lane, fused with the diagonal quadratic
 * `q`, and each step's summaries as observeLanes keeps them, stopping a lane only where observeLanes would give it an
 * event (`stop`). The same operations in the same order as stepQuadraticAdagradLanes and observeLanes step after step,
 * so the same bits; afterwards the arrays hold step `to` (θ, θ before, G, losses, rates, summaries) as if the steps had
 * been taken one by one, and `grad` is not meaningful.
 *
 * Why: step by step, a lane's coordinates, hyperparameters and summaries go through memory every step, and one lane's
 * chain (g → G → √ → / → θ, ~50 cycles) waits for the last. Here, at dimension 1 or 2, two lanes at a time are
 * stepped for the whole block in locals, their chains interleaved (four in flight at dimension 2): W1 in 0.37–0.43× the
 * time of the step-by-step loops. Four lanes in one body did better in a bare loop (0.70× two's time) but not here
 * (1.25–1.33×: past V8's inlining budget, or too many live values for the registers). Above dimension 2 the
 * coordinates are chains enough, and one lane at a time keeps its cache lines (quadraticLane).
 */
export function stepQuadraticBlock(
  l: AdagradLanes,
  q: FusedQuadratic,
  from: number,
  to: number,
  s: BlockSummaries,
  stop: BlockStop,
): void {
  // Without lr decay a lane's rate is set once, for step 1, and kept: set it here in case `from` is 1.
  updateRates(l, from);
  if (l.dim <= 2) for (let r = 0; r < l.lanes; r += 2) quadraticPair(l, q, from, to, s, stop, r);
  else for (let r = 0; r < l.lanes; r++) quadraticLane(l, q, from, to, s, stop, r);
}

/**
 * stepQuadraticBlock for lanes r and r + 1 (lane B). With an odd number of lanes the last one is stepped as both A and
 * B: B's numbers are then A's, written twice, and its events are not reported twice.
 */
function quadraticPair(
  l: AdagradLanes,
  { a, c, scale }: FusedQuadratic,
  from: number,
  to: number,
  s: BlockSummaries,
  stop: BlockStop,
  rA: number,
): void {
  const { stride, dim, inside, guarded, decays, theta, previous, grad, accum, eps, lr, lrDecay, weightDecay, sign } = l;
  const { loss, best, bestStep, reached, tolerance, maxLoss, limit } = s;
  const hasB = rA + 1 < l.lanes;
  const rB = hasB ? rA + 1 : rA;
  const two = dim === 2;
  const withDecay = l.decay !== 'none';
  const coupled = l.decay === 'coupled';
  const decoupled = l.decay === 'decoupled';
  const a0 = a[0];
  const c0 = c[0];
  const a1 = two ? a[1] : 0;
  const c1 = two ? c[1] : 0;
  // Lane A's coordinate 1 and lane B's coordinates 0 and 1 (dim 1: coordinate 1 is never read nor written).
  const iA1 = rA + stride;
  const iB1 = rB + stride;
  const arrays = [previous, theta, accum, grad] as const;
  for (let t = from; t <= to; t++) {
    // Each lane from the arrays: at the block's start, and after a stop (which may have parked a lane).
    let pA0 = theta[rA];
    let pA1 = two ? theta[iA1] : 0;
    let GA0 = accum[rA];
    let GA1 = two ? accum[iA1] : 0;
    let qA0 = pA0;
    let qA1 = pA1;
    let gA0 = 0;
    let gA1 = 0;
    let fA = loss[rA];
    const eA = eps[rA];
    const sA = sign[rA];
    const wA = weightDecay[rA];
    const lrA = lr[rA];
    const ldA = lrDecay[rA];
    // With decay g is negated first where the lane maximizes and the rate is −clr; without, the rate's sign does it.
    const negateA = withDecay && sA < 0;
    let nA = withDecay ? l.rate[rA] * sA : l.rate[rA];
    let bestA = best[rA];
    let bestStepA = bestStep[rA];
    let reachedA = reached[rA];
    const toleranceA = tolerance[rA];
    const maxA = maxLoss[rA];
    const limitA = limit[rA];
    let pB0 = theta[rB];
    let pB1 = two ? theta[iB1] : 0;
    let GB0 = accum[rB];
    let GB1 = two ? accum[iB1] : 0;
    let qB0 = pB0;
    let qB1 = pB1;
    let gB0 = 0;
    let gB1 = 0;
    let fB = loss[rB];
    const eB = eps[rB];
    const sB = sign[rB];
    const wB = weightDecay[rB];
    const lrB = lr[rB];
    const ldB = lrDecay[rB];
    const negateB = withDecay && sB < 0;
    let nB = withDecay ? l.rate[rB] * sB : l.rate[rB];
    let bestB = best[rB];
    let bestStepB = bestStep[rB];
    let reachedB = reached[rB];
    const toleranceB = tolerance[rB];
    const maxB = maxLoss[rB];
    const limitB = limit[rB];
    let stopA = false;
    let stopB = false;
    let divergedA = false;
    let divergedB = false;
    for (; t <= to; t++) {
      if (decays) {
        // updateRates's expression.
        const rateA = sA * -(lrA / (1 + (t - 1) * ldA));
        const rateB = sB * -(lrB / (1 + (t - 1) * ldB));
        nA = withDecay ? rateA * sA : rateA;
        nB = withDecay ? rateB * sB : rateB;
      }
      // The step: ∇f = a·θ, then adagradKernel's operations (stepQuadraticAdagradLanes's, coordinate by coordinate).
      gA0 = a0 * pA0;
      gB0 = a0 * pB0;
      const uA0 = entering(gA0, pA0, negateA, coupled, wA);
      const uB0 = entering(gB0, pB0, negateB, coupled, wB);
      GA0 = GA0 + uA0 * uA0;
      GB0 = GB0 + uB0 * uB0;
      const xA0 = moved(pA0, uA0, GA0, eA, nA, wA, inside, guarded, decoupled);
      const xB0 = moved(pB0, uB0, GB0, eB, nB, wB, inside, guarded, decoupled);
      // The loss from 0, coordinate after coordinate (diagonalQuadraticLanes's sum); the finiteness of θ, G and f.
      let sumA = 0 + c0 * (xA0 * xA0);
      let sumB = 0 + c0 * (xB0 * xB0);
      let checkA = xA0 - xA0 + (GA0 - GA0);
      let checkB = xB0 - xB0 + (GB0 - GB0);
      let xA1 = 0;
      let xB1 = 0;
      if (two) {
        gA1 = a1 * pA1;
        gB1 = a1 * pB1;
        const uA1 = entering(gA1, pA1, negateA, coupled, wA);
        const uB1 = entering(gB1, pB1, negateB, coupled, wB);
        GA1 = GA1 + uA1 * uA1;
        GB1 = GB1 + uB1 * uB1;
        xA1 = moved(pA1, uA1, GA1, eA, nA, wA, inside, guarded, decoupled);
        xB1 = moved(pB1, uB1, GB1, eB, nB, wB, inside, guarded, decoupled);
        sumA += c1 * (xA1 * xA1);
        sumB += c1 * (xB1 * xB1);
        checkA += xA1 - xA1 + (GA1 - GA1);
        checkB += xB1 - xB1 + (GB1 - GB1);
      }
      qA0 = pA0;
      qA1 = pA1;
      pA0 = xA0;
      pA1 = xA1;
      qB0 = pB0;
      qB1 = pB1;
      pB0 = xB0;
      pB1 = xB1;
      fA = scale * sumA;
      fB = scale * sumB;
      // observeLanes, lane by lane: diverged (then nothing else), else best, tolerance, and a spike.
      if (fA - fA + checkA !== 0 || fA > limitA) stopA = divergedA = true;
      else {
        if (fA < bestA) {
          bestA = fA;
          bestStepA = t;
        }
        if (reachedA < 0 && fA <= toleranceA) reachedA = t;
        stopA = fA > maxA;
      }
      if (fB - fB + checkB !== 0 || fB > limitB) stopB = divergedB = true;
      else {
        if (fB < bestB) {
          bestB = fB;
          bestStepB = t;
        }
        if (reachedB < 0 && fB <= toleranceB) reachedB = t;
        stopB = fB > maxB;
      }
      if (stopA || stopB) break;
    }
    // Step t, or `to` (the loop ran out): back to the arrays, B first, so that a lone lane's A is what stays. θ before
    // first: without a trace `previous` is `theta` (run/lanes.ts), and θ must be what stays.
    const last = t > to ? to : t;
    storeCoordinate(arrays, rB, qB0, pB0, GB0, gB0);
    if (two) storeCoordinate(arrays, iB1, qB1, pB1, GB1, gB1);
    storeSummaries(s, rB, fB, bestB, bestStepB, reachedB);
    // ±1 · ±1: the rate exactly.
    l.rate[rB] = withDecay ? nB * sB : nB;
    storeCoordinate(arrays, rA, qA0, pA0, GA0, gA0);
    if (two) storeCoordinate(arrays, iA1, qA1, pA1, GA1, gA1);
    storeSummaries(s, rA, fA, bestA, bestStepA, reachedA);
    l.rate[rA] = withDecay ? nA * sA : nA;
    if (stopA) stop(rA, last, divergedA);
    if (stopB && hasB) stop(rB, last, divergedB);
  }
}

/** Where a lane's coordinate i goes back to the arrays when quadraticPair leaves its locals: θ before, θ, G, ∇f. */
function storeCoordinate(
  [previous, theta, accum, grad]: readonly [Float64Array, Float64Array, Float64Array, Float64Array],
  i: number,
  before: number,
  now: number,
  G: number,
  g: number,
): void {
  previous[i] = before;
  theta[i] = now;
  accum[i] = G;
  grad[i] = g;
}

/** Lane r's loss and summaries back to the arrays when quadraticPair leaves its locals. */
function storeSummaries(
  s: BlockSummaries,
  r: number,
  loss: number,
  best: number,
  bestStep: number,
  reached: number,
): void {
  s.loss[r] = loss;
  s.best[r] = best;
  s.bestStep[r] = bestStep;
  s.reached[r] = reached;
}

/**
 * stepQuadraticBlock for lane r of a quadratic of dimension 3 or more, whose coordinates are chains of their own: its θ
 * and G stay in the arrays, which hold one lane's few cache lines through the block (step by step, a step's pass over
 * every lane's coordinates left the cache before the next), and its summaries in locals. θ after each step goes to the
 * lane's slots of the other buffer, so after an odd number of steps the two are exchanged for this lane.
 */
function quadraticLane(
  l: AdagradLanes,
  { a, c, scale }: FusedQuadratic,
  from: number,
  to: number,
  s: BlockSummaries,
  stop: BlockStop,
  r: number,
): void {
  const { stride, dim, inside, guarded, decays, theta, previous, grad, accum, eps, weightDecay, sign } = l;
  const { loss, best, bestStep, reached, tolerance, maxLoss, limit } = s;
  const withDecay = l.decay !== 'none';
  const coupled = l.decay === 'coupled';
  const decoupled = l.decay === 'decoupled';
  const end = r + dim * stride;
  for (let t = from; t <= to; t++) {
    // From the arrays: at the block's start, and after a stop (which may have parked the lane).
    const e = eps[r];
    const sg = sign[r];
    const w = weightDecay[r];
    const negate = withDecay && sg < 0;
    let n = withDecay ? l.rate[r] * sg : l.rate[r];
    let f = loss[r];
    let bestR = best[r];
    let bestStepR = bestStep[r];
    let reachedR = reached[r];
    const toleranceR = tolerance[r];
    const maxR = maxLoss[r];
    const limitR = limit[r];
    let steps = 0;
    let stopped = false;
    let diverged = false;
    // θ before the step, and where θ after it goes.
    let current = theta;
    let into = previous;
    for (; t <= to; t++) {
      if (decays) n = withDecay ? rateAt(l, r, t) * sg : rateAt(l, r, t);
      let sum = 0;
      let check = 0;
      for (let i = r, d = 0; i < end; i += stride, d++) {
        const p = current[i];
        const u = entering(a[d] * p, p, negate, coupled, w);
        const G = accum[i] + u * u;
        accum[i] = G;
        const x = moved(p, u, G, e, n, w, inside, guarded, decoupled);
        into[i] = x;
        sum += c[d] * (x * x);
        check += x - x + (G - G);
      }
      const next = current;
      current = into;
      into = next;
      steps++;
      f = scale * sum;
      // observeLanes's rule, as quadraticPair has it.
      if (f - f + check !== 0 || f > limitR) stopped = diverged = true;
      else {
        if (f < bestR) {
          bestR = f;
          bestStepR = t;
        }
        if (reachedR < 0 && f <= toleranceR) reachedR = t;
        stopped = f > maxR;
      }
      if (stopped) break;
    }
    // θ after the last step is in `current`: into `theta` (and θ before into `previous`) when the steps were odd.
    if (steps & 1 && theta !== previous)
      for (let i = r; i < end; i += stride) {
        const x = previous[i];
        previous[i] = theta[i];
        theta[i] = x;
      }
    loss[r] = f;
    best[r] = bestR;
    bestStep[r] = bestStepR;
    reached[r] = reachedR;
    l.rate[r] = withDecay ? n * sg : n;
    if (stopped) {
      // The gradient the step took, ∇f at θ before it, as the step computed it.
      for (let i = r, d = 0; i < end; i += stride, d++) grad[i] = a[d] * previous[i];
      stop(r, t, diverged);
    }
  }
}

/** The gradient a step enters into G from ∇f = gf at θ = p: −gf where the lane maximizes with decay, + wd·p coupled. */
function entering(gf: number, p: number, negate: boolean, coupled: boolean, wd: number): number {
  const gi = negate ? -gf : gf;
  return coupled ? gi + wd * p : gi;
}

/** θ after a step from p on the entering gradient g with the new G, as stepQuadraticAdagradLanes's loops take it. */
function moved(
  p: number,
  g: number,
  G: number,
  e: number,
  negativeRate: number,
  wd: number,
  inside: boolean,
  guarded: boolean,
  decoupled: boolean,
): number {
  const skip = guarded && !(G > 0);
  const denominator = inside ? Math.sqrt(G + e) : Math.sqrt(G) + e;
  if (decoupled) return p + negativeRate * ((skip ? -0 : g / denominator) + wd * p);
  return skip ? p : p + (negativeRate * g) / denominator;
}

// Lane by lane (the coordinates of a lane are a stride apart), each lane's hyperparameters read once: for W1's lanes
// (dim 2) 1.7× faster than flat loops over the coordinates with the objective folded in. θ after the step goes to
// the buffer of θ before the last one (turnOver).

function quadraticWithoutDecay(
  { stride, dim, lanes, inside, guarded, theta, previous: next, grad, accum, eps, rate }: AdagradLanes,
  { a, c, scale, loss, keepGradient }: FusedQuadratic,
): number {
  let check = 0;
  for (let r = 0; r < lanes; r++) {
    const e = eps[r];
    // The rate's sign carries maximize.
    const negativeRate = rate[r];
    let f = 0;
    for (let d = 0, i = r; d < dim; d++, i += stride) {
      const p = theta[i];
      const g = a[d] * p;
      const newAccum = accum[i] + g * g;
      accum[i] = newAccum;
      const denominator = inside ? Math.sqrt(newAccum + e) : Math.sqrt(newAccum) + e;
      const x = guarded && !(newAccum > 0) ? p : p + (negativeRate * g) / denominator;
      next[i] = x;
      check += x - x + (newAccum - newAccum);
      if (keepGradient) grad[i] = g;
      f += c[d] * (x * x);
    }
    loss[r] = scale * f;
  }
  return check;
}

function quadraticWithDecay(
  {
    stride,
    dim,
    lanes,
    inside,
    guarded,
    theta,
    previous: next,
    grad,
    accum,
    eps,
    weightDecay,
    sign,
    rate,
  }: AdagradLanes,
  { a, c, scale, loss, keepGradient }: FusedQuadratic,
  coupled: boolean,
): number {
  let check = 0;
  for (let r = 0; r < lanes; r++) {
    const e = eps[r];
    const wd = weightDecay[r];
    const negate = sign[r] < 0;
    // −clr is rate·sign, and g is negated first.
    const negativeRate = rate[r] * sign[r];
    let f = 0;
    for (let d = 0, i = r; d < dim; d++, i += stride) {
      const p = theta[i];
      const gf = a[d] * p;
      const gi = negate ? -gf : gf;
      const g = coupled ? gi + wd * p : gi;
      const newAccum = accum[i] + g * g;
      accum[i] = newAccum;
      const skip = guarded && !(newAccum > 0);
      const denominator = inside ? Math.sqrt(newAccum + e) : Math.sqrt(newAccum) + e;
      const x = coupled
        ? skip
          ? p
          : p + (negativeRate * g) / denominator
        : p + negativeRate * ((skip ? -0 : g / denominator) + wd * p);
      next[i] = x;
      check += x - x + (newAccum - newAccum);
      if (keepGradient) grad[i] = gf;
      f += c[d] * (x * x);
    }
    loss[r] = scale * f;
  }
  return check;
}

/** After a step wrote its new θ to `previous`'s buffer: that buffer becomes θ, and θ's the one before. */
export function turnOver(l: AdagradLanes): void {
  const before = l.theta;
  l.theta = l.previous;
  l.previous = before;
}

/** Sets each lane's sign·(−clr) for step t (from 1), −clr as adagradKernel computes it (adagrad.ts). */
export function updateRates(l: AdagradLanes, t: number): void {
  // lr/(1 + (t−1)·0) is lr exactly: without decay the rate is the same every step, and costs no division per lane.
  if (t === 1 || l.decays) for (let r = 0; r < l.lanes; r++) l.rate[r] = rateAt(l, r, t);
}

/** Lane r's sign·(−clr) at step t. */
const rateAt = (l: AdagradLanes, r: number, t: number): number => l.sign[r] * -(l.lr[r] / (1 + (t - 1) * l.lrDecay[r]));

/** Puts a lane that has finished (diverged) at rest: zeros, eps 1 and rate 0 keep it finite and still from now on. */
export function parkLane(l: AdagradLanes, r: number): void {
  for (let i = r; i < l.theta.length; i += l.stride) l.theta[i] = l.previous[i] = l.grad[i] = l.accum[i] = 0;
  l.eps[r] = 1;
  l.lr[r] = 0;
  l.rate[r] = 0;
  l.weightDecay[r] = 0;
}

/** Whether a lane's recorded gradient differs from ∇f: some lane maximizes (−∇f), or the decay is coupled (+ wd·θ). */
export const entersOtherThanGradient = (l: AdagradLanes): boolean => l.decay === 'coupled' || l.sign.some((s) => s < 0);

/**
 * out ← −out where a lane maximizes, then out ← out + wd·θ per lane when the decay is coupled, θ being `at` (θ before
 * the step: `previous` once it has run): the gradient the step enters into G from ∇f in `out`, as adagradKernel
 * computes it (negate, then the decay), for the trace's gradient column. The steps themselves fold maximize into the
 * rate's sign where there is no decay (stepWithoutDecay, the WebAssembly kernels): G takes g² either way, but the
 * gradient that entered G is −∇f, and this is what the trace records. `lane`: that lane's coordinates only.
 */
export function toEnteringGradient(
  { stride, weightDecay: wd, sign, decay, previous }: AdagradLanes,
  out: Float64Array,
  at: Float64Array = previous,
  lane?: number,
): void {
  const coupled = decay === 'coupled';
  if (lane !== undefined) {
    for (let i = lane; i < out.length; i += stride) out[i] = entering(out[i], at[i], sign[lane] < 0, coupled, wd[lane]);
    return;
  }
  for (let i = 0, r = 0; i < out.length; i++) {
    out[i] = entering(out[i], at[i], sign[r] < 0, coupled, wd[r]);
    if (++r === stride) r = 0;
  }
}

// Two loops rather than one with a weight-decay branch per coordinate: V8 does not hoist loop-invariant branches. One
// flat loop over every (coordinate, lane) with the lane counted alongside, so that a single run of a million
// coordinates and ten thousand runs of two both stream through memory without an inner loop's overhead. Both write θ
// after the step into `previous`'s buffer; stepAdagradLanes then turns the two over.

function stepWithoutDecay({
  stride,
  dim,
  inside,
  guarded,
  theta,
  previous: next,
  grad,
  accum,
  eps,
  rate,
}: AdagradLanes): number {
  let check = 0;
  for (let i = 0, r = 0, n = dim * stride; i < n; i++) {
    const p = theta[i];
    const g = grad[i];
    const newAccum = accum[i] + g * g;
    accum[i] = newAccum;
    const x =
      guarded && !(newAccum > 0)
        ? p
        : p + (rate[r] * g) / (inside ? Math.sqrt(newAccum + eps[r]) : Math.sqrt(newAccum) + eps[r]);
    next[i] = x;
    check += x - x + (newAccum - newAccum);
    if (++r === stride) r = 0;
  }
  return check;
}

function stepWithDecay(
  { stride, dim, inside, guarded, theta, previous: next, grad, accum, eps, weightDecay: wd, sign, rate }: AdagradLanes,
  coupled: boolean,
): number {
  let check = 0;
  for (let i = 0, r = 0, n = dim * stride; i < n; i++) {
    const p = theta[i];
    const s = sign[r];
    const gi = s < 0 ? -grad[i] : grad[i];
    const g = coupled ? gi + wd[r] * p : gi;
    const newAccum = accum[i] + g * g;
    accum[i] = newAccum;
    const skip = guarded && !(newAccum > 0);
    const denominator = inside ? Math.sqrt(newAccum + eps[r]) : Math.sqrt(newAccum) + eps[r];
    const negativeRate = rate[r] * s;
    const x = coupled
      ? skip
        ? p
        : p + (negativeRate * g) / denominator
      : p + negativeRate * ((skip ? -0 : g / denominator) + wd[r] * p);
    next[i] = x;
    check += x - x + (newAccum - newAccum);
    if (++r === stride) r = 0;
  }
  return check;
}
