/**
 * The application menu, built from a plain template (menuTemplate, tested with electron mocked) and installed by
 * installAppMenu. Electron carries out what it can by role (Quit, the Edit commands that make copy and paste work in
 * fields on macOS, zoom, the Window menu); what the page does (New sweep, Import runs, the exports, the theme) is sent to the window
 * on Channels.menuCommand (src-core/contract/menu-commands.ts). Reload and the developer tools exist only in
 * unpackaged builds. Accelerators all hold Ctrl or ⌘, so none clashes with the page's single-key shortcuts
 * (src-renderer/lib/state/shortcuts.ts), which ignore a key pressed with either.
 */
import type { App, BrowserWindow, Dialog, Menu, MenuItemConstructorOptions, Shell } from 'electron';
import { Channels } from '../src-core/contract/channels';
import type { MenuCommand } from '../src-core/contract/menu-commands';
import { openAllowedLink } from './window';

/** Help > documentation: AdaGrad as PyTorch defines it, which the app follows (on the allow-list of window.ts). */
export const DOCUMENTATION_URL = 'https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html';

/** The versions About shows (process.versions in the main process). */
export interface Versions {
  electron?: string;
  chrome?: string;
  node?: string;
  v8?: string;
}

export interface MenuDeps {
  app: Pick<App, 'name' | 'isPackaged' | 'getVersion' | 'setAboutPanelOptions'>;
  shell: Pick<Shell, 'openExternal'>;
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** The main window if it exists: commands go to its page, About's dialog to it. */
  window: () => Pick<BrowserWindow, 'webContents'> | null;
  platform: NodeJS.Platform;
  versions: Versions;
}

/** "Electron 39.2.0", "Chromium 142.0…", "Node 22.20.0", "V8 14.2…", a line each. */
export const describeVersions = (versions: Versions): string =>
  [
    ['Electron', versions.electron],
    ['Chromium', versions.chrome],
    ['Node', versions.node],
    ['V8', versions.v8],
  ]
    .map(([name, version]) => `${name} ${version ?? 'unknown'}`)
    .join('\n');

const separator: MenuItemConstructorOptions = { type: 'separator' };

/** The menu as data. Pure but for the click handlers, which call into `deps`. */
export function menuTemplate(deps: MenuDeps): MenuItemConstructorOptions[] {
  const mac = deps.platform === 'darwin';
  const send = (command: MenuCommand) => (): void => deps.window()?.webContents.send(Channels.menuCommand, command);
  const showAbout = (): void => {
    const win = deps.window();
    const options = {
      type: 'info' as const,
      title: `About ${deps.app.name}`,
      message: `${deps.app.name} ${deps.app.getVersion()}`,
      detail: describeVersions(deps.versions),
    };
    void (win ? deps.dialog.showMessageBox(win as BrowserWindow, options) : deps.dialog.showMessageBox(options)).catch(
      () => undefined,
    );
  };

  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: deps.app.name,
          submenu: [
            { role: 'about' },
            separator,
            { role: 'services' },
            separator,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            separator,
            { role: 'quit' },
          ],
        },
      ]
    : [];
  const devTools: MenuItemConstructorOptions[] = deps.app.isPackaged
    ? []
    : [separator, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }];

  return [
    ...appMenu,
    {
      label: 'File',
      submenu: [
        { id: 'new-sweep', label: 'New Sweep', accelerator: 'CmdOrCtrl+N', click: send('new-sweep') },
        separator,
        { id: 'import-runs', label: 'Import Runs…', accelerator: 'CmdOrCtrl+O', click: send('import-runs') },
        { id: 'export-summary', label: 'Export Summary…', accelerator: 'CmdOrCtrl+E', click: send('export-summary') },
        {
          id: 'export-traces',
          label: 'Export Traces…',
          accelerator: 'CmdOrCtrl+Shift+E',
          click: send('export-traces'),
        },
        { id: 'export-runs-json', label: 'Export Runs JSON…', click: send('export-runs-json') },
        separator,
        // macOS quits from the app menu; its File menu closes the window.
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'pasteAndMatchStyle' },
        { role: 'delete' },
        separator,
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        {
          id: 'theme',
          label: 'Theme',
          submenu: [
            { id: 'theme-system', label: 'As the System', click: send('theme-system') },
            { id: 'theme-light', label: 'Light', click: send('theme-light') },
            { id: 'theme-dark', label: 'Dark', click: send('theme-dark') },
          ],
        },
        separator,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
        ...devTools,
      ],
    },
    {
      label: 'Window',
      submenu: mac
        ? [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }, separator, { role: 'window' }]
        : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      role: 'help',
      submenu: [
        {
          id: 'documentation',
          label: 'AdaGrad in PyTorch’s Documentation',
          click: () => openAllowedLink(deps.shell, DOCUMENTATION_URL),
        },
        // macOS has About in the app menu.
        ...(mac ? [] : [separator, { id: 'about', label: `About ${deps.app.name}`, click: showAbout }]),
      ],
    },
  ];
}

/** Builds and sets the application menu, and fills the About panel (macOS's, and Linux's) with the versions. */
export function installAppMenu(
  menu: Pick<typeof Menu, 'buildFromTemplate' | 'setApplicationMenu'>,
  deps: MenuDeps,
): void {
  deps.app.setAboutPanelOptions({
    applicationName: deps.app.name,
    applicationVersion: deps.app.getVersion(),
    version: `Electron ${deps.versions.electron ?? 'unknown'}`,
    credits: describeVersions(deps.versions),
  });
  menu.setApplicationMenu(menu.buildFromTemplate(menuTemplate(deps)));
}
