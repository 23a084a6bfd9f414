/**
 * Serve mode: the SweepService behind a loopback-only HTTP + WebSocket server that also serves the built renderer.
 *
 * Who may talk to it, checked in this order on every request and every upgrade:
 * 1. Host must be 127.0.0.1:PORT or localhost:PORT (a DNS-rebinding page arrives with its own host name).
 * 2. Origin, when present, must be http://127.0.0.1:PORT or http://localhost:PORT; on a WebSocket upgrade it must be
 *    present (browsers always send it), which stops cross-site WebSocket hijacking.
 * 3. A session cookie, obtained once by visiting /?token=<token> (the URL printed in the terminal). The token is
 *    exchanged for a separate random session secret in an HttpOnly SameSite=Strict cookie, and the browser is redirected
 *    to / so the token leaves the address bar and the history.
 * Neither the token nor the session secret is ever logged, and no URL with a query string is logged.
 *
 * Besides the renderer's files and the socket it serves one more kind of path, behind the same checks: EXPORT_PATH +
 * the id of an export started over the socket, the browser's download of that CSV (serve/downloads.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { realpath, readFile, stat } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';
import * as v from 'valibot';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { errorMessage as errorText, fail, type Result } from '../../src-core/contract/result';
import { show } from '../../src-core/contract/show';
import { EXPORT_PATH, SOCKET_PATH, socketMethods, type SocketReply } from '../../src-core/contract/socket';
import type { SweepEvent } from '../../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../../src-core/transport/wire';
import { ExportSessions } from '../export/sessions';
import { createHandlers } from '../handlers';
import type { RunExecutor } from '../pool';
import { contentSecurityPolicy } from '../security/csp';
import type { SweepService } from '../sweep-service';
import { Downloads } from './downloads';

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
  log?: (message: string) => void;
}

export interface LabServer {
  /** http://127.0.0.1:PORT/ (without the token). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export const SESSION_COOKIE = 'lab_session';
/** The largest WebSocket message accepted; larger ones close the socket with 1009. */
export const MAX_SOCKET_PAYLOAD = 16 * 1024 * 1024;
/** A client this far behind on events is disconnected; on reconnect it asks for resendPending. */
const MAX_BUFFERED_BYTES = 512 * 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const SocketRequestSchema = v.object(
  {
    id: v.pipe(
      v.unknown(),
      v.check(Number.isSafeInteger, (issue) => `Invalid request id: ${show(issue.input)} (must be a whole number)`),
      v.transform((id) => id as number),
    ),
    method: v.picklist(socketMethods, (issue) => `Unknown method: ${show(issue.input)} (must be one of ${socketMethods.join(', ')})`),
    payload: v.optional(v.unknown()),
  },
  (issue) => (issue.path ? 'Missing field: a request needs it' : `Invalid request: ${show(issue.input)} (must be an object {id, method, payload})`),
);

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
/** Constant-time equality whatever the lengths: both sides are hashed to 32 bytes first. */
const secretEquals = (given: string, expected: Buffer): boolean => timingSafeEqual(digest(given), expected);

