/** `npm run soak`: the long soak in Chromium through serve mode (bench/soak.spec.ts). Not part of `npm test`. */
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /soak\.spec\.ts/,
  outputDir: '../test-results',
  // The soak bounds itself (SOAK_MAX_MINUTES); this is only the outer limit.
  timeout: 4 * 60 * 60 * 1000,
  reporter: 'list',
  // The soak starts its own serve process, with a memory probe preloaded.
  webServer: undefined,
  projects: [{ name: 'chromium' }],
});
