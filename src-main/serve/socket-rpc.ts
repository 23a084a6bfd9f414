/**
 * Requests over the WebSocket: each binary frame is decoded (src-core/transport/wire.ts), its envelope checked, and the
 * method's handler (src-main/handlers.ts) answers; the reply goes back on the same socket. A malformed request is
 * answered with a Result, never dropped and never thrown.
 */
import * as v from 'valibot';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { fail, type Result } from '../../src-core/contract/result';
import { show } from '../../src-core/contract/show';
import { SOCKET_PROTOCOL, socketMethods, type SocketMethod, type SocketReply } from '../../src-core/contract/socket';
import { decodeFrame, encodeFrame } from '../../src-core/transport/wire';
import type { Handlers } from '../handlers';
import type { Deliver } from './broadcast';
import type { LaunchBudget } from './launch-budget';
import { errorMessage, type Log } from './responses';

/** The largest WebSocket message accepted; larger ones close the socket with 1009. */
export const MAX_SOCKET_PAYLOAD = 16 * 1024 * 1024;

/**
 * Requests of one socket being answered at once; past them the socket is not read until one is answered. Each holds
 * its payload (up to MAX_SOCKET_PAYLOAD decoded) until then, and some wait long (an export's pages wait for its
 * download): unread, 300 pages of 5,000 runs sent at once had taken the server from 0.2 to 1.2 GB. The page itself has
 * one export page and a few small requests out at a time.
 */
export const MAX_REQUESTS_IN_FLIGHT = 8;

/**
 * Replies of one socket not yet written out (its client has not read what was queued before them); past them the
 * socket is not read either. Without it a client that sends requests and reads nothing had every reply queued for it,
 * up to the cut at MAX_BUFFERED_BYTES, in memory of its own (events are shared by every client; replies are not). A
 * page has a few dozen acknowledgements out at most (one per 500 runs stored, 20,000 runs unacknowledged).
 */
export const MAX_UNREAD_REPLIES = 256;

type Reply = Extract<SocketReply, { id: number }>;

/** The requests whose sweep is announced, spec and all, to every client: they spend the connection's LaunchBudget. */
const LAUNCHES: ReadonlySet<string> = new Set(['launchSweep', 'resumeSweep'] satisfies SocketMethod[]);

const SocketRequestSchema = v.strictObject(
  {
    id: v.pipe(
      v.unknown(),
      v.check(Number.isSafeInteger, (issue) => `Invalid request id: ${show(issue.input)} (must be a whole number)`),
      v.transform((id) => id as number),
    ),
    method: v.picklist(
      socketMethods,
      (issue) => `Unknown method: ${show(issue.input)} (must be one of ${socketMethods.join(', ')})`,
    ),
    payload: v.optional(v.unknown()),
  },
  (issue) =>
    !issue.path
      ? `Invalid request: ${show(issue.input)} (must be an object {id, method, payload})`
      : issue.expected === 'never'
        ? `Unknown field: ${show(issue.input)} is not part of a request (must be only id, method, payload)`
        : 'Missing field: a request needs it',
);

/** The WebSocket server the upgrades are handed to: it tracks its clients (for the events and the shutdown). */
export function createSocketServer(log: Log): WebSocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_SOCKET_PAYLOAD,
    clientTracking: true,
    // Only the lab's own protocol is ever chosen: the credential offered beside it is never echoed back.
    handleProtocols: (protocols) => (protocols.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  wss.on('error', (error) => log(`serve: WebSocket server error: ${errorMessage(error)}`));
  return wss;
}

/**
 * Answers every request that arrives on `ws`, at most MAX_REQUESTS_IN_FLIGHT at once, and reads no more while
 * MAX_UNREAD_REPLIES of its replies wait to be written; its launches are held to `budget`.
 */
export function answerRequests(
  ws: WebSocket,
  handlers: Handlers,
  deliver: Deliver,
  log: Log,
  budget: LaunchBudget,
): void {
  let inFlight = 0;
  let unread = 0;
  const full = (): boolean => inFlight >= MAX_REQUESTS_IN_FLIGHT || unread >= MAX_UNREAD_REPLIES;
  const resumeIfRoom = (): void => {
    if (!full() && ws.isPaused) ws.resume();
  };
  ws.on('error', (error) => log(`serve: socket error: ${errorMessage(error)}`));
  ws.on('message', (data, isBinary) => {
    // A message already read when the socket was paused still arrives: counted, it only delays the resume.
    inFlight++;
    if (full() && !ws.isPaused) ws.pause();
    answer(data, isBinary, handlers, budget, log)
      .then((reply) => {
        unread++;
        deliver(ws, replyFrame(reply), () => {
          unread--;
          resumeIfRoom();
        });
      })
      .catch((error: unknown) => log(`serve: could not answer a request: ${errorMessage(error)}`))
      .finally(() => {
        inFlight--;
        resumeIfRoom();
      });
  });
}

/** A reply that cannot be encoded becomes an internal error for the same request id. */
function replyFrame(reply: Reply): Uint8Array {
  try {
    return encodeFrame(reply);
  } catch (error) {
    return encodeFrame({
      id: reply.id,
      result: fail('internal', `Could not encode the reply: ${errorMessage(error)}`),
    });
  }
}

const readableId = (message: unknown): number =>
  typeof message === 'object' && message !== null && Number.isSafeInteger((message as { id?: unknown }).id)
    ? (message as { id: number }).id
    : -1;

async function answer(
  data: RawData,
  isBinary: boolean,
  handlers: Handlers,
  budget: LaunchBudget,
  log: Log,
): Promise<Reply> {
  if (!isBinary)
    return {
      id: -1,
      result: fail('invalid-input', 'Text frames are not accepted: send binary frames (src-core/transport/wire.ts)'),
    };
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  let message: unknown;
  try {
    message = decodeFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    return { id: -1, result: fail('invalid-input', `Malformed frame: ${errorMessage(error)}`) };
  }
  const envelope = v.safeParse(SocketRequestSchema, message, { abortPipeEarly: true });
  if (!envelope.success) {
    const issue = envelope.issues[0];
    const path = v.getDotPath(issue);
    const detail = path ? `${path}: ${issue.message}` : issue.message;
    return { id: readableId(message), result: fail('invalid-input', `Malformed request: ${detail}`) };
  }
  const { id, method, payload } = envelope.output;
  const spent = LAUNCHES.has(method) ? budget.take(bytes.byteLength) : null;
  if (spent && 'refused' in spent) return { id, result: fail('rate-limited', spent.refused) };
  let result: Result<unknown>;
  try {
    result = await handlers[method](payload);
  } catch (error) {
    log(`serve: ${method} failed: ${errorMessage(error)}`);
    result = fail('internal', `${method} failed: ${errorMessage(error)}`);
  }
  if (!result.ok) spent?.refund();
  return { id, result };
}
