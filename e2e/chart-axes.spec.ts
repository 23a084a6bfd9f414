/**
 * Readable charts (issue 13, "Charts"): tick labels that never overlap, decades on log axes with the top one labelled,
 * whole steps, the update from step 1, distinct legend swatches, Ctrl + wheel to zoom, and no page error when the
 * trajectory view comes and goes. What a canvas shows is read from what it drew: an init script records every
 * fillText (text, position, alignment) per canvas since its last full repaint; the app exposes nothing for it.
 */
import { expect, test, type Page } from '@playwright/test';
import { canvasIsPainted, fillSweepForm, launchAndWait, runsCount } from './flows';
import { signIn } from './sign-in';

interface DrawnText {
  text: string;
  x: number;
  y: number;
  align: string;
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const drawn = new WeakMap<HTMLCanvasElement, DrawnText[]>();
    (window as unknown as { drawnTexts: (c: HTMLCanvasElement) => DrawnText[] }).drawnTexts = (c) => drawn.get(c) ?? [];
    const proto = CanvasRenderingContext2D.prototype;
    const { fillRect, fillText } = proto;
    proto.fillRect = function (x, y, w, h) {
      // The theme plugin paints the whole chart first on every draw: a new frame starts.
      if (
        x === 0 &&
        y === 0 &&
        w * devicePixelRatio >= this.canvas.width - 1 &&
        h * devicePixelRatio >= this.canvas.height - 1
      )
        drawn.set(this.canvas, []);
      return fillRect.call(this, x, y, w, h);
    };
    proto.fillText = function (text, x, y, maxWidth) {
      const m = this.getTransform();
      if (m.b === 0 && m.c === 0)
        drawn.get(this.canvas)?.push({
          text,
          x: (m.a * x + m.e) / devicePixelRatio,
          y: (m.d * y + m.f) / devicePixelRatio,
          align: this.textAlign,
        });
      return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
    };
  });
});

const problemsOf = (page: Page) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
};

const texts = (page: Page, testid: string) =>
  page
    .getByTestId(testid)
    .evaluate((c: HTMLCanvasElement) =>
      (window as unknown as { drawnTexts: (c: HTMLCanvasElement) => DrawnText[] }).drawnTexts(c),
    );

/** The y axis's tick labels (right-aligned, left of the plot), top to bottom, and the x axis's (centred, one row). */
async function axisLabels(page: Page, testid: string) {
  const all = await texts(page, testid);
  const y = all.filter((t) => t.align === 'right' && t.text !== '').sort((a, b) => a.y - b.y);
  const centred = all.filter((t) => t.align === 'center' && t.text !== '' && Number.isFinite(Number(t.text)));
  const row = Math.min(...centred.map((t) => t.y));
  const x = centred.filter((t) => Math.abs(t.y - row) < 2).sort((a, b) => a.x - b.x);
  return { y, x, all };
}

/** At 1280 × 800, then 900 × 600 (the sizes every walk checks), once the page has been laid out again. */
async function atEachSize(page: Page, check: (width: number) => Promise<void>): Promise<void> {
  for (const size of [
    { width: 1280, height: 800 },
    { width: 900, height: 600 },
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    await check(size.width);
  }
}

async function runPreset(page: Page, preset: string, runs: number) {
  await page.getByTestId(`preset-${preset}`).click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(runs));
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
}

const mantissa = (v: number) => Number((v / 10 ** Math.floor(Math.log10(v) + 1e-12)).toPrecision(6));

/** Log-axis labels: 1, 2 or 5 × 10ᵏ, or (a range within a decade) evenly spaced values. */
function logLabelsRead(labels: readonly DrawnText[]): boolean {
  const values = labels.map((t) => Number(t.text)).sort((a, b) => a - b);
  if (values.every((v) => v > 0 && [1, 2, 5].includes(mantissa(v)))) return true;
  const step = values[1] - values[0];
  return (
    values[values.length - 1] < 10 * values[0] &&
    values.every((v, i) => Math.abs(v - values[0] - i * step) < 1e-9 * values[values.length - 1])
  );
}

