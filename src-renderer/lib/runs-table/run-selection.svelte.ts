/**
 * Which runs are selected, as a person picks them in the table: a click selects one run, Ctrl/Cmd+click toggles one,
 * Shift+click selects the range from the last run clicked (adding to the selection with Ctrl/Cmd), and the box in the
 * header selects or clears every run shown. `ids` keeps the order of picking: the charts overlay the first few.
 */
export interface ClickModifiers {
  /** Ctrl or Cmd: toggle (or, with range, add the range). */
  toggle: boolean;
  /** Shift: the range from the anchor. */
  range: boolean;
}

export class RunSelection {
  ids = $state.raw<readonly string[]>([]);
  readonly set = $derived(new Set(this.ids));
  /** The run a Shift+click range starts from: the last one clicked without Shift. */
  private anchor: string | null = null;

  /** Applies a click on `id`; `shown` is the table's order, for ranges. */
  click(id: string, { toggle, range }: ClickModifiers, shown: readonly string[]): void {
    const from = this.anchor === null ? -1 : shown.indexOf(this.anchor);
    const to = shown.indexOf(id);
    if (range && from >= 0 && to >= 0) {
      const span = shown.slice(Math.min(from, to), Math.max(from, to) + 1);
      this.ids = toggle ? union(this.ids, span) : span;
      return;
    }
    this.anchor = id;
    if (!toggle) this.ids = [id];
    else this.ids = this.set.has(id) ? this.ids.filter((other) => other !== id) : [...this.ids, id];
  }

  /** Selects exactly these runs, in this order ([] clears the selection). */
  replace(ids: readonly string[]): void {
    this.ids = [...ids];
    this.anchor = ids.at(-1) ?? null;
  }

  /** Selects every run shown (on), or removes them all from the selection (off). */
  setShown(shown: readonly string[], on: boolean): void {
    if (on) this.ids = union(this.ids, shown);
    else {
      const drop = new Set(shown);
      this.ids = this.ids.filter((id) => !drop.has(id));
    }
  }

  /** Keeps only the runs that still exist (after a deletion). */
  retain(exists: (id: string) => boolean): void {
    if (this.ids.every(exists)) return;
    this.ids = this.ids.filter(exists);
    if (this.anchor !== null && !exists(this.anchor)) this.anchor = null;
  }
}

function union(ids: readonly string[], more: readonly string[]): string[] {
  const have = new Set(ids);
  return [...ids, ...more.filter((id) => !have.has(id))];
}
