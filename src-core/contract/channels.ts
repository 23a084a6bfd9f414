import { labMethods, methodNames, type MethodName } from './methods';

/**
 * IPC channel names, the only ones the main process answers: each method's, from the registry (methods.ts); and the two
 * it sends on (main -> renderer): the sweeps' events, and the application menu's commands (menu-commands.ts).
 */
export const Channels = {
  ...(Object.fromEntries(methodNames.map((name) => [name, labMethods[name].channel])) as {
    readonly [K in MethodName]: string;
  }),
  event: 'lab:event',
  menuCommand: 'lab:menu-command',
} as const;
