/**
 * The Electron entry: wires the secure window, the app:// protocol and the IPC layer to one SweepService.
 * Each concern lives in its own module (window.ts, protocol.ts, ipc.ts, save-file.ts, and the desktop conventions:
 * menu.ts, window-state.ts, sweep-notifier.ts); this file only orders them.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, screen, shell } from 'electron';
import { Channels } from '../src-core/contract/channels';
import { APP_ENTRY_URL, devServerUrl } from './app-origin';
import { createHandlers } from './handlers';
import { mainFrameSenderCheck, registerIpc } from './ipc';
import { createWorkerPool, type WorkerPool } from './pool';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { ExportSessions } from './export/sessions';
import { createSaveDialogSink } from './save-file';
import { guardClose } from './quit-guard';
import { rememberedExecutors, type SweepExecutors } from './sweep-executor';
import { SweepService } from './sweep-service';
import { createMainWindow, hardenWebContents, preloadPath } from './window';
import { installAppMenu } from './menu';
import { notifyLongSweeps } from './sweep-notifier';
import { restoreWindow, WINDOW_STATE_FILE } from './window-state';

const devUrl = devServerUrl(app.isPackaged);
let mainWindow: BrowserWindow | null = null;
let pool: WorkerPool | null = null;
let service: SweepService | null = null;
let executors: SweepExecutors | null = null;
let exportSessions: ExportSessions | null = null;

const liveWindow = (): BrowserWindow | null => (mainWindow && !mainWindow.isDestroyed() ? mainWindow : null);

function openWindow(): void {
  // import.meta.dirname here is out/main: this entry file is never split into a chunk.
  const windowOptions = { BrowserWindow, shell, preload: preloadPath(import.meta.dirname), devServerUrl: devUrl };
  // Where it was last time, if that still fits a connected display (window-state.ts).
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const win = restoreWindow(join(app.getPath('userData'), WINDOW_STATE_FILE), workAreas, (bounds) =>
    createMainWindow({ ...windowOptions, bounds }),
  );
  mainWindow = win;
  guardClose(win, dialog, () => service?.activeSweeps() ?? 0);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(devUrl ?? APP_ENTRY_URL);
}

function start(): void {
  handleAppProtocol(protocol, join(import.meta.dirname, '../renderer'));
  pool = createWorkerPool(join(import.meta.dirname, 'run-batch.worker.js'));
  // Parts' buffers go back to the workers once stored: this process's only listeners copy an event as it is sent.
  const sweeps = new SweepService(pool, { recycleParts: true });
  service = sweeps;
  // Where sweeps run (this computer, or agents through Redis), as chosen last time; the URL stays in userData only.
  executors = rememberedExecutors(sweeps, app.getPath('userData'));
  void executors.start();
  const saveDialog = createSaveDialogSink({
    showSaveDialog: (options) => {
      const win = liveWindow();
      return win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options);
    },
  });
  exportSessions = new ExportSessions(pool, saveDialog);
  registerIpc(
    ipcMain,
    createHandlers(sweeps, exportSessions, executors),
    mainFrameSenderCheck(() => liveWindow()?.webContents.mainFrame, devUrl),
  );
  // Events go only to a window that still exists; results stay pending in the service until acknowledged anyway.
  sweeps.onEvent((event) => liveWindow()?.webContents.send(Channels.event, event));
  sweeps.onEvent(notifyLongSweeps({ Notification, window: liveWindow }));
  installAppMenu(Menu, {
    app,
    shell,
    dialog,
    window: liveWindow,
    platform: process.platform,
    versions: process.versions,
  });
  openWindow();
}

// A second instance would start a second pool and compete for the same IndexedDB: focus the first one instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme(protocol);
  // Any webContents, including ones we did not create, gets the same navigation and window-open refusal.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell, devUrl));
  app.on('second-instance', () => {
    const win = liveWindow();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && !liveWindow()) openWindow();
  });
  app.on('will-quit', (event) => {
    const closing = pool;
    if (!closing) return;
    // Let the worker threads end before the process does (and unfinished exports remove their partial files), then
    // quit for real.
    pool = null;
    event.preventDefault();
    void Promise.allSettled([exportSessions?.discardAll(), executors?.close().then(() => closing.close())]).finally(
      () => app.quit(),
    );
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error('AdaGrad Lab failed to start:', error);
      app.exit(1);
    });
}
