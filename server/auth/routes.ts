import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newId } from '../../common/ids';
import type { ServerContext } from '../context';
import { HttpError, parse } from '../http/errors';
import { fromLegacyRole, signAccessToken } from './access-token';
import { ROLES, type Role } from '../../common/security/roles';
import { requirePermission } from './guard';
import { consumeSetupToken } from './installation';
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from './passwords';
import { formatCredential, parseCredential, randomSecret, secretMatches, sha256Hex } from './secrets';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
const REFRESH_DAYS = 30;
const ENROLMENT_HOURS = 24;

const Email = z.string().trim().toLowerCase().email().max(254);
const Password = z.string().min(MIN_PASSWORD_LENGTH, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(256);
const Name = z.string().trim().min(1).max(120);
const Uuid = z.uuid();

const BootstrapBody = z.object({ setupToken: z.string().min(1).max(200), clinicName: Name, admin: z.object({ email: Email, name: Name, password: Password }).strict() }).strict();
const SignInBody = z.object({ clinicId: Uuid, email: Email, password: z.string().min(1).max(256) }).strict();
const RefreshBody = z.object({ refreshToken: z.string().min(1).max(200) }).strict();
// 'admin' and 'staff' (schema 1) are still accepted, as administrator and clinician.
const NewUserBody = z.object({ email: Email, name: Name, role: z.preprocess(fromLegacyRole, z.enum(ROLES)), password: Password }).strict();
const EnrolmentCodeBody = z.object({ note: z.string().max(120).optional() }).strict();
const EnrolBody = z.object({ code: z.string().min(1).max(200), name: Name }).strict();
const CredentialBody = z.object({ credential: z.string().min(1).max(200) }).strict();

interface UserRow {
  user_id: string;
  name: string;
  role: Role;
  password_hash: string;
  locked: boolean;
}

export interface SignInRateLimit {
  max: number;
  timeWindow: number;
}

export function registerAuthRoutes(app: FastifyInstance, ctx: ServerContext, signInLimit: SignInRateLimit): void {
  const { db } = ctx;
  // Verified against when the email is unknown, so a miss costs as long as a hit (no user enumeration by timing).
  const decoyHash = hashPassword(randomSecret(), ctx.hashing);

  async function issueRefreshToken(clinicId: string, userId: string, familyId: string): Promise<string> {
    const id = newId();
    const secret = randomSecret();
    await db.query(
      `INSERT INTO refresh_tokens (clinic_id, token_id, family_id, user_id, secret_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6))`,
      [clinicId, id, familyId, userId, sha256Hex(secret), REFRESH_DAYS],
    );
    return formatCredential({ kind: 'rt', clinicId, id, secret });
  }

  function userSession(clinicId: string, user: { user_id: string; name: string; role: Role }, refreshToken: string) {
    const access = signAccessToken(ctx.tokenKey, { sub: user.user_id, clinic: clinicId, kind: 'user', role: user.role }, Date.now());
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken, clinicId, user: { id: user.user_id, name: user.name, role: user.role } };
  }

  app.post('/auth/bootstrap', { config: { rateLimit: signInLimit } }, async (request, reply) => {
    const body = parse(BootstrapBody, request.body);
    const passwordHash = await hashPassword(body.admin.password, ctx.hashing);
    const clinicId = newId();
    const userId = newId();
    await db.transaction(async (tx) => {
      if (!(await consumeSetupToken(tx, body.setupToken))) throw new HttpError(403, 'bad-setup-token', 'the setup token is unknown or was already used');
      await tx.query('INSERT INTO clinics (clinic_id, name) VALUES ($1, $2)', [clinicId, body.clinicName]);
      await tx.query("INSERT INTO users (clinic_id, user_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, 'administrator', $5)", [clinicId, userId, body.admin.email, body.admin.name, passwordHash]);
    });
    request.log.info({ clinicId }, 'clinic created');
    return reply.status(201).send({ clinicId, userId });
  });

  app.post('/auth/sign-in', { config: { rateLimit: signInLimit } }, async (request) => {
    const body = parse(SignInBody, request.body);
    const rows = await db.query<UserRow>(
      'SELECT user_id::text, name, role, password_hash, coalesce(locked_until > now(), false) AS locked FROM users WHERE clinic_id = $1 AND email = $2',
      [body.clinicId, body.email],
    );
    const user = rows[0];
    if (user?.locked) throw new HttpError(423, 'locked', `too many failed sign-ins; try again in up to ${LOCKOUT_MINUTES} minutes`);
    const ok = await verifyPassword(body.password, user?.password_hash ?? (await decoyHash));
    if (!user || !ok) {
      if (user) {
        await db.query(
          `UPDATE users SET failed_attempts = failed_attempts + 1,
             locked_until = CASE WHEN failed_attempts + 1 >= $3 THEN now() + make_interval(mins => $4) ELSE locked_until END
           WHERE clinic_id = $1 AND user_id = $2`,
          [body.clinicId, user.user_id, MAX_FAILED_SIGN_INS, LOCKOUT_MINUTES],
        );
      }
      throw new HttpError(401, 'bad-credentials', 'the email or password is wrong');
    }
    await db.query('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE clinic_id = $1 AND user_id = $2', [body.clinicId, user.user_id]);
    request.log.info({ clinicId: body.clinicId }, 'signed in');
    return userSession(body.clinicId, user, await issueRefreshToken(body.clinicId, user.user_id, newId()));
  });

  app.post('/auth/refresh', { config: { rateLimit: signInLimit } }, async (request) => {
    const body = parse(RefreshBody, request.body);
    const cred = parseCredential(body.refreshToken, 'rt');
    if (!cred) throw new HttpError(401, 'bad-refresh-token', 'the refresh token is not valid');
    const outcome = await db.transaction(async (tx) => {
      const rows = await tx.query<{ family_id: string; user_id: string; secret_hash: string; used: boolean; dead: boolean }>(
        `SELECT family_id::text, user_id::text, secret_hash, used_at IS NOT NULL AS used, (revoked_at IS NOT NULL OR expires_at <= now()) AS dead
         FROM refresh_tokens WHERE clinic_id = $1 AND token_id = $2 FOR UPDATE`,
        [cred.clinicId, cred.id],
      );
      const t = rows[0];
      if (!t || !secretMatches(cred.secret, t.secret_hash) || t.dead) return { kind: 'invalid' as const };
      if (t.used) {
        // A rotated token presented again: someone kept a copy. End every session of that sign-in.
        await tx.query('UPDATE refresh_tokens SET revoked_at = now() WHERE clinic_id = $1 AND family_id = $2 AND revoked_at IS NULL', [cred.clinicId, t.family_id]);
        return { kind: 'reused' as const };
      }
      await tx.query('UPDATE refresh_tokens SET used_at = now() WHERE clinic_id = $1 AND token_id = $2', [cred.clinicId, cred.id]);
      const users = await tx.query<UserRow>('SELECT user_id::text, name, role, password_hash, false AS locked FROM users WHERE clinic_id = $1 AND user_id = $2', [cred.clinicId, t.user_id]);
      return { kind: 'ok' as const, user: users[0], familyId: t.family_id };
    });
    if (outcome.kind === 'reused') {
      request.log.warn({ clinicId: cred.clinicId }, 'refresh token reused; sessions revoked');
      throw new HttpError(401, 'refresh-token-reused', 'this refresh token was already used; every session of this sign-in has been ended');
    }
    if (outcome.kind === 'invalid' || !outcome.user) throw new HttpError(401, 'bad-refresh-token', 'the refresh token is not valid');
    return userSession(cred.clinicId, outcome.user, await issueRefreshToken(cred.clinicId, outcome.user.user_id, outcome.familyId));
  });

  app.post('/auth/sign-out', async (request, reply) => {
    const body = parse(RefreshBody, request.body);
    const cred = parseCredential(body.refreshToken, 'rt');
    if (cred) {
      const rows = await db.query<{ family_id: string; secret_hash: string }>('SELECT family_id::text, secret_hash FROM refresh_tokens WHERE clinic_id = $1 AND token_id = $2', [cred.clinicId, cred.id]);
      const t = rows[0];
      if (t && secretMatches(cred.secret, t.secret_hash)) {
        await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE clinic_id = $1 AND family_id = $2 AND revoked_at IS NULL', [cred.clinicId, t.family_id]);
      }
    }
    return reply.status(204).send();
  });

  app.post('/admin/users', async (request, reply) => {
    const caller = requirePermission(request, ctx.tokenKey, 'manage', 'user');
    const body = parse(NewUserBody, request.body);
    const userId = newId();
    const hash = await hashPassword(body.password, ctx.hashing);
    const rows = await db.query(
      'INSERT INTO users (clinic_id, user_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (clinic_id, email) DO NOTHING RETURNING user_id',
      [caller.clinic, userId, body.email, body.name, body.role, hash],
    );
    if (!rows.length) throw new HttpError(409, 'email-taken', 'a user with this email already exists in the clinic');
    return reply.status(201).send({ userId });
  });

  app.post('/admin/enrolment-codes', async (request, reply) => {
    const caller = requirePermission(request, ctx.tokenKey, 'manage', 'settings');
    parse(EnrolmentCodeBody, request.body ?? {});
    const id = newId();
    const secret = randomSecret();
    const rows = await db.query<{ expires_at: Date }>(
      'INSERT INTO enrolment_codes (clinic_id, code_id, secret_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5)) RETURNING expires_at',
      [caller.clinic, id, sha256Hex(secret), caller.sub, ENROLMENT_HOURS],
    );
    request.log.info({ clinicId: caller.clinic }, 'enrolment code issued');
    return reply.status(201).send({ code: formatCredential({ kind: 'ec', clinicId: caller.clinic, id, secret }), expiresAt: new Date(rows[0]!.expires_at).toISOString() });
  });

  app.post('/auth/enrol', { config: { rateLimit: signInLimit } }, async (request, reply) => {
    const body = parse(EnrolBody, request.body);
    const cred = parseCredential(body.code, 'ec');
    if (!cred) throw new HttpError(401, 'bad-enrolment-code', 'the enrolment code is not valid');
    const workstationId = newId();
    const secret = randomSecret();
    const enrolled = await db.transaction(async (tx) => {
      const rows = await tx.query<{ secret_hash: string; created_by: string }>(
        'SELECT secret_hash, created_by::text FROM enrolment_codes WHERE clinic_id = $1 AND code_id = $2 AND used_at IS NULL AND expires_at > now() FOR UPDATE',
        [cred.clinicId, cred.id],
      );
      const code = rows[0];
      if (!code || !secretMatches(cred.secret, code.secret_hash)) return false;
      await tx.query('UPDATE enrolment_codes SET used_at = now() WHERE clinic_id = $1 AND code_id = $2', [cred.clinicId, cred.id]);
      await tx.query('INSERT INTO workstations (clinic_id, workstation_id, name, secret_hash, enrolled_by) VALUES ($1, $2, $3, $4, $5)', [cred.clinicId, workstationId, body.name, sha256Hex(secret), code.created_by]);
      return true;
    });
    if (!enrolled) throw new HttpError(401, 'bad-enrolment-code', 'the enrolment code is unknown, used or expired');
    request.log.info({ clinicId: cred.clinicId }, 'workstation enrolled');
    return reply.status(201).send({ clinicId: cred.clinicId, workstationId, credential: formatCredential({ kind: 'ws', clinicId: cred.clinicId, id: workstationId, secret }) });
  });

  app.post('/auth/workstation-token', { config: { rateLimit: signInLimit } }, async (request) => {
    const body = parse(CredentialBody, request.body);
    const cred = parseCredential(body.credential, 'ws');
    const rows = cred
      ? await db.query<{ secret_hash: string }>('SELECT secret_hash FROM workstations WHERE clinic_id = $1 AND workstation_id = $2 AND revoked_at IS NULL', [cred.clinicId, cred.id])
      : [];
    if (!cred || !rows[0] || !secretMatches(cred.secret, rows[0].secret_hash)) throw new HttpError(401, 'bad-workstation-credential', 'the workstation credential is not valid or was revoked');
    const access = signAccessToken(ctx.tokenKey, { sub: cred.id, clinic: cred.clinicId, kind: 'workstation', role: 'workstation' }, Date.now());
    return { accessToken: access.token, expiresIn: access.expiresIn, clinicId: cred.clinicId };
  });

  app.delete('/admin/workstations/:id', async (request, reply) => {
    const caller = requirePermission(request, ctx.tokenKey, 'manage', 'settings');
    const { id } = parse(z.object({ id: Uuid }), request.params);
    const rows = await db.query('UPDATE workstations SET revoked_at = coalesce(revoked_at, now()) WHERE clinic_id = $1 AND workstation_id = $2 RETURNING workstation_id', [caller.clinic, id]);
    if (!rows.length) throw new HttpError(404, 'not-found', 'no such workstation in this clinic');
    return reply.status(204).send();
  });
}
