/**
 * The only module that touches raw ipcMain. Every invoke channel is checked in this order before a handler runs:
 * sender frame (our window's main frame, on our origin), argument count, then the handler validates the payload with
 * the shared schema. Channels not in the contract are never registered, so Electron itself refuses them.
 * Nothing throws back across IPC: every outcome, including a bug, is a Result.
 */
import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { Channels } from '../src-core/contract/channels';
import { methodNames } from '../src-core/contract/methods';
import { errorMessage, fail, type Result } from '../src-core/contract/result';
import type { Handlers } from './handlers';
import { isAppUrl } from './app-origin';

/** The frame fields the trust check reads; a structural subset of WebFrameMain so tests can build one. */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent' | 'processId' | 'frameToken'>;
export type IsTrustedSender = (frame: SenderFrame) => boolean;

type IpcRegistrar = Pick<IpcMain, 'handle' | 'removeHandler'>;

/**
 * Trusts a frame only when it is the current main frame of our window (not a subframe, not a window that has since
 * been replaced) and its document is on our origin (a navigation we failed to stop must not inherit the API).
 */
export function mainFrameSenderCheck(
  getMainFrame: () => SenderFrame | null | undefined,
  devServerUrl?: string,
): IsTrustedSender {
  return (frame) => {
    const main = getMainFrame();
    if (!main || frame.parent !== null) return false;
    const sameFrame = frame === main || (frame.processId === main.processId && frame.frameToken === main.frameToken);
    return sameFrame && isAppUrl(frame.url, devServerUrl);
  };
}

/** A disposed WebFrameMain throws on property access; such a sender is not trusted either. */
function isTrusted(event: IpcMainInvokeEvent, isTrustedSender: IsTrustedSender): boolean {
  try {
    const frame = event.senderFrame;
    return frame !== null && frame !== undefined && isTrustedSender(frame);
  } catch {
    return false;
  }
}

/** Registers one handler per invoke channel; returns a function that removes them all. */
export function registerIpc(ipcMain: IpcRegistrar, handlers: Handlers, isTrustedSender: IsTrustedSender): () => void {
  const channels: string[] = [];
  for (const name of methodNames) {
    const channel = Channels[name];
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrusted(event, isTrustedSender)) return fail('unauthorized', 'Refused: message from an untrusted frame');
      // The preload sends exactly one payload (none for resendPending); anything more is not our client.
      if (args.length > 1)
        return fail('invalid-input', `Invalid request: ${channel} takes one payload, got ${args.length} arguments`);
      try {
        return await handlers[name](args[0]);
      } catch (error) {
        return fail('internal', errorMessage(error));
      }
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
