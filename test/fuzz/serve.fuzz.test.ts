/**
 * Fuzzing serve mode on a real loopback server with a real SweepService: HTTP requests written byte for byte on raw
 * sockets (random methods, paths, Host, Origin, cookies, tokens, extra headers, and plain garbage), then WebSocket
 * messages (text frames, random bytes, random wire frames, request envelopes with random payloads and extra keys, and
 * valid frames broken on purpose). Every HTTP request gets the status a model of the server's rules predicts, nothing
 * is served from outside the renderer directory, no cookie is ever set, every socket message gets one clear reply, the
 * socket stays open, and the server keeps answering and never logs the token or the session.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { MethodName } from '../../src-core/contract/methods';
import { socketMethods, type SocketReply } from '../../src-core/contract/socket';
import { decodeFrame, encodeFrame } from '../../src-core/transport/wire';
import { createLabServer, type LabServer } from '../../src-main/serve/server';
import { SweepService } from '../../src-main/sweep-service';
import { anyPayload, FUZZ_SEED, FUZZ_TIMEOUT_MS } from './arbitraries';
import { instantExecutor } from './instant-executor';
import { expectResult, Tally } from './oracle';
import { expectAgreesWithSchema, payloadFor } from './payloads';
import { mustSignIn, type SignedInSocket } from '../helpers/serve-socket';

const TOKEN = 'fuzz-token-0123456789abcdef';
const SECRET = 'outside the static dir';
const FILES: Record<string, string> = {
  '/index.html': '<!doctype html><title>AdaGrad Lab</title>',
  '/app.js': 'console.log("lab");\n',
  '/assets/style.css': 'body{margin:0}\n',
};

const tally = new Tally();
const logs: string[] = [];
let dir: string;
let server: LabServer;
let port: number;
let session: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-fuzz-'));
  const staticDir = join(dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  for (const [path, body] of Object.entries(FILES)) await writeFile(join(staticDir, path), body);
  await writeFile(join(staticDir, '.env'), `${SECRET}\n`);
  await writeFile(join(dir, 'secret.txt'), `${SECRET}\n`);
  server = await createLabServer({
    service: new SweepService(instantExecutor, { maxPendingResults: 1_000_000 }),
    executor: instantExecutor,
    staticDir,
    token: TOKEN,
    port: 0,
    log: (line) => logs.push(line),
  });
  port = server.port;
  session = (await mustSignIn(port, { token: TOKEN })).session!;
});

afterAll(async () => {
  tally.print();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

interface RawResponse {
  status: number | null;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `request` on a fresh TCP connection and reads until the server closes it. The write side stays open (Node's
 * server drops an answer still being prepared when the client half-closes first), except after `endAfterMs` for
 * garbage that may never end its headers. A request still unanswered after 3 s hung.
 */
function rawRequest(request: string | Uint8Array, endAfterMs?: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const nudge = endAfterMs === undefined ? undefined : setTimeout(() => socket.end(), endAfterMs);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 3 s to ${JSON.stringify(String(request).slice(0, 200))}`));
    }, 3000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is fine; the close below still comes
    socket.on('close', () => {
      clearTimeout(nudge);
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const [statusLine, ...lines] = head.split('\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({ status: status ? Number(status) : null, headers, body: end < 0 ? '' : text.slice(end + 4) });
    });
    socket.write(request);
  });
}

// --- HTTP -----------------------------------------------------------------------------------------------------------

const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'];
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'HEAD') },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_METHODS) },
  { weight: 1, arbitrary: fc.constantFrom('BREW', 'get') },
);
const fragment = fc.constantFrom(
  '..',
  '.',
  '%2e%2e',
  '%2E%2E',
  '%2f',
  '%5c',
  '..%2f',
  '%00',
  '%zz',
  '.env',
  'secret.txt',
  'index.html',
  'assets',
  'style.css',
  'app.js',
  '',
  'a',
  '%41pp.js',
  '~',
);
const path = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('/', ...Object.keys(FILES)) },
  { weight: 6, arbitrary: fc.array(fragment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://127.0.0.1/index.html', 'index.html') },
);
const query = fc.oneof(
  fc.constant(''),
  fc.constant(`?token=${TOKEN}`),
  fc.constantFrom('?token=wrong', '?token=', `?token=${TOKEN}x`, '?x=1', `?a=1&token=${TOKEN}`),
);

type Choice<T> = { label: string; value: T };
/** Mostly the values that get a request through, so the checks behind each gate are reached as often as the gates. */
const mostly = (
  through: Choice<string | null>[],
  others: Choice<string | null>[],
): fc.Arbitrary<Choice<string | null>> =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...through) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const host = (): fc.Arbitrary<Choice<string | null>> =>
  mostly(
    [
      { label: 'ours', value: `127.0.0.1:${port}` },
      { label: 'localhost', value: `localhost:${port}` },
      { label: 'localhost', value: `LOCALHOST:${port}` },
    ],
    [
      { label: 'foreign', value: `evil.example:${port}` },
      { label: 'foreign', value: '127.0.0.1' },
      { label: 'foreign', value: `127.0.0.1:${port + 1}` },
      { label: 'foreign', value: `[::1]:${port}` },
      { label: 'foreign', value: `0.0.0.0:${port}` },
      { label: 'missing', value: null },
    ],
  );
const origin = (): fc.Arbitrary<Choice<string | null>> =>
  mostly(
    [
      { label: 'none', value: null },
      { label: 'ours', value: `http://127.0.0.1:${port}` },
      { label: 'ours', value: `HTTP://127.0.0.1:${port}` },
    ],
    [
      { label: 'foreign', value: `http://localhost:${port}` },
      { label: 'foreign', value: 'http://evil.example' },
      { label: 'foreign', value: 'null' },
      { label: 'foreign', value: `http://127.0.0.1:${port + 1}` },
      { label: 'foreign', value: `https://127.0.0.1:${port}` },
    ],
  );
