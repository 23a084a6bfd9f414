/**
 * The Electron entry (src-main/index.ts) with `electron` and the worker pool faked: which URL the window loads, and
 * which origin navigation trusts, in a packaged app and in development.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../../src-main/app-origin';
import type { FakeBrowserWindow } from '../security/fake-electron';

const state = vi.hoisted(() => ({
  isPackaged: false,
  windows: [] as unknown[],
  appHandlers: new Map<string, (...args: unknown[]) => void>(),
}));

vi.mock('electron', async () => {
  const fake = (await import('../security/fake-electron')).fakeElectron();
  class EntryWindow extends fake.BrowserWindow {
    loadURL = vi.fn(async () => undefined);
    isDestroyed = (): boolean => false;
    constructor(options: Record<string, unknown>) {
      super(options);
      state.windows.push(this);
    }
  }
  return {
    ...fake,
    BrowserWindow: EntryWindow,
    dialog: { showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
    app: {
      ...(await import('../security/fake-electron')).fakeAppIdentity(),
      get isPackaged() {
        return state.isPackaged;
      },
      requestSingleInstanceLock: () => true,
      on: (name: string, handler: (...args: unknown[]) => void) => state.appHandlers.set(name, handler),
      whenReady: () => Promise.resolve(),
      isReady: () => true,
      quit: vi.fn(),
      exit: vi.fn(),
    },
  };
});
vi.mock('../../src-main/pool', () => ({
  createWorkerPool: () => ({ threads: 1, runBatch: async () => [], close: async () => undefined }),
}));

/** Loads the entry afresh, as the app starts, and returns the window it opened. */
async function startApp(
  isPackaged: boolean,
  rendererUrl: string | undefined,
): Promise<FakeBrowserWindow & { loadURL: ReturnType<typeof vi.fn> }> {
  vi.resetModules();
  state.isPackaged = isPackaged;
  state.windows = [];
  if (rendererUrl === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = rendererUrl;
  await import('../../src-main/index');
  await vi.waitFor(() => expect(state.windows).toHaveLength(1));
  return state.windows[0] as FakeBrowserWindow & { loadURL: ReturnType<typeof vi.fn> };
}

/** Emits will-navigate the way Electron does and reports whether the app prevented it. */
const prevented = (win: FakeBrowserWindow, url: string): boolean => {
  const details = { url, preventDefault: vi.fn() };
  win.webContents.emit('will-navigate', details, url);
  return details.preventDefault.mock.calls.length > 0;
};

afterEach(() => {
  delete process.env.ELECTRON_RENDERER_URL;
});

describe('the Electron entry and ELECTRON_RENDERER_URL', () => {
  it('ignores it in a packaged app: the window loads app://lab/ and the named origin is not trusted', async () => {
    const win = await startApp(true, 'http://127.0.0.1:6666/');
    expect(win.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(prevented(win, 'http://127.0.0.1:6666/page')).toBe(true);
    expect(prevented(win, 'app://lab/index.html')).toBe(false);
  });

  it('honours it in development (not packaged): the dev server is loaded and trusted', async () => {
    const win = await startApp(false, 'http://localhost:5173/');
    expect(win.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(prevented(win, 'http://localhost:5173/other')).toBe(false);
  });

  it('loads app://lab/ when it is not set', async () => {
    const win = await startApp(false, undefined);
    expect(win.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
  });
});
