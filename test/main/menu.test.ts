/**
 * The application menu's template (src-main/menu.ts), with electron faked: what each menu holds, the roles and
 * accelerators, what packaged builds leave out, and where each command goes.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { Channels } from '../../src-core/contract/channels';
import { menuCommands } from '../../src-core/contract/menu-commands';
import { shortcuts } from '../../src-renderer/lib/state/shortcuts';
import { DOCUMENTATION_URL, describeVersions, installAppMenu, menuTemplate, type MenuDeps } from '../../src-main/menu';
import { isAllowedExternalLink } from '../../src-main/window';

const versions = { electron: '39.2.0', chrome: '142.0.7444.52', node: '22.20.0', v8: '14.2.231.16', uv: '1.51.0' };

function deps(overrides: { platform?: NodeJS.Platform; isPackaged?: boolean; window?: boolean } = {}) {
  const send = vi.fn();
  const win = { webContents: { send } };
  const app = {
    name: 'AdaGrad Lab',
    isPackaged: overrides.isPackaged ?? true,
    getVersion: () => '0.1.0',
    setAboutPanelOptions: vi.fn(),
  };
  const shell = { openExternal: vi.fn(async () => undefined) };
  const dialog = { showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })) };
  const menuDeps: MenuDeps = {
    app,
    shell,
    dialog,
    window: () => (overrides.window === false ? null : (win as never)),
    platform: overrides.platform ?? 'linux',
    versions,
  };
  return { menuDeps, send, app, shell, dialog, win };
}

type Item = MenuItemConstructorOptions;
const submenu = (item: Item): Item[] => item.submenu as Item[];
const labelled = (template: Item[], label: string): Item => {
  const found = template.find((item) => item.label === label || (label === 'Help' && item.role === 'help'));
  if (!found) throw new Error(`no ${label} menu`);
  return found;
};
/** Every item, submenus included. */
const flatten = (items: Item[]): Item[] =>
  items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
const roles = (items: Item[]): string[] =>
  items.filter((item) => item.type !== 'separator').map((item) => String(item.role ?? item.id));
const click = (item: Item): void => (item.click as () => void)();
const byId = (template: Item[], id: string): Item => {
  const found = flatten(template).find((item) => item.id === id);
  if (!found) throw new Error(`no item ${id}`);
  return found;
};

