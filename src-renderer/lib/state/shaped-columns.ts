/**
 * Many small objects of a few shapes, kept as columns: what RunList holds per run instead of a config and a summary
 * object (~700 bytes a run in objects; docs/performance-ui.md). Objects of one shape (the same keys, strings, booleans
 * and nulls; only numbers differ) share a template, and each number that differs from the
 * template in any object gets a Float64Array with a value per slot. A sweep's configs differ in the few numbers it
 * sweeps, its summaries in their losses and steps, so a slot costs 1 byte plus 8 per number that varies. An object is
 * built again, equal to the one put (numbers bit for bit, -0 and NaN included), each time it is read; its keys come in
 * the template's order (one code path builds every config and summary, so that is the order they were put in).
 *
 * Top-level keys named `placed` are neither compared nor stored: the caller gives them back to `get` (a config's id,
 * sweep and index follow from its run's place).
 */

/** A value as stored: JSON-like (what IndexedDB gives back for a config or a summary). */
type Value = number | string | boolean | null | undefined | Value[] | { [key: string]: Value };

interface Shape {
  template: Value;
  /** The template's numbers, in the order `walk` meets them. */
  numbers: number[];
  /** Per number: null while every slot of this shape has the template's, else a value per slot. */
  columns: (Float64Array | null)[];
  /** The position among `numbers` of each top-level key whose value is a number. */
  fields: Map<string, number>;
}

/** At most this many shapes per set (failed runs' messages each make one); objects of more are kept whole. */
const MAX_SHAPES = 254;
const WHOLE = 255;
/** How many of the newest shapes a put tries (beyond that an object of an older shape makes a new one). */
const SHAPES_TRIED = 16;

/**
 * Whether `value` has the shape of `template`; collects its numbers in `numbers` on the way. Loops, not closures or
 * key arrays: it runs for every run read at start-up.
 */
function walk(template: Value, value: Value, numbers: number[], placed: ReadonlySet<string> | null): boolean {
  if (typeof template === 'number') {
    if (typeof value !== 'number') return false;
    numbers.push(value);
    return true;
  }
  if (template === null || typeof template !== 'object') return template === value;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(template)) {
    if (!Array.isArray(value) || template.length !== value.length) return false;
    for (let i = 0; i < template.length; i++) if (!walk(template[i], value[i], numbers, null)) return false;
    return true;
  }
  if (Array.isArray(value)) return false;
  let keys = 0;
  for (const key in template) {
    keys++;
    const item = value[key];
    if (item === undefined && !(key in value)) return false;
    if (placed !== null && placed.has(key)) continue;
    if (!walk(template[key], item, numbers, null)) return false;
  }
  return keys === keyCount(value);
}

/** How many keys a plain object has (what IndexedDB gives back is plain: for…in sees only its own), without an array of them. */
function keyCount(object: object): number {
  let count = 0;
  for (const _key in object) count++;
  return count;
}

/** Where each top-level number of a template falls among its numbers (walk's order). */
function fieldsOf(template: Value, placed: ReadonlySet<string> | null): Map<string, number> {
  const fields = new Map<string, number>();
  if (template === null || typeof template !== 'object' || Array.isArray(template)) return fields;
  const numbers: number[] = [];
  for (const key in template) {
    if (placed?.has(key)) continue;
    if (typeof template[key] === 'number') fields.set(key, numbers.length);
    walk(template[key], template[key], numbers, null);
  }
  return fields;
}

function grown<A extends Float64Array | Uint8Array>(array: A, size: number, make: (n: number) => A): A {
  if (size <= array.length) return array;
  const bigger = make(Math.max(size, array.length * 2, 64));
  bigger.set(array);
  return bigger;
}

export class ShapedColumns<T extends object> {
  private readonly shapes: Shape[] = [];
  /** Per slot: 0 empty, k + 1 for shapes[k], WHOLE for an object kept in `whole`. */
  private shapeOf = new Uint8Array(0);
  private readonly whole = new Map<number, T>();
  private readonly numbers: number[] = [];
  /** The shape put last: a sweep's objects come in runs of one shape, so it is tried first. */
  private last = 0;
  private readonly placed: ReadonlySet<string> | null;
  // What `build` reads: the shape and slot being built, and the next number's position.
  private building: Shape | null = null;
  private slot = 0;
  private next = 0;

  constructor(placed: readonly string[] = []) {
    this.placed = placed.length > 0 ? new Set(placed) : null;
  }

