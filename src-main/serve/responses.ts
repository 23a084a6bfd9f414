/** What every serve-mode HTTP response carries, the plain-text answers, and the refusal of a WebSocket upgrade. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Where operational messages go (never tokens, session values or query strings). */
export type Log = (message: string) => void;

export { errorMessage } from '../../src-core/contract/result';

export const baseHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Plain-text answers (refusals, errors). The CSP names the server's port, so it is set once the server listens. */
export class TextResponses {
  csp = '';

  send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string,
    extra: Record<string, string> = {},
  ): void {
    const bytes = Buffer.from(body, 'utf8');
    res.writeHead(status, {
      ...baseHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(bytes.length),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': this.csp,
      ...extra,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }
}

/** Answers an upgrade that is refused with a plain HTTP response, then closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${bytes.length}\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
  );
}
