/** LabApi over serve mode's WebSocket (binary frames of src-core/transport/wire.ts). */
import type { LabApi } from '../../../src-core/contract/api';
import { methodNames, type LabRequests } from '../../../src-core/contract/methods';
import { fail, type Result } from '../../../src-core/contract/result';
import { EXPORT_PATH, SOCKET_PATH, type SocketMethod, type SocketReply, type SocketRequest } from '../../../src-core/contract/socket';
import type { SweepEvent } from '../../../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../../../src-core/transport/wire';
import { startDownload } from './download';

const RECONNECT_MS = 1000;

export function connectSocket(url = `ws://${location.host}${SOCKET_PATH}`): LabApi {
  const listeners = new Set<(event: SweepEvent) => void>();
  const waiting = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let socket: WebSocket;
  let opened: Promise<void>;

  const connect = (): void => {
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('message', (message: MessageEvent<ArrayBuffer>) => {
      const reply = decodeFrame(new Uint8Array(message.data)) as SocketReply;
      if ('event' in reply) for (const listener of listeners) listener(reply.event);
      else waiting.get(reply.id)?.(reply.result);
      if ('id' in reply) waiting.delete(reply.id);
    });
    socket.addEventListener('close', () => {
      for (const settle of waiting.values()) settle(fail('internal', 'The connection to the AdaGrad Lab server closed'));
      waiting.clear();
      setTimeout(connect, RECONNECT_MS);
    });
  };
  connect();

  const call = async (method: SocketMethod, payload: unknown): Promise<Result<unknown>> => {
    await opened;
    const id = nextId++;
    const request: SocketRequest = { id, method, payload };
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      socket.send(encodeFrame(request));
    });
  };

  // One function per method of the registry; the payload is the one argument given, or null (resendPending takes none).
  const requests = Object.fromEntries(
    methodNames.map((method) => [method, (...payload: unknown[]) => call(method, payload.length === 0 ? null : payload[0])]),
  ) as LabRequests;

  return {
    ...requests,
    // The server streams the export into the browser's download of its URL; the pages go over the socket.
    startExport: async (request) => {
      const started = await requests.startExport(request);
      if (started.ok && started.value.exportId !== null) startDownload(EXPORT_PATH + encodeURIComponent(started.value.exportId));
      return started;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
