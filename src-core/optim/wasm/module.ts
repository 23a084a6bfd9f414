/**
 * The AdaGrad kernels in WebAssembly SIMD (wasm/adagrad.ts, AssemblyScript; `npm run build:wasm` embeds the bytes in
 * adagrad.wasm.ts), instantiated once per thread from those bytes, and the memory their callers lay arrays out in.
 * Where WebAssembly may not be compiled (a page whose CSP lacks 'wasm-unsafe-eval', as the renderer's does)
 * `adagradModule()` is null and every caller takes its JavaScript loop, which gives the same bits.
 *
 * The module imports two functions, Math.exp and Math.log1p themselves, so that they are JavaScript's to the bit. V8
 * calls them through its wasm-to-JS wrapper; fdlibm's exp ported into the kernel, bit for bit, was still slower on
 * W3's steps (docs/performance.md, "W3, second pass").
 */
import { adagradWasm } from './adagrad.wasm';

/** The module's exports (wasm/adagrad.ts documents each); arrays are byte addresses in `memory`. */
export interface AdagradExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  stepOneLane(
    n: number,
    theta: number,
    next: number,
    grad: number,
    accum: number,
    eps: number,
    rate: number,
    wd: number,
    placement: number,
    decay: number,
  ): number;
  stepLanes(
    n: number,
    stride: number,
    theta: number,
    next: number,
    grad: number,
    accum: number,
    eps: number,
    rate: number,
    wd: number,
    placement: number,
    decay: number,
  ): number;
  observeLanes(stride: number, step: number, summaries: number, tolerances: boolean): number;
  stepQuadraticLanes(
    dim: number,
    stride: number,
    step: number,
    theta: number,
    next: number,
    grad: number,
    accum: number,
    eps: number,
    rate: number,
    wd: number,
    a: number,
    c: number,
    scale: number,
    summaries: number,
    tolerances: boolean,
    placement: number,
    decay: number,
  ): number;
  stepQuadraticOneLane(
    n: number,
    theta: number,
    next: number,
    grad: number,
    accum: number,
    eps: number,
    rate: number,
    wd: number,
    a: number,
    c: number,
    scale: number,
    loss: number,
    placement: number,
    decay: number,
  ): number;
  stepLogisticSamples(
    count: number,
    samples: number,
    indices: number,
    k: number,
    labels: number,
    theta: number,
    accum: number,
    previous: number,
    scratch: number,
    firstStep: number,
    lr: number,
    lrDecay: number,
    eps: number,
    placement: number,
  ): number;
  sampleOrderBytes(): number;
  seedSampleOrder(state: number, seed: number): void;
  shuffleSamples(state: number, order: number, n: number): void;
  evaluateLogistic(n: number, indices: number, k: number, labels: number, theta: number): number;
}

const PAGE = 65536;

export class AdagradModule {
  constructor(readonly exports: AdagradExports) {}

  /**
   * Fresh regions of `sizes` bytes, replacing the previous allocation's, and returns their byte addresses: each
   * 16-byte aligned and padded to a multiple of 16 bytes (the kernels read and write the padding after an odd last
   * double: wasm/adagrad.ts). Views on them stay valid until the next call. Zeroed unless `zeroed` is false: a caller
   * that writes every byte it reads before reading it (the per-sample kernel's 2 MB for W3) need not pay for it.
   */
  regions(sizes: readonly number[], zeroed = true): number[] {
    const { memory } = this.exports;
    const start = (this.exports.heapBase() + 15) & ~15;
    const total = sizes.reduce((sum, n) => sum + ((n + 15) & ~15), 0);
    const missing = start + total - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE));
    if (zeroed) new Uint8Array(memory.buffer, start, total).fill(0);
    let at = start;
    return sizes.map((n) => {
      const address = at;
      at += (n + 15) & ~15;
      return address;
    });
  }

  /** Fresh zeroed Float64Array views of the given lengths (`regions`). */
  allocate(lengths: readonly number[]): Float64Array[] {
    const addresses = this.regions(lengths.map((n) => n * 8));
    const { buffer } = this.exports.memory; // after `regions`, which may have grown the memory (a new buffer)
    // Array.from, not map: map's arrays are packed while this runs interpreted and holey once V8 has optimized it, and
    // a caller's code optimized for the one deoptimized on the other (executeLanes, once per thread).
    return Array.from(addresses, (at, i) => new Float64Array(buffer, at, lengths[i]));
  }
}

let instance: AdagradModule | null | undefined;

/** This thread's module, compiled on first use; null where WebAssembly cannot be compiled here. */
function adagradModule(): AdagradModule | null {
  if (instance !== undefined) return instance;
  try {
    const bytes = Uint8Array.from(atob(adagradWasm), (c) => c.charCodeAt(0));
    const imports = { adagrad: { exp: Math.exp, log1p: Math.log1p } };
    instance = new AdagradModule(
      new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as unknown as AdagradExports,
    );
  } catch {
    instance = null;
  }
  return instance;
}

/** A kernel over this thread's module, made on first use and kept; null where WebAssembly cannot be compiled here. */
export function kernelOfModule<K>(make: (module: AdagradModule) => K): () => K | null {
  let kernel: K | null | undefined;
  return () => {
    if (kernel === undefined) {
      const module = adagradModule();
      kernel = module && make(module);
    }
    return kernel;
  };
}
