import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { newId } from '../../common/ids';
import { requirePermission } from '../auth/guard';
import { formatCredential, parseCredential, randomSecret, secretMatches, sha256Hex } from '../auth/secrets';
import type { ServerContext } from '../context';
import type { Queryable } from '../db/database';
import { HttpError, parse } from '../http/errors';

export interface DeviceKeyHolder {
  clinicId: string;
  keyId: string;
  patientId: string;
}

const NewKeyBody = z.object({ patientId: z.uuid(), label: z.string().trim().min(1).max(120) }).strict();

/** The clinic and patient a device key posts for; undefined when the key is unknown, wrong or revoked. */
export async function deviceKeyHolder(db: Queryable, key: string | undefined): Promise<DeviceKeyHolder | undefined> {
  const cred = parseCredential(key, 'dk');
  if (!cred) return undefined;
  const rows = await db.query<{ patient_id: string; secret_hash: string }>('SELECT patient_id, secret_hash FROM device_keys WHERE clinic_id = $1 AND key_id = $2 AND revoked_at IS NULL', [cred.clinicId, cred.id]);
  const row = rows[0];
  if (!row || !secretMatches(cred.secret, row.secret_hash)) return undefined;
  return { clinicId: cred.clinicId, keyId: cred.id, patientId: row.patient_id };
}

/** Administrators issue a key per connected device, bound to one patient of their clinic, and revoke it. */
export function registerDeviceKeyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/admin/device-keys', async (request, reply) => {
    const caller = requirePermission(request, ctx.tokenKey, 'create', 'device');
    const body = parse(NewKeyBody, request.body);
    const patient = await ctx.db.query("SELECT 1 FROM sync_rows WHERE clinic_id = $1 AND table_name = 'patients' AND row_id = $2", [caller.clinic, body.patientId]);
    if (!patient.length) throw new HttpError(404, 'unknown-patient', 'no such patient in this clinic (sync the patient first)');
    const keyId = newId();
    const secret = randomSecret();
    await ctx.db.query('INSERT INTO device_keys (clinic_id, key_id, patient_id, label, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [caller.clinic, keyId, body.patientId, body.label, sha256Hex(secret), caller.sub]);
    request.log.info({ clinicId: caller.clinic }, 'device key issued');
    return reply.status(201).send({ keyId, key: formatCredential({ kind: 'dk', clinicId: caller.clinic, id: keyId, secret }) });
  });

  app.get('/admin/device-keys', async (request) => {
    const caller = requirePermission(request, ctx.tokenKey, 'read', 'device');
    const rows = await ctx.db.query<{ key_id: string; patient_id: string; label: string; created_at: Date; revoked_at: Date | null }>(
      'SELECT key_id::text, patient_id, label, created_at, revoked_at FROM device_keys WHERE clinic_id = $1 ORDER BY created_at',
      [caller.clinic],
    );
    return { keys: rows.map((r) => ({ keyId: r.key_id, patientId: r.patient_id, label: r.label, createdAt: new Date(r.created_at).toISOString(), revoked: r.revoked_at !== null })) };
  });

  app.delete('/admin/device-keys/:id', async (request, reply) => {
    const caller = requirePermission(request, ctx.tokenKey, 'delete', 'device');
    const { id } = parse(z.object({ id: z.uuid() }), request.params);
    const rows = await ctx.db.query('UPDATE device_keys SET revoked_at = coalesce(revoked_at, now()) WHERE clinic_id = $1 AND key_id = $2 RETURNING key_id', [caller.clinic, id]);
    if (!rows.length) throw new HttpError(404, 'not-found', 'no such device key in this clinic');
    request.log.info({ clinicId: caller.clinic }, 'device key revoked');
    return reply.status(204).send();
  });
}
