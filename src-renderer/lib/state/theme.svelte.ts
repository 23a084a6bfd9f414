/**
 * Light or dark: the system's choice (prefers-color-scheme) until the person picks one, which is remembered
 * (localStorage). The theme is set as <html data-theme="light|dark">; app.css keys its custom properties on it.
 */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'adagrad-lab-theme';

/** What the state needs of the page, so tests can hand it plain objects. */
export interface ThemeHost {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  /** matchMedia('(prefers-color-scheme: dark)'). */
  systemDark: Pick<MediaQueryList, 'matches' | 'addEventListener'>;
  root: { dataset: DOMStringMap };
}

export class ThemeState {
  /** The person's choice; null: follow the system. */
  chosen = $state<Theme | null>(null);
  private system = $state<Theme>('light');

  constructor(private readonly host: ThemeHost) {
    const stored = this.read();
    this.chosen = stored === 'light' || stored === 'dark' ? stored : null;
    this.system = host.systemDark.matches ? 'dark' : 'light';
    host.systemDark.addEventListener('change', (event) => {
      this.system = event.matches ? 'dark' : 'light';
      this.apply();
    });
    this.apply();
  }

  get current(): Theme {
    return this.chosen ?? this.system;
  }

  toggle(): void {
    this.choose(this.current === 'dark' ? 'light' : 'dark');
  }

  /** A theme, remembered; or null: follow the system again (also remembered, as 'system'). */
  choose(choice: Theme | null): void {
    this.chosen = choice;
    try {
      this.host.storage.setItem(STORAGE_KEY, choice ?? 'system');
    } catch {
      // Storage refused (a private window, a full quota): the choice holds until the page closes.
    }
    this.apply();
  }

  private read(): string | null {
    try {
      return this.host.storage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  }

  private apply(): void {
    this.host.root.dataset.theme = this.current;
  }
}
