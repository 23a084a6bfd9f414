/**
 * A stand-in for the parts of `electron` the main process's security wiring touches: BrowserWindow with its
 * webContents and session, shell, protocol, ipcMain, and the preload's ipcRenderer/contextBridge. Each records what the
 * app asked of it, so a test can replay what Electron would do (emit a navigation, call the window-open handler, ask
 * for a permission) and see the app's answer. Load it with
 * `vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron())`.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: unknown,
) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
type WindowOpenHandler = (details: { url: string }) => { action: string };
type IpcHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  session = new FakeSession();
  windowOpenHandler: WindowOpenHandler | null = null;
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  show = vi.fn();
  constructor(public options: Record<string, unknown>) {
    super();
  }
}

export function fakeElectron() {
  const handlers = new Map<string, IpcHandler>();
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: vi.fn(async () => ({ ok: true, value: null })),
    send: vi.fn(),
  });
  return {
    BrowserWindow: FakeBrowserWindow,
    shell: { openExternal: vi.fn(async () => undefined) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    ipcMain: {
      handlers,
      handle: vi.fn((channel: string, fn: IpcHandler) => handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    ipcRenderer,
    contextBridge: { exposeInMainWorld: vi.fn() },
    Menu: { buildFromTemplate: vi.fn((template: unknown) => ({ template })), setApplicationMenu: vi.fn() },
    Notification: Object.assign(vi.fn(), { isSupported: () => false }),
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  };
}

/**
 * What the entry asks of `app` besides its life cycle: its name and version (menu, About), and where user data goes
 * (the window's remembered bounds: a fresh empty folder, so every test starts from the default window).
 */
export function fakeAppIdentity() {
  const userData = mkdtempSync(join(tmpdir(), 'adagrad-lab-user-data-'));
  return {
    name: 'AdaGrad Lab',
    isPackaged: false,
    getVersion: () => '0.0.0-test',
    setAboutPanelOptions: vi.fn(),
    getPath: () => userData,
  };
}
