/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by item, each backed
 * by a test of the real main-process code with `electron` faked. The describe titles are the checklist's own words,
 * numbered as there; docs/reliability.md maps each item to its test. What other files already prove in depth (path
 * traversal on app://, serve mode's refusals) is named there rather than repeated here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron());

import { BrowserWindow, contextBridge, ipcMain, ipcRenderer, protocol, shell } from 'electron';
import { checkBuilderConfig } from '../../scripts/check-builder-config.mjs';
import { APP_ENTRY_URL } from '../../src-main/app-origin';
import { ExportSessions } from '../../src-main/export/sessions';
import { createHandlers } from '../../src-main/handlers';
import { mainFrameSenderCheck, registerIpc, type SenderFrame } from '../../src-main/ipc';
import { createAppRequestHandler, registerAppScheme } from '../../src-main/protocol';
import { createLabServer, type LabServer } from '../../src-main/serve/server';
import { SweepService } from '../../src-main/sweep-service';
import { createMainWindow, EXTERNAL_LINK_ALLOW_LIST } from '../../src-main/window';
import { Channels } from '../../src-core/contract/channels';
import { methodNames } from '../../src-core/contract/methods';
import type { DesktopLabApi } from '../../src-core/contract/api';
import type { SweepEvent } from '../../src-core/contract/types';
import { goodSpec } from '../helpers/configs';
import { inProcessExecutor } from '../helpers/in-process-executor';
import type { FakeBrowserWindow } from './fake-electron';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rendererDir = join(root, 'out/renderer');
const rendererFiles = (): string[] => {
  try {
    return readdirSync(rendererDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(rendererDir, join(entry.parentPath, entry.name)).split('\\').join('/'));
  } catch {
    throw new Error('out/renderer is missing: run `npm run build` first');
  }
};

const makeWindow = (): FakeBrowserWindow =>
  createMainWindow({ BrowserWindow, shell, preload: '/app/out/preload/index.cjs' }) as unknown as FakeBrowserWindow;
const preferences = (): Record<string, unknown> => makeWindow().options.webPreferences as Record<string, unknown>;

/** Emits a navigation-like event the way Electron does and reports whether the app prevented it. */
function prevented(win: FakeBrowserWindow, event: 'will-navigate' | 'will-redirect', url: string): boolean {
  const details = { url, preventDefault: vi.fn() };
  win.webContents.emit(event, details, url);
  return details.preventDefault.mock.calls.length > 0;
}

const openExternal = vi.mocked(shell.openExternal);
beforeEach(() => openExternal.mockClear());

describe('1. Only load secure content', () => {
  it('loads the app from app://lab/, and the built page pulls nothing from the network', () => {
    expect(APP_ENTRY_URL).toBe('app://lab/index.html');
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
    const references = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThan(1);
    for (const reference of references) expect(reference, reference).toMatch(/^\.?\/[^/]/);
  });
});

describe('2. Do not enable Node.js integration for remote content', () => {
  it('turns Node off in the page, its workers and its subframes', () => {
    expect(preferences()).toMatchObject({ nodeIntegration: false, nodeIntegrationInWorker: false });
    expect(preferences().nodeIntegrationInSubFrames).toBeUndefined();
  });
});

describe('3. Enable context isolation', () => {
  it('isolates the preload world from the page', () => {
    expect(preferences().contextIsolation).toBe(true);
  });
});

describe('4. Enable process sandboxing', () => {
  it('sandboxes the renderer', () => {
    expect(preferences().sandbox).toBe(true);
  });
});

describe('5. Handle session permission requests from remote content', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen'])(
    'denies a %s request and check',
    (permission) => {
      const { session } = makeWindow().webContents;
      const callback = vi.fn();
      session.requestHandler!(null, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
      expect(session.checkHandler!(null, permission, 'app://lab', {})).toBe(false);
    },
  );
});

describe('6. Do not disable webSecurity', () => {
  it('keeps the same-origin policy on', () => {
    expect(preferences().webSecurity).toBe(true);
  });
});