describe('the application menu', () => {
  it('has File, Edit, View, Window and Help on Linux and Windows', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const template = menuTemplate(deps({ platform }).menuDeps);
      expect(template.map((item) => item.label ?? item.role)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
      expect(roles(submenu(labelled(template, 'File')))).toEqual([
        'new-sweep',
        'import-runs',
        'export-summary',
        'export-traces',
        'export-runs-json',
        'quit',
      ]);
      expect(roles(submenu(labelled(template, 'Window')))).toEqual(['minimize', 'close']);
      expect(roles(submenu(labelled(template, 'Help')))).toEqual(['documentation', 'about']);
    }
  });

  it('puts the app menu first on macOS, with About and Quit, and the standard Window roles', () => {
    const template = menuTemplate(deps({ platform: 'darwin' }).menuDeps);
    expect(template.map((item) => item.label ?? item.role)).toEqual([
      'AdaGrad Lab',
      'File',
      'Edit',
      'View',
      'Window',
      'help',
    ]);
    expect(roles(submenu(template[0]))).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(roles(submenu(labelled(template, 'File')))).toEqual([
      'new-sweep',
      'import-runs',
      'export-summary',
      'export-traces',
      'export-runs-json',
      'close',
    ]);
    expect(roles(submenu(labelled(template, 'Window')))).toEqual(['minimize', 'zoom', 'front', 'window']);
    expect(roles(submenu(labelled(template, 'Help')))).toEqual(['documentation']);
  });

  it('gives Edit the standard roles, so copy and paste work in fields on macOS', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const edit = submenu(labelled(menuTemplate(deps({ platform }).menuDeps), 'Edit'));
      expect(roles(edit)).toEqual([
        'undo',
        'redo',
        'cut',
        'copy',
        'paste',
        'pasteAndMatchStyle',
        'delete',
        'selectAll',
      ]);
    }
  });

  it('offers the theme and zoom in View; reload and the developer tools only when not packaged', () => {
    const packaged = submenu(labelled(menuTemplate(deps({ isPackaged: true }).menuDeps), 'View'));
    expect(roles(packaged)).toEqual(['theme', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(roles(submenu(packaged[0]))).toEqual(['theme-system', 'theme-light', 'theme-dark']);
    const everywhere = (isPackaged: boolean) =>
      flatten(menuTemplate(deps({ isPackaged }).menuDeps)).map((item) => item.role);
    for (const devOnly of ['reload', 'forceReload', 'toggleDevTools']) {
      expect(everywhere(true)).not.toContain(devOnly);
      expect(everywhere(false)).toContain(devOnly);
    }
    expect(roles(submenu(labelled(menuTemplate(deps({ isPackaged: false }).menuDeps), 'View'))).slice(-3)).toEqual([
      'reload',
      'forceReload',
      'toggleDevTools',
    ]);
  });

  it('uses the conventional accelerators, each with Ctrl or ⌘ so none clashes with the page’s single-key shortcuts', () => {
    const template = menuTemplate(deps().menuDeps);
    expect(byId(template, 'new-sweep').accelerator).toBe('CmdOrCtrl+N');
    expect(byId(template, 'import-runs').accelerator).toBe('CmdOrCtrl+O');
    expect(byId(template, 'export-summary').accelerator).toBe('CmdOrCtrl+E');
    expect(byId(template, 'export-traces').accelerator).toBe('CmdOrCtrl+Shift+E');
    const accelerators = flatten(template).flatMap((item) => (item.accelerator ? [String(item.accelerator)] : []));
    expect(new Set(accelerators).size).toBe(accelerators.length);
    for (const accelerator of accelerators) expect(accelerator).toMatch(/^CmdOrCtrl\+/);
    // The page's one modified shortcut is Ctrl+Enter (launch); the menu leaves Enter alone.
    expect(shortcuts.filter((s) => /Ctrl|⌘/.test(s.keys)).map((s) => s.keys)).toEqual(['Ctrl + Enter']);
    for (const accelerator of accelerators) expect(accelerator).not.toMatch(/Enter|Return/);
  });

  it('sends each page command to the window’s webContents on the menu channel, and only the command', () => {
    const { menuDeps, send } = deps();
    const template = menuTemplate(menuDeps);
    for (const command of menuCommands) click(byId(template, command));
    expect(send.mock.calls).toEqual(menuCommands.map((command) => [Channels.menuCommand, command]));
    expect(Channels.menuCommand).toBe('lab:menu-command');
  });

  it('sends nothing, and does not throw, when there is no window', () => {
    const { menuDeps, send } = deps({ window: false });
    for (const command of menuCommands) expect(() => click(byId(menuTemplate(menuDeps), command))).not.toThrow();
    expect(send).not.toHaveBeenCalled();
  });

  it('opens the documentation in the browser through the allow-list of links', () => {
    const { menuDeps, shell, send } = deps();
    expect(isAllowedExternalLink(DOCUMENTATION_URL)).toBe(true);
    click(byId(menuTemplate(menuDeps), 'documentation'));
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(DOCUMENTATION_URL);
    expect(send).not.toHaveBeenCalled();
  });

  it('shows About with the versions of the app, Electron, Chromium, Node and V8', () => {
    const { menuDeps, dialog, win } = deps();
    click(byId(menuTemplate(menuDeps), 'about'));
    expect(dialog.showMessageBox).toHaveBeenCalledExactlyOnceWith(win, {
      type: 'info',
      title: 'About AdaGrad Lab',
      message: 'AdaGrad Lab 0.1.0',
      detail: 'Electron 39.2.0\nChromium 142.0.7444.52\nNode 22.20.0\nV8 14.2.231.16',
    });
    expect(describeVersions({})).toBe('Electron unknown\nChromium unknown\nNode unknown\nV8 unknown');
  });

  it('is installed as the application menu, with the About panel filled in', () => {
    const { menuDeps, app } = deps({ platform: 'darwin' });
    const built = { built: true };
    const Menu = { buildFromTemplate: vi.fn(() => built), setApplicationMenu: vi.fn() };
    installAppMenu(Menu as never, menuDeps);
    expect(Menu.buildFromTemplate).toHaveBeenCalledOnce();
    expect(vi.mocked(Menu.buildFromTemplate).mock.calls[0]).toHaveLength(1);
    expect(Menu.setApplicationMenu).toHaveBeenCalledExactlyOnceWith(built);
    expect(app.setAboutPanelOptions).toHaveBeenCalledExactlyOnceWith({
      applicationName: 'AdaGrad Lab',
      applicationVersion: '0.1.0',
      version: 'Electron 39.2.0',
      credits: 'Electron 39.2.0\nChromium 142.0.7444.52\nNode 22.20.0\nV8 14.2.231.16',
    });
  });
});
