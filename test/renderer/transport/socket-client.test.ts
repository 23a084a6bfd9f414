/**
 * Serve mode's socket client in the page (src-renderer/lib/transport/socket-client.ts, sign-in.ts) against a fake
 * WebSocket: the link's token taken out of the address bar before anything else and offered once, the session kept
 * in sessionStorage and offered on every reconnection, and how each way a connection ends is reported.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LabConnection } from '../../../src-core/contract/api';
import { SignInRefusal, type SocketReply } from '../../../src-core/contract/socket';
import { decodeFrame, encodeFrame } from '../../../src-core/transport/wire';
import { connectSocket } from '../../../src-renderer/lib/transport/socket-client';
import { takeLinkToken } from '../../../src-renderer/lib/transport/sign-in';

class FakeSocket {
  static made: FakeSocket[] = [];
  binaryType = '';
  sent: unknown[] = [];
  closedByPage = false;
  private readonly listeners = new Map<string, ((event: never) => void)[]>();

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.made.push(this);
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: Uint8Array): void {
    this.sent.push(decodeFrame(data));
  }

  close(): void {
    this.closedByPage = true;
  }

  /** The server's side. */
  receive(reply: SocketReply): void {
    const frame = encodeFrame(reply);
    this.emit('message', { data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }

  end(code: number, reason = ''): void {
    this.emit('close', { code, reason });
  }

  private emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event as never);
  }
}

const latest = (): FakeSocket => FakeSocket.made[FakeSocket.made.length - 1];
const storage = new Map<string, string>();
let addressBar: { hash: string; pathname: string; search: string };
let replaced: string[];

beforeEach(() => {
  FakeSocket.made = [];
  storage.clear();
  replaced = [];
  addressBar = { hash: '', pathname: '/', search: '' };
  vi.useFakeTimers();
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal('location', {
    host: '127.0.0.1:7312',
    get hash() {
      return addressBar.hash;
    },
    get pathname() {
      return addressBar.pathname;
    },
    get search() {
      return addressBar.search;
    },
  });
  vi.stubGlobal('history', {
    state: null,
    replaceState: (_state: unknown, _title: string, url: string) => {
      replaced.push(url);
      addressBar.hash = '';
    },
  });
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('sessionStorage', {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function track(api: ReturnType<typeof connectSocket>): LabConnection[] {
  const states: LabConnection[] = [];
  api.onConnection!((c) => states.push(c));
  return states;
}

describe('the socket client signs in', () => {
  it('takes the token out of the address bar, offers it once, keeps the session and offers that on reconnection', async () => {
    addressBar.hash = '#token=tok%C3%A9n';
    expect(takeLinkToken()).toBe(true);
    expect(replaced).toEqual(['/']);
    const api = connectSocket();
    const states = track(api);
    // The token as hex of its UTF-8 bytes: any character a token holds is a valid subprotocol.
    expect(latest().protocols).toEqual(['adagrad-lab', `token.${Buffer.from('tokén').toString('hex')}`]);
    const reply = api.resendPending();
    latest().receive({ signedIn: { session: 'S1' } });
    expect(storage.get('adagrad-lab-session')).toBe('S1');
    await vi.advanceTimersByTimeAsync(0);
    expect(latest().sent).toEqual([{ id: 1, method: 'resendPending', payload: null }]);
    latest().receive({ id: 1, result: { ok: true, value: 0 } });
    expect(await reply).toEqual({ ok: true, value: 0 });

    // The socket closes (the server went away): lost, requests fail at once, and it reconnects with the session.
    latest().end(1006);
    expect(states.at(-1)).toEqual({ state: 'lost' });
    expect(await api.cancelSweep('x')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^Not connected to the AdaGrad Lab server/) },
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(latest().protocols).toEqual(['adagrad-lab', 'session.S1']);
    latest().receive({ signedIn: { session: null } });
    expect(states.at(-1)).toEqual({ state: 'open' });
    expect(storage.get('adagrad-lab-session')).toBe('S1');
  });

  it('a restarted server does not know the session: signed out with the reason, the session dropped, no more attempts', async () => {
    storage.set('adagrad-lab-session', 'OLD');
    const api = connectSocket();
    const states = track(api);
    expect(latest().protocols).toEqual(['adagrad-lab', 'session.OLD']);
    latest().end(SignInRefusal.unknownSession, 'Unknown session (the server restarted?)');
    expect(states.at(-1)).toEqual({
      state: 'signed-out',
      reason: 'unknown-session',
      detail: 'Unknown session (the server restarted?)',
    });
    expect(storage.has('adagrad-lab-session')).toBe(false);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('reports a used link, a page opened without one, and too many failures as such', () => {
    addressBar.hash = '#token=used';
    takeLinkToken();
    const used = track(connectSocket());
    latest().end(SignInRefusal.badToken, 'This link was used already or is not valid');
    expect(used.at(-1)).toMatchObject({ state: 'signed-out', reason: 'bad-link' });

    const none = track(connectSocket());
    expect(latest().protocols).toEqual(['adagrad-lab']);
    latest().end(SignInRefusal.unknownSession, 'Not signed in');
    expect(none.at(-1)).toMatchObject({ state: 'signed-out', reason: 'no-credential' });

    const many = track(connectSocket());
    latest().end(SignInRefusal.throttled, 'Too many failed sign-ins: try again in 9 s');
    expect(many.at(-1)).toEqual({
      state: 'signed-out',
      reason: 'throttled',
      detail: 'Too many failed sign-ins: try again in 9 s',
    });
  });
});
