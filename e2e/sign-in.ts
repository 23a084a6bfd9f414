/**
 * Signing in to serve mode in the e2e tests. Each link works once, so every page that signs in gets a fresh one, the
 * way a person does: from the server's local socket, as `adagrad-lab link --port N` asks for it (src-main/serve/link.ts).
 */
import type { Page } from '@playwright/test';
import { requestLink } from '../src-main/serve/link';
import { E2E_PORT } from './server';

/** A fresh single-use link of the server on `port` (the shared one by default). */
export const freshLink = (port = E2E_PORT): Promise<string> => requestLink(port);

/** Opens the lab in `page`, signed in with a fresh link; returns the link. */
export async function signIn(page: Page, port = E2E_PORT): Promise<string> {
  const link = await freshLink(port);
  await page.goto(link);
  return link;
}
