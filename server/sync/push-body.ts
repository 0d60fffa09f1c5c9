import { z } from 'zod';
import { ChangeSchema, MAX_CHANGES_PER_PUSH, ProtocolVersionSchema, type PushRequest } from '../../common/sync/protocol';
import { HttpError, parse } from '../http/errors';

/**
 * The push body with the same rules as `PushRequestSchema` (common/sync/protocol.ts), but
 * with the "no U+0000 and no unpaired surrogate" rule checked by walking the parsed strings
 * instead of re-serialising the whole batch and scanning the text: same refusals, without
 * writing a second copy of a megabytes-large body on every push.
 */
const PushShapeSchema = z
  .object({
    protocol: ProtocolVersionSchema,
    changes: z.array(ChangeSchema).min(1).max(MAX_CHANGES_PER_PUSH),
  })
  .strict();

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one. */
function unstorableString(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || isLowSurrogate(c)) return true;
    if (isHighSurrogate(c)) {
      if (!isLowSurrogate(text.charCodeAt(i + 1))) return true;
      i++;
    }
  }
  return false;
}

/** True when any string (or object key) in `value` holds text PostgreSQL's jsonb refuses. */
export function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return unstorableString(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  for (const [key, inner] of Object.entries(value)) if (unstorableString(key) || holdsUnstorableText(inner)) return true;
  return false;
}

/** Validates a push body; a bad one is a 400 that names the problems (never values). */
export function parsePushBody(body: unknown): PushRequest {
  const push = parse(PushShapeSchema, body) as PushRequest;
  if (holdsUnstorableText(push.changes)) throw new HttpError(400, 'invalid-request', 'changes: text may not contain U+0000 or unpaired surrogates');
  return push;
}
