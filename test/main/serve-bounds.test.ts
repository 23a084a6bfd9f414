/**
 * What serve mode keeps for clients that do not read: several hostile clients at once (sockets signed in that never
 * read, slow readers, one sending requests and reading no reply) beside a good client. The limits are shortened here
 * (16 MB, pings every 200 ms) so that a sweep of 144 MB shows them; the defaults are pinned at the end.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { SocketReply } from '../../src-core/contract/socket';
import type { SweepLaunched } from '../../src-core/contract/types';
import { decodeFrame, encodeFrame } from '../../src-core/transport/wire';
import { MAX_BUFFERED_BYTES } from '../../src-main/serve/broadcast';
import { PING_INTERVAL_MS } from '../../src-main/serve/heartbeat';
import { LAUNCH_WINDOW_MS } from '../../src-main/serve/launch-budget';
import {
  createLabServer,
  MAX_REQUESTS_IN_FLIGHT,
  MAX_UNREAD_REPLIES,
  SOCKET_LIMITS,
  type LabServer,
  type SocketLimits,
} from '../../src-main/serve/server';
import { SweepService } from '../../src-main/sweep-service';
import { inProcessExecutor } from '../helpers/in-process-executor';
import { mustSignIn } from '../helpers/serve-socket';

const TOKEN = 'bounds-token-0123456789abcdef';
const MB = 1024 * 1024;
/** Pings every 200 ms for the test of pings; 2 s beside a sweep computed on this thread, which blocks it for a while. */
const LIMITS: SocketLimits = { ...SOCKET_LIMITS, maxBufferedBytes: 16 * MB, pingIntervalMs: 200 };
const SWEEP_LIMITS: SocketLimits = { ...LIMITS, pingIntervalMs: 2000 };

/** 6,000 runs with 1,000-row traces: 144 MB of results events, far more than a client may have queued here. */
const RUNS = 6000;
const bigSweep = {
  name: 'bounds',
  objectives: [{ id: 'quadratic-1d' }],
  start: [4],
  optimizers: [{ kind: 'adagrad', fixed: {}, axes: { lr: { linear: { from: 0.01, to: 1, count: RUNS } } } }],
  steps: 1000,
  traceMaxPoints: 1000,
  tolerance: null,
};

let dir: string;
const open: LabServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-serve-bounds-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>AdaGrad Lab</title>');
});

afterAll(async () => {
  await Promise.all(open.map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

/**
 * A server with the shortened limits, its service holding at most 100 runs (2.8 MB of traces) unacknowledged, in tasks
 * of 50: the good client is at most that and a task per worker behind; and its session.
 */
async function boundedServer(
  service = new SweepService(inProcessExecutor(), { maxPendingResults: 100, batchSize: 50 }),
  limits = LIMITS,
) {
  const server = await createLabServer({
    service,
    executor: inProcessExecutor(),
    staticDir: join(dir, 'renderer'),
    token: TOKEN,
    port: 0,
    log: () => {},
    limits,
  });
  open.push(server);
  const first = await mustSignIn(server.port, { token: TOKEN });
  first.ws.close();
  const session = first.session!;
  /** A socket signed in with the session that keeps nothing it reads (the helper keeps every message). */
  const signIn = async (): Promise<WebSocket> => {
    const { ws } = await mustSignIn(server.port, { session });
    ws.removeAllListeners('message');
    return ws;
  };
  return { service, signIn };
}

/**
 * Resolves with the close code once `ws` is closed (1006: cut by the server without a closing handshake). A paused
 * socket sees no close: it is read again first, which a socket still open answers by sending its pongs.
 */
const closed = (ws: WebSocket): Promise<number> =>
  new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve(1006);
    ws.once('close', resolve);
    ws.resume();
  });

/**
 * A page as it behaves: it reads everything, acknowledges each batch of results as it is decoded (storing kept out of
 * the way), and keeps nothing but counts.
 */
function goodClient(ws: WebSocket) {
  let nextId = 1;
  const state = { runs: 0, repeated: 0, finished: null as string | null, launched: null as SweepLaunched | null };
  const arrived = new Uint8Array(RUNS);
  const finished = new Promise<void>((resolve, reject) => {
    ws.once('close', (code) => reject(new Error(`the good client was cut (${code}) after ${state.runs} runs`)));
    ws.on('message', (data: Buffer) => {
      const message = decoded(data);
      if ('id' in message && message.result.ok && message.id === 1)
        state.launched = message.result.value as SweepLaunched;
      if (!('event' in message)) return;
      const { event } = message;
      if (event.type === 'results') {
        state.runs += event.batch.to - event.batch.from;
        state.repeated += countRepeats(arrived, event.batch);
        const ranges = [{ sweepId: event.sweepId, from: event.batch.from, to: event.batch.to }];
        ws.send(encodeFrame({ id: ++nextId, method: 'acknowledge', payload: ranges }));
      }
      if (event.type === 'sweep-finished') {
        state.finished = event.status;
        resolve();
      }
    });
  });
  ws.send(encodeFrame({ id: 1, method: 'launchSweep', payload: bigSweep }));
  return { state, finished };
}

/** Marks a batch's runs as arrived; returns how many of them had arrived before. */
function countRepeats(arrived: Uint8Array, batch: { from: number; to: number }): number {
  let repeats = 0;
  for (let i = batch.from; i < batch.to; i++) repeats += arrived[i]++ > 0 ? 1 : 0;
  return repeats;
}

/** Decodes a frame the server sent. */
const decoded = (data: Buffer): SocketReply =>
  decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketReply;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The memory the process holds outside V8's heap (the sockets' queues are there), after two full collections: V8 frees
 * the backing stores of dead ArrayBuffers on a concurrent sweeper, which a collection starts and the next one waits
 * for. After one, the reading still counted part of the sweep's dead frames, the more so the busier the machine: two
 * readings a moment apart differed by 27 MB at load average 4.5, and this test read 28 and 46 MB under load. After
 * two, 0.0–0.5 MB in 8 runs at load average 4.2–5.0.
 */