describe('7. Define a Content Security Policy', () => {
  let server: LabServer;
  beforeAll(async () => {
    server = await createLabServer({
      service: new SweepService(inProcessExecutor()),
      executor: inProcessExecutor(),
      staticDir: rendererDir,
      token: 'checklist-token',
      port: 0,
      log: () => {},
    });
  });
  afterAll(() => server.close());

  const assertStrict = (csp: string | null, where: string): void => {
    expect(csp, where).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    expect(csp, where).toContain("object-src 'none'");
    expect(csp, where).toContain("base-uri 'none'");
    expect(csp, where).toContain("frame-ancestors 'none'");
    expect(csp, where).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*/);
  };

  it('sends it with every app:// response: each built file, a missing one and a refused method', async () => {
    const handle = createAppRequestHandler(rendererDir);
    const urls = [
      'app://lab/',
      ...rendererFiles().map((file) => `app://lab/${file}`),
      'app://lab/missing.js',
      'app://lab/../secret',
    ];
    for (const url of urls) assertStrict((await handle(new Request(url))).headers.get('content-security-policy'), url);
    assertStrict(
      (await handle(new Request('app://lab/', { method: 'POST' }))).headers.get('content-security-policy'),
      'POST',
    );
    expect(urls.length).toBeGreaterThan(4);
  });

  it('sends it with every serve-mode response, found or not, refused or not', async () => {
    const requests: [string, RequestInit][] = [
      ...['', ...rendererFiles(), 'missing.js'].map((path): [string, RequestInit] => [path, {}]),
      ['?token=wrong', {}],
      ['', { method: 'POST' }],
      ['', { headers: { origin: 'http://evil.example' } }],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(server.url + path, init);
      const csp = res.headers.get('content-security-policy');
      assertStrict(csp, `${init.method ?? 'GET'} /${path} (${res.status})`);
      // One WebSocket origin: the canonical one (localhost:PORT is redirected, never connected to).
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port};`);
    }
  });

  it('is enforceable: the built page has no inline script or style for it to allow', () => {
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});

describe('8. Do not enable allowRunningInsecureContent', () => {
  it('refuses http content in the app', () => {
    expect(preferences().allowRunningInsecureContent).toBe(false);
  });
});

describe('9. Do not enable experimental features', () => {
  it('leaves experimental web platform features off', () => {
    expect(preferences().experimentalFeatures).toBeUndefined();
  });
});

describe('10. Do not use enableBlinkFeatures', () => {
  it('enables no Blink feature', () => {
    expect(preferences().enableBlinkFeatures).toBeUndefined();
  });
});

describe('11. <webview>: Do not use allowpopups', () => {
  it('disables the <webview> tag altogether, so no webview has popups', () => {
    expect(preferences().webviewTag).toBe(false);
  });
});

describe('12. <webview>: Verify options and params', () => {
  it('refuses to attach any webview, whatever its options', () => {
    const win = makeWindow();
    const event = { preventDefault: vi.fn() };
    win.webContents.emit(
      'will-attach-webview',
      event,
      { preload: '/tmp/evil.js', nodeIntegration: true },
      { src: 'https://evil.example/' },
    );
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });
});

describe('13. Disable or limit navigation', () => {
  it.each(['will-navigate', 'will-redirect'] as const)(
    '%s: refuses every URL off our origin, allows our own',
    (event) => {
      const win = makeWindow();
      for (const url of [
        'https://evil.example/',
        'file:///etc/passwd',
        'app://evil@lab/index.html',
        'app://lab.evil.example/',
        'http://localhost:5173/',
        'javascript:alert(1)',
      ]) {
        expect(prevented(win, event, url), url).toBe(true);
      }
      expect(prevented(win, event, 'app://lab/index.html')).toBe(false);
      expect(prevented(win, event, 'app://lab/index.html#/runs')).toBe(false);
    },
  );
});

describe('14. Disable or limit creation of new windows', () => {
  it.each([
    'https://github.com/pytorch/pytorch',
    'https://evil.example/',
    'app://lab/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('denies window.open(%s): the app never opens a second window', (url) => {
    expect(makeWindow().webContents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
  });
});

describe('15. Do not use shell.openExternal with untrusted content', () => {
  it.each([
    'https://github.com/pytorch/pytorch/blob/main/torch/optim/adagrad.py',
    'https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html',
  ])('opens the allow-listed %s in the browser', (url) => {
    makeWindow().webContents.windowOpenHandler!({ url });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith(url);
  });

  it.each([
    'https://evil.example/',
    'http://github.com/',
    'https://github.com.evil.example/',
    'https://github.com@evil.example/',
    'https://user:pw@github.com/',
    'https://pytorch.org/tutorials/',
    'file:///etc/passwd',
    'smb://evil.example/share',
    'javascript:alert(1)',
  ])('never hands %s to the operating system', (url) => {
    makeWindow().webContents.windowOpenHandler!({ url });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('keeps the allow-list to GitHub and the PyTorch docs, https only', () => {
    expect(EXTERNAL_LINK_ALLOW_LIST.map((e) => `${e.origin}${e.pathPrefix}`)).toEqual([
      'https://github.com/',
      'https://pytorch.org/docs/',
    ]);
  });
});

describe('16. Use a current version of Electron', () => {
  it('builds on Electron 45 or later, the version the app is tested with', () => {
    const installed = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    };
    const wanted = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    ).devDependencies.electron;
    expect(wanted).toMatch(/^\^\d+\./);
    expect(Number(installed.version.split('.')[0])).toBeGreaterThanOrEqual(45);
    expect(installed.version.split('.')[0]).toBe(wanted.slice(1).split('.')[0]);
  });
});

describe('17. Validate the sender of all IPC messages', () => {
  const mainFrame: SenderFrame = { url: 'app://lab/index.html', parent: null, processId: 7, frameToken: 'main' };
  const frame = (overrides: Partial<SenderFrame>): SenderFrame => ({ ...mainFrame, ...overrides });
  const fakeIpc = ipcMain as unknown as {
    handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
  };
  let events: SweepEvent[];

  beforeEach(() => {
    fakeIpc.handlers.clear();
    const service = new SweepService(inProcessExecutor());
    events = [];
    service.onEvent((e) => events.push(e));
    registerIpc(
      ipcMain,
      createHandlers(service, new ExportSessions(inProcessExecutor(), async () => null)),
      mainFrameSenderCheck(() => mainFrame),
    );
  });

  it.each([
    ['a foreign origin in our main frame', frame({ url: 'https://evil.example/' })],
    ['a subframe on our origin', frame({ parent: mainFrame as never, frameToken: 'child' })],
    ['another frame on our origin (another window)', frame({ frameToken: 'other' })],
    ['a frame in another renderer process', frame({ processId: 8 })],
    ['a file:// page', frame({ url: 'file:///home/user/evil.html' })],
    ['credentials spoofing our host', frame({ url: 'app://evil@lab/index.html' })],
    ['a lookalike host', frame({ url: 'app://lab.evil.example/index.html' })],
    ['no sender frame (navigated away or destroyed)', null],
  ])('refuses %s on every channel before any handler runs', async (_desc, senderFrame) => {
    expect(fakeIpc.handlers.size).toBe(methodNames.length);
    for (const [channel, handler] of fakeIpc.handlers) {
      await expect(
        handler({ senderFrame }, channel === Channels.launchSweep ? goodSpec : []),
        channel,
      ).resolves.toEqual({
        ok: false,
        error: { code: 'unauthorized', message: 'Refused: message from an untrusted frame' },
      });
    }
    expect(events).toEqual([]);
  });

  it('refuses a disposed frame, whose every property access throws', async () => {
    const disposed = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    await expect(fakeIpc.handlers.get(Channels.launchSweep)!(disposed, goodSpec)).resolves.toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });
});

describe('18. Avoid usage of the file:// protocol and prefer usage of custom protocols', () => {
  it('registers app: as a standard, secure scheme and never navigates to file://', () => {
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(prevented(makeWindow(), 'will-navigate', 'file:///home/user/out/renderer/index.html')).toBe(true);
  });
});

describe('19. Check which fuses you can change', () => {
  it('flips every security fuse in the packaging config', () => {
    expect(checkBuilderConfig({ projectDir: root, checkFiles: false })).toEqual([]);
    const yaml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const fuse of [
      'runAsNode: false',
      'enableCookieEncryption: true',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
      'grantFileProtocolExtraPrivileges: false',
    ]) {
      expect(yaml).toMatch(new RegExp(`^  ${fuse}$`, 'm'));
    }
  });
});

describe('20. Do not expose Electron APIs to untrusted web content', () => {
  let api: DesktopLabApi;
  beforeAll(async () => {
    await import('../../src-main/preload');
    api = vi.mocked(contextBridge.exposeInMainWorld).mock.calls[0][1] as DesktopLabApi;
  });

  it('exposes one named function per method, onEvent and onMenuCommand, never ipcRenderer, its methods or its events', () => {
    expect(Object.keys(api).sort()).toEqual([
      'acknowledge',
      'cancelSweep',
      'finishExport',
      'launchSweep',
      'onEvent',
      'onMenuCommand',
      'resendPending',
      'resumeSweep',
      'startExport',
      'sweepExecutor',
      'testRedis',
      'workerThreads',
      'writeExport',
    ]);
    const exposed = Object.values(api);
    for (const value of exposed) expect(typeof value).toBe('function');
    for (const raw of [ipcRenderer, ipcRenderer.invoke, ipcRenderer.on, ipcRenderer.send])
      expect(exposed).not.toContain(raw);
    const seen: unknown[][] = [];
    const stop = api.onEvent((...args: unknown[]) => seen.push(args));
    ipcRenderer.emit(Channels.event, { sender: ipcRenderer, ports: [] }, { type: 'progress' });
    stop();
    expect(seen).toEqual([[{ type: 'progress' }]]); // the payload alone, never the IpcRendererEvent and its sender
    const commands: unknown[][] = [];
    const stopMenu = api.onMenuCommand((...args: unknown[]) => commands.push(args));
    ipcRenderer.emit(Channels.menuCommand, { sender: ipcRenderer, ports: [] }, 'new-sweep');
    ipcRenderer.emit(Channels.menuCommand, { sender: ipcRenderer, ports: [] }, 'not-a-command');
    stopMenu();
    expect(commands).toEqual([['new-sweep']]); // the known command name alone
  });
});
