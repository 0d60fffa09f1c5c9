/**
 * Subscription links for clinicians' calendar feeds: GET /calendar/<token>.ics on the cloud
 * instance, where the token is "<clinic id>.<48 hex digits>": 192 random bits, and the file
 * name stays under the 100 characters a route parameter may have. The clinic id scopes the
 * lookup to one clinic's rows; the random part is the secret. Only the token's SHA-256
 * travels (on the clinician's synced staff row), so a copy of the database or the server
 * cannot rebuild a working link. A new link replaces the hash, which revokes the old one;
 * clearing it revokes the feed.
 */

/** Staff-row fields that carry the feed link (synced like any other field). */
export const FEED_TOKEN_HASH_FIELD = 'calendarFeedTokenHash';
export const FEED_INITIALS_FIELD = 'calendarFeedInitials';

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{48})$/;

export class FeedTokenError extends Error {
  override readonly name = 'FeedTokenError';
}

/** The clinic a token belongs to, or undefined when it is not a feed token at all. */
export function feedTokenClinic(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** A new token for the clinic: 24 random bytes as hex after the clinic id. */
export function newFeedToken(clinicId: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const token = `${clinicId.toLowerCase()}.${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (!TOKEN.test(token)) throw new FeedTokenError('a calendar link needs the clinic id of a clinic connected to the cloud instance');
  return token;
}

export async function feedTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The path of a feed on the cloud instance. */
export function feedPath(token: string): string {
  return `/calendar/${token}.ics`;
}
