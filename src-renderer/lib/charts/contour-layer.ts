/**
 * The objective's filled contours painted under a trajectory chart's datasets, for whatever the axes show: recomputed
 * (src-core/views/contour.ts) only when the view or the chart's size changes, one cell per CSS pixel but at most CELLS
 * evaluations of the objective (a large plot gets a coarser grid), then stretched over the plot.
 */
import type { Chart, Plugin } from 'chart.js';
import { NO_BAND, bandEdges, levelBands, quantileLevels, sampleObjective } from '../../../src-core/views/contour';
import type { Objective } from '../../../src-core/objectives';
import { scaleRgb } from './colors';

const LEVELS = 12;
/** The most objective evaluations one contour image costs. */
const CELLS = 250_000;
/** Contours are a backdrop: paler than the paths drawn over them. */
const OPACITY = 0.45;

function paint(objective: Objective, chart: Chart, nx: number, ny: number): HTMLCanvasElement {
  const { x, y } = chart.scales;
  const grid = sampleObjective(objective, { xMin: x.min, xMax: x.max, yMin: y.min, yMax: y.max }, nx, ny);
  const levels = quantileLevels(grid.values, LEVELS);
  const bands = levelBands(grid.values, levels);
  const edges = bandEdges(bands, nx, ny);
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [nx, ny];
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const cell = j * nx + i;
      // Grid row 0 is the lowest θ₁, which is the image's bottom row.
      const pixel = 4 * ((ny - 1 - j) * nx + i);
      if (bands[cell] === NO_BAND) continue; // transparent: f is not finite there
      const rgb = scaleRgb(1 - bands[cell] / Math.max(1, levels.length));
      const shade = edges[cell] ? 0.55 : 1;
      image.data[pixel] = rgb[0] * shade;
      image.data[pixel + 1] = rgb[1] * shade;
      image.data[pixel + 2] = rgb[2] * shade;
      image.data[pixel + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}

export function contourPlugin(objective: () => Objective | null): Plugin {
  let cached: { key: string; image: HTMLCanvasElement } | null = null;
  return {
    id: 'contourLayer',
    beforeDatasetsDraw(chart) {
      const f = objective();
      if (!f) return;
      const { chartArea: area, scales } = chart;
      const shrink = Math.max(1, Math.sqrt((area.width * area.height) / CELLS));
      const nx = Math.max(1, Math.ceil(area.width / shrink));
      const ny = Math.max(1, Math.ceil(area.height / shrink));
      const key = [JSON.stringify(f.config), scales.x.min, scales.x.max, scales.y.min, scales.y.max, nx, ny].join();
      if (cached?.key !== key) cached = { key, image: paint(f, chart, nx, ny) };
      const { ctx } = chart;
      ctx.save();
      ctx.globalAlpha = OPACITY;
      ctx.drawImage(cached.image, area.left, area.top, area.width, area.height);
      ctx.restore();
    },
  };
}