test('the weight-decay loss on log y: decades or 1-2-5, the top one above the data, none overlapping; whole steps on x', async ({
  page,
}) => {
  const problems = problemsOf(page);
  await signIn(page);
  await runPreset(page, 'weight-decay', 2);
  await page.getByTestId('tab-loss').click();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
  await expect.poll(async () => (await axisLabels(page, 'loss-chart')).y.length).toBeGreaterThan(1);
  await atEachSize(page, async (width) => {
    const { y, x } = await axisLabels(page, 'loss-chart');
    // 12 px labels: at least 1.5 label heights (14.4 px lines) between centres.
    for (let i = 1; i < y.length; i++)
      expect(y[i].y - y[i - 1].y, `${y[i - 1].text} / ${y[i].text}`).toBeGreaterThanOrEqual(21.6);
    for (let i = 1; i < x.length; i++) expect(x[i].x - x[i - 1].x).toBeGreaterThan(20);
    expect(logLabelsRead(y), y.map((t) => t.text).join(' ')).toBe(true);
    expect(x.map((t) => Number(t.text)).every(Number.isInteger), x.map((t) => t.text).join(' ')).toBe(true);
    await page
      .locator('figure.chart')
      .first()
      .screenshot({ path: `test-results/t13-weight-decay-loss-${width}.png` });
  });
  // The top label is at or above the largest loss (the per-step table's last column; step 0 is the run's start, above
  // them all on this objective, and the axis covers it too).
  const { y } = await axisLabels(page, 'loss-chart');
  const losses = await page
    .getByTestId('per-step-table')
    .locator('tbody tr:not(.spacer) td:last-child')
    .allTextContents();
  expect(Number(y[0].text)).toBeGreaterThanOrEqual(Math.max(...losses.map(Number)));
  expect(problems).toEqual([]);
});

