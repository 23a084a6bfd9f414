/**
 * Serve mode: the SweepService behind a loopback-only HTTP + WebSocket server that also serves the built renderer.
 * This module composes the parts, each in a module of its own:
 * - serve/session.ts: who may talk to it (Host, Origin, the one canonical origin, the single-use link tokens exchanged
 *   for session secrets over the socket, the limit on failed sign-ins), checked on every request and every upgrade;
 * - serve/static-files.ts: the renderer's files (they hold no secret: served without a session);
 * - serve/downloads.ts: EXPORT_PATH + the id of an export started over the socket, the browser's download of that CSV
 *   (the id, random and single-use, is the capability);
 * - serve/socket-rpc.ts: the requests over the WebSocket at SOCKET_PATH, answered by the handlers of the method registry;
 * - serve/broadcast.ts: the sweep events to every client, with the back-pressure check;
 * - serve/heartbeat.ts: pings, cutting a client that reads nothing;
 * - serve/shutdown.ts: close().
 * No URL with a query string is logged.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ok } from '../../src-core/contract/result';
import { EXPORT_PATH, SOCKET_PATH, SOCKET_PROTOCOL, type SocketReply } from '../../src-core/contract/socket';
import { encodeFrame } from '../../src-core/transport/wire';
import { ExportSessions } from '../export/sessions';
import { createHandlers } from '../handlers';
import type { RunExecutor } from '../pool';
import { contentSecurityPolicy } from '../security/csp';
import type { SweepExecutors } from '../sweep-executor';
import type { SweepService } from '../sweep-service';
import { broadcastEvents, deliverer, MAX_BUFFERED_BYTES, replayTo } from './broadcast';
import { Downloads } from './downloads';
import { heartbeat, PING_INTERVAL_MS } from './heartbeat';
import { LAUNCH_BYTES_PER_WINDOW, LaunchBudget } from './launch-budget';
import { baseHeaders, errorMessage, refuseUpgrade, TextResponses, type Log } from './responses';
import { Gate, offeredProtocols } from './session';
import { shutdownOnce } from './shutdown';
import { answerRequests, createSocketServer } from './socket-rpc';
import { StaticFiles } from './static-files';

export { MAX_REQUESTS_IN_FLIGHT, MAX_SOCKET_PAYLOAD, MAX_UNREAD_REPLIES } from './socket-rpc';

export interface LabServerOptions {
  service: SweepService;
  /** The service's worker pool: exports of traces compute their runs on it. */
  executor: RunExecutor;
  /** Where the service's sweeps run, the "Run sweeps on" setting (default: on the service's own executor). */
  executors?: SweepExecutors;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** The secret in the printed URL. */
  token: string;
  /** 0 picks any free port. */
  port?: number;
  /** Where operational messages go (never tokens, session values or query strings). Defaults to console.error. */
  log?: Log;
  /** The HTTP server's and the sockets' limits; the defaults are HTTP_LIMITS and SOCKET_LIMITS (tests shorten them). */
  limits?: Partial<HttpLimits & SocketLimits>;
  /** The clock sessions, links and the sign-in limit are timed by (tests move it). */
  now?: () => number;
}

export interface HttpLimits {
  /** Connections open at once (HTTP and WebSocket); more are closed as they arrive. */
  maxConnections: number;
  /** A request's headers must have arrived within this. */
  headersTimeoutMs: number;
  /** A whole request must have arrived within this. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface SocketLimits {
  /** A client with more than this queued for it and not yet read is cut. */
  maxBufferedBytes: number;
  /** Bytes of launch requests one connection may send every LAUNCH_WINDOW_MS (./launch-budget). */
  launchBytesPerWindow: number;
  /** Each client is pinged this often; one that has not answered the previous ping is cut. */
  pingIntervalMs: number;
}

export const SOCKET_LIMITS: SocketLimits = {
  maxBufferedBytes: MAX_BUFFERED_BYTES,
  launchBytesPerWindow: LAUNCH_BYTES_PER_WINDOW,
  pingIntervalMs: PING_INTERVAL_MS,
};

