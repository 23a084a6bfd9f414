/**
 * The desktop application menu's commands that the page carries out (src-main/menu.ts sends them on
 * Channels.menuCommand; the preload's onMenuCommand hands them on). The rest of the menu (Quit, the Edit roles, zoom,
 * About, the documentation link) is done by the main process itself. Serve mode has no menu.
 *
 * No imports: the sandboxed preload bundles this module.
 */
export const menuCommands = [
  'new-sweep',
  'import-runs',
  'export-summary',
  'export-traces',
  'export-runs-json',
  'theme-system',
  'theme-light',
  'theme-dark',
] as const;
export type MenuCommand = (typeof menuCommands)[number];

/** True only for a known command name: whatever else arrives is dropped, on both sides of the preload. */
export const isMenuCommand = (value: unknown): value is MenuCommand =>
  typeof value === 'string' && (menuCommands as readonly string[]).includes(value);
