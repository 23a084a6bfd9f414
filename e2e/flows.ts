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

/** What the runs table's count says of `runs` runs. */
export const runsCount = (runs: number): string => `${runs} run${runs === 1 ? '' : 's'}`;

/** Launches the sweep in the form and waits until `runs` rows are listed and the sweep shows completed. */
export async function launchAndWait(page: Page, runs: number): Promise<void> {
  await expect(page.getByTestId('run-count')).toHaveText(`${runs} run${runs === 1 ? '' : 's'}`);
  await page.getByTestId('launch').click();
  await expect(page.getByTestId('runs-count')).toHaveText(runsCount(runs), { timeout: 30_000 });
  await expect(page.getByTestId('progress').first()).toHaveAttribute('data-status', 'completed');
}

/** True once the canvas holds at least one non-transparent pixel. */
export async function canvasIsPainted(page: Page, testid: string): Promise<boolean> {
  return page.getByTestId(testid).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0 || canvas.height === 0) return false;
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
    return false;
  });
}

/** Opens a run's chart by clicking its row and waits for the chart to be drawn. */
export async function openRunChart(page: Page, row: number): Promise<void> {
  await page.getByTestId('run-row').nth(row).click();
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);
}
