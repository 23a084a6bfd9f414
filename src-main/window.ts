/**
 * The desktop window and the hardening every webContents gets: sandboxed, context-isolated renderer with no Node;
 * navigation only within our origin; no new windows (allow-listed https links open in the user's browser); no
 * <webview>; every permission request denied (the app needs none).
 */
import { join } from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle, Session, Shell, WebContents } from 'electron';
import { isAppUrl } from './app-origin';

/** Links the page may open in the user's browser: project and reference docs only. */
export const EXTERNAL_LINK_ALLOW_LIST: readonly { origin: string; pathPrefix: string }[] = [
  { origin: 'https://github.com', pathPrefix: '/' },
  { origin: 'https://pytorch.org', pathPrefix: '/docs/' },
];

/** True for an https URL, without credentials, on an allow-listed origin and path. */
export function isAllowedExternalLink(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return EXTERNAL_LINK_ALLOW_LIST.some(
    (entry) => parsed.origin === entry.origin && parsed.pathname.startsWith(entry.pathPrefix),
  );
}

/**
 * The sandboxed preload, built by electron-vite next to the main bundle (out/main -> out/preload). The entry passes its
 * own import.meta.dirname: code in this module may be bundled into a shared chunk (out/main/chunks/), whose dirname
 * would be wrong.
 */
export const preloadPath = (mainDir: string): string => join(mainDir, '../preload/index.cjs');

function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    preload,
  };
}

type OpenExternal = Pick<Shell, 'openExternal'>;

/** Opens an allow-listed link in the user's browser, and nothing else; a link the system cannot open is dropped. */
export function openAllowedLink(shell: OpenExternal, url: string): void {
  if (isAllowedExternalLink(url)) void shell.openExternal(url).catch(() => undefined);
}
type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

// Both the window factory and app 'web-contents-created' harden contents; doing it twice would double the listeners.
const hardened = new WeakSet<object>();

/** Refuses navigation off our origin, every window.open and every <webview>, on any webContents. */
export function hardenWebContents(contents: HardenableContents, shell: OpenExternal, devServerUrl?: string): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  const refuseForeign = (event: { url: string; preventDefault(): void }): void => {
    if (!isAppUrl(event.url, devServerUrl)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openAllowedLink(shell, url);
    return { action: 'deny' };
  });
}

/** The app asks for no permission (camera, notifications, …), so a request means something is wrong: deny all. */
function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  shell: OpenExternal;
  /** Absolute path of the built preload: preloadPath(import.meta.dirname) from the entry. */
  preload: string;
  devServerUrl?: string;
  /** Where the window was last time (window-state.ts), when it still fits a display; else the default size, centred. */
  bounds?: Rectangle;
}

/** Creates the main window, hidden until its first paint so the user never sees a blank frame. */
export function createMainWindow(deps: WindowDeps): BrowserWindow {
  const win = new deps.BrowserWindow({
    title: 'AdaGrad Lab',
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    ...deps.bounds,
    show: false,
    webPreferences: secureWebPreferences(deps.preload),
  });
  hardenWebContents(win.webContents, deps.shell, deps.devServerUrl);
  denyAllPermissions(win.webContents.session);
  win.once('ready-to-show', () => win.show());
  return win;
}
