/**
 * The WebAssembly SIMD build of AdaGrad's lane step (wasm/adagrad-lanes.ts), instantiated once per thread from the
 * bytes embedded in adagrad-lanes.wasm.ts. Where WebAssembly may not be compiled (a page whose CSP lacks
 * 'wasm-unsafe-eval', as the renderer's does) `wasmLaneKernel()` is null and the lanes take the JavaScript loop, which
 * gives the same bits.
 *
 * Its arrays live in the module's memory: `allocate` lays out one lane group's arrays there (16-byte aligned, growing
 * the memory first), and the next group's allocation reuses the space. The views stay valid until then.
 */
import { adagradLanesWasm } from './adagrad-lanes.wasm';

interface Exports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  stepOneLane(n: number, theta: number, previous: number, grad: number, sum: number, eps: number, rate: number, inside: boolean): number;
  stepLanes(n: number, stride: number, theta: number, previous: number, grad: number, sum: number, eps: number, rate: number, inside: boolean): number;
  observeLanes(stride: number, step: number, loss: number, best: number, bestStep: number, reached: number, tolerance: number, maxLoss: number): number;
}

const PAGE = 65536;

export class WasmLaneKernel {
  constructor(private readonly exports: Exports) {}

  /** Fresh zeroed views of the given lengths (in doubles), replacing the previous allocation's. */
  allocate(lengths: readonly number[]): Float64Array[] {
    const { memory } = this.exports;
    const start = (this.exports.heapBase() + 15) & ~15;
    const bytes = lengths.reduce((total, n) => total + ((n * 8 + 15) & ~15), 0);
    const missing = start + bytes - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    let at = start;
    return lengths.map((n) => {
      const view = new Float64Array(memory.buffer, at, n);
      view.fill(0);
      at += (n * 8 + 15) & ~15;
      return view;
    });
  }

  /** One lane: eps and −clr given as numbers. Returns 0 when every new θ and G is finite. */
  stepOneLane(theta: Float64Array, previous: Float64Array, grad: Float64Array, sum: Float64Array, eps: number, rate: number, inside: boolean): number {
    return this.exports.stepOneLane(theta.length, theta.byteOffset, previous.byteOffset, grad.byteOffset, sum.byteOffset, eps, rate, inside);
  }

  /** `stride` lanes (even), per-lane eps and −clr in views from `allocate`. Returns 0 when every new θ and G is finite. */
  stepLanes(stride: number, theta: Float64Array, previous: Float64Array, grad: Float64Array, sum: Float64Array, eps: Float64Array, rate: Float64Array, inside: boolean): number {
    return this.exports.stepLanes(theta.length, stride, theta.byteOffset, previous.byteOffset, grad.byteOffset, sum.byteOffset, eps.byteOffset, rate.byteOffset, inside);
  }

  /** The lanes' summaries after a step whose θ and G were all finite (wasm/adagrad-lanes.ts observeLanes). */
  observeLanes(step: number, loss: Float64Array, best: Float64Array, bestStep: Float64Array, reached: Float64Array, tolerance: Float64Array, maxLoss: Float64Array): number {
    return this.exports.observeLanes(loss.length, step, loss.byteOffset, best.byteOffset, bestStep.byteOffset, reached.byteOffset, tolerance.byteOffset, maxLoss.byteOffset);
  }
}

let kernel: WasmLaneKernel | null | undefined;

/** This thread's kernel, compiled on first use; null where WebAssembly cannot be compiled here. */
export function wasmLaneKernel(): WasmLaneKernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(adagradLanesWasm), (c) => c.charCodeAt(0));
    kernel = new WasmLaneKernel(new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports);
  } catch {
    kernel = null;
  }
  return kernel;
}
