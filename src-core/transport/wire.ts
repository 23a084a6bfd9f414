/**
 * A binary framing for messages that carry typed arrays over a WebSocket, exact to the bit (JSON would turn NaN and
 * ±Infinity into null and copy every number through text).
 *
 * Frame: [u32 header length][header: JSON with each typed array replaced by {"$typed": kind, "at": n}][padding to 8]
 *        [each array's bytes, each padded to 8]. Little-endian throughout, as on every platform Electron ships.
 *
 * Decoding trusts nothing in the header: each slot must lie inside the frame, after the end of the slot before it (in
 * the order the header names them, which is the order `encodeFrame` writes them), so no two slots share a byte and the
 * arrays decoded never add up to more bytes than the frame has. Without that, one 4 MiB message whose 600 slots all
 * named the same bytes made the server copy 2.4 GB.
 *
 * A number JSON cannot write (NaN, ±Infinity: a diverged run's final loss; and -0) goes in the header as
 * {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}, so a summary arrives as the worker computed it, not as null.
 */
const kinds = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array } as const;
type Kind = keyof typeof kinds;
type Typed = InstanceType<(typeof kinds)[Kind]>;

interface Slot {
  $typed: Kind;
  at: number;
  length: number;
}

const align8 = (n: number): number => (n + 7) & ~7;

const specialNumbers: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };
/** The header's form of a number JSON would not keep; null for any other value. */
const specialNumber = (value: unknown): { $number: string } | null =>
  typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))
    ? { $number: Object.is(value, -0) ? '-0' : String(value) }
    : null;
const isNumberSlot = (value: unknown): value is { $number: string } =>
  typeof value === 'object' &&
  value !== null &&
  '$number' in value &&
  typeof (value as { $number: unknown }).$number === 'string';

function kindOf(value: unknown): Kind | null {
  if (!ArrayBuffer.isView(value)) return null;
  const name = value.constructor.name;
  return name in kinds ? (name as Kind) : null;
}

/**
 * A frame as the pieces it is made of, none copied: its start (the header's length, the header, padding to 8), then
 * each array's bytes, each followed by its padding. Sent one after another (a WebSocket message's fragments) they are
 * the frame; a batch of results goes out without being copied into one first.
 */
export function encodeFrameParts(message: unknown): Uint8Array<ArrayBuffer>[] {
  const arrays: Typed[] = [];
  let offset = 0;
  const header = JSON.stringify(message, (_key, value: unknown) => {
    const special = specialNumber(value);
    if (special) return special;
    const kind = kindOf(value);
    if (kind === null) return value;
    const array = value as Typed;
    const slot: Slot = { $typed: kind, at: offset, length: array.length };
    arrays.push(array);
    offset += align8(array.byteLength);
    return slot;
  });
  const headerBytes = new TextEncoder().encode(header);
  const start = new Uint8Array(align8(4 + headerBytes.length));
  new DataView(start.buffer).setUint32(0, headerBytes.length, true);
  start.set(headerBytes, 4);
  const parts = [start];
  for (const array of arrays) {
    if (array.byteLength === 0) continue;
    parts.push(new Uint8Array(array.buffer as ArrayBuffer, array.byteOffset, array.byteLength));
    const padding = align8(array.byteLength) - array.byteLength;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  return parts;
}

/** The frame in one buffer: its parts (encodeFrameParts) back to back. */
export function encodeFrame(message: unknown): Uint8Array<ArrayBuffer> {
  const parts = encodeFrameParts(message);
  const frame = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    frame.set(part, at);
    at += part.byteLength;
  }
  return frame;
}

const isSlot = (value: unknown): value is Slot =>
  typeof value === 'object' && value !== null && '$typed' in value && typeof (value as Slot).$typed === 'string';

/**
 * The message a frame holds. Its arrays are copies, unless `views`: then each is a view of the frame's own bytes
 * wherever they are aligned for it — for a caller that owns the frame and never writes to it again (the window, given
 * a message's buffer by its WebSocket), so that a batch of results is not copied once more on arrival.
 */
export function decodeFrame(frame: Uint8Array, { views = false }: { views?: boolean } = {}): unknown {
  if (frame.byteLength < 4) throw new Error('Invalid frame: shorter than its header length');
  const headerLength = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('Invalid frame: header longer than the frame');
  const header = new TextDecoder().decode(frame.subarray(4, 4 + headerLength));
  const bodyStart = align8(4 + headerLength);
  // Where the last slot decoded ended: the next one must start at or after it.
  let nextFree = bodyStart;
  return JSON.parse(header, (_key, value: unknown) => {
    if (isNumberSlot(value)) {
      if (!Object.hasOwn(specialNumbers, value.$number))
        throw new Error(`Invalid frame: unknown number ${JSON.stringify(value.$number.slice(0, 40))}`);
      return specialNumbers[value.$number];
    }
    if (!isSlot(value)) return value;
    // An own key only: "constructor" or "toString" would otherwise name Object's functions.
    if (!Object.hasOwn(kinds, value.$typed))
      throw new Error(`Invalid frame: unknown array kind ${JSON.stringify(value.$typed.slice(0, 40))}`);
    const Ctor = kinds[value.$typed];
    if (!Number.isSafeInteger(value.at) || !Number.isSafeInteger(value.length) || value.at < 0 || value.length < 0) {
      throw new Error('Invalid frame: an array slot needs whole, non-negative "at" and "length"');
    }
    const start = bodyStart + value.at;
    const bytes = value.length * Ctor.BYTES_PER_ELEMENT;
    if (start + bytes > frame.byteLength) throw new Error('Invalid frame: array outside the frame');
    if (start < nextFree)
      throw new Error(
        'Invalid frame: array slots must be disjoint and in order (one slot starts before the previous one ends)',
      );
    nextFree = start + bytes;
    const at = frame.byteOffset + start;
    if (views && at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(frame.buffer as ArrayBuffer, at, value.length);
    // A copy: the frame's own offset need not be aligned for the view's element size.
    const copy = frame.slice(start, start + bytes);
    return new Ctor(copy.buffer);
  });
}
