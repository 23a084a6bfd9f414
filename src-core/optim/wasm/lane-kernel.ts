/**
 * AdaGrad's lane kernels in WebAssembly SIMD (module.ts): the step alone, the step fused with a diagonal
 * quadratic and the lanes' summaries, the summaries alone. `wasmLaneKernel()` is null where WebAssembly cannot be
 * compiled, and the lanes take the JavaScript loops (src-core/run/lanes.ts), which give the same bits.
 *
 * A lane group's arrays live in the module's memory: `allocate` lays them out there, and the next group's allocation
 * reuses the space.
 */
import type { DiagonalQuadratic } from '../../objectives/types';
import { turnOver, type AdagradLanes } from '../adagrad-lanes';
import { kernelOfModule, type AdagradModule } from './module';

/** A diagonal quadratic's coefficients copied into the kernel's memory (one array when a and c are the same). */
export interface KernelQuadratic {
  readonly a: Float64Array;
  readonly c: Float64Array;
  readonly scale: number;
}

/** The arrays `placeQuadratic` needs: one when a and c are the same (ill-conditioned: no second stream to read). */
export const quadraticLengths = (q: DiagonalQuadratic): number[] =>
  q.loss === q.gradient ? [q.gradient.length] : [q.gradient.length, q.loss.length];

export class WasmLaneKernel {
  private readonly exports: AdagradModule['exports'];

  constructor(private readonly module: AdagradModule) {
    this.exports = module.exports;
  }

  /** Fresh zeroed views of the given lengths (in doubles), replacing the previous allocation's. */
  allocate(lengths: readonly number[]): Float64Array[] {
    return this.module.allocate(lengths);
  }

  /**
   * One step of `l`'s lanes on the gradient in l.grad (adagrad-lanes.ts stepAdagradLanes): a single lane with its eps,
   * rate (sign·(−clr)) and weight decay as numbers, or `stride` lanes (even) with theirs in views from `allocate`; the
   * group's eps placement and weight-decay mode as placementCode and decayCode give them. The new θ is written to
   * l.previous's buffer, and the two are turned over (adagrad-lanes.ts turnOver), as after every step below. Returns 0
   * when every new θ and G is finite.
   */
  step(l: AdagradLanes): number {
    const check = l.stride === 1 ? this.stepOne(l) : this.stepMany(l);
    turnOver(l);
    return check;
  }

  private stepOne(l: AdagradLanes): number {
    return this.exports.stepOneLane(
      l.dim,
      l.theta.byteOffset,
      l.previous.byteOffset,
      l.grad.byteOffset,
      l.accum.byteOffset,
      l.eps[0],
      l.rate[0],
      l.weightDecay[0],
      l.placement,
      l.decayCode,
    );
  }

  private stepMany(l: AdagradLanes): number {
    return this.exports.stepLanes(
      l.theta.length,
      l.stride,
      l.theta.byteOffset,
      l.previous.byteOffset,
      l.grad.byteOffset,
      l.accum.byteOffset,
      l.eps.byteOffset,
      l.rate.byteOffset,
      l.weightDecay.byteOffset,
      l.placement,
      l.decayCode,
    );
  }

  /**
   * The lanes' summaries after a step whose θ and G were all finite (wasm/adagrad.ts observeLanes): `summaries` is their
   * eight rows of `stride` doubles, from `allocate`; `tolerances`: whether any lane has a tolerance. Returns 0 when no
   * lane has an event.
   */
  observeLanes(step: number, stride: number, summaries: Float64Array, tolerances: boolean): number {
    return this.exports.observeLanes(stride, step, summaries.byteOffset, tolerances);
  }

  /** `quadratic`'s coefficients copied into `views`, the allocation's last arrays, sized by quadraticLengths. */
  placeQuadratic(quadratic: DiagonalQuadratic, [a, c = a]: Float64Array[]): KernelQuadratic {
    a.set(quadratic.gradient);
    if (c !== a) c.set(quadratic.loss);
    return { a, c, scale: quadratic.scale };
  }

  /**
   * Step `step` of lanes whose objective is `q`, fused with the objective and the summaries (stride > 1): writes each
   * lane's loss, summary and event, and, when `keepGradient` (a step whose rows are kept), the gradient the step used
   * (∇f at θ before it) to l.grad and each lane's loss as its highest recorded where it is higher.
   * Returns 0 when no lane has an event.
   */
  stepQuadraticLanes(
    l: AdagradLanes,
    q: KernelQuadratic,
    step: number,
    summaries: Float64Array,
    tolerances: boolean,
    keepGradient: boolean,
  ): number {
    const events = this.exports.stepQuadraticLanes(
      l.dim,
      l.stride,
      step,
      l.theta.byteOffset,
      l.previous.byteOffset,
      keepGradient ? l.grad.byteOffset : 0,
      l.accum.byteOffset,
      l.eps.byteOffset,
      l.rate.byteOffset,
      l.weightDecay.byteOffset,
      q.a.byteOffset,
      q.c.byteOffset,
      q.scale,
      summaries.byteOffset,
      tolerances,
      l.placement,
      l.decayCode,
    );
    turnOver(l);
    return events;
  }

  /** The same for a single lane: writes its loss to loss[0]. Returns 0 when every new θ and G is finite. */
  stepQuadraticOneLane(l: AdagradLanes, q: KernelQuadratic, loss: Float64Array, keepGradient: boolean): number {
    const check = this.exports.stepQuadraticOneLane(
      l.dim,
      l.theta.byteOffset,
      l.previous.byteOffset,
      keepGradient ? l.grad.byteOffset : 0,
      l.accum.byteOffset,
      l.eps[0],
      l.rate[0],
      l.weightDecay[0],
      q.a.byteOffset,
      q.c.byteOffset,
      q.scale,
      loss.byteOffset,
      l.placement,
      l.decayCode,
    );
    turnOver(l);
    return check;
  }
}

/** This thread's lane kernel; null where WebAssembly cannot be compiled here. */
export const wasmLaneKernel = kernelOfModule((module) => new WasmLaneKernel(module));
