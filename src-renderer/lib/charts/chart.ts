/** Chart.js with only the parts the app draws with, registered once: the bundle stays lean. */
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import zoomPlugin from 'chartjs-plugin-zoom';
import { CategoryScale, Chart, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type Scale } from 'chart.js';
import { tickLabel } from '../../../src-core/views/ticks';
import { downloadBlob } from '../transport/download';

// Decimation is not registered: series are decimated before they reach Chart.js (src-core/views/decimate.ts), per view.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip, MatrixController, MatrixElement, zoomPlugin);

export { Chart };

/** Tick labels for a numeric axis, linear or log (src-core/views/ticks.ts): readable over any number of decades. */
export function numericTicks(this: Scale, value: string | number): string {
  return tickLabel(Number(value), this.type === 'logarithmic', Math.log10(this.max / this.min));
}

/** Wheel or pinch to zoom, drag a box to zoom, shift-drag to pan; `onview` runs when a zoom or pan settles. */
export function zoomOptions(onview: () => void) {
  return {
    zoom: { wheel: { enabled: true }, pinch: { enabled: true }, drag: { enabled: true, threshold: 5 }, mode: 'xy' as const, onZoomComplete: onview },
    pan: { enabled: true, mode: 'xy' as const, modifierKey: 'shift' as const, onPanComplete: onview },
  };
}

/** Saves what a chart shows as a PNG file (its background is painted by the theme plugin, so the file is opaque). */
export function savePng(chart: Chart, suggestedName: string): Promise<void> {
  return new Promise((resolve, reject) =>
    chart.canvas.toBlob((blob) => {
      if (!blob) return reject(new Error('The chart could not be encoded as PNG'));
      downloadBlob(suggestedName, blob);
      resolve();
    }, 'image/png'),
  );
}
