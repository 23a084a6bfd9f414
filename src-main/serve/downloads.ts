/**
 * Exports in serve mode arrive as browser downloads. Starting an export (over the socket) registers it here; the
 * browser then fetches EXPORT_PATH + its id, with the session cookie like every request, and that response is where
 * the rows stream to, with back-pressure. The id names an export; it grants nothing by itself, is random, and is good
 * for one download.
 */
import type { ServerResponse } from 'node:http';
import type { ExportKind } from '../../src-core/contract/api';
import { exportFileTypes } from '../export/file-types';
import type { ExportSink } from '../export/sink';
import { writeChunks } from '../export/sink';

/** How long a started export waits for the browser to begin its download. */
const ATTACH_TIMEOUT_MS = 30_000;

/** A response can only fail one way: the browser went away (the user cancelled the download, or closed the page). */
const stopped = (): Error => new Error('the download was stopped in the browser');

interface Waiting {
  suggestedName: string;
  kind: ExportKind;
  attach(response: ServerResponse): void;
}

export class Downloads {
  private readonly waiting = new Map<string, Waiting>();

  /** Registers export `exportId`; its sink writes into the response of the download once the browser asks for it. */
  open(exportId: string, suggestedName: string, kind: ExportKind): ExportSink {
    let attach!: (response: ServerResponse) => void;
    let fail!: (error: Error) => void;
    const attached = new Promise<ServerResponse>((resolve, reject) => {
      attach = resolve;
      fail = reject;
    });
    attached.catch(() => undefined); // observed by the sink's calls; an export nobody writes to must not crash
    const forget = (): boolean => this.waiting.delete(exportId);
    const timer = setTimeout(() => {
      forget();
      fail(new Error(`the browser did not start the download within ${ATTACH_TIMEOUT_MS / 1000} s`));
    }, ATTACH_TIMEOUT_MS);
    timer.unref();
    this.waiting.set(exportId, {
      suggestedName,
      kind,
      attach: (response) => {
        clearTimeout(timer);
        attach(response);
      },
    });

    const response = async (): Promise<ServerResponse> => {
      const res = await attached;
      if (res.destroyed) throw stopped();
      return res;
    };
    return {
      async write(chunks) {
        const res = await response();
        await writeChunks(res, chunks).catch(() => {
          throw stopped();
        });
      },
      async finish() {
        const res = await response();
        await new Promise<void>((resolve, reject) => {
          res.once('close', () => (res.writableFinished ? resolve() : reject(stopped())));
          res.end();
        });
        return { saved: true };
      },
      async abort() {
        clearTimeout(timer);
        forget();
        fail(new Error('the export was discarded'));
        // A download cut short shows as failed in the browser rather than as a complete, truncated file.
        const res = await attached.catch(() => null);
        res?.destroy();
      },
    };
  }

  /** Starts the download of export `exportId` on `res`; false when no export is waiting for one (unknown, or taken). */
  attach(exportId: string, res: ServerResponse, headers: Record<string, string>): boolean {
    const waiting = this.waiting.get(exportId);
    if (!waiting) return false;
    this.waiting.delete(exportId);
    res.on('error', () => undefined); // a browser that goes away is seen by the next write
    res.writeHead(200, {
      ...headers,
      'Content-Type': exportFileTypes[waiting.kind].mediaType,
      'Content-Disposition': contentDisposition(waiting.suggestedName),
      'Cache-Control': 'no-store',
    });
    waiting.attach(res);
    return true;
  }
}

/**
 * RFC 6266: an ASCII fallback for old clients, and the name in UTF-8. The schema has refused quotes, controls, format
 * characters and a leading dot; should one get here anyway, it is replaced, so the browser is never offered a hidden
 * name or one that a U+202E reorders.
 */
export function contentDisposition(suggested: string): string {
  const name = suggested.replace(/[\p{Cc}\p{Cf}]/gu, '_').replace(/^\./, '_');
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  // RFC 8187 leaves ' ( ) * out of the characters that may appear unencoded; encodeURIComponent keeps them.
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
