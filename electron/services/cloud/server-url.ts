/** The server address was refused before anything was sent to it. */
export class CloudUrlError extends Error {
  override readonly name = 'CloudUrlError';
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks a cloud instance address: https, or plain http only on this machine (a server on
 * loopback in development and tests). Credentials and patient data never cross a network
 * in clear text. Returns the origin plus path without a trailing slash.
 */
export function checkServerUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new CloudUrlError('The server address is not a valid URL (for example https://cloud.example.org).');
  }
  if (url.username || url.password) throw new CloudUrlError('The server address must not contain a user name or password.');
  if (url.search || url.hash) throw new CloudUrlError('The server address must not contain a query or fragment.');
  if (url.protocol === 'https:') return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (url.protocol === 'http:') throw new CloudUrlError('Use https for a server on another machine; plain http is allowed only on this computer.');
  throw new CloudUrlError('The server address must start with https://.');
}
