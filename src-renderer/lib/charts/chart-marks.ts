/** Marks drawn over a line chart: where runs diverged, and the step being hovered on any linked chart. */
import type { Chart, Plugin } from 'chart.js';

export interface StepMarker {
  x: number;
  color: string;
  /** Listed under the chart, and drawn beside the mark unless `bare`. */
  label: string;
  /** Only the ✕ on the chart: for charts with many marks, whose labels would cover the plot. */
  bare?: boolean;
}

const inView = (chart: Chart, x: number): number | null => {
  const px = chart.scales.x.getPixelForValue(x);
  return Number.isFinite(px) && px >= chart.chartArea.left - 0.5 && px <= chart.chartArea.right + 0.5 ? px : null;
};

/**
 * A dashed vertical line and a ✕ at the top of the plot at each marker's step, with its label: a non-finite value has
 * no y to be drawn at, so its step is marked over the whole height instead. Labels stack downwards so none overlap.
 * A bare marker is its ✕ alone: a chart of many (a sweep's diverged settings) would be striped by their lines.
 */
export function markersPlugin(markers: () => readonly StepMarker[], textColor: () => string): Plugin {
  return {
    id: 'stepMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = '12px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      markers().forEach((marker, i) => {
        const px = inView(chart, marker.x);
        if (px === null) return;
        ctx.strokeStyle = marker.color;
        if (!marker.bare) {
          ctx.lineWidth = 1.5;
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(px, chartArea.top);
          ctx.lineTo(px, chartArea.bottom);
          ctx.stroke();
          ctx.setLineDash([]);
        }
        const cross = chartArea.top + 6;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.moveTo(px - 5, cross - 5);
        ctx.lineTo(px + 5, cross + 5);
        ctx.moveTo(px + 5, cross - 5);
        ctx.lineTo(px - 5, cross + 5);
        ctx.stroke();
        if (!marker.bare) {
          const width = ctx.measureText(marker.label).width;
          const left = px + 8 + width > chartArea.right ? px - 8 - width : px + 8;
          ctx.fillStyle = textColor();
          ctx.fillText(marker.label, left, cross + i * 16);
        }
      });
      ctx.restore();
    },
  };
}

/** A thin vertical line at the hovered step, so every linked chart shows the same moment. */
export function crosshairPlugin(step: () => number | null, color: () => string): Plugin {
  return {
    id: 'stepCrosshair',
    afterDatasetsDraw(chart) {
      const x = step();
      const px = x === null ? null : inView(chart, x);
      if (px === null) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = color();
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.restore();
    },
  };
}
