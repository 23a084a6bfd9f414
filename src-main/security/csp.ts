/**
 * The renderer's Content-Security-Policy, one for both faces: the desktop window's app:// protocol and serve mode's
 * HTTP responses. No inline script or style anywhere (the renderer uses no static style attributes for this reason).
 * `extraConnect` adds serve mode's ws:// origin.
 */
export function contentSecurityPolicy(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${extraConnect.map((o) => ` ${o}`).join('')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
