/** Frames to the browsers' sockets: the one back-pressure check, and every sweep event sent to every client. */
import { WebSocket } from 'ws';
import type { SocketReply } from '../../src-core/contract/socket';
import type { SweepEvent } from '../../src-core/contract/types';
import { encodeFrameParts } from '../../src-core/transport/wire';
import type { SweepService } from '../sweep-service';
import { errorMessage, type Log } from './responses';

/**
 * A client with more than this queued for it and not yet read is cut; on reconnect it asks for resendPending. A
 * window that stores what it reads is never further behind than the results the SweepService sends ahead of its
 * acknowledgements: at most 256 MB of traces (maxPendingBytes) and 20,000 runs, plus a task per worker and the
 * events between them. The soak's page, storing a 1,000,000-run sweep, peaked at 44 MB. Every client is sent the
 * same buffers (encoded once), so the queues of all clients together hold at most this much of the events (each
 * queue is what was sent since its client last read), however many clients read nothing; their replies are bounded
 * per socket in socket-rpc.ts.
 */
export const MAX_BUFFERED_BYTES = 320 * 1024 * 1024;

/** Sends a frame to one socket; `written` is called once it has left the queue (sent, or dropped with the socket). */
export type Deliver = (ws: WebSocket, frame: Uint8Array | readonly Uint8Array[], written?: () => void) => void;

/**
 * Sends a frame, whole or as its parts (encodeFrameParts: one message in fragments, sent in one go so that no other
 * message comes between them), to an open socket, unless its client has more than `maxBufferedBytes` unread: then it
 * is cut.
 */
export function deliverer(maxBufferedBytes: number, log: Log): Deliver {
  return (ws, frame, written) => {
    if (ws.readyState !== WebSocket.OPEN) return written?.();
    if (ws.bufferedAmount > maxBufferedBytes) {
      log('serve: a client fell too far behind and was disconnected');
      ws.terminate();
      return written?.();
    }
    const parts = frame instanceof Uint8Array ? [frame] : frame;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      ws.send(part, { binary: true, fin: last }, last ? () => written?.() : undefined);
    });
  };
}

/** Sends each of the service's events, encoded once, to every connected client; returns the unsubscribe. */
export function broadcastEvents(
  service: SweepService,
  clients: Set<WebSocket>,
  deliver: Deliver,
  log: Log,
): () => void {
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
        deliver(ws, frame);
      } catch (error) {
        log(`serve: could not send an event: ${errorMessage(error)}`);
      }
    }
  });
}
