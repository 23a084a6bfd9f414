/**
 * The window's size, position and maximized state (src-main/window-state.ts): saved debounced and on close, restored
 * only where it fits a connected display, and a corrupt or hostile file ignored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../security/fake-electron')).fakeElectron());

import { BrowserWindow, shell } from 'electron';
import { createMainWindow } from '../../src-main/window';
import {
  SAVE_DELAY_MS,
  WINDOW_STATE_FILE,
  fitsOnADisplay,
  keepWindowState,
  loadWindowState,
  parseWindowState,
  restoreWindow,
  restoredWindowState,
  saveWindowState,
  type TrackedWindow,
  type WindowState,
} from '../../src-main/window-state';
import { FakeBrowserWindow } from '../security/fake-electron';

/** Two displays side by side, the second one higher; work areas leave out a top bar and a dock. */
const displays = [
  { x: 0, y: 25, width: 1920, height: 1055 },
  { x: 1920, y: -200, width: 2560, height: 1400 },
];
const saved: WindowState = { x: 100, y: 80, width: 1400, height: 900, maximized: false };

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'window-state-'));
  file = join(dir, WINDOW_STATE_FILE);
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A window whose bounds and maximized state the test sets, emitting as Electron's does. */
class TestWindow extends FakeBrowserWindow {
  bounds = { x: 10, y: 40, width: 1280, height: 800 };
  maximized = false;
  destroyed = false;
  maximize = vi.fn(() => (this.maximized = true));
  getNormalBounds = () => ({ ...this.bounds });
  isMaximized = () => this.maximized;
  isDestroyed = () => this.destroyed;
}
const tracked = (win: TestWindow): TrackedWindow => win as unknown as TrackedWindow;
const stored = (): unknown => JSON.parse(readFileSync(file, 'utf8'));
/** A window whose state is kept in `file`, on fake timers. */
const watched = (): TestWindow => {
  vi.useFakeTimers();
  const win = new TestWindow({});
  keepWindowState(tracked(win), file);
  return win;
};

