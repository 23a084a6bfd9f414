/**
 * Who may talk to serve mode, checked in this order on every request and every upgrade:
 * 1. Host must be 127.0.0.1:PORT or localhost:PORT (a DNS-rebinding page arrives with its own host name).
 * 2. Origin, when present, must be http://127.0.0.1:PORT or http://localhost:PORT; on a WebSocket upgrade it must be
 *    present (browsers always send it), which stops cross-site WebSocket hijacking.
 * 3. A session cookie, obtained once by visiting /?token=<token> (the URL printed in the terminal). The token is
 *    exchanged for a separate random session secret in an HttpOnly SameSite=Strict cookie, and the browser is redirected
 *    to / so the token leaves the address bar and the history.
 * Neither the token nor the session secret is ever logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { baseHeaders, type TextResponses } from './responses';

export const SESSION_COOKIE = 'lab_session';

export const notSignedIn =
  'Not signed in. Open the URL that `npm run serve` printed in the terminal (the one ending in ?token=...).\n';

/** A refusal: the status and the plain-text body to answer with. */
export type Refusal = [status: number, body: string];

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
/** Constant-time equality whatever the lengths: both sides are hashed to 32 bytes first. */
const secretEquals = (given: string, expected: Buffer): boolean => timingSafeEqual(digest(given), expected);

export class Gate {
  private readonly tokenDigest: Buffer;
  private readonly session = randomBytes(32).toString('base64url');
  private readonly sessionDigest = digest(this.session);
  // Filled in once listening: the port is known only then (port 0). Until then nothing is allowed.
  private allowedHosts = new Set<string>();
  private allowedOrigins = new Set<string>();

  constructor(token: string) {
    this.tokenDigest = digest(token);
  }

  listeningOn(port: number): void {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  }

  /** Host and Origin checks shared by requests and upgrades; returns the refusal, or null when allowed. */
  refuseForeign(req: IncomingMessage, originRequired: boolean): Refusal | null {
    const host = req.headers.host?.toLowerCase();
    if (!host || !this.allowedHosts.has(host)) return [421, 'This server answers only to 127.0.0.1 and localhost on its own port.\n'];
    const origin = req.headers.origin;
    if (origin === undefined ? originRequired : !this.allowedOrigins.has(origin.toLowerCase())) {
      return [403, 'Requests from other sites are refused.\n'];
    }
    return null;
  }

  hasSession(req: IncomingMessage): boolean {
    const header = req.headers.cookie;
    if (!header) return false;
    let found = false;
    // Several lab_session cookies can arrive (another local server on another port sets one too): any may be ours.
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
      if (secretEquals(part.slice(eq + 1).trim(), this.sessionDigest)) found = true;
    }
    return found;
  }

  /** Answers /?token=`given`: the session cookie and a redirect to /, or 401 for a wrong token. */
  exchangeToken(req: IncomingMessage, res: ServerResponse, given: string, text: TextResponses): void {
    if (!secretEquals(given, this.tokenDigest)) {
      return text.send(req, res, 401, 'Wrong token. Open the URL that `npm run serve` printed in the terminal.\n');
    }
    res.writeHead(303, {
      ...baseHeaders,
      Location: '/',
      'Set-Cookie': `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': text.csp,
      'Content-Length': '0',
    });
    res.end();
  }
}