export interface LabServer {
  /** http://127.0.0.1:PORT/ (without the token). */
  url: string;
  port: number;
  /** A fresh single-use sign-in link, http://127.0.0.1:PORT/#token=… (the fragment never reaches a server or its log). */
  freshLink(): string;
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
  const gate = new Gate(token, options.now);
  const limits = { ...HTTP_LIMITS, ...SOCKET_LIMITS, ...options.limits };
  const text = new TextResponses();
  const downloads = new Downloads();
  // The id is the download's capability (a link cannot carry the session): 192 random bits.
  const exportSessions = new ExportSessions(
    options.executor,
    async (exportId, suggestedName, kind) => downloads.open(exportId, suggestedName, kind),
    {
      newExportId: () => randomBytes(24).toString('base64url'),
    },
  );
  const handlers = createHandlers(service, exportSessions, options.executors);
  const wss = createSocketServer(log);
  const deliver = deliverer(limits.maxBufferedBytes, log);
  const unsubscribeEvents = broadcastEvents(service, wss.clients, deliver, log);
  const pings = heartbeat(wss.clients, limits.pingIntervalMs, log);
  const unsubscribe = (): void => {
    unsubscribeEvents();
    pings.stop();
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const checked = gate.check(req, false);
    if (checked && 'refuse' in checked) return text.send(req, res, ...checked.refuse);
    if (checked) return text.send(req, res, 308, `Moved to ${checked.redirect}\n`, { Location: checked.redirect });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return text.send(req, res, 405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD' });
    }
    const target = req.url ?? '';
    if (!target.startsWith('/')) return text.send(req, res, 400, 'Bad request.\n');
    const [rawPath] = splitTarget(target);

    if (rawPath.startsWith(EXPORT_PATH)) {
      if (req.method === 'GET' && downloads.attach(rawPath.slice(EXPORT_PATH.length), res, baseHeaders)) return;
      return text.send(req, res, 404, 'No such export: it was downloaded already, discarded, or never started.\n');
    }
    if (!(await files.serve(req, res, rawPath, text.csp))) return text.send(req, res, 404, 'Not found.\n');
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    try {
      const checked = gate.check(req, true);
      // An upgrade is never redirected: check() refuses localhost for it.
      if (checked)
        return 'refuse' in checked
          ? refuseUpgrade(socket, ...checked.refuse)
          : refuseUpgrade(socket, 421, 'Use 127.0.0.1.\n');
      if (splitTarget(req.url ?? '')[0] !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not found.\n');
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
        return refuseUpgrade(socket, 400, 'Only WebSocket upgrades.\n');
      const offered = offeredProtocols(req);
      if (!offered.has(SOCKET_PROTOCOL))
        return refuseUpgrade(socket, 400, `Offer the WebSocket subprotocol ${SOCKET_PROTOCOL}.\n`);
      const signIn = gate.signIn(offered);
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          // Refused after the handshake: a browser can read a close code, not the status of a refused upgrade.
          if (!signIn.ok) return ws.close(signIn.code, signIn.reason);
          gate.inUse(signIn.session, true);
          ws.once('close', () => gate.inUse(signIn.session, false));
          pings.watch(ws);
          deliver(
            ws,
            encodeFrame({ signedIn: { session: signIn.fresh ? signIn.session : null } } satisfies SocketReply),
          );
          const replay = replayTo(ws, service, deliver, log);
          const budget = new LaunchBudget(limits.launchBytesPerWindow, options.now);
          answerRequests(ws, { ...handlers, resendPending: async () => ok(await replay()) }, deliver, log, budget);
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

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let a slow request live 30 s longer).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      handleRequest(req, res).catch((error: unknown) => {
        log(`serve: request failed: ${errorMessage(error)}`);
        if (!res.headersSent) text.send(req, res, 500, 'Internal error.\n');
        else res.destroy();
      });
    },
  );
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', handleUpgrade);
  server.maxConnections = limits.maxConnections;

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
  text.csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`]);

  const close = shutdownOnce({ server, wss, exportSessions, unsubscribe });
  const url = `http://127.0.0.1:${port}/`;
  return { url, port, freshLink: () => `${url}#token=${gate.mintToken()}`, close };
}
