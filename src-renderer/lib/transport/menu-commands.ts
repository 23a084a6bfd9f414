/**
 * The desktop application menu's commands (src-main/menu.ts) as the page receives them: through the preload's
 * onMenuCommand, checked again here (only known command names run a handler). Serve mode has no menu and no
 * onMenuCommand: subscribing there does nothing, and every command stays reachable from the page itself.
 */
import type { DesktopLabApi } from '../../../src-core/contract/api';
import { isMenuCommand, type MenuCommand } from '../../../src-core/contract/menu-commands';

export type MenuHandlers = Record<MenuCommand, () => void>;

/** Runs each command's handler; returns the unsubscribe. `source` is window.adagradLab (undefined in serve mode). */
export function onMenuCommands(
  handlers: MenuHandlers,
  source: Partial<Pick<DesktopLabApi, 'onMenuCommand'>> | undefined,
): () => void {
  if (typeof source?.onMenuCommand !== 'function') return () => undefined;
  return source.onMenuCommand((command: unknown) => {
    if (isMenuCommand(command)) handlers[command]();
  });
}
