/** The built renderer's files, served read-only from one folder: nothing outside it, hidden or malformed. */
import { realpath, readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { baseHeaders } from './responses';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * How long the browser may keep a file: the build's assets/ are named by their content's hash (Vite), so a name never
 * changes meaning and a reload takes them, and V8's compiled code, from the cache; the page itself never, and any other
 * file only after asking (no-cache).
 */
function cachePolicy(rawPath: string, type: string): string {
  if (type.startsWith('text/html')) return 'no-store';
  return rawPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export class StaticFiles {
  private constructor(private readonly root: string) {}

  /** The files under `dir`, its real path resolved once. */
  static async at(dir: string): Promise<StaticFiles> {
    return new StaticFiles(await realpath(resolve(dir)));
  }

  /** Sends the file `rawPath` names; false (nothing sent) when there is none. */
  async serve(req: IncomingMessage, res: ServerResponse, rawPath: string, csp: string): Promise<boolean> {
    const file = await this.resolve(rawPath);
    if (!file) return false;
    const body = await readFile(file);
    const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': type,
      'Content-Length': String(body.length),
      'Content-Security-Policy': csp,
      'Cache-Control': cachePolicy(rawPath, type),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /** The file under the root that `rawPath` names, or null for anything outside it, hidden or malformed. */
  private async resolve(rawPath: string): Promise<string | null> {
    if (rawPath.includes('\\')) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return null;
    }
    if (decoded.includes('\\') || decoded.includes('\0') || !decoded.startsWith('/')) return null;
    if (decoded.endsWith('/')) decoded += 'index.html';
    const segments = decoded.slice(1).split('/');
    // No '..', no '.', no empty segments and no hidden files: none of them occur in a Vite build.
    if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
    const candidate = join(this.root, ...segments);
    if (!candidate.startsWith(this.root + sep)) return null;
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(this.root + sep)) return null;
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  }
}
