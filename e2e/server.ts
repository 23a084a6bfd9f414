/** The serve-mode server the Chromium tests run against (started by playwright.config.ts). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 7399);
/** A fixed token for tests only: the server reads it from ADAGRAD_LAB_TOKEN instead of drawing a random one. */
export const E2E_TOKEN = 'e2e-3b7f1c9a5d2e8046b1a7c3f9d5e2a864';
