/**
 * `npm run bench:ui`: the UI benchmarks in Debian's Chromium against serve mode on a port of their own
 * ($BENCH_UI_PORT, 7499 unless set). Not tests: they measure and report, and assert only that the work was done.
 */
import { defineConfig } from '@playwright/test';
import baseConfig from '../../playwright.config';

export const BENCH_UI_PORT = Number(process.env.BENCH_UI_PORT ?? 7499);
export const BENCH_UI_TOKEN = 'bench-token-for-loopback-only';

export default defineConfig({
  testDir: '.',
  testMatch: /\.bench\.ts$/,
  outputDir: '../../test-results/bench-ui',
  workers: 1,
  timeout: 30 * 60_000,
  reporter: 'list',
  use: { ...baseConfig.use, baseURL: `http://127.0.0.1:${BENCH_UI_PORT}` },
  webServer: {
    command: `node out/main/serve.js --port ${BENCH_UI_PORT}`,
    cwd: '../..',
    env: { ADAGRAD_LAB_TOKEN: BENCH_UI_TOKEN },
    port: BENCH_UI_PORT,
    reuseExistingServer: false,
    stdout: 'ignore',
    timeout: 30_000,
  },
});
