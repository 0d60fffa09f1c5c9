import { z } from 'zod';
import type { Contract } from '../../../common/contract/rpc';
import { ROLES } from '../../../common/security/roles';
import { MAX_PASSWORD_LENGTH } from './credentials';

/** Who the engine worker's data layer acts for; the UI sets it on sign-in, unlock, lock and sign-out. */
export const DataActorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string().min(1).max(64), name: z.string().min(1).max(120), role: z.enum(ROLES) }).strict(),
  z.object({ kind: z.literal('system'), reason: z.string().min(1).max(200) }).strict(),
  z.object({ kind: z.literal('nobody') }).strict(),
]);

const secret = z.string().min(1).max(MAX_PASSWORD_LENGTH * 4);

/**
 * The engine methods of the session (issue 9). Argon2id takes hundreds of milliseconds, so
 * hashing runs in the worker rather than on the UI thread; the secret crosses postMessage
 * inside the page's own process and is never stored or logged.
 */
export const sessionMethods = {
  'session.set': { params: z.object({ actor: DataActorSchema }).strict(), result: z.object({ ok: z.literal(true) }) },
  'auth.hash': { params: z.object({ secret }).strict(), result: z.object({ encoded: z.string() }) },
  'auth.verify': { params: z.object({ secret, encoded: z.string().min(1).max(512) }).strict(), result: z.object({ ok: z.boolean() }) },
};

/** The same methods as a contract of their own, for typing their handlers. */
export const sessionContract = { methods: sessionMethods, events: {} } satisfies Contract;
