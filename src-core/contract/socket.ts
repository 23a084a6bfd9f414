/**
 * Serve mode's WebSocket protocol. Every message is a binary frame of src-core/transport/wire.ts (typed arrays travel exactly).
 * Client -> server: a request. Server -> client: the reply to a request, or an event.
 */
import { methodNames, type MethodName } from './methods';
import type { Result } from './result';
import type { SweepEvent } from './types';

/** The requests serve mode answers: every method of the registry (methods.ts). */
export const socketMethods = methodNames;

/** Where the browser downloads a started export from: EXPORT_PATH + its exportId (the session cookie still applies). */
export const EXPORT_PATH = '/export/';
export type SocketMethod = MethodName;

export interface SocketRequest {
  id: number;
  method: SocketMethod;
  payload: unknown;
}

export type SocketReply = { id: number; result: Result<unknown> } | { event: SweepEvent };

/** The path the WebSocket upgrade is accepted on. */
export const SOCKET_PATH = '/socket';
