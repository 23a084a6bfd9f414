import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for BrowserWindow that records what the app asks of it and lets the test emit webContents events. */
vi.mock('electron', async () => {
  // vi.mock is hoisted above the imports, so the factory imports what it needs itself.
  const { EventEmitter } = await import('node:events');
  class FakeSession {
    requestHandler: ((...args: unknown[]) => void) | null = null;
    checkHandler: ((...args: unknown[]) => boolean) | null = null;
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.requestHandler = handler;
    }
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.checkHandler = handler;
    }
  }
  class FakeWebContents extends EventEmitter {
    session = new FakeSession();
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler;
    }
  }
  class FakeBrowserWindow extends EventEmitter {
    static created: FakeBrowserWindow[] = [];
    webContents = new FakeWebContents();
    show = vi.fn();
    constructor(public options: Record<string, unknown>) {
      super();
      FakeBrowserWindow.created.push(this);
    }
  }
  return { BrowserWindow: FakeBrowserWindow, shell: { openExternal: vi.fn(async () => undefined) } };
});

import { BrowserWindow, shell } from 'electron';
import {
  EXTERNAL_LINK_ALLOW_LIST,
  createMainWindow,
  hardenWebContents,
  isAllowedExternalLink,
  preloadPath,
} from '../../src-main/window';

interface FakeWindow {
  options: Record<string, unknown>;
  show: ReturnType<typeof vi.fn>;
  emit(event: string, ...args: unknown[]): boolean;
  webContents: EventEmitter & {
    windowOpenHandler: (details: { url: string }) => { action: string };
    session: {
      requestHandler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
      checkHandler: (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
    };
  };
}

const openExternal = vi.mocked(shell.openExternal);

const makeWindow = (devServerUrl?: string): FakeWindow =>
  createMainWindow({ BrowserWindow, shell, preload: '/app/out/preload/index.cjs', devServerUrl }) as unknown as FakeWindow;

/** Emits a navigation-like event the way Electron does and reports whether the app prevented it. */
const prevented = (win: FakeWindow, event: 'will-navigate' | 'will-redirect', url: string): boolean => {
  const details = { url, preventDefault: vi.fn() };
  win.webContents.emit(event, details, url);
  return details.preventDefault.mock.calls.length > 0;
};

beforeEach(() => {
  openExternal.mockClear();
});

describe('createMainWindow', () => {
  it('creates the window with exactly the secure webPreferences', () => {
    const win = makeWindow();
    expect(win.options.webPreferences).toStrictEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: '/app/out/preload/index.cjs',
    });
  });

  it('has the title and sizes, and shows only when ready to show', () => {
    const win = makeWindow();
    expect(win.options).toMatchObject({ title: 'AdaGrad Lab', width: 1280, height: 800, minWidth: 960, minHeight: 640, show: false });
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledOnce();
  });

  it('finds the built CommonJS preload next to the main bundle', () => {
    expect(preloadPath('/app/out/main')).toBe(join('/app/out/preload/index.cjs'));
  });
});

describe('navigation', () => {
  it.each(['will-navigate', 'will-redirect'] as const)('%s: refuses foreign URLs and allows our origin', (event) => {
    const win = makeWindow();
    expect(prevented(win, event, 'https://evil.example/')).toBe(true);
    expect(prevented(win, event, 'file:///etc/passwd')).toBe(true);
    expect(prevented(win, event, 'app://evil@lab/index.html')).toBe(true);
    expect(prevented(win, event, 'app://lab.evil.example/index.html')).toBe(true);
    expect(prevented(win, event, 'http://localhost:5173/')).toBe(true);
    expect(prevented(win, event, 'app://lab/index.html')).toBe(false);
    expect(prevented(win, event, 'app://lab/index.html#/runs')).toBe(false);
  });

  it('allows the dev server origin only when it is configured', () => {
    const win = makeWindow('http://localhost:5173');
    expect(prevented(win, 'will-navigate', 'http://localhost:5173/index.html')).toBe(false);
    expect(prevented(win, 'will-navigate', 'http://localhost:5174/')).toBe(true);
  });

  it('refuses every <webview>', () => {
    const win = makeWindow();
    const event = { preventDefault: vi.fn() };
    win.webContents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('hardens a webContents only once however often it is asked', () => {
    const win = makeWindow();
    hardenWebContents(win.webContents as never, shell);
    expect(win.webContents.listenerCount('will-navigate')).toBe(1);
    expect(win.webContents.listenerCount('will-redirect')).toBe(1);
  });
});

describe('window.open', () => {
  it.each(['https://github.com/pytorch/pytorch/blob/main/torch/optim/adagrad.py', 'https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html'])(
    'denies %s and opens it in the browser (allow-listed)',
    (url) => {
      const win = makeWindow();
      expect(win.webContents.windowOpenHandler({ url })).toEqual({ action: 'deny' });
      expect(openExternal).toHaveBeenCalledExactlyOnceWith(url);
    },
  );

  it.each([
    'https://evil.example/',
    'http://github.com/',
    'https://github.com.evil.example/',
    'https://github.com@evil.example/',
    'https://user:pw@github.com/',
    'https://pytorch.org/',
    'https://pytorch.org/tutorials/',
    'app://lab/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('denies %s and does not open it', (url) => {
    const win = makeWindow();
    expect(win.webContents.windowOpenHandler({ url })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('keeps the allow-list to GitHub and the PyTorch docs', () => {
    expect(EXTERNAL_LINK_ALLOW_LIST.map((e) => `${e.origin}${e.pathPrefix}`)).toEqual(['https://github.com/', 'https://pytorch.org/docs/']);
    expect(isAllowedExternalLink('https://pytorch.org/docs/')).toBe(true);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])('denies a %s request and check', (permission) => {
    const win = makeWindow();
    const callback = vi.fn();
    win.webContents.session.requestHandler(win.webContents, permission, callback, {});
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(win.webContents.session.checkHandler(win.webContents, permission, 'app://lab', {})).toBe(false);
  });
});
