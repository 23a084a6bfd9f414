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
