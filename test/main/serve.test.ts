/**
 * Serve mode's server over real loopback sockets: who gets in (single-use link tokens exchanged for sessions over the
 * socket, Host, Origin, the one canonical origin, the limit on failed sign-ins), its HTTP limits, what it serves, and
 * the WebSocket protocol carrying the real SweepService with an in-process executor.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ExportKind } from '../../src-core/contract/api';
import { SignInRefusal, SOCKET_PROTOCOL, type SocketReply } from '../../src-core/contract/socket';
import { validateSweepSpec } from '../../src-core/sweep/expand';
import { compactTrace } from '../../src-core/run/compact-trace';
import type { CompactRunResult, SweepEvent, SweepLaunched } from '../../src-core/contract/types';
import { executeRun } from '../../src-core/run/execute';
import { encodeFrame } from '../../src-core/transport/wire';
import { DEFAULT_PORT, parseServeArgs, serveToken } from '../../src-main/serve/args';
import { contentDisposition } from '../../src-main/serve/downloads';
import {
  createLabServer,
  HTTP_LIMITS,
  MAX_REQUESTS_IN_FLIGHT,
  MAX_SOCKET_PAYLOAD,
  type LabServer,
  type LabServerOptions,
} from '../../src-main/serve/server';
import { MAX_FAILURES_PER_MINUTE, MAX_SESSIONS, SESSION_IDLE_MS } from '../../src-main/serve/session';
import { MAX_KEPT_SWEEPS, SweepService } from '../../src-main/sweep-service';
import { expectClose } from '../helpers/close';
import { adagradRun, adagradSweep, goodSpec } from '../helpers/configs';
import { mustSignIn, signInSocket, type Credential, type SignedInSocket } from '../helpers/serve-socket';
import { storedRanges } from '../../src-core/sweep/stored-ranges';
import { inProcessExecutor } from '../helpers/in-process-executor';
import { resultsIn } from '../helpers/sweep-events';

const TOKEN = 'test-token-0123456789abcdef';
const INDEX_HTML = '<!doctype html><title>AdaGrad Lab</title><script type="module" src="./app.js"></script>';

let dir: string;
let server: LabServer;
let service: SweepService;
let base: string;
let origin: string;
/** The session the first link's token was exchanged for. */
let session: string;
const logs: string[] = [];

