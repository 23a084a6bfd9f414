/**
 * Where the desktop renderer lives: the privileged custom scheme app://lab/ in a packaged or built app, or the
 * electron-vite dev server when ELECTRON_RENDERER_URL is set and the app is not packaged. Navigation, IPC sender and protocol checks all ask this
 * module, so the answer to "is this URL ours?" is written once.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lab';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const parse = (url: string): URL | null => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

/**
 * True when `url` is on our origin. Protocol and host are compared by hand because Node's URL gives every non-special
 * scheme (app:) the opaque origin "null"; a URL with credentials is never ours (app://evil@lab/ is a spoofing trick).
 */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  const parsed = parse(url);
  if (!parsed || parsed.username || parsed.password) return false;
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
  if (!devServerUrl) return false;
  const dev = parse(devServerUrl);
  return dev !== null && dev.origin !== 'null' && parsed.origin === dev.origin;
}

/**
 * The dev server URL electron-vite sets in development. A packaged app ignores it: the variable would otherwise make
 * the window load, and navigation and the IPC sender check trust, any http(s) origin it names.
 */
export const devServerUrl = (isPackaged: boolean): string | undefined =>
  isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined;
