/**
 * The app's keyboard shortcuts, as data: what each does, the key a person presses and its aria-keyshortcuts value.
 * A single-key shortcut never fires while the person is typing in a field (nor with Ctrl, Alt or ⌘ held); Ctrl+Enter,
 * which types nothing, launches from anywhere, the form's fields above all.
 */
export type ShortcutAction =
  'launch' | 'filter-runs' | 'new-sweep' | 'presets' | 'rerun' | 'compare' | 'theme' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** As the help lists it. */
  keys: string;
  /** The aria-keyshortcuts value of the control it operates. */
  aria: string;
  description: string;
}

export const shortcuts: readonly Shortcut[] = [
  {
    action: 'launch',
    keys: 'Ctrl + Enter',
    aria: 'Control+Enter',
    description: 'Launch the sweep in the form (from any field)',
  },
  { action: 'new-sweep', keys: 'n', aria: 'n', description: 'Go to the new sweep form' },
  { action: 'presets', keys: 'p', aria: 'p', description: 'Go to the seed presets' },
  { action: 'filter-runs', keys: '/', aria: '/', description: 'Filter the runs' },
  { action: 'rerun', keys: 'r', aria: 'r', description: 'Re-run the selected run: its settings into the form' },
  { action: 'compare', keys: 'c', aria: 'c', description: 'Switch the selection between charts and the compare table' },
  { action: 'theme', keys: 't', aria: 't', description: 'Switch between the light and the dark theme' },
  { action: 'help', keys: '?', aria: 'Shift+?', description: 'Show these shortcuts' },
];

/** What a handler needs of a keyboard event. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

/** Inputs that take no text: a shortcut pressed on them is meant as one. */
const keylessInputs = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

/** True when a key pressed on `target` types into it (a text field, a select's type-ahead, an editable region). */
export function isTyping(target: EventTarget | null): boolean {
  const element = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null;
  switch (element?.tagName) {
    case 'INPUT':
      return !keylessInputs.has(element.type ?? 'text');
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    default:
      return element?.isContentEditable === true;
  }
}

const singleKeys = new Map(shortcuts.filter((s) => s.action !== 'launch').map((s) => [s.keys, s.action]));

/** The shortcut a key press means, or null (so the key does what it would have done). */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.key === 'Enter' && (press.ctrlKey || press.metaKey) && !press.altKey) return 'launch';
  if (press.ctrlKey || press.metaKey || press.altKey || isTyping(press.target)) return null;
  return singleKeys.get(press.key) ?? null;
}
