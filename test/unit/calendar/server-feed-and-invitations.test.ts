import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_INITIALS_FIELD, FEED_TOKEN_HASH_FIELD, feedPath, feedTokenHash, newFeedToken } from '../../../common/calendar/feed-token';
import { newId } from '../../../common/ids';
import type { Database } from '../../../server/db/database';
import { addressOf, smtpTransport } from '../../../server/messaging/email';
import { pgliteBackend } from '../server/support/backends';
import { createClinic, enrolWorkstation, SimClient, testServer, type TestClinic } from '../server/support/harness';
import { startSmtpSink } from '../server/support/smtp-sink';
import { parseCalendar, unfold, value } from './ics-parse';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const backend = pgliteBackend();
let db: Database;
let app: FastifyInstance;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let clinic: TestClinic;
let token: string;
let ws: SimClient;

/** The text/calendar part of a raw MIME message (quoted-printable or base64 bodies decoded). */
function calendarPart(raw: string): { headers: string; ics: string } {
  const start = raw.search(/^Content-Type: text\/calendar/im);
  if (start < 0) throw new Error('no text/calendar part');
  const rest = raw.slice(start);
  const headerEnd = rest.indexOf('\r\n\r\n');
  const headers = rest.slice(0, headerEnd);
  const body = rest.slice(headerEnd + 4, rest.search(/\r\n--/));
  if (/Content-Transfer-Encoding: base64/i.test(headers)) return { headers, ics: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') };
  if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { headers, ics: Buffer.from(bytes, 'latin1').toString('utf8') };
  }
  return { headers, ics: body };
}

beforeAll(async () => {
  await backend.start();
  db = await backend.open();
  sink = await startSmtpSink();
  app = await testServer(db, { email: smtpTransport(sink.url, 'Riverside Clinic <clinic@example.org>') });
  clinic = await createClinic(app, 'Riverside Clinic');
  token = await enrolWorkstation(app, clinic);
  ws = new SimClient('wsCal');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  await sink?.stop();
  await backend.stop();
});

const row = (values: Record<string, string | number | boolean>) => ({ ...values, deleted: false });

