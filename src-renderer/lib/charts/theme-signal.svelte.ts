/**
 * A signal of the theme for views that read their colours from it when they are built (seriesColor reads
 * --series-k): reading `version` in a derivation rebuilds it, in the new theme's colours, when the theme changes.
 * Chart.js's own colours (axes, legend) follow through holdChart; these are the data's colours.
 */
import { watchTheme } from './chart-theme';

class ThemeSignal {
  version = $state(0);

  constructor() {
    if (typeof document === 'undefined') return;
    const current = () =>
      `${document.documentElement.dataset.theme}|${matchMedia('(prefers-color-scheme: dark)').matches}`;
    let seen = current();
    // Lives as long as the page: one observer for every chart.
    watchTheme(() => {
      const now = current();
      if (now !== seen) [seen, this.version] = [now, this.version + 1];
    });
  }
}

export const themeSignal = new ThemeSignal();
