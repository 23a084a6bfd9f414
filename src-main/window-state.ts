/**
 * The main window's size, position and maximized state, remembered in a small JSON file in the user's data folder:
 * saved a moment after the window moves or resizes (debounced) and at once when it closes, restored on launch only if
 * the window still fits wholly within the work area of a connected display (a monitor unplugged since must not leave it
 * off-screen). The file is read like any input: too large, not JSON or not exactly the expected shape, it is ignored and
 * the window opens at its default size. Nothing here throws into the app.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import * as v from 'valibot';

export const WINDOW_STATE_FILE = 'window-state.json';
/** A saved state is under a hundred bytes; a larger file is not ours. */
const MAX_FILE_BYTES = 4096;
export const SAVE_DELAY_MS = 500;

/** Pixels: generous for any real desktop, refusing what no display has (and NaN, fractions, strings). */
const coordinate = v.pipe(v.number(), v.integer(), v.minValue(-100_000), v.maxValue(100_000));
const length = v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000));

export const WindowStateSchema = v.strictObject({
  x: coordinate,
  y: coordinate,
  width: length,
  height: length,
  maximized: v.boolean(),
});
export type WindowState = v.InferOutput<typeof WindowStateSchema>;

/** The saved state in `text`, or null when it is not exactly a window state. */
export function parseWindowState(text: string): WindowState | null {
  try {
    const parsed = v.safeParse(WindowStateSchema, JSON.parse(text));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

/** The state saved in `file`, or null when there is none or it cannot be trusted. */
export function loadWindowState(file: string): WindowState | null {
  try {
    if (statSync(file).size > MAX_FILE_BYTES) return null;
    return parseWindowState(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** True when `bounds` lie wholly within one of the work areas. */
export const fitsOnADisplay = (bounds: Rectangle, workAreas: readonly Rectangle[]): boolean =>
  workAreas.some(
    (area) =>
      bounds.x >= area.x &&
      bounds.y >= area.y &&
      bounds.x + bounds.width <= area.x + area.width &&
      bounds.y + bounds.height <= area.y + area.height,
  );

/** What to open the window with: the saved bounds where they still fit a display (else the defaults), and maximized. */
export function restoredWindowState(
  saved: WindowState | null,
  workAreas: readonly Rectangle[],
): { bounds?: Rectangle; maximized: boolean } {
  if (!saved) return { maximized: false };
  const { maximized, ...bounds } = saved;
  return fitsOnADisplay(bounds, workAreas) ? { bounds, maximized } : { maximized };
}

/** Writes the state next to its file, then moves it into place, so a crash mid-write never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = join(dirname(file), `.${WINDOW_STATE_FILE}.tmp`);
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, file);
  } catch {
    // A read-only or full disk: the window opens at its default size next time, nothing worse.
  }
}

export type TrackedWindow = Pick<
  BrowserWindow,
  'on' | 'once' | 'getNormalBounds' | 'isMaximized' | 'isDestroyed' | 'maximize'
>;

/** Saves the window's state into `file` on move and resize (after SAVE_DELAY_MS of quiet) and on close. */
export function keepWindowState(win: TrackedWindow, file: string, delayMs = SAVE_DELAY_MS): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = (): void => {
    clearTimeout(timer);
    timer = undefined;
    // The normal bounds: a maximized window reopens maximized, and un-maximizes to where it was.
    if (!win.isDestroyed()) saveWindowState(file, { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(save, delayMs);
  };
  win.on('move', later);
  win.on('resize', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', save);
  win.on('closed', () => clearTimeout(timer));
}

/**
 * Opens the window where it was: `create` gets the bounds to use (none: the defaults), the window is maximized when it
 * first shows if it was, and its state is kept from then on.
 */
export function restoreWindow<W extends TrackedWindow>(
  file: string,
  workAreas: readonly Rectangle[],
  create: (bounds?: Rectangle) => W,
): W {
  const { bounds, maximized } = restoredWindowState(loadWindowState(file), workAreas);
  const win = create(bounds);
  if (maximized) win.once('ready-to-show', () => win.maximize());
  keepWindowState(win, file);
  return win;
}
