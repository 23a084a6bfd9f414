/**
 * Parallel coordinates of one sweep of 10,000 runs (random search, 10 steps each), measured in Chromium through serve
 * mode. Targets: a redraw ≤ 100 ms: `changeToPaintMs`, from a change of the colour metric to the lines painted and
 * rasterised (a 1-pixel read forces Chromium to carry out the recorded canvas commands; `drawMs`, the paint function
 * alone, only records them); a brush applied, with the runs table's count and the chart updated, ≤ 50 ms (from the
 * typed value's change event to both shown, rasterised); no main-thread task over 50 ms while a brush is dragged
 * (PerformanceObserver 'longtask').
 * Medians of 5; printed and written to bench/ui/results/parallel-latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from '../../e2e/sign-in';
import { runsCount } from '../../e2e/flows';
import { BENCH_UI_PORT } from './playwright.config';

const RUNS = Number(process.env.BENCH_UI_RUNS ?? 10_000);
const REPEATS = 5;

declare global {
  interface Window {
    benchLongTasks: { start: number; duration: number }[];
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The canvas's paint count and the last paint's duration. */
const paints = (page: Page) =>
  page.getByTestId('parallel-canvas').evaluate((c: HTMLCanvasElement) => ({
    count: Number(c.dataset.paints ?? 0),
    ms: Number(c.dataset.drawMs),
  }));

async function launch(page: Page): Promise<void> {
  const form = page.getByTestId('sweep-form');
  await form.getByTestId('field-name').fill('pcp bench');
  await form.getByTestId('field-optimizers-0-lr').fill('loguniform(1e-4, 1)');
  await form.getByTestId('field-optimizers-0-eps').fill('loguniform(1e-10, 1e-6)');
  await form.getByTestId('field-optimizers-0-weightDecay').fill('uniform(0, 0.01)');
  await form.getByTestId('field-steps').fill('10');
  await page.getByTestId('search-random').check();
  await page.getByTestId('field-search-samples').fill(String(RUNS));
  await expect(page.getByTestId('run-count')).toHaveText(runsCount(RUNS));
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(RUNS), { timeout: 10 * 60_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
}

/** Redraws by switching the colour metric: the paint's own time, and the change to the painted frame. */
async function redraws(page: Page): Promise<{ drawMs: number[]; changeToPaintMs: number[] }> {
  const drawMs: number[] = [];
  const changeToPaintMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const before = (await paints(page)).count;
    const ms = await page.getByTestId('parallel-metric').evaluate(
      (select: HTMLSelectElement, before: number) =>
        new Promise<number>((resolve) => {
          const at = performance.now();
          select.value = select.value === 'finalLoss' ? 'bestLoss' : 'finalLoss';
          select.dispatchEvent(new Event('change', { bubbles: true }));
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="parallel-canvas"]')!;
          // Painted, and rasterised: a 1-pixel read makes Chromium carry out the recorded canvas commands now.
          const wait = () =>
            Number(canvas.dataset.paints) > before
              ? resolve(canvas.getContext('2d')!.getImageData(0, 0, 1, 1) && performance.now() - at)
              : requestAnimationFrame(() => setTimeout(wait));
          requestAnimationFrame(() => setTimeout(wait));
        }),
      before,
    );
    changeToPaintMs.push(ms);
    drawMs.push((await paints(page)).ms);
  }
  return { drawMs, changeToPaintMs };
}

/** Types a brush end on lr and times it until the table's count and the chart both show it. */
async function brushes(page: Page): Promise<{ appliedMs: number[]; updateMs: number[] }> {
  await page.getByTestId('brush-add-axis').selectOption('lr');
  await page.getByTestId('brush-add').click();
  const appliedMs: number[] = [];
  const updateMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const ms = await page.getByTestId('brush-from-lr').evaluate(
      (input: HTMLInputElement, value: string) =>
        new Promise<[number, number]>((resolve) => {
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="parallel-canvas"]')!;
          const count = document.querySelector('[data-testid="runs-count"]')!;
          const [paintsBefore, countBefore] = [Number(canvas.dataset.paints), count.textContent];
          const at = performance.now();
          input.value = value;
          input.dispatchEvent(new Event('change', { bubbles: true }));
          // The state and the DOM updated (Svelte flushes in a microtask), before any paint.
          let updated = NaN;
          queueMicrotask(() => queueMicrotask(() => (updated = performance.now() - at)));
          const wait = () =>
            Number(canvas.dataset.paints) > paintsBefore && count.textContent !== countBefore
              ? resolve([canvas.getContext('2d')!.getImageData(0, 0, 1, 1) && performance.now() - at, updated])
              : requestAnimationFrame(() => setTimeout(wait));
          requestAnimationFrame(() => setTimeout(wait));
        }),
      String([1e-3, 2e-3, 5e-4, 3e-3, 1e-3][i]),
    );
    appliedMs.push(ms[0]);
    updateMs.push(ms[1]);
  }
  await expect(page.getByTestId('runs-count')).toContainText('(brushed)');
  return { appliedMs, updateMs };
}

/** Drags a brush along the weightDecay axis, frame by frame; the main thread's long tasks meanwhile. */
async function dragTasks(page: Page): Promise<{ tasks: number[]; moves: number }> {
  const axis = (await page.getByTestId('parallel-axis-weightDecay').boundingBox())!;
  const x = axis.x + axis.width / 2;
  const from = await page.evaluate(() => performance.now());
  await page.mouse.move(x, axis.y + axis.height * 0.9);
  await page.mouse.down();
  const moves = 30;
  for (let k = 1; k <= moves; k++) await page.mouse.move(x, axis.y + axis.height * (0.9 - (0.7 * k) / moves));
  await page.mouse.up();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))));
  const to = await page.evaluate(() => performance.now());
  await expect(page.getByTestId('brush-weightDecay')).toBeVisible();
  const tasks = await page.evaluate(
    ([a, b]) => window.benchLongTasks.filter((t) => t.start + t.duration >= a && t.start <= b).map((t) => t.duration),
    [from, to],
  );
  return { tasks, moves };
}

test(`parallel coordinates: ${RUNS} runs drawn, brushed by typing and by dragging`, async ({ page }) => {
  const loadBefore = loadavg()[0];
  await page.addInitScript(() => {
    window.benchLongTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        window.benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await signIn(page, BENCH_UI_PORT);
  await launch(page);
  await page.getByTestId('open-summary').first().click();
  await page.getByRole('tab', { name: 'Parallel coordinates' }).click();
  await expect.poll(async () => (await paints(page)).count).toBeGreaterThan(0);

  const drawn = await redraws(page);
  const brushMs = await brushes(page);
  const drag = await dragTasks(page);
  const report = {
    date: new Date().toISOString(),
    runs: RUNS,
    cores: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    drawMs: { median: median(drawn.drawMs), samples: drawn.drawMs },
    changeToPaintMs: { median: median(drawn.changeToPaintMs), samples: drawn.changeToPaintMs },
    brushAppliedMs: { median: median(brushMs.appliedMs), samples: brushMs.appliedMs },
    brushStateAndDomMs: { median: median(brushMs.updateMs), samples: brushMs.updateMs },
    drag: { moves: drag.moves, longTasks: drag.tasks, longestTaskMs: Math.max(0, ...drag.tasks) },
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'parallel-latest.json'), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
});