  /** Stores `value` in `slot` (replacing what it held). */
  put(slot: number, value: T): void {
    this.shapeOf = grown(this.shapeOf, slot + 1, (n) => new Uint8Array(n));
    this.whole.delete(slot);
    const numbers = this.numbers;
    // The shape put last, then the newest few: a put stays O(1) where every failed run's message makes a shape.
    let k = this.fits(this.last, value) ? this.last : -1;
    const oldest = Math.max(0, this.shapes.length - SHAPES_TRIED);
    for (let i = this.shapes.length - 1; k < 0 && i >= oldest; i--) if (i !== this.last && this.fits(i, value)) k = i;
    if (k < 0) {
      if (this.shapes.length === MAX_SHAPES) {
        this.shapeOf[slot] = WHOLE;
        this.whole.set(slot, structuredClone(value));
        return;
      }
      const template = structuredClone(value) as Value;
      numbers.length = 0;
      walk(template, template, numbers, this.placed);
      k =
        this.shapes.push({
          template,
          numbers: [...numbers],
          columns: numbers.map(() => null),
          fields: fieldsOf(template, this.placed),
        }) - 1;
    }
    const shape = this.shapes[k];
    this.last = k;
    this.shapeOf[slot] = k + 1;
    for (let i = 0; i < numbers.length; i++) {
      let column = shape.columns[i];
      if (!column) {
        if (Object.is(numbers[i], shape.numbers[i])) continue;
        // Every slot put so far with this shape had the template's value: fill it in before the first that differs.
        column = new Float64Array(this.shapeOf.length).fill(shape.numbers[i]);
      }
      shape.columns[i] = column = grown(column, this.shapeOf.length, (n) => new Float64Array(n));
      column[slot] = numbers[i];
    }
  }

  /** A new object equal to the one last put in `slot`, with `placed` keys from `place` (undefined if none was put). */
  get(slot: number, place?: Partial<T>): T | undefined {
    const s = this.shapeOf[slot];
    if (s === undefined || s === 0) return undefined;
    if (s === WHOLE) return structuredClone(this.whole.get(slot));
    [this.building, this.slot, this.next] = [this.shapes[s - 1], slot, 0];
    return this.build(this.building.template, (place ?? {}) as Record<string, Value>) as T;
  }

  /** One top-level key (not a placed one) of the object in `slot`, read without building the object (what a sort reads per run). */
  field<K extends keyof T>(slot: number, key: K): T[K] | undefined {
    const s = this.shapeOf[slot];
    if (s === undefined || s === 0) return undefined;
    if (s === WHOLE) return this.whole.get(slot)![key];
    const shape = this.shapes[s - 1];
    const k = shape.fields.get(key as string);
    if (k === undefined) {
      const leaf = (shape.template as Record<string, Value>)[key as string];
      // An object or an array may hold numbers of this slot's: built with the rest.
      return (leaf !== null && typeof leaf === 'object' ? this.get(slot)![key] : leaf) as T[K];
    }
    return (shape.columns[k]?.[slot] ?? shape.numbers[k]) as T[K];
  }

  /** Forgets what `slot` holds. */
  delete(slot: number): void {
    if (slot < this.shapeOf.length) this.shapeOf[slot] = 0;
    this.whole.delete(slot);
  }

  /**
   * Slots whose objects, together, show every number that differs among the slots `kept`: for each shape the first
   * slot kept, and the slots of the least and greatest value (and a NaN) of each of its numbers that has a column;
   * every object kept whole. So a value read from one number differs among the kept slots exactly when it differs among these.
   */
  samples(kept: (slot: number) => boolean): Set<number> {
    const found = new Set<number>();
    const length = this.shapeOf.length;
    this.shapes.forEach((shape, k) => {
      const first = this.shapeOf.findIndex((s, slot) => s === k + 1 && kept(slot));
      if (first < 0) return;
      found.add(first);
      for (const column of shape.columns) {
        if (!column) continue;
        // NaN is neither least nor greatest: one slot holding it stands for every other.
        let [low, high, nan] = [-1, -1, -1];
        for (let slot = first; slot < length; slot++) {
          if (this.shapeOf[slot] !== k + 1 || !kept(slot)) continue;
          const x = column[slot];
          if (Number.isNaN(x)) nan = nan < 0 ? slot : nan;
          else {
            if (low < 0 || x < column[low]) low = slot;
            if (high < 0 || x > column[high]) high = slot;
          }
        }
        for (const slot of [low, high, nan]) if (slot >= 0) found.add(slot);
      }
    });
    for (const slot of this.whole.keys()) if (kept(slot)) found.add(slot);
    return found;
  }

  private fits(k: number, value: T): boolean {
    const shape = this.shapes[k];
    this.numbers.length = 0;
    return shape !== undefined && walk(shape.template, value as Value, this.numbers, this.placed);
  }

  /** The template with its numbers read from the slot's columns, in walk's order; `place` (top level only) fills the placed keys. */
  private build(template: Value, place: Record<string, Value> | null): Value {
    if (typeof template === 'number') {
      const k = this.next++;
      const column = this.building!.columns[k];
      return column ? column[this.slot] : this.building!.numbers[k];
    }
    if (template === null || typeof template !== 'object') return template;
    if (Array.isArray(template)) {
      const array = new Array<Value>(template.length);
      for (let i = 0; i < template.length; i++) array[i] = this.build(template[i], null);
      return array;
    }
    const object: Record<string, Value> = {};
    for (const key in template)
      object[key] = place && this.placed?.has(key) ? place[key] : this.build(template[key], null);
    return object;
  }
}
