/**
 * Who may talk to serve mode, checked in this order:
 * 1. Host must be 127.0.0.1:PORT, or localhost:PORT, which pages are redirected from (308) to the one canonical origin
 *    http://127.0.0.1:PORT (two origins would keep two IndexedDB stores of one server's runs) and upgrades are refused
 *    from; any other host is refused (a DNS-rebinding page arrives with its own host name).
 * 2. Origin, when present, must be http://127.0.0.1:PORT; on a WebSocket upgrade it must be present (browsers always
 *    send it), which stops cross-site WebSocket hijacking.
 * 3. The renderer's files hold no secret and need nothing more. The API is the WebSocket, which needs a credential
 *    the browser never sends by itself (a cookie would go to every port of 127.0.0.1): the page offers it in the
 *    subprotocol list (src-core/contract/socket.ts). A link's token (/#token=…, never sent in a request) works once and
 *    is exchanged for a new random session secret; sessions are bounded in number (the least recently used is
 *    dropped) and expire when unused for SESSION_IDLE_MS. Failed sign-ins are limited per minute.
 * Neither tokens nor session secrets are ever logged; only their SHA-256 digests are kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SESSION_PROTOCOL, SignInRefusal, TOKEN_PROTOCOL } from '../../src-core/contract/socket';

/** A refusal: the status and the plain-text body to answer with. */
export type Refusal = [status: number, body: string];

/** Sessions kept at once; a new one beyond this drops the least recently used. */
export const MAX_SESSIONS = 32;
/** A session nobody has used (no socket open with it) for this long is forgotten. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Fresh links not yet used kept at once; a new one beyond this drops the oldest. */
const MAX_OPEN_LINKS = 16;
/** A fresh link (not the first, printed at start) works for this long. */
const LINK_TTL_MS = 15 * 60 * 1000;
/** Failed sign-ins (wrong token, unknown session) allowed per minute; beyond them every sign-in is refused. */
export const MAX_FAILURES_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

/** What to do once a sign-in is known: open the socket with this session, or close it with this code and reason. */
export type SignIn = { ok: true; session: string; fresh: boolean } | { ok: false; code: number; reason: string };

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/** The subprotocols a WebSocket upgrade offers (Sec-WebSocket-Protocol, comma-separated). */
export function offeredProtocols(req: IncomingMessage): Set<string> {
  const header = req.headers['sec-websocket-protocol'];
  return new Set(
    (header ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  );
}

interface Session {
  lastUsed: number;
  /** Sockets open with it: a session in use never expires. */
  open: number;
}

export class Gate {
  /** Digests of the tokens that still work, with the time each stops working (Infinity for the first). */
  private readonly tokens = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private failures: number[] = [];
  private port = 0;

  constructor(
    firstToken: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens.set(digest(firstToken), Infinity);
  }

  listeningOn(port: number): void {
    this.port = port;
  }

  get canonicalOrigin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Host and Origin checks shared by requests and upgrades: the refusal, a redirect to the canonical origin (a page
   * asked of localhost:PORT), or null when allowed. Nothing is allowed before the port is known.
   */
  check(req: IncomingMessage, upgrade: boolean): { refuse: Refusal } | { redirect: string } | null {
    const host = req.headers.host?.toLowerCase();
    const localhost = host === `localhost:${this.port}`;
    if (this.port === 0 || !(host === `127.0.0.1:${this.port}` || localhost)) {
      return { refuse: [421, `This server answers only to 127.0.0.1:${this.port}.\n`] };
    }
    const origin = req.headers.origin;
    if (origin === undefined ? upgrade : origin.toLowerCase() !== this.canonicalOrigin) {
      return { refuse: [403, 'Requests from other sites are refused.\n'] };
    }
    if (!localhost) return null;
    const target = req.url ?? '';
    if (upgrade || !/^\/[\x21-\x7e]*$/.test(target))
      return { refuse: [421, `Use ${this.canonicalOrigin}/ (not localhost): one address, one store of runs.\n`] };
    return { redirect: this.canonicalOrigin + target };
  }

  /** A fresh single-use link's token (`adagrad-lab link`, Enter in the terminal). */
  mintToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(digest(token), this.now() + LINK_TTL_MS);
    // Maps keep insertion order; the first token (Infinity) is dropped last only by being oldest, like any other.
    while (this.tokens.size > MAX_OPEN_LINKS) this.tokens.delete(this.tokens.keys().next().value!);
    return token;
  }

  /** Signs in an upgrade that offered `protocols`: a link's token is exchanged (once) for a new session, or a session is checked. */
  signIn(protocols: ReadonlySet<string>): SignIn {
    const now = this.now();
    this.failures = this.failures.filter((t) => t > now - MINUTE_MS);
    if (this.failures.length >= MAX_FAILURES_PER_MINUTE) {
      const wait = Math.ceil((this.failures[0] + MINUTE_MS - now) / 1000);
      return { ok: false, code: SignInRefusal.throttled, reason: `Too many failed sign-ins: try again in ${wait} s` };
    }
    const offered = [...protocols];
    const token = offered.find((p) => p.startsWith(TOKEN_PROTOCOL))?.slice(TOKEN_PROTOCOL.length);
    const session = offered.find((p) => p.startsWith(SESSION_PROTOCOL))?.slice(SESSION_PROTOCOL.length);
    if (token !== undefined) return this.exchange(token, now);
    if (session === undefined) return { ok: false, code: SignInRefusal.unknownSession, reason: 'Not signed in' };
    const known = this.sessionOf(session, now);
    if (!known) return this.failed(now, SignInRefusal.unknownSession, 'Unknown session (the server restarted?)');
    known.lastUsed = now;
    return { ok: true, session, fresh: false };
  }

  /** A socket signed in with `session` opened (true) or closed (false): a session in use does not expire. */
  inUse(session: string, open: boolean): void {
    const known = this.sessions.get(digest(session));
    if (!known) return;
    known.open += open ? 1 : -1;
    known.lastUsed = this.now();
  }

  private exchange(hex: string, now: number): SignIn {
    const token = /^(?:[0-9a-f]{2})+$/.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : null;
    const key = token === null ? null : digest(token);
    const until = key === null ? undefined : this.tokens.get(key);
    if (key === null || until === undefined || until < now)
      return this.failed(now, SignInRefusal.badToken, 'This link was used already or is not valid');
    this.tokens.delete(key);
    const session = newSecret();
    this.sessions.set(digest(session), { lastUsed: now, open: 0 });
    this.dropOldSessions(now);
    return { ok: true, session, fresh: true };
  }

  private sessionOf(session: string, now: number): Session | null {
    const key = digest(session);
    const known = this.sessions.get(key);
    if (!known) return null;
    if (known.open === 0 && known.lastUsed < now - SESSION_IDLE_MS) {
      this.sessions.delete(key);
      return null;
    }
    return known;
  }

  private dropOldSessions(now: number): void {
    for (const [key, s] of this.sessions)
      if (s.open === 0 && s.lastUsed < now - SESSION_IDLE_MS) this.sessions.delete(key);
    while (this.sessions.size > MAX_SESSIONS) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [key, s] of this.sessions) if (s.lastUsed < at) [oldest, at] = [key, s.lastUsed];
      this.sessions.delete(oldest!);
    }
  }

  private failed(now: number, code: number, reason: string): SignIn {
    this.failures.push(now);
    return { ok: false, code, reason };
  }
}
