/**
 * The few web-platform globals src-core uses. They exist alike in browsers, workers and Node, but TypeScript declares
 * them only in lib.dom or @types/node, neither of which this layer may see.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  decode(input?: Uint8Array): string;
}

/** Base64 to a binary string: the wasm modules' bytes are embedded that way. */
declare function atob(data: string): string;

/** The part of the WebAssembly JS API that src-core uses (optim/wasm/). */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
