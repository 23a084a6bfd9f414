/**
 * The Electron entry (src-main/index.ts) imported whole with `electron` faked: what it wires, not each module again.
 * IPC reaches the handlers only from the main frame of its own window at app://lab/ (a trusted sender is the main
 * frame of our window, at our origin: written out below, not read from src-main/app-origin.ts); every webContents
 * Electron creates, not only the window's, refuses navigation off app://lab/, window.open and <webview>.
 */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from 'vitest';
import { inProcessExecutor } from '../helpers/in-process-executor';

vi.mock('electron', async () => {
  const fake = (await import('../security/fake-electron')).fakeElectron();
  const { FakeBrowserWindow } = await import('../security/fake-electron');
  class EntryWindow extends FakeBrowserWindow {
    static created: EntryWindow[] = [];
    loadURL = vi.fn(async () => undefined);
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = vi.fn();
    focus = vi.fn();
    constructor(options: Record<string, unknown>) {
      super(options);
      Object.assign(this.webContents, {
        mainFrame: { url: 'app://lab/index.html', parent: null, processId: 4, frameToken: 'main-frame-token' },
        send: vi.fn(),
      });
      EntryWindow.created.push(this);
    }
  }
  const app = Object.assign(new EventEmitter(), (await import('../security/fake-electron')).fakeAppIdentity(), {
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    isReady: vi.fn(() => true),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  return {
    ...fake,
    BrowserWindow: EntryWindow,
    app,
    dialog: { showSaveDialog: vi.fn(), showMessageBoxSync: vi.fn(() => 0) },
  };
});

// The entry's worker pool, replaced by runs on this thread: the wiring is under test, not the pool.
vi.mock('../../src-main/pool', async (original) => ({
  ...(await original<object>()),
  createWorkerPool: () => inProcessExecutor(),
}));

import { app, BrowserWindow, ipcMain } from 'electron';
import { Channels } from '../../src-core/contract/channels';
import { FakeWebContents } from '../security/fake-electron';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;
const handlers = (ipcMain as unknown as { handlers: Map<string, Handler> }).handlers;
interface Frame {
  url: string;
  parent: Frame | null;
  processId: number;
  frameToken: string;
}
interface EntryWindowShape {
  webContents: FakeWebContents & { mainFrame: Frame; send: Mock };
  loadURL: Mock;
}
const windows = (BrowserWindow as unknown as { created: EntryWindowShape[] }).created;

const refused = { ok: false, error: { code: 'unauthorized', message: 'Refused: message from an untrusted frame' } };
const previousRendererUrl = process.env.ELECTRON_RENDERER_URL;

beforeAll(async () => {
  delete process.env.ELECTRON_RENDERER_URL; // a built app: its only origin is app://lab
  await import('../../src-main/index');
  // whenReady() resolved: let start() run.
  await new Promise((resolve) => setImmediate(resolve));
});
afterAll(() => {
  if (previousRendererUrl !== undefined) process.env.ELECTRON_RENDERER_URL = previousRendererUrl;
});

describe('the Electron entry', () => {
  it('opens one window on app://lab/index.html and registers a handler for every request channel', () => {
    expect(windows).toHaveLength(1);
    expect(windows[0].loadURL).toHaveBeenCalledWith('app://lab/index.html');
    expect(handlers.has(Channels.resendPending)).toBe(true);
    expect(handlers.has(Channels.launchSweep)).toBe(true);
  });

  it('answers its window’s main frame at app://lab/', async () => {
    const main = windows[0].webContents.mainFrame;
    expect(await handlers.get(Channels.resendPending)!({ senderFrame: main }, undefined)).toEqual({
      ok: true,
      value: 0,
    });
    // The same frame as Electron hands it over again: a new object with the same process and token.
    expect(await handlers.get(Channels.resendPending)!({ senderFrame: { ...main } }, undefined)).toEqual({
      ok: true,
      value: 0,
    });
  });

  it.each([
    ['a subframe of the window', (main: Frame) => ({ ...main, parent: main, frameToken: 'child' })],
    ['another frame in the same process', (main: Frame) => ({ ...main, frameToken: 'other' })],
    ['a frame of another process', (main: Frame) => ({ ...main, processId: main.processId + 1 })],
    [
      'the main frame navigated to another site',
      (main: Frame) => ({ ...main, url: 'https://evil.example/index.html' }),
    ],
    ['the main frame at a look-alike of app://lab', (main: Frame) => ({ ...main, url: 'app://lab.evil/index.html' })],
    ['the main frame at app://lab with credentials', (main: Frame) => ({ ...main, url: 'app://evil@lab/index.html' })],
    ['the main frame on file://', (main: Frame) => ({ ...main, url: 'file:///tmp/index.html' })],
    ['no frame', () => null],
  ])('refuses a message from %s before any handler runs', async (_name, frameOf) => {
    const send = windows[0].webContents.send;
    send.mockClear();
    const frame = frameOf(windows[0].webContents.mainFrame);
    const spec = {
      name: 'x',
      objectives: [{ id: 'quadratic-1d' }],
      optimizers: [{ kind: 'adagrad', fixed: {}, axes: {} }],
      steps: 2,
      search: { mode: 'grid' },
    };
    expect(await handlers.get(Channels.launchSweep)!({ senderFrame: frame }, spec)).toEqual(refused);
    expect(await handlers.get(Channels.resendPending)!({ senderFrame: frame }, undefined)).toEqual(refused);
    await new Promise((resolve) => setImmediate(resolve));
    expect(send).not.toHaveBeenCalled(); // nothing was launched
  });

  it('refuses a message from a disposed frame', async () => {
    const disposed = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(await handlers.get(Channels.resendPending)!(disposed, undefined)).toEqual(refused);
  });

  describe('hardens every webContents Electron creates, not only its window’s', () => {
    const created = () => {
      const contents = new FakeWebContents();
      app.emit('web-contents-created', { preventDefault: vi.fn() }, contents);
      return contents;
    };
    const prevented = (contents: FakeWebContents, event: string, url: string): boolean => {
      const details = { url, preventDefault: vi.fn() };
      contents.emit(event, details, url);
      return details.preventDefault.mock.calls.length > 0;
    };

    it('refuses navigation and redirects off app://lab/, and allows them on it', () => {
      const contents = created();
      for (const event of ['will-navigate', 'will-redirect']) {
        for (const url of [
          'https://evil.example/',
          'http://localhost:5173/',
          'file:///etc/passwd',
          'app://lab.evil/',
          'app://evil@lab/',
          'javascript:alert(1)',
        ]) {
          expect({ event, url, prevented: prevented(contents, event, url) }).toEqual({ event, url, prevented: true });
        }
        expect(prevented(contents, event, 'app://lab/index.html')).toBe(false);
      }
    });

    it('denies window.open, even of an allowed documentation link (that one opens in the system browser)', () => {
      const contents = created();
      expect(contents.windowOpenHandler).not.toBeNull();
      expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: 'app://lab/index.html' })).toEqual({ action: 'deny' });
      expect(
        contents.windowOpenHandler!({ url: 'https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html' }),
      ).toEqual({ action: 'deny' });
    });

    it('prevents every <webview> from attaching', () => {
      const contents = created();
      expect(prevented(contents, 'will-attach-webview', 'app://lab/index.html')).toBe(true);
    });
  });
});
