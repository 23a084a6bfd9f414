/** The serve-mode server the Chromium tests run against (started by playwright.config.ts). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 7399);
/** A fixed token for tests only: the server reads it from ADAGRAD_LAB_TOKEN instead of drawing a random one. */
export const E2E_TOKEN = 'e2e-token-for-loopback-tests-only';
