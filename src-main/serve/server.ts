/**
 * Serve mode: the SweepService behind a loopback-only HTTP + WebSocket server that also serves the built renderer.
 * This module composes the parts, each in a module of its own:
 * - serve/session.ts: who may talk to it (Host, Origin, the token exchanged for a session cookie), checked on every
 *   request and every upgrade;
 * - serve/static-files.ts: the renderer's files;
 * - serve/downloads.ts: EXPORT_PATH + the id of an export started over the socket, the browser's download of that CSV;
 * - serve/socket-rpc.ts: the requests over the WebSocket at SOCKET_PATH, answered by the handlers of the method registry;
 * - serve/broadcast.ts: the sweep events to every client, with the back-pressure check;
 * - serve/shutdown.ts: close().
 * No URL with a query string is logged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EXPORT_PATH, SOCKET_PATH } from '../../src-core/contract/socket';
import { ExportSessions } from '../export/sessions';
import { createHandlers } from '../handlers';
import type { RunExecutor } from '../pool';
import { contentSecurityPolicy } from '../security/csp';
import type { SweepService } from '../sweep-service';
import { broadcastEvents } from './broadcast';
import { Downloads } from './downloads';
import { baseHeaders, errorMessage, refuseUpgrade, TextResponses, type Log } from './responses';
import { Gate, notSignedIn } from './session';
import { shutdownOnce } from './shutdown';
import { answerRequests, createSocketServer } from './socket-rpc';
import { StaticFiles } from './static-files';

export { SESSION_COOKIE } from './session';
export { MAX_SOCKET_PAYLOAD } from './socket-rpc';

export interface LabServerOptions {
  service: SweepService;
  /** The service's worker pool: exports of traces compute their runs on it. */
  executor: RunExecutor;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The secret in the printed URL. */
  token: string;
  /** 0 picks any free port. */
  port?: number;
  /** Where operational messages go (never tokens, session values or query strings). Defaults to console.error. */
  log?: Log;
}

export interface LabServer {
  /** http://127.0.0.1:PORT/ (without the token). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A request target's path and its query string. */
const splitTarget = (target: string): [path: string, query: string] => {
  const q = target.indexOf('?');
  return q < 0 ? [target, ''] : [target.slice(0, q), target.slice(q + 1)];
};

export async function createLabServer(options: LabServerOptions): Promise<LabServer> {
  const { service, token } = options;
  if (!token) throw new Error('createLabServer: the token must not be empty');
  const log = options.log ?? ((message: string) => console.error(message));
  const files = await StaticFiles.at(options.staticDir);
  const gate = new Gate(token);
  const text = new TextResponses();
  const downloads = new Downloads();
  const exportSessions = new ExportSessions(options.executor, async (exportId, suggestedName) => downloads.open(exportId, suggestedName));
  const handlers = createHandlers(service, exportSessions);
  const wss = createSocketServer(log);
  const unsubscribe = broadcastEvents(service, wss.clients, log);

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = gate.refuseForeign(req, false);
    if (refused) return text.send(req, res, ...refused);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return text.send(req, res, 405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD' });
    }
    const target = req.url ?? '';
    if (!target.startsWith('/')) return text.send(req, res, 400, 'Bad request.\n');
    const [rawPath, query] = splitTarget(target);
    const given = new URLSearchParams(query).get('token');
    if (rawPath === '/' && given !== null) return gate.exchangeToken(req, res, given, text);
    if (!gate.hasSession(req)) return text.send(req, res, 401, notSignedIn);

    if (rawPath.startsWith(EXPORT_PATH)) {
      if (req.method === 'GET' && downloads.attach(rawPath.slice(EXPORT_PATH.length), res, baseHeaders)) return;
      return text.send(req, res, 404, 'No such export: it was downloaded already, discarded, or never started.\n');
    }
    if (!(await files.serve(req, res, rawPath, text.csp))) return text.send(req, res, 404, 'Not found.\n');
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    try {
      const refused = gate.refuseForeign(req, true);
      if (refused) return refuseUpgrade(socket, ...refused);
      if (splitTarget(req.url ?? '')[0] !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not found.\n');
      if (!gate.hasSession(req)) return refuseUpgrade(socket, 401, notSignedIn);
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuseUpgrade(socket, 400, 'Only WebSocket upgrades.\n');
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          answerRequests(ws, handlers, log);
        } catch (error) {
          log(`serve: could not accept a socket: ${errorMessage(error)}`);
          ws.terminate();
        }
      });
    } catch (error) {
      log(`serve: upgrade failed: ${errorMessage(error)}`);
      socket.destroy();
    }
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`serve: request failed: ${errorMessage(error)}`);
      if (!res.headersSent) text.send(req, res, 500, 'Internal error.\n');
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', handleUpgrade);

  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
  } catch (error) {
    unsubscribe();
    wss.close();
    throw error;
  }
  server.on('error', (error) => log(`serve: server error: ${errorMessage(error)}`));

  // The port is known only now (port 0): the allowed hosts and origins, and the CSP's WebSocket origins, name it.
  const port = (server.address() as AddressInfo).port;
  gate.listeningOn(port);
  text.csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  const close = shutdownOnce({ server, wss, exportSessions, unsubscribe });
  return { url: `http://127.0.0.1:${port}/`, port, close };
}
