/**
 * Cuts a client that reads nothing: each socket is pinged every interval, and one that has not answered the previous
 * ping by then is terminated. A pong comes back only once the client has read everything queued before the ping, so
 * this also cuts a client that stays more than an interval behind. Browsers answer pings by themselves.
 */
import type { WebSocket } from 'ws';
import type { Log } from './responses';

/** How often each client is pinged: a client silent for two of these at most is cut. */
export const PING_INTERVAL_MS = 60_000;

export interface Heartbeat {
  /** Starts watching a socket just opened. */
  watch(ws: WebSocket): void;
  stop(): void;
}

export function heartbeat(clients: ReadonlySet<WebSocket>, intervalMs: number, log: Log): Heartbeat {
  /** Sockets that answered since the last ping (or opened since). */
  const answered = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const ws of clients) {
      if (!answered.has(ws)) {
        log('serve: a client read nothing for too long and was disconnected');
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return {
    watch(ws) {
      answered.add(ws);
      ws.on('pong', () => answered.add(ws));
    },
    stop: () => clearInterval(timer),
  };
}