const executor = { ...inProcessExecutor(), threads: 1 };

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** http.request sends the path exactly as given (fetch would normalise '/../') and lets us forge Host. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function tcpConnect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.on('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

/**
 * Origins that are not the server's own although they share part of it: written out from the rule (an origin is
 * scheme, host and port; the server's are http://127.0.0.1:PORT and http://localhost:PORT), not from the server's list.
 */
const foreignOrigins = (): string[] => [
  `https://127.0.0.1:${server.port}`,
  `https://localhost:${server.port}`,
  `ws://127.0.0.1:${server.port}`,
  `http://127.0.0.1:${server.port + 1}`,
  `http://localhost:${server.port - 1}`,
  `http://127.0.0.1`,
];

/** A connected, authenticated client that records every reply and event. */
class Client {
  private waiters: (() => void)[] = [];
  private nextId = 1;
  closed: number | null = null;

  readonly messages: SocketReply[];
  readonly ws: WebSocket;

  constructor(signedIn: SignedInSocket) {
    this.ws = signedIn.ws;
    this.messages = signedIn.messages;
    signedIn.wake = () => this.wake();
    this.ws.on('close', (code) => {
      this.closed = code;
      this.wake();
    });
  }

  /** A socket signed in with the session of the first link (as a page reconnecting does). */
  static async connect(credential: Credential = { session }): Promise<Client> {
    return new Client(await mustSignIn(server.port, credential));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async waitFor<T extends SocketReply>(match: (m: SocketReply) => m is T, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (this.closed !== null) throw new Error(`socket closed (${this.closed}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  reply(id: number): Promise<Extract<SocketReply, { id: number }>> {
    return this.waitFor((m): m is Extract<SocketReply, { id: number }> => 'id' in m && m.id === id, `reply ${id}`);
  }

  async call(method: string, payload?: unknown): Promise<Extract<SocketReply, { id: number }>['result']> {
    const id = this.nextId++;
    this.ws.send(encodeFrame(payload === undefined ? { id, method } : { id, method, payload }));
    return (await this.reply(id)).result;
  }

  event<K extends SweepEvent['type']>(type: K, sweepId: string): Promise<{ event: Extract<SweepEvent, { type: K }> }> {
    return this.waitFor(
      (m): m is { event: Extract<SweepEvent, { type: K }> } =>
        'event' in m && m.event.type === type && 'sweepId' in m.event && m.event.sweepId === sweepId,
      `${type} event`,
    );
  }

  /** The next reply with id -1 not yet consumed. */
  async anonymousReply(seen: number): Promise<Extract<SocketReply, { id: number }>> {
    const isAnon = (m: SocketReply): m is Extract<SocketReply, { id: number }> => 'id' in m && m.id === -1;
    await this.waitFor(
      (m): m is Extract<SocketReply, { id: number }> => isAnon(m) && this.messages.filter(isAnon).length > seen,
      'an error reply',
    );
    return this.messages.filter(isAnon)[seen];
  }

  close(): void {
    this.ws.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-serve-'));
  const staticDir = join(dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), INDEX_HTML);
  await writeFile(join(staticDir, 'app.js'), 'console.log("lab");\n');
  await writeFile(join(staticDir, 'assets', 'style.css'), 'body{margin:0}\n');
  await writeFile(join(staticDir, '.env'), 'HIDDEN=1\n');
  await writeFile(join(dir, 'secret.txt'), 'outside the static dir\n');
  service = new SweepService(executor);
  server = await createLabServer({
    service,
    executor,
    staticDir,
    token: TOKEN,
    port: 0,
    log: (line) => logs.push(line),
  });
  base = server.url;
  origin = `http://127.0.0.1:${server.port}`;
  session = (await mustSignIn(server.port, { token: TOKEN })).session!;
});

/** A server of its own (for tests that change its clock, exhaust its limits or count its connections). */
/** Tasks that end only when aborted: every launched sweep stays queued or running, and nothing is computed. */
const stalledExecutor = () => ({
  threads: 1,
  runRange: (_task: unknown, signal?: AbortSignal) =>
    new Promise<never>((_resolve, reject) =>
      signal?.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError'))),
    ),
  close: async () => {},
});

async function ownServer(options: Partial<LabServerOptions> = {}): Promise<LabServer> {
  return createLabServer({
    service: new SweepService(executor),
    executor,
    staticDir: join(dir, 'renderer'),
    token: TOKEN,
    port: 0,
    log: () => {},
    ...options,
  });
}

/** Resolves once the server closes the TCP connection `socket`, with what it sent before closing. */
const closedBy = (socket: ReturnType<typeof connect>): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('serve mode: HTTP', () => {
  it('listens on 127.0.0.1 only, at the URL it reports', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.port).toBeGreaterThan(0);
    // Bound to 127.0.0.1 exactly: other loopback addresses and every other interface of this machine are refused.
    const others = [
      '127.0.0.2',
      ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
    ];
    for (const address of others.filter((a) => a !== '127.0.0.1')) {
      await expect(tcpConnect(address, server.port), address).rejects.toMatchObject({
        code: expect.stringMatching(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EINVAL/),
      });
    }
    await expect(tcpConnect('127.0.0.1', server.port)).resolves.toBeUndefined();
  });

  it('serves the renderer files without a session (they hold no secret), and no longer reads or sets a cookie', async () => {
    for (const [path, headers] of [
      ['', {}],
      ['app.js', {}],
      ['', { cookie: 'lab_session=anything' }],
      [`?token=${TOKEN}`, {}],
    ] as const) {
      const res = await fetch(base + path, { redirect: 'manual', headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('serves index.html at / with the CSP (only the canonical WebSocket origin) and the security headers', async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX_HTML);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port};`);
    expect(csp).not.toContain('localhost');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves scripts and styles with their content types; HEAD sends headers only', async () => {
    const js = await fetch(`${base}app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('console.log("lab");\n');
    const css = await fetch(`${base}assets/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Hashed build assets are kept by the browser (a reload compiles nothing again); other files are asked for again.
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    const head = await raw('/app.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('console.log("lab");\n'.length));
    expect(head.body).toBe('');
  });

  it('answers a missing file with 404', async () => {
    expect((await fetch(`${base}nope.js`)).status).toBe(404);
  });

  it('refuses a foreign Origin with 403, localhost:PORT included (one canonical origin); accepts its own', async () => {
    const evil = await raw('/', { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect((await raw('/', { origin: 'null' })).status).toBe(403);
    expect((await raw('/', { origin: `http://localhost:${server.port + 1}` })).status).toBe(403);
    expect((await raw('/', { origin: `http://localhost:${server.port}` })).status).toBe(403);
    expect((await raw('/', { origin })).status).toBe(200);
    // The origin is scheme, host and port: the right host and port under another scheme, or the right scheme and host
    // on another port, is another site.
    for (const foreign of foreignOrigins())
      expect({ foreign, status: (await raw('/', { origin: foreign })).status }).toEqual({ foreign, status: 403 });
  });

  it('redirects localhost:PORT to http://127.0.0.1:PORT with 308, path kept: one origin, one store of runs', async () => {
    const moved = await raw('/assets/style.css?x=1', { host: `localhost:${server.port}` });
    expect(moved.status).toBe(308);
    expect(moved.headers.location).toBe(`http://127.0.0.1:${server.port}/assets/style.css?x=1`);
    expect((await raw('/', { host: `LOCALHOST:${server.port}` })).headers.location).toBe(
      `http://127.0.0.1:${server.port}/`,
    );
    // The browser keeps a fragment across a redirect without one: localhost:PORT/#token=… arrives at 127.0.0.1 with it.
    const page = await fetch(`http://localhost:${server.port}/`, { redirect: 'manual' }).catch(() => null);
    if (page) expect(page.status).toBe(308);
  });

  it('refuses a rebinding Host with 421', async () => {
    const rebound = await raw('/', { host: `evil.example:${server.port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).toMatch(/only to 127\.0\.0\.1:/);
    expect((await raw('/', { host: `127.0.0.1:${server.port + 1}` })).status).toBe(421);
    expect((await raw('/', { host: '127.0.0.1' })).status).toBe(421);
    expect((await raw('/', { host: `localhost:${server.port + 1}` })).status).toBe(421);
  });

  it('refuses path traversal, encoded or not, with 404', async () => {
    for (const path of [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%00',
      '/%zz',
      '/.env',
      '//etc/passwd',
    ]) {
      const res = await raw(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).not.toContain('outside the static dir');
    }
  });

  it('answers methods other than GET and HEAD with 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(base, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });
});

describe('serve mode: signing in', () => {
  const outcome = (credential: Credential, options: Parameters<typeof signInSocket>[2] = {}) =>
    signInSocket(server.port, credential, options);
  const refusedWith = (code: number) => ({ closed: code, reason: expect.any(String) });

  it('exchanges a link token once for a fresh session: the same token again is refused, even right away', async () => {
    const link = server.freshLink();
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{32}$`));
    const token = link.slice(link.indexOf('#token=') + '#token='.length);
    const first = await mustSignIn(server.port, { token });
    expect(first.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.session).not.toContain(token);
    // The handshake names the lab's protocol only: the credential is never echoed back.
    expect(first.protocol).toBe(SOCKET_PROTOCOL);
    first.ws.close();
    expect(await outcome({ token })).toEqual(refusedWith(SignInRefusal.badToken));
    // The first token (the printed link) was used in beforeAll: a history entry that kept it grants nothing.
    expect(await outcome({ token: TOKEN })).toEqual(refusedWith(SignInRefusal.badToken));
  });

  it('mints a new session per exchange; a session reconnects any number of times', async () => {
    const sessions = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const link = server.freshLink();
      const signedIn = await mustSignIn(server.port, { token: link.split('#token=')[1] });
      sessions.add(signedIn.session!);
      signedIn.ws.close();
    }
    expect(sessions.size).toBe(3);
    for (let i = 0; i < 3; i++) {
      const again = await mustSignIn(server.port, { session });
      expect(again.session).toBeNull();
      again.ws.close();
    }
  });

  it('refuses no credential, a forged session and a cookie with 4401, a close code the page can read', async () => {
    expect(await outcome(null)).toEqual(refusedWith(SignInRefusal.unknownSession));
    expect(await outcome({ session: 'forged' })).toEqual(refusedWith(SignInRefusal.unknownSession));
    expect(await outcome({ session: `${session}x` })).toEqual(refusedWith(SignInRefusal.unknownSession));
    // The old cookie (which every port of 127.0.0.1 receives) grants nothing: it is not read at all.
    expect(await outcome(null, { headers: { cookie: `lab_session=${session}` } })).toEqual(
      refusedWith(SignInRefusal.unknownSession),
    );
  });

  it('refuses an upgrade without the lab subprotocol (400), from a foreign, missing or localhost Origin (403)', async () => {
    expect(await outcome({ session }, { protocols: [] })).toEqual({ status: 400 });
    expect(await outcome({ session }, { origin: 'http://evil.example' })).toEqual({ status: 403 });
    expect(await outcome({ session }, { origin: null })).toEqual({ status: 403 });
    expect(await outcome({ session }, { origin: `http://localhost:${server.port}` })).toEqual({ status: 403 });
    for (const foreign of foreignOrigins())
      expect({ foreign, opened: await outcome({ session }, { origin: foreign }) }).toEqual({
        foreign,
        opened: { status: 403 },
      });
  });

  it('refuses an upgrade with a rebinding or localhost Host (421), or on another path (404)', async () => {
    expect(
      await outcome(
        { session },
        { headers: { host: `evil.example:${server.port}` }, origin: `http://evil.example:${server.port}` },
      ),
    ).toEqual({ status: 421 });
    expect(await outcome({ session }, { headers: { host: `localhost:${server.port}` } })).toEqual({ status: 421 });
    expect(await outcome({ session }, { path: '/other' })).toEqual({ status: 404 });
  });

  it('keeps at most MAX_SESSIONS sessions, dropping the least recently used, and forgets one unused for SESSION_IDLE_MS', async () => {
    let now = 1_000_000;
    const own = await ownServer({ now: () => now });
    try {
      const token = (): { token: string } => ({ token: own.freshLink().split('#token=')[1] });
      const first = await mustSignIn(own.port, { token: TOKEN });
      first.ws.close();
      const later: string[] = [];
      for (let i = 0; i < MAX_SESSIONS; i++) {
        now += 1000;
        const signedIn = await mustSignIn(own.port, token());
        later.push(signedIn.session!);
        signedIn.ws.close();
      }
      // The first session was the least recently used when the 33rd was made: it is gone; the next oldest is not.
      expect(await signInSocket(own.port, { session: first.session! })).toEqual(
        refusedWith(SignInRefusal.unknownSession),
      );
      const kept = await mustSignIn(own.port, { session: later[0] });
      kept.ws.close();
      await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the close
      now += SESSION_IDLE_MS + 1;
      expect(await signInSocket(own.port, { session: later[1] })).toEqual(refusedWith(SignInRefusal.unknownSession));
    } finally {
      await own.close();
    }
  });

  it('slows wrong tokens and sessions down: after a few failures a minute every sign-in is refused until they age out', async () => {
    let now = 5_000_000;
    const own = await ownServer({ now: () => now });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 50; i++) {
        const result = await signInSocket(own.port, i % 2 ? { token: `wrong-${i}` } : { session: `forged-${i}` });
        codes.push('closed' in result ? result.closed : -1);
      }
      expect(
        codes
          .slice(0, MAX_FAILURES_PER_MINUTE)
          .every((c) => c === SignInRefusal.badToken || c === SignInRefusal.unknownSession),
      ).toBe(true);
      expect(codes.slice(MAX_FAILURES_PER_MINUTE)).toEqual(
        Array(50 - MAX_FAILURES_PER_MINUTE).fill(SignInRefusal.throttled),
      );
      // While throttled even the right token is refused (and not used up); a minute later it works.
      const throttled = await signInSocket(own.port, { token: TOKEN });
      expect(throttled).toEqual({
        closed: SignInRefusal.throttled,
        reason: expect.stringMatching(/^Too many failed sign-ins: try again in \d+ s$/),
      });
      now += 60_001;
      (await mustSignIn(own.port, { token: TOKEN })).ws.close();
    } finally {
      await own.close();
    }
  });
});

describe('serve mode: HTTP limits', () => {
  it('caps connections, and cuts requests whose headers or body do not arrive in time', async () => {
    expect(HTTP_LIMITS).toEqual({
      maxConnections: 64,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    const own = await ownServer({ limits: { maxConnections: 4, headersTimeoutMs: 600, requestTimeoutMs: 1200 } });
    try {
      // Slow headers: a request line and no end of headers.
      const started = Date.now();
      const slow = Array.from({ length: 4 }, () => connect({ host: '127.0.0.1', port: own.port }));
      for (const socket of slow) socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const slowClosed = slow.map(closedBy);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A fifth connection while four are open is closed at once, unanswered.
      const extra = connect({ host: '127.0.0.1', port: own.port });
      extra.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${own.port}\r\nConnection: close\r\n\r\n`);
      expect(await closedBy(extra)).toBe('');
      const answers = await Promise.all(slowClosed);
      const waited = Date.now() - started;
      expect(waited).toBeLessThan(3000);
      for (const answer of answers) expect(answer).toMatch(/^(HTTP\/1\.1 (408|400)|$)/);
      // Room again: a request is answered.
      expect((await fetch(own.url)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('serve mode: WebSocket', () => {
  it('refuses a bad sweep with the schema message, naming the value', async () => {
    const client = await Client.connect();
    const result = await client.call(
      'launchSweep',
      adagradSweep({
        name: 'bad',
        start: [4],
        lrs: [-0.1],
        eps: [1e-8],
        weightDecays: [0],
        steps: 3,
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(result.error.message).toContain('Invalid learning rate: -0.1');
    }
    client.close();
  });

  it('refuses a sweep beyond MAX_KEPT_SWEEPS queued or running, naming the limit; cancelling one makes room', async () => {
    const own = await ownServer({ service: new SweepService(stalledExecutor()) });
    const client = new Client(await mustSignIn(own.port, { token: TOKEN }));
    const launches = await Promise.all(
      Array.from({ length: MAX_KEPT_SWEEPS + 1 }, () => client.call('launchSweep', goodSpec)),
    );
    expect(launches.filter((r) => r.ok)).toHaveLength(MAX_KEPT_SWEEPS);
    const refused = launches[MAX_KEPT_SWEEPS];
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error.message).toBe(
        `Invalid sweep: ${MAX_KEPT_SWEEPS} sweeps are queued, running or waiting for their runs to be stored already (must be fewer: wait for one to end, or cancel one)`,
      );
    const first = launches[0];
    if (!first.ok) throw new Error(first.error.message);
    expect(await client.call('cancelSweep', (first.value as SweepLaunched).sweepId)).toEqual({ ok: true, value: true });
    expect((await client.call('launchSweep', goodSpec)).ok).toBe(true);
    client.close();
    await own.close();
  });

  it('holds a connection launching and cancelling in a loop to its launch budget: the other pages are sent only what it launched', async () => {
    let now = 1_000_000;
    // Each launch a start point of 250,000 numbers (1 MB); the budget three and a half of them.
    const spec = {
      ...goodSpec,
      name: 'loop',
      objectives: [{ id: 'ill-conditioned', dim: 250_000, condition: 100 }],
      start: Array.from({ length: 250_000 }, (_, i) => (i % 7) + 0.5),
    };
    const frame = encodeFrame({ id: 1, method: 'launchSweep', payload: spec }).byteLength;
    const own = await ownServer({
      service: new SweepService(stalledExecutor()),
      limits: { launchBytesPerWindow: Math.floor(3.5 * frame) },
      now: () => now,
    });
    const signedIn = await mustSignIn(own.port, { token: TOKEN });
    const looping = new Client(signedIn);
    const other = new Client(await mustSignIn(own.port, { session: signedIn.session! }));
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const launched = await looping.call('launchSweep', spec);
      if (!launched.ok) {
        outcomes.push(`${launched.error.code}: ${launched.error.message}`);
        continue;
      }
      outcomes.push('launched');
      expect(await looping.call('cancelSweep', (launched.value as SweepLaunched).sweepId)).toEqual({
        ok: true,
        value: true,
      });
    }
    const refusal =
      'rate-limited: Too many sweeps launched: 3 MB of them from this connection in the last 10 s, and this one is ' +
      '1 MB (must be at most 3.5 MB every 10 s, as every open page is sent each; try again in 10 s)';
    expect(outcomes).toEqual(['launched', 'launched', 'launched', refusal, refusal, refusal]);
    // Another connection has a budget of its own, and a launch refused for its spec spends none of it.
    for (let i = 0; i < 3; i++) expect((await other.call('launchSweep', { ...spec, steps: 0 })).ok).toBe(false);
    for (let i = 0; i < 3; i++) expect((await other.call('launchSweep', spec)).ok).toBe(true);
    const started = (client: Client) =>
      client.messages.filter((m) => 'event' in m && m.event.type === 'sweep-started').length;
    await other.waitFor((_m): _m is SocketReply => started(other) === 6, 'the six sweeps launched announced');
    expect(started(other)).toBe(6);
    // Once its launches are 10 s old, the looping connection may launch again.
    now += 10_000;
    expect((await looping.call('launchSweep', spec)).ok).toBe(true);
    looping.close();
    other.close();
    await own.close();
  });

  it('runs a sweep and streams exact typed-array traces, then the finish, to the socket', async () => {
    const client = await Client.connect();
    const result = await client.call(
      'launchSweep',
      adagradSweep({
        name: 'x',
        start: [4],
        lrs: [1, 0.5],
        eps: [1e-8],
        weightDecays: [0],
        steps: 3,
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { sweepId, runCount } = result.value as { sweepId: string; runCount: number };
    expect(runCount).toBe(2);

    await client.event('sweep-started', sweepId);
    await client.event('sweep-finished', sweepId);
    const finished = (await client.event('sweep-finished', sweepId)).event;
    expect(finished.status).toBe('completed');
    const results: CompactRunResult[] = resultsIn(
      client.messages.flatMap((m) => ('event' in m ? [m.event] : [])),
      sweepId,
    );
    expect(results).toHaveLength(2);
    const fast = results.find((r) => r.config.optimizer.lr === 1);
    expect(fast).toBeDefined();
    // Float32 where that keeps every value, as the window stores it (src-core/run/compact-trace.ts).
    expect(fast!.trace.theta).toBeInstanceOf(Float32Array);
    expect(fast!.trace.theta).toHaveLength(4);
    expect(fast!.trace.theta[0]).toBe(4);
    expectClose(fast!.trace.theta[1], 3, 1e-6);
    // Exact to the bit: the socket carries the summary the run computed and its trace compacted, nothing else.
    const local = executeRun(fast!.config);
    expect(fast!.summary).toEqual(local.summary);
    expect(fast!.trace).toEqual(compactTrace(local.trace));

    // Acknowledge over the socket releases exactly these runs; a resend without payload then has nothing left.
    const ack = await client.call('acknowledge', storedRanges(results.map((r) => r.config)));
    expect(ack).toEqual({ ok: true, value: 2 });
    expect(await client.call('resendPending')).toEqual({ ok: true, value: 0 });
    client.close();
  });

  it('broadcasts events to every connected socket', async () => {
    const a = await Client.connect();
    const b = await Client.connect();
    const launched = await a.call(
      'launchSweep',
      adagradSweep({
        name: 'both',
        start: [1],
        lrs: [0.1],
        eps: [0],
        weightDecays: [0],
        steps: 2,
      }),
    );
    if (!launched.ok) throw new Error(launched.error.message);
    const { sweepId } = launched.value as { sweepId: string };
    expect((await b.event('sweep-finished', sweepId)).event.status).toBe('completed');
    expect((await a.event('sweep-finished', sweepId)).event.status).toBe('completed');
    a.close();
    b.close();
  });

  it('answers malformed frames and envelopes with invalid-input and stays usable', async () => {
    const client = await Client.connect();
    client.ws.send(Buffer.from([1, 2, 3]));
    const short = await client.anonymousReply(0);
    expect(short.result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!short.result.ok) expect(short.result.error.message).toMatch(/Malformed frame/);

    const garbage = new Uint8Array(64);
    new DataView(garbage.buffer).setUint32(0, 20, true);
    garbage.set(new TextEncoder().encode('{not json at all!!!'), 4);
    client.ws.send(garbage);
    const notJson = await client.anonymousReply(1);
    expect(notJson.result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    client.ws.send(encodeFrame({ id: 41, method: 'deleteEverything', payload: null }));
    const unknown = await client.reply(41);
    expect(unknown.result.ok).toBe(false);
    if (!unknown.result.ok) {
      expect(unknown.result.error.code).toBe('invalid-input');
      expect(unknown.result.error.message).toContain('Unknown method: "deleteEverything"');
    }
    client.ws.send(encodeFrame({ id: 'seven', method: 'resendPending' }));
    const badId = await client.anonymousReply(2);
    if (!badId.result.ok) expect(badId.result.error.message).toMatch(/id/);
    client.ws.send(encodeFrame([1, 2]));
    expect((await client.anonymousReply(3)).result.ok).toBe(false);
    client.ws.send(encodeFrame({ id: 42, method: 'saveFile', payload: { suggestedName: 'a.csv', content: '' } }));
    expect((await client.reply(42)).result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    // Still usable.
    expect(await client.call('resendPending')).toMatchObject({ ok: true });
    expect(client.closed).toBeNull();
    client.close();
  });

  it('refuses text frames with an error reply and stays open', async () => {
    const client = await Client.connect();
    client.ws.send(JSON.stringify({ id: 1, method: 'resendPending', payload: null }));
    const reply = await client.anonymousReply(0);
    expect(reply.result.ok).toBe(false);
    if (!reply.result.ok) {
      expect(reply.result.error.code).toBe('invalid-input');
      expect(reply.result.error.message).toMatch(/Text frames are not accepted/);
    }
    expect(await client.call('resendPending')).toMatchObject({ ok: true });
    client.close();
  });

  it('closes a socket that sends more than the payload limit, and the server keeps serving', async () => {
    const client = await Client.connect();
    client.ws.send(new Uint8Array(MAX_SOCKET_PAYLOAD + 1));
    await expect(client.waitFor((_m): _m is SocketReply => false, 'close')).rejects.toThrow(/socket closed \(1009\)/);
    const again = await Client.connect();
    expect(await again.call('resendPending')).toMatchObject({ ok: true });
    again.close();
  });

  it('refuses a request envelope with a key it does not know, naming the key', async () => {
    const client = await Client.connect();
    client.ws.send(encodeFrame({ id: 43, method: 'resendPending', payload: null, priority: 'high' }));
    expect((await client.reply(43)).result).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message:
          'Malformed request: priority: Unknown field: "priority" is not part of a request (must be only id, method, payload)',
      },
    });
    client.close();
  });

  it('never logged the token or the session secret', () => {
    for (const line of logs) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(session);
    }
  });
});

describe('serve mode: exports', () => {
  const seedRun = adagradRun({}, { steps: 3 });
  const page = (exportId: string) => ({
    exportId,
    runs: [{ config: seedRun, summary: executeRun(seedRun).summary, sweepName: '=seeds' }],
  });

  async function startExport(client: Client, kind: ExportKind, suggestedName: string): Promise<string> {
    const started = await client.call('startExport', { kind, suggestedName, everyStep: false });
    if (!started.ok) throw new Error(started.error.message);
    return (started.value as { exportId: string }).exportId;
  }

  it('streams a started export into a download whose random id is its capability, good for one download', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'traces', 'seeds (x²).csv');
    // 192 random bits (a link cannot carry the session, so the id must not be guessable).
    expect(exportId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await raw(`/export/${exportId}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(`/export/${exportId}`, { host: 'evil.example' })).status).toBe(421);

    // The browser starts the download (a plain link: no session) while the pages come over the socket.
    const download = fetch(`${base}export/${exportId}`);
    expect(await client.call('writeExport', page(exportId))).toEqual({ ok: true, value: 1 });
    expect(await client.call('finishExport', { exportId, abort: false })).toEqual({ ok: true, value: { saved: true } });
    const res = await download;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="seeds (x_).csv"; filename*=UTF-8''seeds%20%28x%C2%B2%29.csv`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('run_id,step,parameter,theta,g,G,effective_step,update,loss');
    // Row 1 is step 1: the gradient it used (2·4), G = 0 + 8², its step size and what it subtracted (4 − θ₁).
    expect(lines[2]).toBe('s:000000,1,0,3.00000000125,8,64,0.12499999984374999,0.9999999987499999,9.0000000075');
    expect(lines).toHaveLength(6);

    expect((await raw(`/export/${exportId}`)).status).toBe(404);
    client.close();
  });

  it('downloads a Runs JSON as JSON, its sweep given with the page of its first run', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'runs', 'runs.json');
    const download = fetch(`${base}export/${exportId}`);
    const spec = validateSweepSpec({ ...goodSpec, name: '=seeds' });
    if (!spec.ok) throw new Error(spec.message);
    const sweeps = [{ id: 's', name: '=seeds', spec: spec.value }];
    expect(await client.call('writeExport', { ...page(exportId), sweeps })).toEqual({ ok: true, value: 1 });
    await client.call('finishExport', { exportId, abort: false });
    const res = await download;
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const file = JSON.parse(await res.text());
    expect(file.sweeps.map((sweep: { id: string; runs: unknown[] }) => [sweep.id, sweep.runs.length])).toEqual([
      ['s', 1],
    ]);
    client.close();
  });

  it('reads at most MAX_REQUESTS_IN_FLIGHT requests of a socket at once: pages waiting for their download hold the rest unread', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'summary', 'runs.csv');
    // Every page waits for the download, not asked for yet; the request after them is quick.
    const pages = MAX_REQUESTS_IN_FLIGHT + 4;
    for (let i = 0; i < pages; i++)
      client.ws.send(encodeFrame({ id: 100 + i, method: 'writeExport', payload: page(exportId) }));
    client.ws.send(encodeFrame({ id: 99, method: 'workerThreads', payload: { threads: null } }));
    // Read at once (the server before), it is answered while every page still waits; unread, it is not.
    const isQuick = (m: SocketReply): m is SocketReply => 'id' in m && m.id === 99;
    await client.waitFor(isQuick, 'the quick reply', 1000).catch(() => undefined);
    const download = fetch(`${base}export/${exportId}`).then((res) => res.text());
    await client.reply(100 + pages - 1);
    await client.reply(99);
    const answered = client.messages.flatMap((m) => ('id' in m ? [m.id] : []));
    expect(answered.indexOf(99)).toBeGreaterThan(answered.indexOf(100));
    expect(await client.call('finishExport', { exportId, abort: false })).toEqual({ ok: true, value: { saved: true } });
    expect((await download).split('\r\n').filter((line) => line !== '')).toHaveLength(1 + pages);
    client.close();
  });

  it('refuses a Runs JSON page whose run has no sweep, and discards the export', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'runs', 'runs.json');
    const download = fetch(`${base}export/${exportId}`)
      .then((res) => res.text())
      .then(
        () => 'complete',
        () => 'broken off',
      );
    const written = await client.call('writeExport', page(exportId));
    expect(written).toMatchObject({
      ok: false,
      error: {
        message:
          'Could not export runs.json: run "s:000000": its sweep "s" was not given (must come with the page of its first run)',
      },
    });
    expect(await client.call('finishExport', { exportId, abort: false })).toMatchObject({ ok: false });
    // The download is broken off, never left looking complete.
    expect(await download).toBe('broken off');
    client.close();
  });

  it('writes the summary with a formula-like sweep name neutralised', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'summary', 'runs.csv');
    const download = fetch(`${base}export/${exportId}`);
    await client.call('writeExport', page(exportId));
    await client.call('finishExport', { exportId, abort: false });
    const [, row] = (await (await download).text()).split('\r\n');
    expect(row.split(',').slice(0, 3)).toEqual(['s:000000', 's', "'=seeds"]);
    client.close();
  });

  it('fails the export once the browser stops the download, and breaks the download off when discarded', async () => {
    const client = await Client.connect();
    const exportId = await startExport(client, 'summary', 'runs.csv');
    const stopped = new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: `/export/${exportId}` }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    expect(await client.call('writeExport', page(exportId))).toMatchObject({ ok: true });
    await stopped;
    let result = await client.call('writeExport', page(exportId));
    for (let i = 0; i < 100 && result.ok; i++) result = await client.call('writeExport', page(exportId));
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Could not export runs.csv: the download was stopped in the browser' },
    });

    const discarded = await startExport(client, 'summary', 'runs.csv');
    const broken = fetch(`${base}export/${discarded}`).then((res) => res.text());
    await client.call('writeExport', page(discarded));
    expect(await client.call('finishExport', { exportId: discarded, abort: true })).toEqual({
      ok: true,
      value: { saved: false },
    });
    await expect(broken).rejects.toThrow();
    client.close();
  });

  it('refuses a malformed page with the field and the rule, and an unknown download with 404', async () => {
    const client = await Client.connect();
    const bad = await client.call('writeExport', {
      exportId: 'x',
      runs: [{ ...page('x').runs[0], config: { ...seedRun, steps: 0 } }],
    });
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        message: 'runs.0.config.steps: Invalid number of steps: 0 (must be a whole number from 1 to 1,000,000)',
      },
    });
    expect((await raw('/export/no-such-export')).status).toBe(404);
    client.close();
  });
});

describe('serve mode: lifecycle', () => {
  it('rejects with EADDRINUSE when the port is taken', async () => {
    const taken = createLabServer({
      service,
      executor,
      staticDir: join(dir, 'renderer'),
      token: TOKEN,
      port: server.port,
      log: () => {},
    });
    await expect(taken).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('close() disconnects sockets, stops listening and stops forwarding events', async () => {
    const own = new SweepService(executor);
    const other = await createLabServer({
      service: own,
      executor,
      staticDir: join(dir, 'renderer'),
      token: TOKEN,
      port: 0,
      log: () => {},
    });
    // A session from one server does not open another (sessions live in a server's memory: a restart forgets them).
    expect(await signInSocket(other.port, { session })).toEqual({
      closed: SignInRefusal.unknownSession,
      reason: expect.any(String),
    });
    const { ws } = await mustSignIn(other.port, { token: TOKEN });
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await other.close();
    expect(await closed).toBe(1001);
    await expect(fetch(other.url)).rejects.toThrow();
    // The service no longer has the server as a listener: launching emits to nobody and nothing throws.
    expect(
      own.launch(adagradSweep({ name: 'after', start: [1], lrs: [1], eps: [0], weightDecays: [0], steps: 1 })).ok,
    ).toBe(true);
    await own.idle();
  });
});

describe('serve mode: command line', () => {
  it('defaults to port 7312 and accepts --port/--threads in both spellings', () => {
    expect(DEFAULT_PORT).toBe(7312);
    expect(parseServeArgs([]).port).toBe(7312);
    expect(parseServeArgs(['--port', '0', '--threads', '2'])).toMatchObject({ port: 0, threads: 2 });
    expect(parseServeArgs(['--port=8080', '--threads=1'])).toMatchObject({ port: 8080, threads: 1 });
  });

  it('runs sweeps on agents with --redis, on the queue named by --queue or the URL’s user', () => {
    expect(parseServeArgs([]).agents).toBeUndefined();
    expect(parseServeArgs(['--redis', 'redis://127.0.0.1:6390'])).toMatchObject({
      agents: { url: 'redis://127.0.0.1:6390', queue: 'lab-default' },
    });
    expect(parseServeArgs(['--redis=rediss://ann:pw@cache:6380/2', '--queue', 'sweeps-2'])).toMatchObject({
      agents: { url: 'rediss://ann:pw@cache:6380/2', queue: 'sweeps-2' },
    });
    expect(parseServeArgs(['--redis', 'redis://ann:pw@cache']).agents?.queue).toBe('lab-ann');
  });

  it('refuses a bad --redis without ever showing its password', () => {
    let message = '';
    try {
      parseServeArgs(['--redis', 'http://ann:s3cret@cache:6379']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid value for --redis: "http:\/\/ann:\*\*\*@cache:6379"/);
    expect(message).not.toContain('s3cret');
    expect(() => parseServeArgs(['--queue', 'q'])).toThrow(
      '--queue names a queue on the Redis of --redis: add --redis URL',
    );
    expect(() => parseServeArgs(['--redis', 'redis://h', '--queue', 'a:b'])).toThrow(
      'Invalid value for --queue: "a:b" (must be 1 to 64 letters, digits, _ . or -)',
    );
  });

  it.each([
    {
      desc: 'port too large',
      argv: ['--port', '70000'],
      expectedMessage: 'Invalid value for --port: "70000" (must be a whole number from 0 to 65535)',
    },
    { desc: 'port not a number', argv: ['--port', 'abc'], expectedMessage: 'Invalid value for --port: "abc"' },
    { desc: 'port missing', argv: ['--port'], expectedMessage: 'Missing value for --port' },
    {
      desc: 'threads zero',
      argv: ['--threads', '0'],
      expectedMessage: 'Invalid value for --threads: "0" (must be a whole number from 1 to 256)',
    },
    { desc: 'threads fractional', argv: ['--threads=1.5'], expectedMessage: 'Invalid value for --threads: "1.5"' },
    {
      desc: 'unknown flag',
      argv: ['--host', '0.0.0.0'],
      expectedMessage: 'Unknown option: --host (run with --help for the options)',
    },
    {
      desc: 'a flag given twice (the last had won silently)',
      argv: ['--port', '0', '--port=1'],
      expectedMessage: 'Invalid value for --port: given twice, "0" then "1" (must be given once)',
    },
    {
      desc: '--redis given twice, its passwords masked',
      argv: ['--redis', 'redis://:s3cret@a', '--redis', 'redis://:t0p@b'],
      expectedMessage:
        'Invalid value for --redis: given twice, "redis://:***@a" then "redis://:***@b" (must be given once)',
    },
  ])('refuses $desc', ({ argv, expectedMessage }) => {
    expect(() => parseServeArgs(argv)).toThrow(expectedMessage);
  });
});

describe('serve mode: the access token from ADAGRAD_LAB_TOKEN', () => {
  const rule =
    'must have at least 128 bits: 32 or more hexadecimal digits, or 22 or more base64url characters A-Z a-z 0-9 - _';

  it.each([
    { desc: 'one character', token: 'a' },
    { desc: '31 hexadecimal digits', token: '0123456789abcdef0123456789abcde' },
    { desc: '21 base64url characters', token: 'AbCdEfGhIjKlMnOpQrStU' },
    { desc: 'characters outside base64url', token: 'pass word with spaces and more!!' },
  ])('refuses $desc, naming the variable and the rule', ({ token }) => {
    expect(() => serveToken(token)).toThrow(
      `Invalid ADAGRAD_LAB_TOKEN: ${token.length} characters (${rule}; leave it unset for a random one)`,
    );
  });

  it('accepts 32 hexadecimal digits and 22 base64url characters, and makes a random token when unset', () => {
    expect(serveToken('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(serveToken('AbCdEfGhIjKlMnOpQrStU_')).toBe('AbCdEfGhIjKlMnOpQrStU_');
    const made = serveToken(undefined);
    expect(made).toMatch(/^[\w-]{32}$/);
    expect(serveToken('')).not.toBe(made);
  });
});

describe("serve mode: the download's file name", () => {
  it.each([
    { desc: 'a right-to-left override', name: 'runs\u202evsc.exe', ascii: 'runs_vsc.exe', utf8: 'runs_vsc.exe' },
    {
      desc: 'other invisible format characters',
      name: 'a\u200bb\u2066c\ufeff.csv',
      ascii: 'a_b_c_.csv',
      utf8: 'a_b_c_.csv',
    },
    { desc: 'a leading dot', name: '..bashrc', ascii: '_.bashrc', utf8: '_.bashrc' },
    { desc: 'a plain name', name: 'seeds (x²).csv', ascii: 'seeds (x_).csv', utf8: 'seeds%20%28x%C2%B2%29.csv' },
  ])('is sanitised in Content-Disposition when it holds $desc', ({ name, ascii, utf8 }) => {
    expect(contentDisposition(name)).toBe(`attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`);
  });
});