const held = (): number => (gc(), gc(), process.memoryUsage().arrayBuffers);

describe('serve mode: clients that do not read', () => {
  it('cuts clients that never read and slow readers, holds at most one queue of events for them, and a good client beside them gets every run', async () => {
    const { signIn } = await boundedServer(undefined, SWEEP_LIMITS);
    /** A sweep to a good client that reads and acknowledges everything. */
    const sweep = async () => {
      const good = goodClient(await signIn());
      await good.finished;
      expect(good.state).toMatchObject({ runs: RUNS, finished: 'completed', launched: { runCount: RUNS } });
    };
    // The first sweep grows WebAssembly's memory (which stays): measured from after it.
    await sweep();
    const before = held();
    // Signed in, then never read again: the server's frames pile up in its queue for them.
    const silent = await Promise.all(Array.from({ length: 4 }, signIn));
    for (const ws of silent) ws.pause();
    // Read 5 ms in every 100: they answer pings late and fall behind.
    const slow = await Promise.all(Array.from({ length: 2 }, signIn));
    const slowTimers = slow.map((ws) => {
      ws.pause();
      return setInterval(() => {
        ws.resume();
        setTimeout(() => ws.pause(), 5);
      }, 100);
    });
    await sweep();
    // Measured before the test's paused sockets are read again: what the server still holds for them.
    const after = held();
    slowTimers.forEach(clearInterval);
    expect(await Promise.all([...silent, ...slow].map(closed))).toEqual(Array(6).fill(1006));
    // At most one client's queue of the events all share (16 MB, and a frame past it: a queue is cut at the next
    // frame) and the service's unacknowledged results (100 runs, 2.8 MB), not one queue each: 0.5 MB measured, as
    // every one of them was cut before the sweep ended. Six queues of their own would hold 96 MB; before the bounds,
    // the silent clients kept every frame sent to them beyond what the kernel took: 144 MB.
    expect(after - before).toBeLessThan(SWEEP_LIMITS.maxBufferedBytes + 4 * MB);
  });

  it('cuts a client that reads nothing within two ping intervals even when nothing is sent; one that reads stays', async () => {
    const { signIn } = await boundedServer();
    const silent = await signIn();
    silent.pause();
    const reading = await signIn();
    await new Promise((resolve) => setTimeout(resolve, 2 * LIMITS.pingIntervalMs + 200));
    expect(await closed(silent)).toBe(1006);
    expect(reading.readyState).toBe(reading.OPEN);
    reading.close();
  });

  it('stops reading the requests of a client that reads none of its replies, past MAX_UNREAD_REPLIES', async () => {
    const service = new SweepService(inProcessExecutor());
    let answered = 0;
    // A request answered at once with a reply of its own (resendPending's replays are shared: see below).
    const cancel = service.cancel.bind(service);
    service.cancel = (sweepId) => (answered++, cancel(sweepId));
    const { signIn } = await boundedServer(service);
    const ws = await signIn();
    ws.pause();
    const sent = 200_000;
    const request = encodeFrame({ id: 7, method: 'cancelSweep', payload: 'no-such-sweep' });
    for (let i = 0; i < sent; i++) ws.send(request);
    // Until the cut by pings: whatever the socket's buffers take, then MAX_UNREAD_REPLIES more, then nothing.
    const before = await new Promise<number>((resolve) => setTimeout(() => resolve(answered), 150));
    expect(answered).toBeGreaterThan(MAX_UNREAD_REPLIES);
    expect(before).toBeLessThan(sent / 2);
    expect(await closed(ws)).toBe(1006);
    expect(answered).toBeLessThan(sent / 2);
  });

  it('replays pending results only to the client that asks: one asking in a loop, a slow one and a good one beside them', async () => {
    const { signIn } = await boundedServer(undefined, SWEEP_LIMITS);
    // Reads everything and asks for resendPending again as each answer comes, acknowledging nothing.
    const looper = await signIn();
    const looped = { replays: 0, results: 0, stop: false };
    const resend = (id: number): void => looper.send(encodeFrame({ id, method: 'resendPending' }));
    looper.on('message', (data: Buffer) => {
      const message = decoded(data);
      if ('event' in message && message.event.type === 'results') looped.results++;
      if ('id' in message && !looped.stop) resend(++looped.replays);
    });
    resend(0);
    // Reads 5 ms in every 100: whatever it gets, it gets once (it may be cut for falling behind the sweep itself).
    const slow = await signIn();
    const slowArrived = new Uint8Array(RUNS);
    let slowRepeats = 0;
    slow.on('message', (data: Buffer) => {
      const message = decoded(data);
      if ('event' in message && message.event.type === 'results')
        slowRepeats += countRepeats(slowArrived, message.event.batch);
    });
    slow.pause();
    const slowTimer = setInterval(() => {
      slow.resume();
      setTimeout(() => slow.pause(), 5);
    }, 100);
    const good = goodClient(await signIn());
    await good.finished;
    looped.stop = true;
    clearInterval(slowTimer);
    expect(good.state).toMatchObject({ runs: RUNS, repeated: 0, finished: 'completed' });
    expect(slowRepeats).toBe(0);
    // The looper was answered and replayed to all along (it acknowledged nothing, so its replays held results).
    expect(looped.replays).toBeGreaterThan(0);
    expect(looped.results).toBeGreaterThan(0);
    looper.close();
    slow.resume();
    slow.close();
  });

  it('replays to a client once at a time: calls while its last replay is unread wait for it and share the next one', async () => {
    // 1,000 runs pending (24 MB: more than the kernel's socket buffers take), under a 64 MB cut.
    const service = new SweepService(inProcessExecutor(), { maxPendingResults: 1000, batchSize: 100 });
    let replays = 0;
    const resendPending = service.resendPending.bind(service);
    service.resendPending = (send) => (replays++, resendPending(send));
    const { signIn } = await boundedServer(service, { ...SWEEP_LIMITS, maxBufferedBytes: 64 * MB });
    // A sweep no one acknowledges: it stops with its first results pending.
    const launched = service.launch(bigSweep);
    if (!launched.ok) throw new Error(launched.error.message);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ws = await signIn();
    const calls = 100;
    const replies: number[] = [];
    ws.on('message', (data: Buffer) => {
      const message = decoded(data);
      if ('id' in message && message.result.ok) replies.push(message.result.value as number);
    });
    ws.pause();
    for (let id = 1; id <= calls; id++) ws.send(encodeFrame({ id, method: 'resendPending' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Unread, one replay and no more (before, every call replayed: three filled the 64 MB and the client was cut).
    expect(replays).toBe(1);
    expect(ws.readyState).toBe(ws.OPEN);
    ws.resume();
    await vi.waitFor(() => expect(replies).toHaveLength(calls), { timeout: 10_000 });
    // Every call answered with the runs pending, by one replay per MAX_REQUESTS_IN_FLIGHT calls at most.
    expect(new Set(replies)).toEqual(new Set([replies[0]]));
    expect(replies[0]).toBeGreaterThanOrEqual(1000);
    expect(replays).toBeLessThanOrEqual(Math.ceil(calls / (MAX_REQUESTS_IN_FLIGHT - 1)) + 1);
    ws.close();
    service.cancel(launched.value.sweepId);
  });

  it('keeps the documented defaults: 320 MB queued for a client, a ping a minute, 64 MB of launches every 10 s', () => {
    expect(SOCKET_LIMITS).toEqual({
      maxBufferedBytes: 320 * MB,
      launchBytesPerWindow: 64_000_000,
      pingIntervalMs: 60_000,
    });
    expect(LAUNCH_WINDOW_MS).toBe(10_000);
    expect(MAX_BUFFERED_BYTES).toBe(320 * MB);
    expect(PING_INTERVAL_MS).toBe(60_000);
    expect(MAX_UNREAD_REPLIES).toBe(256);
  });
});
