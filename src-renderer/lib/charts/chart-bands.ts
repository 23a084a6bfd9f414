/**
 * Bands under a line chart's lines: a group's spread per step (min–max, or ± one standard deviation) as a translucent
 * fill of the group's colour. Chart.js's Filler would fill between two datasets, but a band's edges are decimated
 * apart (each keeps its own extremes) and its lower edge may reach 0 or below, which a log axis cannot place; drawn here
 * as one polygon, the upper edge forward and the lower back, with what lies below a log axis pushed to its bottom.
 */
import type { Chart, Plugin } from 'chart.js';
import { color } from 'chart.js/helpers';
import type { Point } from '../../../src-core/views/decimate';

export interface DrawnBand {
  /** The group's line colour; the band is filled with it, translucent. */
  color: string;
  lower: Point[];
  upper: Point[];
}

/** How opaque a band is: its line stays readable over it, and two overlapping bands still show apart. */
const BAND_ALPHA = 0.2;

/** A colour made translucent (for bands, and for a raw curve drawn faint behind its smoothed one). */
export const translucent = (css: string, alpha: number): string => color(css).alpha(alpha).rgbString();

export function bandsPlugin(bands: () => readonly DrawnBand[]): Plugin {
  return {
    id: 'groupBands',
    beforeDatasetsDraw(chart: Chart) {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      const y = chart.scales.y;
      const logY = y.type === 'logarithmic';
      const py = (value: number) => (logY && value <= 0 ? chartArea.bottom + 1 : y.getPixelForValue(value));
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
      ctx.clip();
      for (const band of bands()) {
        const upper = band.upper.filter((p) => Number.isFinite(p.y));
        const lower = band.lower.filter((p) => Number.isFinite(p.y));
        if (upper.length === 0 || lower.length === 0) continue;
        ctx.fillStyle = translucent(band.color, BAND_ALPHA);
        ctx.beginPath();
        upper.forEach((p, i) => (i === 0 ? ctx.moveTo : ctx.lineTo).call(ctx, x.getPixelForValue(p.x), py(p.y)));
        for (let i = lower.length - 1; i >= 0; i--) ctx.lineTo(x.getPixelForValue(lower[i].x), py(lower[i].y));
        ctx.closePath();
        ctx.fill();
      }
      ctx.restore();
    },
  };
}
