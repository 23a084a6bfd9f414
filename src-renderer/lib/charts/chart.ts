/** Chart.js with only the parts the app draws with, registered once: the bundle stays lean. */
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import zoomPlugin from 'chartjs-plugin-zoom';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type LegendItem,
  type Scale,
  type Tick,
} from 'chart.js';
import { toFont } from 'chart.js/helpers';
import { axisTicks } from '../../../src-core/views/ticks';
import { downloadBlob } from '../transport/download';

// Decimation is not registered: series are decimated before they reach Chart.js (src-core/views/decimate.ts), per view.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  CategoryScale,
  Legend,
  Tooltip,
  MatrixController,
  MatrixElement,
  zoomPlugin,
);

export { Chart };

/**
 * The ticks of a numeric axis from src-core/views/ticks.ts, placed after Chart.js has found the data's range: as many
 * labels as fit the axis's length with room between them (every k-th decade on a long log axis, evenly spaced), the axis widened to the labels beyond the data unless a zoom or pan set that end. `integer()` says whether
 * the axis counts steps (no 0.5, 1.5).
 */
function placeTicks(scale: Scale, integer: boolean): void {
  const horizontal = scale.isHorizontal();
  const font = toFont((scale.options as { ticks?: { font?: Parameters<typeof toFont>[0] } }).ticks?.font ?? {});
  const { ctx } = scale;
  ctx.save();
  ctx.font = font.string;
  const { minDefined, maxDefined } = scale.getUserBounds();
  const placed = axisTicks({
    min: scale.min,
    max: scale.max,
    log: scale.type === 'logarithmic',
    pixels: horizontal ? scale.width : scale.height,
    // Vertical labels stand at least 2.5 line heights apart centre to centre, horizontal ones 2.5 em apart edge to edge.
    extent: horizontal ? (label) => ctx.measureText(label).width : () => font.lineHeight,
    gap: horizontal ? 2.5 * font.size : 1.5 * font.lineHeight,
    integer,
    extendMin: !minDefined,
    extendMax: !maxDefined,
  });
  ctx.restore();
  [scale.min, scale.max] = [placed.min, placed.max];
  scale.ticks = placed.ticks.map((tick) => ({ value: tick.value, label: tick.label }));
}

/** Chart.js asks for each tick's label after afterBuildTicks: the one placeTicks gave it. */
function placedLabel(_value: string | number, index: number, ticks: Tick[]): string {
  const label = ticks[index]?.label;
  return typeof label === 'string' ? label : '';
}

/** The options of a numeric axis (linear or log, the type set by the chart) whose ticks placeTicks chooses. */
export function numericAxis(title: string, integer: () => boolean) {
  return {
    type: 'linear' as 'linear' | 'logarithmic',
    // The data's range, not Chart.js's ticks: placeTicks widens it to its own labels.
    bounds: 'data' as const,
    title: { display: true, text: title },
    ticks: { callback: placedLabel, autoSkip: false, maxRotation: 0, major: { enabled: false } },
    afterBuildTicks: (scale: Scale) => placeTicks(scale, integer()),
  };
}

/**
 * A legend whose swatch is a short stroke of the line itself, its colour and its dash pattern (Chart.js passes each
 * dataset's borderDash as the item's lineDash), thick enough to read.
 */
export const lineLegend = {
  display: true,
  position: 'bottom' as const,
  labels: {
    usePointStyle: true,
    pointStyle: 'line' as const,
    pointStyleWidth: 30,
    generateLabels: (chart: Chart): LegendItem[] =>
      Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => ({ ...item, lineWidth: 3 })),
  },
};

/** What zooms a chart, said in its tools (ChartTools.svelte). */
export const zoomHint = 'Ctrl + wheel or drag a box to zoom, Shift + drag to pan';

/**
 * Ctrl + wheel or pinch to zoom, drag a box to zoom, shift-drag to pan; `onview` runs when a zoom or pan settles. The
 * wheel alone scrolls the page: a chart under the pointer must not trap it. Ctrl on every system, macOS included,
 * because a trackpad's pinch reaches the page as a wheel event with ctrlKey set, so the same key serves both.
 */
export function zoomOptions(onview: () => void) {
  return {
    zoom: {
      wheel: { enabled: true, modifierKey: 'ctrl' as const },
      pinch: { enabled: true },
      drag: { enabled: true, threshold: 5 },
      mode: 'xy' as const,
      onZoomComplete: onview,
    },
    pan: { enabled: true, mode: 'xy' as const, modifierKey: 'shift' as const, onPanComplete: onview },
  };
}

/**
 * Saves what a chart shows as a PNG file (its background is painted by the theme plugin, so the file is opaque): a
 * Chart.js chart, or a canvas a view draws itself (which paints its own background).
 */
export function savePng(chart: { canvas: HTMLCanvasElement }, suggestedName: string): Promise<void> {
  return new Promise((resolve, reject) =>
    chart.canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('The chart could not be encoded as PNG'));
      downloadBlob(suggestedName, blob);
      resolve();
    }, 'image/png'),
  );
}