const cookie = (): fc.Arbitrary<Choice<string | null>> =>
  mostly(
    [
      { label: 'ours', value: session },
      { label: 'ours', value: `other=1; lab_session=forged; ${session}` },
    ],
    [
      { label: 'none', value: null },
      { label: 'forged', value: 'lab_session=forged' },
      { label: 'forged', value: session.toUpperCase() },
      { label: 'forged', value: `${session}x` },
    ],
  );
const extraHeader = fc.tuple(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
);

/**
 * The status the server's rules give a well-formed request (see the order in src-main/serve/server.ts and session.ts).
 * Cookies and tokens in the query change nothing: the files hold no secret, and signing in happens on the socket.
 */
function expectedStatus(r: {
  method: string;
  target: string;
  host: Choice<string | null>;
  origin: Choice<string | null>;
}): number[] {
  // The HTTP parser refuses an unknown method and a target in none of HTTP's forms before the server sees them.
  if (!KNOWN_METHODS.includes(r.method) || !/^(?:\/|\*|http:\/\/)/.test(r.target)) return [400];
  if (r.host.label === 'missing') return [400]; // HTTP/1.1 requires Host
  if (r.host.label !== 'ours' && r.host.label !== 'localhost') return [421];
  if (r.origin.label === 'foreign') return [403];
  // localhost:PORT is redirected to the one canonical origin (a target that is no path cannot be).
  if (r.host.label === 'localhost') return [r.target.startsWith('/') ? 308 : 421];
  if (r.method !== 'GET' && r.method !== 'HEAD') return [405];
  if (!r.target.startsWith('/')) return [400];
  const [rawPath] = r.target.split('?');
  if (rawPath === '/' || rawPath in FILES) return [200];
  return [200, 404]; // 200 only for a file of the renderer, checked by its body
}

type FuzzRequest = {
  method: string;
  path: string;
  query: string;
  host: Choice<string | null>;
  origin: Choice<string | null>;
  cookie: Choice<string | null>;
  extra: [string, string][];
};

/** Sends one generated request and checks the answer against the model and the invariants. */
async function checkRequest(r: FuzzRequest): Promise<void> {
  const target = r.path + r.query;
  const lines = [`${r.method} ${target} HTTP/1.1`];
  if (r.host.value !== null) lines.push(`Host: ${r.host.value}`);
  if (r.origin.value !== null) lines.push(`Origin: ${r.origin.value}`);
  if (r.cookie.value !== null) lines.push(`Cookie: ${r.cookie.value}`);
  for (const [name, value] of r.extra)
    if (!/^(host|origin|cookie|content-length|transfer-encoding|connection|expect|upgrade)$/i.test(name))
      lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  const res = await rawRequest(lines.join('\r\n'));
  const context = `${lines.slice(0, 4).join(' | ')} -> ${res.status}`;
  expect(expectedStatus({ ...r, target }), context).toContain(res.status);
  tally.record('HTTP requests', res.status === 200 || res.status === 308);
  if (res.status === 308) expect(res.headers.location, context).toBe(`http://127.0.0.1:${port}${target}`);
  if (res.status === 200) {
    const served = r.path === '/' ? FILES['/index.html'] : Object.values(FILES).find((body) => body === res.body);
    if (r.method === 'GET') expect(served, context).toBe(res.body);
    expect(res.headers['content-security-policy'], context).toContain("script-src 'self'");
  }
  expect(res.body, context).not.toContain(SECRET);
  expect(res.headers['set-cookie'], context).toBeUndefined();
}