export async function createLabServer(options: LabServerOptions): Promise<LabServer> {
  const { service, token } = options;
  if (!token) throw new Error('createLabServer: the token must not be empty');
  const log = options.log ?? ((message: string) => console.error(message));
  const staticRoot = await realpath(resolve(options.staticDir));
  const tokenDigest = digest(token);
  const session = randomBytes(32).toString('base64url');
  const sessionDigest = digest(session);
  const downloads = new Downloads();
  const exportSessions = new ExportSessions(options.executor, async (exportId, suggestedName) => downloads.open(exportId, suggestedName));
  const handlers = createHandlers(service, exportSessions);

  // Filled in once listening: the port is known only then (port 0).
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  let csp = '';

  const hasSession = (req: IncomingMessage): boolean => {
    const header = req.headers.cookie;
    if (!header) return false;
    let found = false;
    // Several lab_session cookies can arrive (another local server on another port sets one too): any may be ours.
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      if (secretEquals(part.slice(eq + 1).trim(), sessionDigest)) found = true;
    }
    return found;
  };

  /** Host and Origin checks shared by requests and upgrades; returns the refusal, or null when allowed. */
  const refuseForeign = (req: IncomingMessage, originRequired: boolean): [number, string] | null => {
    const host = req.headers.host?.toLowerCase();
    if (!host || !allowedHosts.has(host)) return [421, 'This server answers only to 127.0.0.1 and localhost on its own port.\n'];
    const origin = req.headers.origin;
    if (origin === undefined ? originRequired : !allowedOrigins.has(origin.toLowerCase())) {
      return [403, 'Requests from other sites are refused.\n'];
    }
    return null;
  };

  const notSignedIn =
    'Not signed in. Open the URL that `npm run serve` printed in the terminal (the one ending in ?token=...).\n';

  const baseHeaders = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  const sendText = (req: IncomingMessage, res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void => {
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, {
      ...baseHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(bytes.length),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': csp,
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  };

  /** The file under staticRoot that `rawPath` names, or null for anything outside it, hidden or malformed. */
  const resolveStatic = async (rawPath: string): Promise<string | null> => {
    if (rawPath.includes('\\')) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return null;
    }
    if (decoded.includes('\\') || decoded.includes('\0') || !decoded.startsWith('/')) return null;
    if (decoded.endsWith('/')) decoded += 'index.html';
    const segments = decoded.slice(1).split('/');
    // No '..', no '.', no empty segments and no hidden files: none of them occur in a Vite build.
    if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
    const candidate = join(staticRoot, ...segments);
    if (!candidate.startsWith(staticRoot + sep)) return null;
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(staticRoot + sep)) return null;
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = refuseForeign(req, false);
    if (refused) return sendText(req, res, ...refused);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(req, res, 405, 'Only GET and HEAD are served here.\n', { Allow: 'GET, HEAD' });
    }
    const target = req.url ?? '';
    if (!target.startsWith('/')) return sendText(req, res, 400, 'Bad request.\n');
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));

    const given = query.get('token');
    if (rawPath === '/' && given !== null) {
      if (!secretEquals(given, tokenDigest)) {
        return sendText(req, res, 401, 'Wrong token. Open the URL that `npm run serve` printed in the terminal.\n');
      }
      res.writeHead(303, {
        ...baseHeaders,
        Location: '/',
        'Set-Cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Content-Security-Policy': csp,
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    if (!hasSession(req)) return sendText(req, res, 401, notSignedIn);

    if (rawPath.startsWith(EXPORT_PATH)) {
      if (req.method === 'GET' && downloads.attach(rawPath.slice(EXPORT_PATH.length), res, baseHeaders)) return;
      return sendText(req, res, 404, 'No such export: it was downloaded already, discarded, or never started.\n');
    }

    const file = await resolveStatic(rawPath);
    if (!file) return sendText(req, res, 404, 'Not found.\n');
    const body = await readFile(file);
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': type,
      'Content-Length': String(body.length),
      'Content-Security-Policy': csp,
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  // --- WebSocket ---------------------------------------------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_SOCKET_PAYLOAD, clientTracking: true });
  wss.on('error', (error) => log(`serve: WebSocket server error: ${errorText(error)}`));

  const send = (ws: WebSocket, reply: SocketReply): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log('serve: a client fell too far behind and was disconnected');
      ws.terminate();
      return;
    }
    let frame: Uint8Array;
    try {
      frame = encodeFrame(reply);
    } catch (error) {
      if (!('id' in reply)) return log(`serve: could not encode an event: ${errorText(error)}`);
      frame = encodeFrame({ id: reply.id, result: fail('internal', `Could not encode the reply: ${errorText(error)}`) });
    }
    ws.send(frame, { binary: true });
  };

  const readableId = (message: unknown): number =>
    typeof message === 'object' && message !== null && Number.isSafeInteger((message as { id?: unknown }).id)
      ? (message as { id: number }).id
      : -1;

  const answer = async (data: RawData, isBinary: boolean): Promise<SocketReply> => {
    if (!isBinary) return { id: -1, result: fail('invalid-input', 'Text frames are not accepted: send binary frames (src-core/transport/wire.ts)') };
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    let message: unknown;
    try {
      message = decodeFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      return { id: -1, result: fail('invalid-input', `Malformed frame: ${errorText(error)}`) };
    }
    const envelope = v.safeParse(SocketRequestSchema, message, { abortPipeEarly: true });
    if (!envelope.success) {
      const issue = envelope.issues[0];
      const path = v.getDotPath(issue);
      const detail = path ? `${path}: ${issue.message}` : issue.message;
      return { id: readableId(message), result: fail('invalid-input', `Malformed request: ${detail}`) };
    }
    const { id, method, payload } = envelope.output;
    let result: Result<unknown>;
    try {
      result = await handlers[method](payload);
    } catch (error) {
      log(`serve: ${method} failed: ${errorText(error)}`);
      result = fail('internal', `${method} failed: ${errorText(error)}`);
    }
    return { id, result };
  };

  const accept = (ws: WebSocket): void => {
    ws.on('error', (error) => log(`serve: socket error: ${errorText(error)}`));
    ws.on('message', (data, isBinary) => {
      answer(data, isBinary)
        .then((reply) => send(ws, reply))
        .catch((error: unknown) => log(`serve: could not answer a request: ${errorText(error)}`));
    });
  };

  const unsubscribe = service.onEvent((event: SweepEvent) => {
    if (wss.clients.size === 0) return;
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ event } satisfies SocketReply);
    } catch (error) {
      return log(`serve: could not encode an event: ${errorText(error)}`);
    }
    for (const ws of wss.clients) {
      try {
        if (ws.readyState !== WebSocket.OPEN) continue;
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
          log('serve: a client fell too far behind and was disconnected');
          ws.terminate();
          continue;
        }
        ws.send(frame, { binary: true });
      } catch (error) {
        log(`serve: could not send an event: ${errorText(error)}`);
      }
    }
  });

  const refuseUpgrade = (socket: Duplex, status: number, body: string): void => {
    const bytes = Buffer.from(body, 'utf8');
    socket.once('finish', () => socket.destroy());
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${bytes.length}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
    );
  };

  // --- HTTP server -------------------------------------------------------------------------------------------------
  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`serve: request failed: ${errorText(error)}`);
      if (!res.headersSent) sendText(req, res, 500, 'Internal error.\n');
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const refused = refuseForeign(req, true);
      if (refused) return refuseUpgrade(socket, ...refused);
      const target = req.url ?? '';
      const q = target.indexOf('?');
      if ((q < 0 ? target : target.slice(0, q)) !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not found.\n');
      if (!hasSession(req)) return refuseUpgrade(socket, 401, notSignedIn);
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuseUpgrade(socket, 400, 'Only WebSocket upgrades.\n');
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          accept(ws);
        } catch (error) {
          log(`serve: could not accept a socket: ${errorText(error)}`);
          ws.terminate();
        }
      });
    } catch (error) {
      log(`serve: upgrade failed: ${errorText(error)}`);
      socket.destroy();
    }
  });

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
  server.on('error', (error) => log(`serve: server error: ${errorText(error)}`));

  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolveClose) => {
      unsubscribe();
      void exportSessions.discardAll();
      for (const ws of wss.clients) ws.close(1001, 'The server is shutting down');
      // Sockets that do not finish the closing handshake promptly are cut.
      const cut = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 1000);
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

  return { url: `http://127.0.0.1:${port}/`, port, close };
}
