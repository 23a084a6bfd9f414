/**
 * LabApi over serve mode's WebSocket (binary frames of src-core/transport/wire.ts). It signs in with the link's token
 * or the tab's session (./sign-in), reconnects by itself when the socket closes, and says how the connection stands
 * (onConnection): requests made while it is lost fail at once rather than wait for a server that may not come back.
 */
import type { LabApi, LabConnection } from '../../../src-core/contract/api';
import { methodNames, type LabRequests } from '../../../src-core/contract/methods';
import { fail, type Result } from '../../../src-core/contract/result';
import {
  EXPORT_PATH,
  SESSION_PROTOCOL,
  SignInRefusal,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  TOKEN_PROTOCOL,
  type SocketMethod,
  type SocketReply,
  type SocketRequest,
} from '../../../src-core/contract/socket';
import type { SweepEvent } from '../../../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../../../src-core/transport/wire';
import { startDownload } from './download';
import { browserSignIn, takeLinkToken, tokenHex, type SignInStore } from './sign-in';

/** Waits between reconnection attempts: the first soon, then at most every few seconds. */
const RECONNECT_MS = [500, 1000, 2000, 4000];

const lostMessage = 'Not connected to the AdaGrad Lab server (the connection was lost): try again once it is back';

export function connectSocket(url = `ws://${location.host}${SOCKET_PATH}`, store: SignInStore = browserSignIn): LabApi {
  const listeners = new Set<(event: SweepEvent) => void>();
  const connectionListeners = new Set<(connection: LabConnection) => void>();
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let connection: LabConnection = { state: 'connecting' };
  let readyWaiters: ((open: boolean) => void)[] = [];
  let token = store.takeToken();
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const setConnection = (next: LabConnection): void => {
    connection = next;
    if (next.state !== 'connecting') {
      const waiters = readyWaiters;
      readyWaiters = [];
      for (const settle of waiters) settle(next.state === 'open');
    }
    for (const listener of connectionListeners) listener(next);
  };

  const refused = (code: number, reason: string, offered: 'token' | 'session' | 'none'): LabConnection | null => {
    if (code === SignInRefusal.badToken) return { state: 'signed-out', reason: 'bad-link', detail: reason };
    if (code === SignInRefusal.throttled) return { state: 'signed-out', reason: 'throttled', detail: reason };
    if (code !== SignInRefusal.unknownSession) return null;
    if (offered === 'session') store.session = null;
    return { state: 'signed-out', reason: offered === 'session' ? 'unknown-session' : 'no-credential', detail: reason };
  };

  const connect = (): void => {
    retry = null;
    const session = store.session;
    const offered = token !== null ? 'token' : session !== null ? 'session' : 'none';
    const credential =
      offered === 'token'
        ? [TOKEN_PROTOCOL + tokenHex(token!)]
        : offered === 'session'
          ? [SESSION_PROTOCOL + session!]
          : [];
    const ws = new WebSocket(url, [SOCKET_PROTOCOL, ...credential]);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (message: MessageEvent<ArrayBuffer>) => {
      const reply = decodeFrame(new Uint8Array(message.data), { views: true }) as SocketReply;
      if ('signedIn' in reply) {
        if (reply.signedIn.session !== null) store.session = reply.signedIn.session;
        token = null;
        attempts = 0;
        setConnection({ state: 'open' });
      } else if ('event' in reply) {
        for (const listener of listeners) listener(reply.event);
      } else {
        waiting.get(reply.id)?.(reply.result);
        waiting.delete(reply.id);
      }
    });
    ws.addEventListener('close', (closed) => {
      if (socket !== ws) return; // replaced by a newer socket (a fresh link was opened in this tab)
      socket = null;
      for (const settle of waiting.values())
        settle(fail('internal', 'The connection to the AdaGrad Lab server closed'));
      waiting.clear();
      if (offered === 'token' && closed.code === SignInRefusal.badToken) token = null;
      const signedOut = refused(closed.code, closed.reason, offered);
      if (signedOut) return setConnection(signedOut);
      if (connection.state !== 'lost') setConnection({ state: 'lost' });
      retry = setTimeout(connect, RECONNECT_MS[Math.min(attempts++, RECONNECT_MS.length - 1)]);
    });
  };
  connect();

  // A fresh link pasted into this tab changes only the fragment (no reload): sign in with it at once.
  addEventListener('hashchange', () => {
    if (!takeLinkToken()) return;
    token = store.takeToken();
    if (retry !== null) clearTimeout(retry);
    const old = socket;
    socket = null;
    old?.close();
    if (connection.state === 'open') setConnection({ state: 'lost' });
    connect();
  });

  const ready = (): Promise<boolean> =>
    connection.state === 'connecting'
      ? new Promise((resolve) => readyWaiters.push(resolve))
      : Promise.resolve(connection.state === 'open');

  const call = async (method: SocketMethod, payload: unknown): Promise<Result<unknown>> => {
    if (!(await ready()) || socket === null) return fail('internal', lostMessage);
    const id = nextId++;
    const request: SocketRequest = { id, method, payload };
    const open = socket;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      open.send(encodeFrame(request));
    });
  };

  // One function per method of the registry; the payload is the one argument given, or null (resendPending takes none).
  const requests = Object.fromEntries(
    methodNames.map((method) => [
      method,
      (...payload: unknown[]) => call(method, payload.length === 0 ? null : payload[0]),
    ]),
  ) as LabRequests;

  return {
    ...requests,
    // The server streams the export into the browser's download of its URL; the pages go over the socket.
    startExport: async (request) => {
      const started = await requests.startExport(request);
      if (started.ok && started.value.exportId !== null)
        startDownload(EXPORT_PATH + encodeURIComponent(started.value.exportId));
      return started;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connection);
      return () => connectionListeners.delete(listener);
    },
  };
}