describe('serve mode: HTTP', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('answers each request as the rules say, serves only renderer files, and never sets a cookie', async () => {
    const request = fc.record({
      method,
      path,
      query,
      host: host(),
      origin: origin(),
      cookie: cookie(),
      extra: fc.array(extraHeader, { maxLength: 3 }),
    });
    // Ten requests at a time on ten connections: each is independent, and loopback latency dominates one by one.
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 10, maxLength: 10 }), (batch) =>
        Promise.all(batch.map(checkRequest)).then(() => undefined),
      ),
      { numRuns: 250, seed: FUZZ_SEED },
    );
  });

  it('answers garbage with 400 or a closed connection, and goes on serving', async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }),
      fc.string({ maxLength: 200 }),
      fc
        .array(
          fc.constantFrom(
            'GET',
            ' ',
            '/',
            'HTTP/1.1',
            '\r\n',
            '\n',
            ':',
            'Host',
            `127.0.0.1:${port}`,
            'Content-Length: 5',
            '\0',
            'Transfer-Encoding: chunked',
          ),
          { maxLength: 20 },
        )
        .map((parts) => parts.join('')),
    );
    const check = async (bytes: string | Uint8Array): Promise<void> => {
      const res = await rawRequest(bytes, 200);
      tally.record('HTTP garbage', false);
      expect([null, 400, 404, 405, 421], JSON.stringify(String(bytes).slice(0, 100))).toContain(res.status);
      expect(res.body).not.toContain(SECRET);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(garbage, { minLength: 30, maxLength: 30 }), (batch) =>
        Promise.all(batch.map(check)).then(() => undefined),
      ),
      { numRuns: 20, seed: FUZZ_SEED },
    );
    const healthy = await fetch(server.url);
    expect(healthy.status).toBe(200);
  });
});

// --- WebSocket ------------------------------------------------------------------------------------------------------

const openSocket = (): Promise<SignedInSocket> => mustSignIn(port, { session });

/**
 * A second socket that plays the renderer's storage: it acknowledges every result it is sent. Without it the results
 * of every accepted sweep would stay pending, and each fuzzed resendPending would replay all of them.
 */
async function openAcknowledger(): Promise<WebSocket> {
  const signedIn = await openSocket();
  let id = 0;
  signedIn.wake = () => {
    for (const message of signedIn.messages.splice(0)) {
      if ('event' in message && message.event.type === 'results') {
        signedIn.ws.send(
          encodeFrame({
            id: --id,
            method: 'acknowledge',
            payload: [{ sweepId: message.event.sweepId, from: message.event.batch.from, to: message.event.batch.to }],
          }),
        );
      }
    }
  };
  return signedIn.ws;
}

/** One authenticated socket: send a message, wait for its one reply (events in between are set aside). */
class SocketClient {
  private replies: Extract<SocketReply, { id: number }>[] = [];
  private waiting: (() => void) | null = null;
  events = 0;
  closed: number | null = null;

  private readonly ws: WebSocket;

  constructor(signedIn: SignedInSocket) {
    this.ws = signedIn.ws;
    signedIn.wake = () => {
      for (const message of signedIn.messages.splice(0)) {
        if ('event' in message) this.events++;
        else if ('id' in message) this.replies.push(message);
      }
      this.waiting?.();
    };
    this.ws.on('close', (code) => {
      this.closed = code;
      this.waiting?.();
    });
  }

  static async open(): Promise<SocketClient> {
    return new SocketClient(await openSocket());
  }

