/**
 * Chart colours come from the page's CSS custom properties, so charts follow the light or dark theme; canvases cannot
 * use CSS variables themselves, so they are read here and re-applied whenever the theme may have changed.
 */
import type { Chart, Plugin } from 'chart.js';

export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  background: string;
  danger: string;
}

export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--fg', '#1b1f24'),
    muted: read('--muted', '#5b6470'),
    grid: read('--grid', '#e4e8ec'),
    background: read('--panel', '#ffffff'),
    danger: read('--danger', '#b42318'),
  };
}

/** Runs `onchange` on a colour-scheme switch or a class, style or data-* change on <html> (a theme toggle); returns the stop. */
export function watchTheme(onchange: () => void): () => void {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const observer = new MutationObserver(onchange);
  observer.observe(document.documentElement, { attributes: true });
  media.addEventListener('change', onchange);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onchange);
  };
}

interface Themeable {
  ticks?: { color?: unknown };
  grid?: { color?: unknown };
  border?: { color?: unknown };
  title?: { color?: unknown };
}

/** Puts the theme's colours on a chart's axes and legend; call chart.update() after. */
export function applyTheme(chart: Chart, theme: ChartTheme): void {
  for (const scale of Object.values(chart.options.scales ?? {}) as Themeable[]) {
    if (scale.ticks) scale.ticks.color = theme.muted;
    if (scale.grid) scale.grid.color = theme.grid;
    if (scale.border) scale.border.color = theme.grid;
    if (scale.title) scale.title.color = theme.text;
  }
  const legend = chart.options.plugins?.legend;
  if (legend?.labels) legend.labels.color = theme.text;
}

/** Themes a chart now and after every theme change (`ontheme` keeps the colours its plugins draw with); returns the stop. */
function followTheme(chart: Chart, ontheme: (theme: ChartTheme) => void): () => void {
  const apply = () => {
    const theme = readChartTheme();
    ontheme(theme);
    applyTheme(chart, theme);
    chart.update('none');
  };
  apply();
  return watchTheme(apply);
}

/**
 * What a component's `{@attach}` needs to hold a chart for its lifetime: the chart follows the theme (`ontheme`
 * keeps what its plugins draw with), `onleave` runs when the pointer leaves the canvas, and the returned teardown
 * undoes both and destroys the chart.
 */
export function holdChart(chart: Chart, ontheme: (theme: ChartTheme) => void, onleave?: () => void): () => void {
  const canvas = chart.canvas;
  if (onleave) canvas.addEventListener('pointerleave', onleave);
  const stopWatching = followTheme(chart, ontheme);
  return () => {
    stopWatching();
    if (onleave) canvas.removeEventListener('pointerleave', onleave);
    chart.destroy();
  };
}

/** Paints the canvas with the theme's panel colour first, so a saved PNG has the background the chart is seen on. */
export function backgroundPlugin(theme: () => ChartTheme): Plugin {
  return {
    id: 'themeBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = theme().background;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}
