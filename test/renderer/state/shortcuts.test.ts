import { describe, expect, it } from 'vitest';
import { isTyping, shortcutFor, shortcuts, type KeyPress } from '../../../src-renderer/lib/state/shortcuts';

/** Stand-ins for the elements a key press can come from. */
const element = (tagName: string, type?: string) => ({ tagName, type }) as unknown as EventTarget;
const textField = element('INPUT', 'text');
const body = element('BODY');
const press = (key: string, target: EventTarget | null = body, modifiers: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
  ...modifiers,
});

describe('keyboard shortcuts', () => {
  it('maps each listed single key to its action when nothing is being typed', () => {
    for (const s of shortcuts.filter((s) => s.action !== 'launch'))
      expect(shortcutFor(press(s.keys)), s.keys).toBe(s.action);
  });

  it('never fires a single-key shortcut while typing in a field, a search box, a select or an editable region', () => {
    const typing = [
      textField,
      element('INPUT', 'search'),
      element('INPUT'),
      element('TEXTAREA'),
      element('SELECT'),
      { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget,
    ];
    for (const target of typing) {
      expect(isTyping(target)).toBe(true);
      for (const key of ['/', '?', 'n', 't', 'r', 'c', 'p']) expect(shortcutFor(press(key, target))).toBeNull();
    }
  });

  it('still fires on a checkbox, a button or a table row, which take no text', () => {
    for (const target of [element('INPUT', 'checkbox'), element('BUTTON'), element('TR')])
      expect(shortcutFor(press('/', target))).toBe('filter-runs');
  });

  it('leaves keys with Ctrl, Alt or ⌘ to the browser, except Ctrl/⌘+Enter, which launches from anywhere', () => {
    expect(shortcutFor(press('t', body, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press('n', body, { metaKey: true }))).toBeNull();
    expect(shortcutFor(press('/', body, { altKey: true }))).toBeNull();
    expect(shortcutFor(press('Enter', textField, { ctrlKey: true }))).toBe('launch');
    expect(shortcutFor(press('Enter', textField, { metaKey: true }))).toBe('launch');
    expect(shortcutFor(press('Enter', textField))).toBeNull();
    expect(shortcutFor(press('x'))).toBeNull();
  });

  it('lists each key once', () => {
    expect(new Set(shortcuts.map((s) => s.keys)).size).toBe(shortcuts.length);
  });
});