  async exchange(data: string | Uint8Array): Promise<Extract<SocketReply, { id: number }>> {
    this.ws.send(data, { binary: typeof data !== 'string' });
    const deadline = Date.now() + 3000;
    while (this.replies.length === 0) {
      if (this.closed !== null) throw new Error(`the server closed the socket (${this.closed})`);
      if (Date.now() > deadline) throw new Error('no reply within 3 s');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    const reply = this.replies.shift()!;
    expect(this.replies, 'one reply per message').toEqual([]);
    return reply;
  }

  close(): void {
    this.ws.close();
  }
}

const envelope = fc
  .oneof(
    { weight: 9, arbitrary: fc.constantFrom(...socketMethods) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('saveFile', 'constructor', '__proto__', 'LAUNCHSWEEP'), fc.string()),
    },
  )
  .chain((method) =>
    fc.record({
      id: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0, max: 2 ** 31 }) },
        { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, NaN, '7', null) },
      ),
      method: fc.constant(method),
      payload: (socketMethods as readonly string[]).includes(method) ? payloadFor(method as MethodName) : anyPayload,
      // Now and then a key the envelope does not have: refused, naming it.
      extra: fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('priority', '__proto__', 'constructor', 'token') },
      ),
    }),
  )
  .map(
    ({ extra, ...request }) =>
      (extra === undefined ? request : { ...request, ...JSON.parse(`{${JSON.stringify(extra)}: 1}`) }) as {
        id: unknown;
        method: string;
        payload: unknown;
      },
  );

/** A valid request frame, broken: header length rewritten, truncated, a byte flipped, or an array slot forged. */
const brokenFrame = fc.oneof(
  fc.tuple(envelope, fc.nat()).map(([request, length]) => {
    const frame = encodeFrame(request);
    new DataView(frame.buffer).setUint32(0, length, true);
    return frame;
  }),
  fc
    .tuple(envelope, fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([request, at]) => encodeFrame(request).slice(0, Math.floor(at * 40))),
  fc.tuple(envelope, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([request, at, xor]) => {
    const frame = encodeFrame(request);
    frame[at % frame.length] ^= xor;
    return frame;
  }),
  fc
    .record({
      $typed: fc.constantFrom('Float64Array', 'BigInt64Array', 'constructor', 'toString', '__proto__'),
      at: fc.oneof(fc.integer(), fc.double()),
      length: fc.oneof(fc.integer(), fc.double(), fc.string()),
    })
    .map((slot) => encodeFrame({ id: 1, method: 'acknowledge', payload: [slot] })),
);

const message = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ kind: 'text', data: text as string | Uint8Array })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((data) => ({ kind: 'bytes', data })) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => ({ kind: 'wire value', data: encodeFrame(value) })) },
  { weight: 5, arbitrary: envelope.map((request) => ({ kind: 'request', data: encodeFrame(request), request })) },
  { weight: 2, arbitrary: brokenFrame.map((data) => ({ kind: 'broken frame', data })) },
);

describe('serve mode: WebSocket', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('replies once to every message with a clear Result, accepts what the contract rules accept, and stays open', async () => {
    const acknowledger = await openAcknowledger();
    const client = await SocketClient.open();
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const reply = await client.exchange(m.data);
        const context = `${m.kind}: ${JSON.stringify('request' in m ? m.request : String(m.data)).slice(0, 200)}`;
        expectResult(reply.result, context);
        tally.record(`socket: ${m.kind}`, reply.result.ok);
        if (m.kind === 'text')
          expect(reply).toMatchObject({
            id: -1,
            result: { ok: false, error: { message: expect.stringMatching(/^Text frames are not accepted/) } },
          });
        if (!('request' in m) || !m.request) return;
        const { id, method } = m.request;
        const extra = Object.keys(m.request).find((key) => !['id', 'method', 'payload'].includes(key));
        const known =
          (socketMethods as readonly string[]).includes(method) && Number.isSafeInteger(id) && extra === undefined;
        expect(reply.id, context).toBe(Number.isSafeInteger(id) ? id : -1);
        if (extra !== undefined && Number.isSafeInteger(id) && (socketMethods as readonly string[]).includes(method)) {
          expect(reply.result, context).toMatchObject({
            ok: false,
            error: {
              message: `Malformed request: ${extra}: Unknown field: "${extra}" is not part of a request (must be only id, method, payload)`,
            },
          });
        }
        if (!known) expect(reply.result.ok, context).toBe(false);
        // The schema is asked about the payload as the server received it: the frame drops keys whose value is undefined.
        else
          expectAgreesWithSchema(
            method as MethodName,
            (decodeFrame(m.data as Uint8Array) as { payload?: unknown }).payload,
            reply.result,
          );
      }),
      { numRuns: 3000, seed: FUZZ_SEED },
    );
    expect(client.closed).toBeNull();
    client.close();
    // A fresh connection works, and nothing logged the token or the session secret.
    const again = await SocketClient.open();
    expect((await again.exchange(encodeFrame({ id: 1, method: 'resendPending' }))).result.ok).toBe(true);
    again.close();
    acknowledger.close();
    for (const line of logs) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(session);
    }
  });
});
