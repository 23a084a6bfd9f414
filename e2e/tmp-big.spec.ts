import { expect, test } from '@playwright/test';
import { signIn } from './sign-in';

test('big import: longest main-thread task', async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page);
  await expect(page.getByTestId('storage-panel')).toBeVisible();
  await page.evaluate(() => {
    (window as any).longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (window as any).longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.getByTestId('import-open').click();
  const t0 = Date.now();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import-choose').click()]);
  await chooser.setFiles('/tmp/imp/big.json');
  await expect(page.getByTestId('import-report')).toHaveAttribute('data-phase', 'done', { timeout: 590_000 });
  const total = Date.now() - t0;
  const summary = await page.getByTestId('import-summary').textContent();
  const tasks: number[] = await page.evaluate(() => (window as any).longTasks);
  tasks.sort((a, b) => b - a);
  console.log('IMPORT', summary, 'total ms', total, 'long tasks', tasks.length, 'top', JSON.stringify(tasks.slice(0, 8).map(Math.round)));
  await page.getByTestId('import-close').click();
  await expect(page.getByTestId('runs-count')).toHaveText('100000 runs', { timeout: 60_000 });
});
