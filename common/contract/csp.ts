/**
 * The Content-Security-Policy of the renderer, the same in Electron (custom protocol) and
 * in browser mode (HTTP header): only the app's own scripts, no inline code, no remote
 * content; the only connection allowed is back to the app's own origin (browser mode's
 * WebSocket, the cloud instance is reached from the engine through the same origin rule
 * plus its configured URL).
 */
export function contentSecurityPolicy(extraConnect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${extraConnect.map((c) => ` ${c}`).join('')}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
