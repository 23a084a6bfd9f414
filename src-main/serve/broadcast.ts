/** Frames to the browsers' sockets: the one back-pressure check, and every sweep event sent to every client. */
import { WebSocket } from 'ws';
import type { SocketReply } from '../../src-core/contract/socket';
import type { SweepEvent } from '../../src-core/contract/types';
import { encodeFrameParts } from '../../src-core/transport/wire';
import type { SweepService } from '../sweep-service';
import { errorMessage, type Log } from './responses';

/** A client this far behind is disconnected; on reconnect it asks for resendPending. */
const MAX_BUFFERED_BYTES = 512 * 1024 * 1024;

/**
 * Sends a frame, whole or as its parts (encodeFrameParts: one message in fragments, sent in one go so that no other
 * message comes between them), to an open socket, unless its client has fallen too far behind: then it is cut.
 */
export function deliver(ws: WebSocket, frame: Uint8Array | readonly Uint8Array[], log: Log): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    log('serve: a client fell too far behind and was disconnected');
    ws.terminate();
    return;
  }
  const parts = frame instanceof Uint8Array ? [frame] : frame;
  parts.forEach((part, i) => ws.send(part, { binary: true, fin: i === parts.length - 1 }));
}

/** Sends each of the service's events, encoded once, to every connected client; returns the unsubscribe. */
export function broadcastEvents(service: SweepService, clients: Set<WebSocket>, log: Log): () => void {
  return service.onEvent((event: SweepEvent) => {
    if (clients.size === 0) return;
    // In parts, not copied into one frame: a batch of results is most of a sweep's bytes.
    let frame: Uint8Array[];
    try {
      frame = encodeFrameParts({ event } satisfies SocketReply);
    } catch (error) {
      return log(`serve: could not encode an event: ${errorMessage(error)}`);
    }
    for (const ws of clients) {
      try {
        deliver(ws, frame, log);
      } catch (error) {
        log(`serve: could not send an event: ${errorMessage(error)}`);
      }
    }
  });
}
