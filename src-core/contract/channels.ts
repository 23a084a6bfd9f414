import { labMethods, methodNames, type MethodName } from './methods';

/**
 * IPC channel names, the only ones the main process answers: each method's, from the registry (methods.ts), and the
 * event channel (main -> renderer).
 */
export const Channels = {
  ...(Object.fromEntries(methodNames.map((name) => [name, labMethods[name].channel])) as { readonly [K in MethodName]: string }),
  event: 'lab:event',
} as const;
