import { describe, expect, it } from 'vitest';
import { ThemeState, type ThemeHost } from '../../../src-renderer/lib/state/theme.svelte';

/** A page with a storage, a system preference that can change, and <html>'s dataset. */
function host(systemDark: boolean, stored: string | null = null, failing = false) {
  const saved = new Map(stored === null ? [] : [['adagrad-lab-theme', stored]]);
  const listeners: ((event: { matches: boolean }) => void)[] = [];
  const page = {
    storage: {
      getItem: (key: string) => {
        if (failing) throw new Error('SecurityError');
        return saved.get(key) ?? null;
      },
      setItem: (key: string, value: string) => {
        if (failing) throw new Error('QuotaExceededError');
        saved.set(key, value);
      },
    },
    systemDark: {
      matches: systemDark,
      addEventListener: (_type: string, listener: (event: { matches: boolean }) => void) => listeners.push(listener),
    },
    root: { dataset: {} as DOMStringMap },
  };
  const changeSystem = (dark: boolean) => listeners.forEach((listener) => listener({ matches: dark }));
  return { page: page as unknown as ThemeHost, saved, changeSystem, root: page.root };
}

describe('the theme', () => {
  it('follows the system until a choice is made, and keeps following it', () => {
    const { page, changeSystem, root } = host(true);
    const theme = new ThemeState(page);
    expect(theme.current).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
    changeSystem(false);
    expect(root.dataset.theme).toBe('light');
  });

  it('toggles, remembers the choice, and holds it against the system', () => {
    const { page, saved, changeSystem, root } = host(false);
    const theme = new ThemeState(page);
    theme.toggle();
    expect(root.dataset.theme).toBe('dark');
    expect(saved.get('adagrad-lab-theme')).toBe('dark');
    changeSystem(false);
    expect(root.dataset.theme).toBe('dark');
    // The next visit starts from the stored choice.
    expect(new ThemeState(host(false, 'dark').page).current).toBe('dark');
    theme.toggle();
    expect(saved.get('adagrad-lab-theme')).toBe('light');
  });

  it('ignores a stored value it does not know, and works without storage', () => {
    expect(new ThemeState(host(true, 'sepia').page).current).toBe('dark');
    const { page, root } = host(false, null, true);
    const theme = new ThemeState(page);
    theme.toggle();
    expect(root.dataset.theme).toBe('dark');
  });

  it('takes the menu’s choice: a theme, or back to following the system, each remembered', () => {
    const { page, saved, changeSystem, root } = host(false);
    const theme = new ThemeState(page);
    theme.choose('dark');
    expect([root.dataset.theme, saved.get('adagrad-lab-theme')]).toEqual(['dark', 'dark']);
    theme.choose('dark'); // choosing the current theme keeps it
    expect(root.dataset.theme).toBe('dark');
    theme.choose(null);
    expect([theme.chosen, root.dataset.theme, saved.get('adagrad-lab-theme')]).toEqual([null, 'light', 'system']);
    changeSystem(true);
    expect(root.dataset.theme).toBe('dark');
    // The next visit follows the system too.
    expect(new ThemeState(host(true, 'system').page).chosen).toBeNull();
  });
});
