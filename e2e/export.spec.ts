import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, test, type Page } from '@playwright/test';
import type { AdagradConfig } from '../src-core/contract/engine';
import type { RunConfig } from '../src-core/contract/types';
import { executeRun } from '../src-core/run/execute';
import { autoTracePoints } from '../src-core/sweep/expand';
import { signIn } from './sign-in';
import { canvasIsPainted, fillSweepForm, launchAndWait } from './flows';

type Row = Record<string, string>;

/** Clicks an export button and parses the file the browser downloads. */
async function download(page: Page, button: 'export-csv' | 'export-traces'): Promise<{ name: string; rows: Row[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()]);
  const text = await readFile(await file.path(), 'utf8');
  return { name: file.suggestedFilename(), rows: parse(text, { columns: true }) };
}

/** The run a summary row describes, rebuilt from its own cells: the row must say everything the run was. */
function configOf(row: Row, traceMaxPoints: number): RunConfig {
  const optimizer: AdagradConfig = {
    kind: 'adagrad',
    lr: Number(row.lr),
    eps: Number(row.eps),
    epsPlacement: row.eps_placement as AdagradConfig['epsPlacement'],
    weightDecay: Number(row.weight_decay),
    decoupledWeightDecay: row.decoupled_weight_decay === 'true',
    initialAccumulator: Number(row.initial_accumulator),
    lrDecay: Number(row.lr_decay),
  };
  return {
    id: row.run_id,
    sweepId: row.sweep_id,
    index: Number(row.run_id.split(':')[1]),
    objective: { id: row.objective as 'quadratic-1d' },
    start:
      row.start === 'default'
        ? null
        : row.start
            .replace(/^\[|\]$/g, '')
            .split(' ')
            .map(Number),
    optimizer,
    steps: Number(row.steps),
    seed: Number(row.seed),
    tolerance: row.tolerance === '' ? null : Number(row.tolerance),
    traceMaxPoints,
  };
}

/** The gradient an AdaGrad step on x² takes into G from θ: 2θ, plus wd·θ when the decay is coupled. */
const enteredG = ({ weightDecay: wd, decoupledWeightDecay }: AdagradConfig, theta: number): number =>
  wd !== 0 && !decoupledWeightDecay ? 2 * theta + wd * theta : 2 * theta;
const same = (cell: string, x: number | null): boolean => (x === null ? cell === '' : Object.is(Number(cell), x));

/**
 * The effective step of an AdaGrad trace row from its G, torch.optim.Adagrad's rule written out here rather than
 * read from src-core's effective-step.ts: clr = lr/(1 + (t−1)·lr_decay), divided by √G + eps (or √(G + eps) inside).
 */
function adagradEffectiveStep(o: AdagradConfig, t: number, G: number): number | null {
  if (t === 0) return null;
  const clr = o.lr / (1 + (t - 1) * o.lrDecay);
  return clr / (o.epsPlacement === 'inside' ? Math.sqrt(G + o.eps) : Math.sqrt(G) + o.eps);
}

test("a 300-run lr × eps sweep: compare 3 runs, export the sweep's summary and their traces, every number src-core's", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await signIn(page);
  await fillSweepForm(page, {
    name: '=HYPERLINK("x")',
    lrs: 'log(1e-3, 10, 30)',
    eps: 'log(1e-10, 1, 10)',
    steps: '200',
  });
  await launchAndWait(page, 300);

  // Three rows in view (the table renders only those).
  const rows = page.getByTestId('run-row');
  const picked = await Promise.all([0, 4, 8].map((i) => rows.nth(i).getAttribute('data-run-id')));
  for (const runId of picked) await page.locator(`tr[data-run-id="${runId}"]`).getByTestId('compare-run').check();
  await expect(page.locator('tr[aria-selected="true"]')).toHaveCount(3);
  await expect.poll(() => canvasIsPainted(page, 'loss-chart')).toBe(true);

  // The sweep's summary: one row per run, every setting and metric, the formula-like name neutralised.
  await page.getByTestId('export-scope').selectOption({ label: 'sweep “=HYPERLINK("x")” (300)' });
  const summary = await download(page, 'export-csv');
  expect(summary.name).toMatch(/^adagrad-lab-sweep-HYPERLINK-x-\d{4}-.*\.csv$/);
  expect(summary.rows).toHaveLength(300);
  expect(new Set(summary.rows.map((r) => r.run_id)).size).toBe(300);
  const traceMaxPoints = autoTracePoints(300);
  const byId = new Map(summary.rows.map((row) => [row.run_id, row]));
  for (const row of summary.rows) {
    expect(row.sweep_name).toBe('\'=HYPERLINK("x")');
    const { summary: expected } = executeRun(configOf(row, traceMaxPoints));
    expect(row.status).toBe(expected.status);
    expect(
      same(row.final_loss, expected.finalLoss) &&
        same(row.best_loss, expected.bestLoss) &&
        Number(row.best_step) === expected.bestStep,
    ).toBe(true);
  }
  await expect(page.getByTestId('export-status')).toHaveText('Exported 300 runs');

  // The traces of the three compared runs, computed afresh by the server: every θ, g, G, effective step and loss.
  await page.getByTestId('export-scope').selectOption({ label: 'selected runs (3)' });
  const traces = await download(page, 'export-traces');
  expect(traces.name).toMatch(/^adagrad-lab-selected-runs-traces-.*\.csv$/);
  const runIds = [...new Set(traces.rows.map((r) => r.run_id))];
  expect(runIds).toEqual(picked);
  let at = 0;
  for (const runId of runIds) {
    const config = configOf(byId.get(runId)!, traceMaxPoints);
    const { trace } = executeRun(config);
    expect(trace.steps.length).toBe(201); // 200 steps fit the trace: every step
    for (let k = 0; k < trace.steps.length; k++) {
      const row = traces.rows[at++];
      expect(row.run_id).toBe(runId);
      expect(Number(row.step)).toBe(trace.steps[k]);
      expect(row.parameter).toBe('0');
      // Row k: θ after step k, the gradient step k used (2θₖ₋₁, what entered G), G after it, its step size and its
      // update θₖ₋₁ − θₖ; row 0 has no step, so those are empty.
      const first = k === 0;
      const exact =
        same(row.theta, trace.theta[k]) &&
        (first
          ? row.g === '' && row.update === ''
          : same(row.g, enteredG(config.optimizer as AdagradConfig, trace.theta[k - 1])) &&
            same(row.update, trace.theta[k - 1] - trace.theta[k])) &&
        same(row.G, trace.accum[k]) &&
        same(
          row.effective_step,
          adagradEffectiveStep(config.optimizer as AdagradConfig, trace.steps[k], trace.accum[k]),
        ) &&
        same(row.loss, trace.loss[k]);
      expect(exact, `${runId} step ${trace.steps[k]}`).toBe(true);
    }
  }
  expect(at).toBe(traces.rows.length);
  await expect(page.getByTestId('export-status')).toHaveText('Exported 3 runs');
  await page.screenshot({ path: 'e2e/artifacts/export.png' });
  expect(problems).toEqual([]);
});
