/**
 * Serve mode's WebSocket protocol. Every message is a binary frame of src-core/transport/wire.ts (typed arrays travel exactly).
 * Client -> server: a request. Server -> client: the reply to a request, or an event.
 */
import { methodNames, type MethodName } from './methods';
import type { Result } from './result';
import type { SweepEvent } from './types';

/** The requests serve mode answers: every method of the registry (methods.ts). */
export const socketMethods = methodNames;

/**
 * Where the browser downloads a started export from: EXPORT_PATH + its exportId. A plain link cannot carry the session,
 * so the id itself is the capability: random (192 bits), good for one download, only for an export a signed-in socket
 * started, and only for the 30 s after it started.
 */
export const EXPORT_PATH = '/export/';
export type SocketMethod = MethodName;

export interface SocketRequest {
  id: number;
  method: SocketMethod;
  payload: unknown;
}

/**
 * The first frame on a socket the server signed in: with the new session secret when a link's token was exchanged
 * for one (the page keeps it in sessionStorage and presents it on every reconnection), null when a session was shown.
 */
export interface SignedIn {
  signedIn: { session: string | null };
}

export type SocketReply = { id: number; result: Result<unknown> } | { event: SweepEvent } | SignedIn;

/**
 * Signing in: the page offers SOCKET_PROTOCOL and one credential in the WebSocket subprotocol list, which the browser
 * sends only where the page says (unlike a cookie, which goes to every port of 127.0.0.1):
 *   [SOCKET_PROTOCOL, TOKEN_PROTOCOL + hex(UTF-8 of the link's token)]   (exchanged once for a new session), or
 *   [SOCKET_PROTOCOL, SESSION_PROTOCOL + session]                        (a reconnection).
 * A refusal completes the handshake and closes the socket with one of SignInRefusal's codes, which a browser can read
 * (the status of a refused upgrade it cannot).
 */
export const SOCKET_PROTOCOL = 'adagrad-lab';
export const TOKEN_PROTOCOL = 'token.';
export const SESSION_PROTOCOL = 'session.';

export const SignInRefusal = {
  /** No credential, or a session this server does not know: it restarted (sessions live in its memory), or it expired. */
  unknownSession: 4401,
  /** A link's token that is wrong, or was used already (each works once). */
  badToken: 4403,
  /** Too many failed sign-ins in the last minute: every sign-in is refused until they age out. */
  throttled: 4429,
} as const;

/** The path the WebSocket upgrade is accepted on. */
export const SOCKET_PATH = '/socket';
