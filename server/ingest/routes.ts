import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import type { FieldMap, JsonValue } from '../../common/sync/protocol';
import type { Change } from '../../common/sync/protocol';
import { parseCredential } from '../auth/secrets';
import type { ServerContext } from '../context';
import { HttpError } from '../http/errors';
import { applyChanges } from '../sync/apply-changes';
import { deviceKeyHolder, type DeviceKeyHolder } from './device-keys';
import { FhirObservationSchema, fromFhir } from './fhir';
import { OmhDataPointSchema, fromOpenMHealth } from './open-mhealth';
import { IngestError, checkReading, type IngestedReading } from './reading';

export const MAX_INGEST_ITEMS = 500;

export interface IngestRateLimit {
  max: number;
  timeWindow: number;
}

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** A UUID derived from a name (RFC 9562 version 8 layout), so a re-sent reading maps to the same change. */
function nameUuid(text: string): string {
  const h = hex(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Items of a body: one data point or Observation, an array of them, or a FHIR Bundle. */
function items(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && (body as { resourceType?: unknown }).resourceType === 'Bundle') {
    const entry = (body as { entry?: unknown }).entry;
    if (!Array.isArray(entry)) throw new IngestError('the Bundle has no entries');
    return entry.map((e: unknown) => (e && typeof e === 'object' ? (e as { resource?: unknown }).resource : undefined));
  }
  return [body];
}

function readingsOf(item: unknown): IngestedReading[] {
  if (item && typeof item === 'object' && (item as { resourceType?: unknown }).resourceType === 'Observation') {
    const parsed = FhirObservationSchema.safeParse(item);
    if (!parsed.success) throw new IngestError(`not a FHIR Observation: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    return fromFhir(parsed.data);
  }
  const parsed = OmhDataPointSchema.safeParse(item);
  if (!parsed.success) throw new IngestError('neither a FHIR Observation nor an Open mHealth data point (header.id, header.schema_id, body)');
  return fromOpenMHealth(parsed.data);
}

/** Observation rows as changes, with ids derived from the patient and the sender's reading id. */
export function observationChanges(holder: DeviceKeyHolder, readings: readonly IngestedReading[], stamp: string, nowMs: number): Change[] {
  return readings.map((r) => {
    const rowId = `ingest:${hex(`${holder.patientId}|${r.sourceId}|${r.metric}`).slice(0, 40)}`;
    const values: Record<string, JsonValue> = {
      patientId: holder.patientId,
      metric: r.metric,
      value: r.value,
      unit: r.unit,
      timeMs: r.timeMs,
      source: { kind: 'ingest', grade: 'clinical', deviceId: holder.keyId },
      flags: [],
      receivedMs: nowMs,
      ...(r.grouped ? { groupId: `ingest:${hex(`${holder.patientId}|${r.sourceId}`).slice(0, 40)}` } : {}),
    };
    const fields: FieldMap = {};
    for (const [k, v] of Object.entries(values)) fields[k] = { value: v, stamp };
    return { changeId: nameUuid(`${holder.clinicId}|${rowId}`), table: 'observations', rowId, fields };
  });
}

function keyOf(request: FastifyRequest): string {
  const h = request.headers.authorization;
  const cred = typeof h === 'string' ? parseCredential(h.replace(/^Bearer /, ''), 'dk') : undefined;
  return cred ? `dk:${cred.id}` : `ip:${request.ip}`;
}

/**
 * Readings from connected devices that never visit the clinic (cellular cuffs and scales,
 * home gateways). A per-device key decides the clinic and patient; the body cannot.
 */
export function registerIngestRoutes(app: FastifyInstance, ctx: ServerContext, limit: IngestRateLimit): void {
  app.post('/ingest/observations', { config: { rateLimit: { ...limit, keyGenerator: keyOf } } }, async (request) => {
    const h = request.headers.authorization;
    const holder = await deviceKeyHolder(ctx.db, typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7).trim() : undefined);
    if (!holder) throw new HttpError(401, 'bad-device-key', 'the device key is unknown or was revoked', { 'www-authenticate': 'Bearer' });
    const now = Date.now();
    const readings: IngestedReading[] = [];
    try {
      const list = items(request.body);
      if (list.length === 0 || list.length > MAX_INGEST_ITEMS) throw new IngestError(`send 1 to ${MAX_INGEST_ITEMS} readings per request`);
      list.forEach((item, i) => {
        try {
          for (const r of readingsOf(item)) readings.push(checkReading(r, now));
        } catch (err) {
          throw err instanceof IngestError ? new IngestError(`item ${i}: ${err.message}`) : err;
        }
      });
    } catch (err) {
      if (err instanceof IngestError) throw new HttpError(400, 'invalid-reading', err.message);
      throw err;
    }
    const stranger = readings.find((r) => r.subject !== undefined && r.subject !== `Patient/${holder.patientId}`);
    if (stranger) throw new HttpError(403, 'wrong-patient', "this device key posts only for its own patient; the Observation's subject is another");
    const outcome = await applyChanges(ctx.db, holder.clinicId, observationChanges(holder, readings, ctx.clock.tick(), now));
    request.log.info({ clinicId: holder.clinicId, readings: readings.length, added: outcome.modified.length }, 'ingest');
    return { accepted: outcome.modified.length, duplicates: readings.length - outcome.modified.length };
  });
}
