/**
 * The sandboxed preload: the page's whole view of the main process. It exposes, under window.adagradLab and nothing
 * else, one named function per method of the registry (src-core/contract/methods.ts), onEvent and onMenuCommand (the
 * application menu's commands, known names only) — never ipcRenderer, never an IpcRendererEvent (its `sender` would
 * hand the page a raw IPC handle). Built as CommonJS because a sandboxed preload cannot load ES modules; hence no
 * top-level await and no import.meta here. Imports only electron and the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopLabApi } from '../src-core/contract/api';
import { Channels } from '../src-core/contract/channels';
import { isMenuCommand, type MenuCommand } from '../src-core/contract/menu-commands';
import { methodNames, type LabRequests } from '../src-core/contract/methods';
import type { SweepEvent } from '../src-core/contract/types';

/** Invokes the method's channel with the one payload given, or with none (resendPending takes none). */
const requests = Object.fromEntries(
  methodNames.map((name) => {
    const channel = Channels[name];
    return [name, (...payload: unknown[]): Promise<unknown> => ipcRenderer.invoke(channel, ...payload.slice(0, 1))];
  }),
) as LabRequests;

const api: DesktopLabApi = {
  ...requests,
  onEvent(listener: (event: SweepEvent) => void) {
    // Only the payload reaches the page.
    const forward = (_event: IpcRendererEvent, payload: SweepEvent): void => listener(payload);
    ipcRenderer.on(Channels.event, forward);
    return () => {
      ipcRenderer.removeListener(Channels.event, forward);
    };
  },
  onMenuCommand(listener: (command: MenuCommand) => void) {
    // The command name alone, and only a known one.
    const forward = (_event: IpcRendererEvent, command: unknown): void => {
      if (isMenuCommand(command)) listener(command);
    };
    ipcRenderer.on(Channels.menuCommand, forward);
    return () => {
      ipcRenderer.removeListener(Channels.menuCommand, forward);
    };
  },
};

contextBridge.exposeInMainWorld('adagradLab', api);
