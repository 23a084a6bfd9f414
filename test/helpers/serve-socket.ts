/**
 * Signing in to serve mode's socket as the page does (src-renderer/lib/transport/socket-client.ts): the lab's
 * subprotocol and one credential (a link's token, hex-encoded, or a session) in the subprotocol list.
 */
import { WebSocket } from 'ws';
import {
  SESSION_PROTOCOL,
  SOCKET_PATH,
  SOCKET_PROTOCOL,
  TOKEN_PROTOCOL,
  type SocketReply,
} from '../../src-core/contract/socket';
import { decodeFrame } from '../../src-core/transport/wire';

export type Credential = { token: string } | { session: string } | null;

/** A signed-in socket: every frame after the sign-in is kept in `messages`, and `wake` is called after each. */
export interface SignedInSocket {
  ws: WebSocket;
  /** The new session a token was exchanged for; null when a session signed in. */
  session: string | null;
  /** The subprotocol the server chose. */
  protocol: string;
  messages: SocketReply[];
  wake: () => void;
}

/** What an upgrade came to: signed in, closed by the server with a code (a refused sign-in), or refused with an HTTP status. */
export type SignInOutcome = { signedIn: SignedInSocket } | { closed: number; reason: string } | { status: number };

export const protocolsFor = (credential: Credential): string[] => [
  SOCKET_PROTOCOL,
  ...(credential === null
    ? []
    : 'token' in credential
      ? [TOKEN_PROTOCOL + Buffer.from(credential.token, 'utf8').toString('hex')]
      : [SESSION_PROTOCOL + credential.session]),
];

export function signInSocket(
  port: number,
  credential: Credential,
  options: { origin?: string | null; headers?: Record<string, string>; protocols?: string[]; path?: string } = {},
): Promise<SignInOutcome> {
  const origin = options.origin === undefined ? `http://127.0.0.1:${port}` : options.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}${options.path ?? SOCKET_PATH}`,
      options.protocols ?? protocolsFor(credential),
      {
        headers: options.headers ?? {},
        ...(origin === null ? {} : { origin }),
      },
    );
    let signedIn: SignedInSocket | null = null;
    ws.on('message', (data: Buffer) => {
      const message = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as SocketReply;
      if (signedIn) {
        signedIn.messages.push(message);
        signedIn.wake();
      } else if ('signedIn' in message) {
        signedIn = {
          ws,
          session: message.signedIn.session,
          protocol: ws.protocol,
          messages: [],
          wake: () => undefined,
        };
        resolve({ signedIn });
      } else {
        reject(new Error(`a frame before the sign-in: ${JSON.stringify(message)}`));
      }
    });
    ws.on('close', (code, reason) => {
      if (!signedIn) resolve({ closed: code, reason: reason.toString('utf8') });
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (!signedIn) reject(error);
    });
  });
}

/** Signs in or throws, saying how it was refused. */
export async function mustSignIn(port: number, credential: Credential): Promise<SignedInSocket> {
  const outcome = await signInSocket(port, credential);
  if ('signedIn' in outcome) return outcome.signedIn;
  throw new Error(`sign-in refused: ${JSON.stringify(outcome)}`);
}
