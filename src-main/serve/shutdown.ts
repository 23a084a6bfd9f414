/** Serve mode's shutdown: stop the events, discard open exports, close the sockets (cutting the slow ones), then the server. */
import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { ExportSessions } from '../export/sessions';

/** How long a socket has to finish the closing handshake before it is cut. */
const CLOSE_GRACE_MS = 1000;

export interface ShutdownParts {
  server: Server;
  wss: WebSocketServer;
  exportSessions: ExportSessions;
  /** Stops sending sweep events. */
  unsubscribe: () => void;
}

/** The server's close(): runs once; every call returns the same promise, settled once the server has closed. */
export function shutdownOnce({ server, wss, exportSessions, unsubscribe }: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= new Promise<void>((resolveClose) => {
      unsubscribe();
      void exportSessions.discardAll();
      for (const ws of wss.clients) ws.close(1001, 'The server is shutting down');
      // Sockets that do not finish the closing handshake promptly are cut.
      const cut = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, CLOSE_GRACE_MS);
      cut.unref();
      wss.close(() => {
        server.close(() => {
          clearTimeout(cut);
          resolveClose();
        });
        server.closeAllConnections();
      });
    });
    return closing;
  };
}
