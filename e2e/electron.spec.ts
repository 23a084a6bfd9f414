/**
 * The desktop window, driven through a person's path: the same steps as the serve-mode test, in Electron.
 * Electron's binary cannot be downloaded everywhere (it is fetched on first launch), so it is detected first and the
 * test is skipped, with the reason printed, when it is absent; a wrong ELECTRON_EXEC_PATH fails it (a binary that
 * does not exist, or that does not start as Electron). Run `npm run build` before this test.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, expect, test } from '@playwright/test';
import { fillSweepForm, launchAndWait, openRunChart } from './flows';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * ELECTRON_EXEC_PATH, else the binary the electron package would run; or why there is none. A path that was asked for
 * (ELECTRON_EXEC_PATH) and is wrong is an error, never a skip: whoever set it meant this test to run.
 */
function findElectron(): { path: string } | { reason: string } {
  const fromEnv = process.env.ELECTRON_EXEC_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv))
      throw new Error(
        `ELECTRON_EXEC_PATH=${fromEnv} does not exist: fix or unset it (unset, the test is skipped where no Electron binary is found)`,
      );
    return { path: fromEnv };
  }
  const pathFile = join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile))
    return { reason: 'node_modules/electron/path.txt is missing, the binary was never downloaded' };
  const binary = join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { reason: `${binary} does not exist` };
}

test('desktop: a sweep of 3 learning rates, a chart, and a reload that keeps the runs', async () => {
  const electron = findElectron();
  if (!('path' in electron)) {
    const reason = `Electron binary not found (${electron.reason}): the desktop-window test is skipped; set ELECTRON_EXEC_PATH to run it`;
    console.log(reason);
    test.skip(true, reason);
    return;
  }
  expect(existsSync(join(root, 'out/main/index.js')), 'out/main/index.js is missing: run `npm run build` first').toBe(
    true,
  );

  // A fresh profile, so IndexedDB starts empty and the run count below is this test's alone.
  const userData = mkdtempSync(join(tmpdir(), 'adagrad-lab-electron-'));
  const env = { ...process.env } as Record<string, string>;
  delete env.ELECTRON_RENDERER_URL; // load the built renderer over app://, not a dev server
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await _electron.launch({
    executablePath: electron.path,
    args: ['out/main/index.js', `--user-data-dir=${userData}`],
    cwd: root,
    env,
  });
  try {
    const page = await app.firstWindow();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await expect(page).toHaveURL(/^app:\/\/lab\//);
    await expect(page.getByTestId('sweep-form')).toBeVisible();

    await fillSweepForm(page, {
      name: 'desktop',
      start: '4',
      lrs: '1, 0.5, 0.1',
      eps: '1e-8',
      weightDecays: '0',
      steps: '60',
    });
    await launchAndWait(page, 3);
    await expect(page.getByTestId('runs-table').getByTestId('run-row')).toHaveCount(3);
    await openRunChart(page, 0);

    await page.reload();
    await expect(page.getByTestId('run-row')).toHaveCount(3);
    expect(problems).toEqual([]);
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
