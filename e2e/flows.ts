/** A person's steps through the app, shared by the Chromium (serve mode) and Electron tests. */
import { expect, type Page } from '@playwright/test';

export interface SweepFields {
  name?: string;
  start?: string;
  lrs?: string;
  eps?: string;
  weightDecays?: string;
  steps?: string;
}

export async function fillSweepForm(page: Page, fields: SweepFields): Promise<void> {
  const form = page.getByTestId('sweep-form');
  const set = async (testid: string, value: string | undefined) => {
    if (value !== undefined) await form.getByTestId(testid).fill(value);
  };
  await set('field-name', fields.name);
  await set('field-start', fields.start);
  await set('field-optimizers-0-lr', fields.lrs);
  await set('field-optimizers-0-eps', fields.eps);
  await set('field-optimizers-0-weightDecay', fields.weightDecays);
  await set('field-steps', fields.steps);
}

/** A count as the window writes it, thousands separated: 10000 → "10,000". */
export const countText = (count: number): string => count.toLocaleString('en-US');

/** The number a count the window wrote stands for: "52,867" → 52867 (Number alone gives NaN). */
export const readCount = (text: string): number => Number(text.replaceAll(',', ''));

/** What the window says of `runs` runs: "1 run", "10,000 runs". */
export const runsCount = (runs: number): string => `${countText(runs)} run${runs === 1 ? '' : 's'}`;

/** How many runs the first sweep card counts done ("52,867 / 60,000 · running" → 52867). */
export const progressDone = async (page: Page): Promise<number> =>
  readCount((await page.getByTestId('progress-count').first().innerText()).split(' / ')[0]);

/** Launches the sweep in the form and waits until `runs` rows are listed and the sweep shows completed. */
export async function launchAndWait(page: Page, runs: number): Promise<void> {
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(runs));
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(runs), { timeout: 30_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  await runsTableBuilt(page);
}

/** The runs table is made in parts, a frame apart (new rows too): its rows in view are all there once it is not busy. */
export async function runsTableBuilt(page: Page): Promise<void> {
  await expect(page.getByTestId('runs-table')).toHaveAttribute('aria-busy', 'false');
}

/**
 * True once the chart on the canvas shows data: at least `minPixels` pixels in one of the theme's series colours
 * (--series-1 … --series-10 but the grey one, which every line, path and marker of a run is drawn in) outside the
 * legend. Axes, grid and labels are drawn in other colours, so a chart with its axes and no data fails; legend boxes
 * (solid squares of a series colour) are told apart from lines (at most 2 px wide) by their solid 7 × 7 cores.
 */
export async function canvasIsPainted(page: Page, testid: string, minPixels = 30): Promise<boolean> {
  return page.getByTestId(testid).evaluate((canvas: HTMLCanvasElement, minPixels: number) => {
    const context = canvas.getContext('2d');
    const { width, height } = canvas;
    if (!context || width === 0 || height === 0) return false;
    const probe = document.createElement('span');
    document.body.append(probe);
    const colours = Array.from({ length: 10 }, (_, k) => {
      probe.style.color = getComputedStyle(document.documentElement)
        .getPropertyValue(`--series-${k + 1}`)
        .trim();
      return (/rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(probe).color) ?? []).slice(1).map(Number);
      // A grey series colour (--series-9) is too close to the text's anti-aliased greys to tell apart: left out.
    }).filter((rgb) => rgb.length === 3 && Math.max(...rgb) - Math.min(...rgb) >= 30);
    probe.remove();
    if (colours.length === 0) return false;
    const pixels = context.getImageData(0, 0, width, height).data;
    const series = new Uint8Array(width * height);
    for (let p = 0; p < width * height; p++) {
      const i = p * 4;
      if (pixels[i + 3] < 64) continue;
      if (
        colours.some(
          ([r, g, b]) =>
            Math.abs(pixels[i] - r) <= 12 && Math.abs(pixels[i + 1] - g) <= 12 && Math.abs(pixels[i + 2] - b) <= 12,
        )
      )
        series[p] = 1;
    }
    // Solid 7 × 7 cores (legend boxes, never a line), grown by 7 px to cover the whole box.
    const solid = new Uint8Array(width * height);
    for (let y = 3; y < height - 3; y++) {
      for (let x = 3; x < width - 3; x++) {
        let all = series[y * width + x] === 1;
        for (let dy = -3; all && dy <= 3; dy++)
          for (let dx = -3; all && dx <= 3; dx++) all = series[(y + dy) * width + x + dx] === 1;
        if (!all) continue;
        for (let dy = -7; dy <= 7; dy++)
          for (let dx = -7; dx <= 7; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < height && xx >= 0 && xx < width) solid[yy * width + xx] = 1;
          }
      }
    }
    let data = 0;
    for (let p = 0; p < width * height; p++) if (series[p] === 1 && solid[p] === 0) data++;
    return data >= minPixels;
  }, minPixels);
}

/** Opens a run's chart by clicking its row and waits for the chart to be drawn. */
export async function openRunChart(page: Page, row: number): Promise<void> {
  await page.getByTestId('run-row').nth(row).click();
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
}
