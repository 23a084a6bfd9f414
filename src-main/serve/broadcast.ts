/**
 * Frames to the browsers' sockets: the one back-pressure check, every sweep event sent to every client, and a replay
 * of what is pending to the one client that asks.
 */
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
    const frame = encodeEvent(event, log);
    if (frame) for (const ws of clients) sendEvent(ws, frame, deliver, log);
  });
}

/**
 * resendPending for one socket. The replay goes to the socket that asked, never to the others: they have what they
 * were sent, and a replay to every client let one client calling it in a loop push every slow one past its cut. One
 * replay at a time: a call while the previous replay is still queued for its client (not yet read) waits for it, and
 * the calls made meanwhile share that one next replay (it starts after them, so it holds whatever was pending when
 * they were made). A client asking in a loop makes the server encode and send no more than it reads, and holds at
 * most one replay in its queue (the same buffers the service keeps pending, plus their headers).
 */
export function replayTo(ws: WebSocket, service: SweepService, deliver: Deliver, log: Log): () => Promise<number> {
  let previousRead: Promise<void> = Promise.resolve();
  let next: Promise<number> | null = null;
  return () =>
    (next ??= previousRead.then(() => {
      next = null;
      const { runs, read } = replayOnce(ws, service, deliver, log);
      previousRead = read;
      return runs;
    }));
}

/** The service's replay, to `ws` alone: the runs pending, and when the client has read (or dropped) every frame. */
function replayOnce(
  ws: WebSocket,
  service: SweepService,
  deliver: Deliver,
  log: Log,
): { runs: number; read: Promise<void> } {
  let unread = 0;
  let queued = false;
  let allRead!: () => void;
  const read = new Promise<void>((resolve) => (allRead = resolve));
  const written = (): void => {
    if (--unread === 0 && queued) allRead();
  };
  const runs = service.resendPending((event) => {
    const frame = encodeEvent(event, log);
    if (!frame) return;
    unread++;
    sendEvent(ws, frame, deliver, log, written);
  });
  queued = true;
  if (unread === 0) allRead();
  return { runs, read };
}

/** An event as a frame's parts (a batch of results is most of a sweep's bytes: not copied into one); null if it cannot be. */
function encodeEvent(event: SweepEvent, log: Log): Uint8Array[] | null {
  try {
    return encodeFrameParts({ event } satisfies SocketReply);
  } catch (error) {
    log(`serve: could not encode an event: ${errorMessage(error)}`);
    return null;
  }
}

/** Delivers an event's frame to one socket; a failure is logged (and counts as written), never thrown. */
function sendEvent(ws: WebSocket, frame: Uint8Array[], deliver: Deliver, log: Log, written?: () => void): void {
  try {
    deliver(ws, frame, written);
  } catch (error) {
    log(`serve: could not send an event: ${errorMessage(error)}`);
    written?.();
  }
}
