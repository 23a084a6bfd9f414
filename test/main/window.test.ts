/**
 * The desktop window's wiring. Its security settings are tested item by item in test/security/electron-checklist.test.ts;
 * what stays here is the rest: exact options, showing, the preload path, the dev server and idempotent hardening.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../security/fake-electron')).fakeElectron());

import { BrowserWindow, shell } from 'electron';
import { createMainWindow, hardenWebContents, isAllowedExternalLink, preloadPath } from '../../src-main/window';
import type { FakeBrowserWindow } from '../security/fake-electron';

const makeWindow = (devServerUrl?: string): FakeBrowserWindow =>
  createMainWindow({
    BrowserWindow,
    shell,
    preload: '/app/out/preload/index.cjs',
    devServerUrl,
  }) as unknown as FakeBrowserWindow;

/** Emits will-navigate the way Electron does and reports whether the app prevented it. */
const prevented = (win: FakeBrowserWindow, url: string): boolean => {
  const details = { url, preventDefault: vi.fn() };
  win.webContents.emit('will-navigate', details, url);
  return details.preventDefault.mock.calls.length > 0;
};

describe('createMainWindow', () => {
  it('creates the window with exactly the secure webPreferences, nothing more', () => {
    expect(makeWindow().options.webPreferences).toStrictEqual({
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
    expect(win.options).toMatchObject({
      title: 'AdaGrad Lab',
      width: 1280,
      height: 800,
      minWidth: 960,
      minHeight: 640,
      show: false,
    });
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledOnce();
  });

  it('finds the built CommonJS preload next to the main bundle', () => {
    expect(preloadPath('/app/out/main')).toBe(join('/app/out/preload/index.cjs'));
  });
});

describe('hardening', () => {
  it('allows the dev server origin only when it is configured', () => {
    const win = makeWindow('http://localhost:5173');
    expect(prevented(win, 'http://localhost:5173/index.html')).toBe(false);
    expect(prevented(win, 'http://localhost:5174/')).toBe(true);
  });

  it('hardens a webContents only once however often it is asked', () => {
    const win = makeWindow();
    hardenWebContents(win.webContents as never, shell);
    expect(win.webContents.listenerCount('will-navigate')).toBe(1);
    expect(win.webContents.listenerCount('will-redirect')).toBe(1);
  });

  it('counts an allow-list prefix itself as allowed', () => {
    expect(isAllowedExternalLink('https://pytorch.org/docs/')).toBe(true);
  });
});