describe('reading the saved state', () => {
  it('reads back what it saved', () => {
    saveWindowState(file, saved);
    expect(loadWindowState(file)).toEqual(saved);
    expect(readdirSync(dir)).toEqual([WINDOW_STATE_FILE]); // the temporary file was moved into place
  });

  it('treats a missing file as none', () => {
    expect(loadWindowState(join(dir, 'absent.json'))).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['not JSON', '{"x": 1,'],
    ['truncated by a crash', JSON.stringify(saved).slice(0, 30)],
    ['null', 'null'],
    ['an array', '[100, 80, 1400, 900]'],
    ['a missing field', JSON.stringify({ x: 1, y: 2, width: 1400, height: 900 })],
    ['strings', JSON.stringify({ ...saved, width: '1400' })],
    ['a fraction', JSON.stringify({ ...saved, x: 0.5 })],
    ['a negative size', JSON.stringify({ ...saved, width: -1400 })],
    ['a tiny size', JSON.stringify({ ...saved, height: 1 })],
    ['a huge size', JSON.stringify({ ...saved, width: 1e9 })],
    ['an absurd position', JSON.stringify({ ...saved, x: -1e12 })],
    ['NaN written as a string', JSON.stringify({ ...saved, y: 'NaN' })],
    ['1e999 (Infinity)', '{"x":1e999,"y":80,"width":1400,"height":900,"maximized":false}'],
    ['maximized as a string', JSON.stringify({ ...saved, maximized: 'true' })],
    ['an extra field', JSON.stringify({ ...saved, webPreferences: { nodeIntegration: true } })],
    ['__proto__', '{"x":100,"y":80,"width":1400,"height":900,"maximized":false,"__proto__":{"polluted":true}}'],
  ])('ignores a file that is %s', (_what, text) => {
    writeFileSync(file, text);
    expect(loadWindowState(file)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores a file too large to be one, without parsing it', () => {
    writeFileSync(file, JSON.stringify(saved) + ' '.repeat(10_000));
    expect(parseWindowState(readFileSync(file, 'utf8'))).toEqual(saved);
    expect(loadWindowState(file)).toBeNull();
  });

  it('ignores a directory where the file should be', () => {
    writeFileSync(join(dir, 'x'), '');
    expect(loadWindowState(dir)).toBeNull();
  });
});

describe('restoring', () => {
  it('restores bounds that lie wholly within a display, the second one included', () => {
    expect(restoredWindowState(saved, displays)).toEqual({
      bounds: { x: 100, y: 80, width: 1400, height: 900 },
      maximized: false,
    });
    const onSecond = { x: 2000, y: -150, width: 1600, height: 1000, maximized: true };
    expect(restoredWindowState(onSecond, displays)).toEqual({
      bounds: { x: 2000, y: -150, width: 1600, height: 1000 },
      maximized: true,
    });
  });

  it.each([
    ['on a display since unplugged', { x: 5000, y: 100, width: 1280, height: 800 }],
    ['left of every display', { x: -1400, y: 100, width: 1280, height: 800 }],
    ['under the top bar', { x: 100, y: 0, width: 1280, height: 800 }],
    ['across the bottom edge', { x: 100, y: 400, width: 1280, height: 800 }],
    ['straddling two displays', { x: 1500, y: 100, width: 1280, height: 800 }],
    ['larger than any display', { x: 0, y: 25, width: 5000, height: 800 }],
  ])('drops bounds %s, keeping the default size, and keeps maximized', (_where, bounds) => {
    expect(fitsOnADisplay(bounds, displays)).toBe(false);
    expect(restoredWindowState({ ...bounds, maximized: true }, displays)).toEqual({ maximized: true });
    expect(restoredWindowState({ ...bounds, maximized: false }, displays)).toEqual({ maximized: false });
  });

  it('uses the defaults when nothing was saved, or when no display is reported', () => {
    expect(restoredWindowState(null, displays)).toEqual({ maximized: false });
    expect(restoredWindowState(saved, [])).toEqual({ maximized: false });
  });

  it('opens the real window at the saved bounds, and maximizes it when it first shows', () => {
    saveWindowState(file, { ...saved, maximized: true });
    const win = restoreWindow(
      file,
      displays,
      (bounds) => createMainWindow({ BrowserWindow, shell, preload: '/p.cjs', bounds }) as never,
    ) as unknown as FakeBrowserWindow & { maximize?: unknown };
    expect(win.options).toMatchObject({
      x: 100,
      y: 80,
      width: 1400,
      height: 900,
      minWidth: 960,
      minHeight: 640,
      show: false,
    });
    const maximize = vi.fn();
    win.maximize = maximize;
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalledOnce();
    expect(maximize).toHaveBeenCalledOnce();
  });

  it('opens at the default size when the saved state is off-screen or corrupt', () => {
    const open = (text: string) => {
      writeFileSync(file, text);
      return restoreWindow(
        file,
        displays,
        (bounds) => createMainWindow({ BrowserWindow, shell, preload: '/p.cjs', bounds }) as never,
      ) as unknown as FakeBrowserWindow;
    };
    for (const text of [JSON.stringify({ ...saved, x: 9000 }), '{oops', JSON.stringify({ ...saved, width: 1e9 })]) {
      const win = open(text);
      expect(win.options).toMatchObject({ width: 1280, height: 800 });
      expect(win.options.x).toBeUndefined();
      expect(win.options.y).toBeUndefined();
    }
  });
});

describe('saving', () => {
  it('saves once, a moment after moving and resizing stop', () => {
    const win = watched();
    for (let i = 0; i < 20; i++) {
      win.bounds = { ...win.bounds, x: 10 + i };
      win.emit(i % 2 ? 'move' : 'resize');
      vi.advanceTimersByTime(SAVE_DELAY_MS / 5);
    }
    expect(loadWindowState(file)).toBeNull();
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(stored()).toEqual({ x: 29, y: 40, width: 1280, height: 800, maximized: false });
  });

  it('saves the normal bounds and the maximized flag when maximized', () => {
    const win = watched();
    win.maximized = true;
    win.emit('maximize');
    vi.advanceTimersByTime(SAVE_DELAY_MS);
    expect(stored()).toEqual({ x: 10, y: 40, width: 1280, height: 800, maximized: true });
  });

  it('saves at once on close, and nothing after the window is gone', () => {
    const win = watched();
    win.emit('resize');
    win.emit('close');
    expect(stored()).toEqual({ x: 10, y: 40, width: 1280, height: 800, maximized: false });
    rmSync(file);
    win.destroyed = true;
    win.emit('closed');
    vi.advanceTimersByTime(10 * SAVE_DELAY_MS);
    expect(loadWindowState(file)).toBeNull();
  });

  it('never throws when the folder cannot be written', () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(() => saveWindowState(join(dir, 'not-a-folder', WINDOW_STATE_FILE), saved)).not.toThrow();
  });

  it('what it saves, it can restore', () => {
    const win = new TestWindow({});
    win.bounds = { x: 300, y: 200, width: 1000, height: 700 };
    keepWindowState(tracked(win), file);
    win.emit('close');
    expect(restoredWindowState(loadWindowState(file), displays)).toEqual({ bounds: win.bounds, maximized: false });
  });
});