test('the wheel scrolls the page over a chart; Ctrl + wheel zooms it, as its tools say', async ({ page }) => {
  const problems = problemsOf(page);
  await signIn(page);
  await runPreset(page, 'x2-from-5', 1);
  await page.getByTestId('run-row').first().click();
  await page.getByTestId('tab-stepSize').click();
  const box = page.getByTestId('chart-stepSize-box');
  await expect.poll(() => canvasIsPainted(page, 'chart-stepSize')).toBe(true);
  await expect(page.getByTestId('chart-stepSize-zoom-hint')).toHaveText(/Ctrl \+ wheel/);
  const canvas = page.getByTestId('chart-stepSize');
  const before = (await canvas.boundingBox())!;
  await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
  await page.mouse.wheel(0, 300);
  await expect.poll(async () => (await canvas.boundingBox())!.y).toBeLessThan(before.y);
  await expect(box).toHaveAttribute('data-zoomed', 'false');
  const after = (await canvas.boundingBox())!;
  await page.mouse.move(after.x + after.width / 2, after.y + after.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await expect(box).toHaveAttribute('data-zoomed', 'true');
  expect((await canvas.boundingBox())!.y).toBeCloseTo(after.y, 0);
  await page.getByTestId('chart-stepSize-reset').click();
  await expect(box).toHaveAttribute('data-zoomed', 'false');
  expect(problems).toEqual([]);
});

test('the update chart starts at step 1, and every line has its own legend swatch', async ({ page }) => {
  const problems = problemsOf(page);
  await signIn(page);
  // Opens on the update: 2 runs × 4 parameters × steps 1–5.
  await runPreset(page, 'constant-gradient', 2);
  const box = page.getByTestId('chart-update-box');
  await expect.poll(() => canvasIsPainted(page, 'chart-update')).toBe(true);
  await expect(box).toHaveAttribute('data-points', '40');
  const { x, all } = await axisLabels(page, 'chart-update');
  expect(x.map((t) => Number(t.text)).every(Number.isInteger)).toBe(true);
  // The legend: 8 labels, each with a swatch of its own colour just left of it.
  const legend = all.filter((t) => t.align === 'left' && /θ/.test(t.text));
  expect(legend).toHaveLength(8);
  const swatches = await page.getByTestId('chart-update').evaluate((c: HTMLCanvasElement, items: DrawnText[]) => {
    const ctx = c.getContext('2d')!;
    const ratio = devicePixelRatio;
    return items.map((item) => {
      // The swatch is the 30 px stroke ending 6 px before the text.
      const data = ctx.getImageData(
        Math.round((item.x - 34) * ratio),
        Math.round(item.y * ratio) - 1,
        Math.round(26 * ratio),
        3,
      ).data;
      const counts = new Map<string, number>();
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) < 40 && r > 200) continue; // the white panel
        const key = `${r},${g},${b}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    });
  }, legend);
  expect(swatches.every(Boolean)).toBe(true);
  expect(new Set(swatches).size).toBe(8);
  await page.locator('figure.chart').first().screenshot({ path: 'test-results/t13-update-legend.png' });
  expect(problems).toEqual([]);
});

test("ten runs over lr × eps × weight decay: the legend in the form's words, every entry drawn, the plot kept tall", async ({
  page,
}) => {
  const problems = problemsOf(page);
  await signIn(page);
  await fillSweepForm(page, {
    name: 'legend',
    lrs: '0.1, 1, 5',
    eps: '1e-8, 1e-4',
    weightDecays: '0, 0.01',
    steps: '50',
  });
  await launchAndWait(page, 12);
  await page.getByTestId('select-shown').check();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
  // Named as the form names the fields (the legend had read "lr=0.1 eps=1e-8 weightDecay=0").
  await expect(page.getByTestId('loss-chart-legend').locator('li').first()).toHaveText(
    'Learning rate 0.1, Epsilon 1e-8, Weight decay 0',
  );
  await atEachSize(page, async (width) => {
    const { y, all } = await axisLabels(page, 'loss-chart');
    // Every one of the 10 charted runs in the legend: Chart.js had cut a legend at half the canvas.
    expect(all.filter((t) => t.align === 'left' && t.text.startsWith('Learning rate '))).toHaveLength(10);
    // The plot keeps its height beside a legend of many rows (it had been left ~70 px tall, between 1e50 and 1e-100).
    expect(y[y.length - 1].y - y[0].y, y.map((t) => t.text).join(' ')).toBeGreaterThanOrEqual(130);
    await page
      .locator('figure.chart')
      .first()
      .screenshot({ path: `test-results/legend-words-${width}.png` });
  });
  expect(problems).toEqual([]);
});

test('AdaGrad vs RMSProp opens G on log-log with a ∝ t reference', async ({ page }) => {
  await signIn(page);
  await runPreset(page, 'adagrad-vs-rmsprop', 2);
  await expect(page.getByTestId('tab-accum')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('log-x')).toBeChecked();
  await expect(page.getByTestId('log-y')).toBeChecked();
  await expect.poll(() => canvasIsPainted(page, 'chart-accum')).toBe(true);
  await expect.poll(async () => (await texts(page, 'chart-accum')).map((t) => t.text)).toContain('∝ t');
  const { y, x } = await axisLabels(page, 'chart-accum');
  expect(logLabelsRead(y), y.map((t) => t.text).join(' ')).toBe(true);
  // 1000 steps on a log x: decades, or 1, 2, 5 within them.
  expect(
    x.every((t) => [1, 2, 5].includes(mantissa(Number(t.text)))),
    x.map((t) => t.text).join(' '),
  ).toBe(true);
  expect(x.map((t) => Number(t.text)).every(Number.isInteger)).toBe(true);
  await page.locator('figure.chart').first().screenshot({ path: 'test-results/t13-adagrad-vs-rmsprop.png' });
});

test('switching between a two-parameter run (paths shown) and a one-parameter run never raises a page error', async ({
  page,
}) => {
  const problems = problemsOf(page);
  await signIn(page);
  await runPreset(page, 'elliptic', 1);
  // Once there are runs the presets fold under the form.
  const folded = page.locator('details.presets');
  if ((await folded.count()) > 0 && !(await folded.evaluate((d: HTMLDetailsElement) => d.open)))
    await folded.locator('summary').click();
  await page.getByTestId('preset-x2-from-4').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(2));
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
  const rows = page.getByTestId('run-row');
  for (let i = 0; i < 5; i++) {
    for (const row of [0, 1]) {
      await rows.nth(row).click();
      // Over the chart and away again: the crosshair's redraw is queued for the next frame as the views change.
      const chart = page.getByTestId('loss-chart');
      if (await chart.isVisible()) await chart.hover();
      await page.waitForTimeout(150);
    }
  }
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'test-results/t13-switching.png' });
  expect(problems).toEqual([]);
});

test("the paths' axes label one step apart, their contours' odd ends unlabelled", async ({ page }) => {
  const problems = problemsOf(page);
  await signIn(page);
  await runPreset(page, 'linear-regression', 1);
  await expect.poll(() => canvasIsPainted(page, 'trajectory-chart')).toBe(true);
  await expect.poll(async () => (await axisLabels(page, 'trajectory-chart')).y.length).toBeGreaterThan(2);
  const { x, y } = await axisLabels(page, 'trajectory-chart');
  for (const labels of [x, y]) {
    // Chart.js's own ticks had labelled the contours' ends too: b read -0.123, 0, 0.2 … 1.2, 1.36.
    const values = labels.map((t) => Number(t.text)).sort((a, b) => a - b);
    const step = values[1] - values[0];
    const span = values[values.length - 1] - values[0];
    expect(
      values.every((v, i) => Math.abs(v - values[0] - i * step) <= 1e-9 * span),
      labels.map((t) => t.text).join(' '),
    ).toBe(true);
  }
  await page.getByTestId('trajectory').screenshot({ path: 'test-results/t14-trajectory-axes.png' });
  expect(problems).toEqual([]);
});
