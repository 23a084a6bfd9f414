import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
}));

import { protocol } from 'electron';
import { contentSecurityPolicy } from '../../src-main/security/csp';
import {
  contentTypeOf,
  createAppRequestHandler,
  handleAppProtocol,
  registerAppScheme,
  resolveRendererPath,
} from '../../src-main/protocol';

// A sandbox: <tmp>/renderer is what the app serves; <tmp>/secret.txt sits next to it and must never be served.
let base: string;
let rendererDir: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'adagrad-protocol-'));
  rendererDir = join(base, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>AdaGrad Lab</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(base, 'renderer-evil.txt'), 'TOP SECRET'); // a sibling whose name starts with the root's
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const request = (url: string, method = 'GET'): Request => new Request(url, { method });

describe('resolveRendererPath', () => {
  it('serves index.html for / and for the bare origin', () => {
    expect(resolveRendererPath('/srv/renderer', 'app://lab/')).toBe(join('/srv/renderer', 'index.html'));
    expect(resolveRendererPath('/srv/renderer', 'app://lab')).toBe(join('/srv/renderer', 'index.html'));
  });

  it('maps a path to the file inside the renderer directory, ignoring query and hash', () => {
    expect(resolveRendererPath('/srv/renderer', 'app://lab/assets/app-1.js?v=2#x')).toBe(
      join('/srv/renderer', 'assets', 'app-1.js'),
    );
  });

  it.each([
    'app://lab/..%2fsecret.txt',
    'app://lab/assets/..%2f..%2fsecret.txt',
    'app://lab/%2e%2e%2fsecret.txt',
    'app://lab/..%5csecret.txt',
    'app://lab/assets%5c..%5c..%5csecret.txt',
    'app://lab/index.html%00.png',
    'app://lab/%E0%A4%A', // malformed percent-encoding
  ])('refuses the encoded traversal %s', (url) => {
    expect(resolveRendererPath('/srv/renderer', url)).toBeNull();
  });

  it.each([
    'app://lab/../secret.txt',
    'app://lab/%2e%2e/secret.txt',
    'app://lab/assets/%2E%2E/%2e%2e/%2e%2e/secret.txt',
    'app://lab/.%2e/secret.txt',
  ])('keeps %s inside the renderer directory (the URL parser folds the dots)', (url) => {
    const file = resolveRendererPath('/srv/renderer', url);
    expect(file).toBe(join('/srv/renderer', 'secret.txt'));
    expect(file!.startsWith(`/srv/renderer${sep}`)).toBe(true);
  });

  it.each([
    'https://lab/index.html',
    'app://other/index.html',
    'app://evil@lab/index.html',
    'file:///srv/renderer/index.html',
    'not a url',
  ])('refuses a URL that is not ours: %s', (url) => {
    expect(resolveRendererPath('/srv/renderer', url)).toBeNull();
  });
});

describe('the app:// request handler', () => {
  it('serves index.html for / with the CSP header and an HTML content type', async () => {
    const response = await createAppRequestHandler(rendererDir)(request('app://lab/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(response.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>AdaGrad Lab</title>');
  });

  it('serves assets with their content types and the CSP header', async () => {
    const handle = createAppRequestHandler(rendererDir);
    const js = await handle(request('app://lab/assets/app.js'));
    expect(js.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(await js.text()).toBe('console.log(1)');
    expect((await handle(request('app://lab/assets/app.css'))).headers.get('Content-Type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  it.each([
    'app://lab/../secret.txt',
    'app://lab/%2e%2e/secret.txt',
    'app://lab/assets/..%2f..%2fsecret.txt',
    'app://lab/..%2frenderer-evil.txt',
    'app://lab/missing.js',
    'app://lab/assets',
    'app://lab/assets/',
  ])('answers 404 for %s and never leaks the file next door', async (url) => {
    const response = await createAppRequestHandler(rendererDir)(request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await createAppRequestHandler(rendererDir)(request('app://lab/index.html', 'POST'));
    expect(response.status).toBe(405);
  });

  it('knows the usual content types and falls back to octet-stream', () => {
    expect(contentTypeOf('a.SVG')).toBe('image/svg+xml');
    expect(contentTypeOf('a.woff2')).toBe('font/woff2');
    expect(contentTypeOf('a.bin')).toBe('application/octet-stream');
  });
});

describe('scheme registration', () => {
  it('registers app: as standard, secure and fetch-capable', () => {
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it('handles the app scheme with the renderer handler', async () => {
    handleAppProtocol(protocol, rendererDir);
    const [scheme, handler] = vi.mocked(protocol.handle).mock.calls[0];
    expect(scheme).toBe('app');
    const response = await handler(request('app://lab/index.html'));
    expect(response.status).toBe(200);
  });
});