describe('invitations attached to appointment emails', () => {
  it('attaches METHOD:REQUEST to a reminder from an appointment template, METHOD:CANCEL once cancelled, nothing to other email', async () => {
    const patientId = newId();
    const staffId = newId();
    const roomId = newId();
    const appointmentId = newId();
    const templateId = newId();
    const plainTemplateId = newId();
    const startMs = Math.ceil((Date.now() + 2 * DAY) / HOUR) * HOUR;
    ws.edit('patients', patientId, row({ givenName: 'Ruth', familyName: 'Okafor', email: 'ruth@example.org' }));
    ws.edit('rooms', roomId, row({ name: 'Exam room 2', active: true }));
    ws.edit('appointments', appointmentId, row({ patientId, staffId, roomId, typeId: 't1', modality: 'in-person', startMs, endMs: startMs + 20 * 60_000, status: 'booked' }));
    ws.edit('messageTemplates', templateId, row({ name: 'Appointment reminder', channel: 'any', subject: 'Your appointment at {{clinic.name}}', body: 'See you on {{appointment.time}}.', active: true }));
    ws.edit('messageTemplates', plainTemplateId, row({ name: 'Well done', channel: 'any', body: 'Well done, {{patient.givenName}}!', active: true }));
    const base = { patientId, direction: 'outbound', channel: 'email', status: 'queued', to: 'ruth@example.org', authorName: 'Workflow', createdMs: Date.now() };
    const reminder = newId();
    const praise = newId();
    ws.edit('messages', reminder, row({ ...base, subject: 'Your appointment at Riverside Clinic', body: 'See you on Thursday.', templateId }));
    ws.edit('messages', praise, row({ ...base, subject: 'Well done', body: 'Well done, Ruth!', templateId: plainTemplateId }));
    await ws.push(app, token);

    expect(await app.careloop.sender.runOnce()).toEqual({ sent: 2, failed: 0 });
    const byBody = (text: string) => sink.mails.find((m) => m.raw.includes(text))!;
    expect(byBody('Well done, Ruth!').raw).not.toMatch(/text\/calendar/i);
    const { headers, ics } = calendarPart(byBody('See you on Thursday.').raw);
    expect(headers).toMatch(/text\/calendar; charset=utf-8; method=REQUEST/i);
    const cal = parseCalendar(ics);
    expect(value(cal.props, 'METHOD')).toBe('REQUEST');
    const [event] = cal.events;
    expect(value(event!, 'UID')).toBe(`${appointmentId}@careloop.appointment`);
    expect(value(event!, 'DTSTART')).toBe(new Date(startMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''));
    expect(value(event!, 'SUMMARY')).toBe('Appointment – Riverside Clinic');
    expect(value(event!, 'LOCATION')).toBe('Riverside Clinic\\, Exam room 2');
    expect(value(event!, 'ORGANIZER')!.toLowerCase()).toBe('mailto:clinic@example.org');
    expect(value(event!, 'ATTENDEE')!.toLowerCase()).toBe('mailto:ruth@example.org');
    const requestSequence = Number(value(event!, 'SEQUENCE'));

    // The visit is cancelled a minute later (a desk whose clock says so); a message linked to it carries the cancellation.
    const later = new SimClient('wsCal2', 60_000);
    later.edit('appointments', appointmentId, { status: 'cancelled', cancelReason: 'patient asked' });
    const cancelNotice = newId();
    later.edit('messages', cancelNotice, row({ ...base, createdMs: Date.now(), subject: 'Appointment cancelled', body: 'Your appointment is cancelled.', appointmentId }));
    await later.push(app, token);
    expect(await app.careloop.sender.runOnce()).toEqual({ sent: 1, failed: 0 });
    const cancel = calendarPart(byBody('Your appointment is cancelled.').raw);
    expect(cancel.headers).toMatch(/method=CANCEL/i);
    const cancelled = parseCalendar(cancel.ics);
    expect(value(cancelled.props, 'METHOD')).toBe('CANCEL');
    expect(value(cancelled.events[0]!, 'UID')).toBe(`${appointmentId}@careloop.appointment`);
    expect(value(cancelled.events[0]!, 'STATUS')).toBe('CANCELLED');
    expect(Number(value(cancelled.events[0]!, 'SEQUENCE'))).toBeGreaterThan(requestSequence);
    for (const line of cancel.ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('reads the organizer address from the sender', () => {
    expect(addressOf('Riverside Clinic <clinic@example.org>')).toBe('clinic@example.org');
    expect(addressOf('clinic@example.org')).toBe('clinic@example.org');
    expect(addressOf('Riverside Clinic')).toBeUndefined();
  });
});

describe('the subscribed feed GET /calendar/<token>.ics', () => {
  it('serves the clinician’s synced appointments without names, and 404 once the link is replaced', async () => {
    const staffId = newId();
    const patientId = newId();
    const video = newId();
    const startMs = Math.ceil((Date.now() + DAY) / HOUR) * HOUR;
    const feed = newFeedToken(clinic.clinicId);
    ws.edit('staff', staffId, row({ name: 'Dr Amara Singh', role: 'physician', active: true, [FEED_TOKEN_HASH_FIELD]: await feedTokenHash(feed), [FEED_INITIALS_FIELD]: false }));
    ws.edit('patients', patientId, row({ givenName: 'Bo', familyName: 'Adams' }));
    ws.edit('appointments', video, row({ patientId, staffId, typeId: 't2', modality: 'video', startMs, endMs: startMs + 15 * 60_000, status: 'booked', videoUrl: `https://meet.example.org/careloop-${video}` }));
    ws.edit('appointments', newId(), row({ patientId, staffId: newId(), typeId: 't2', modality: 'phone', startMs, endMs: startMs + 600_000, status: 'booked' }));
    await ws.push(app, token);

    const res = await app.inject({ method: 'GET', url: feedPath(feed) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body).not.toMatch(/Adams|Bo\b/);
    const cal = parseCalendar(res.body);
    expect(value(cal.props, 'X-WR-CALNAME')).toBe('CareLoop – Dr Amara Singh');
    expect(cal.events).toHaveLength(1);
    expect(value(cal.events[0]!, 'SUMMARY')).toBe('Visit (video)');
    expect(value(cal.events[0]!, 'URL')).toBe(`https://meet.example.org/careloop-${video}`);
    expect(unfold(res.body)).toContain(`UID:${video}@careloop.appointment`);

    // Initials turned on from the workstation.
    ws.edit('staff', staffId, { [FEED_INITIALS_FIELD]: true });
    await ws.push(app, token);
    expect(value(parseCalendar((await app.inject({ method: 'GET', url: feedPath(feed) })).body).events[0]!, 'SUMMARY')).toBe('Visit (video) – B.A.');

    // A new link revokes the old one.
    const next = newFeedToken(clinic.clinicId);
    ws.edit('staff', staffId, { [FEED_TOKEN_HASH_FIELD]: await feedTokenHash(next) });
    await ws.push(app, token);
    expect((await app.inject({ method: 'GET', url: feedPath(feed) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: feedPath(next) })).statusCode).toBe(200);
  });

  it('answers 404 for a malformed token, another clinic’s id or a wrong secret', async () => {
    const other = newFeedToken(newId());
    for (const url of ['/calendar/nothing.ics', feedPath(other), feedPath(newFeedToken(clinic.clinicId)), `/calendar/${newFeedToken(clinic.clinicId)}`]) {
      expect((await app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });
});
