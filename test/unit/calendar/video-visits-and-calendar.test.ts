import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FEED_INITIALS_FIELD, FEED_TOKEN_HASH_FIELD, feedTokenHash } from '../../../common/calendar/feed-token';
import { VideoTemplateError } from '../../../common/calendar/video-link';
import { VideoVisitTimeError, videoVisitTimeEntry, visitMinutes } from '../../../common/calendar/video-visit-time';
import type { CareLoopDb } from '../../../renderer/src/db/database';
import { enrol, ensureDefaultPrograms, listPrograms } from '../../../renderer/src/db/programs';
import { rpmWorklist } from '../../../renderer/src/db/rpm-worklist';
import { AppointmentStateError, loadScheduleResources, ScheduleRepository, VIDEO_URL_TEMPLATE_KEY } from '../../../renderer/src/db/schedule';
import { timeLogInMonth } from '../../../renderer/src/db/time-log';
import { CalendarExportError, calendarFileName, clinicianCalendar, hasFeedLink, issueFeedLink, revokeFeedLink } from '../../../renderer/src/components/calendar/clinician-calendar';
import { saveVideoUrlTemplate } from '../../../renderer/src/components/video/video-settings';
import { PermissionDeniedError } from '../../../common/security/permissions';
import { setCurrentActor } from '../../../renderer/src/security/current-actor';
import { correctVideoVisitMinutes, logVideoVisit } from '../../../renderer/src/components/video/video-visit-log';
import { openCrmFixture, type CrmFixture } from '../crm/crm-test-db';
import { parseCalendar, value } from './ics-parse';

const ZONE = 'America/Chicago';
// Monitoring from 1 March 2026 (10:00 local); the visit is on 20 March at 09:00 local (14:00 UTC).
const START = Date.parse('2026-03-01T16:00:00Z');
const VISIT = Date.parse('2026-03-20T14:00:00Z');
const MIN = 60_000;
let f: CrmFixture;
let db: CareLoopDb;
let repo: ScheduleRepository;

afterEach(() => {
  vi.useRealTimers();
});

beforeEach(async () => {
  f = await openCrmFixture('video');
  db = f.db as unknown as CareLoopDb;
  repo = new ScheduleRepository(db, f.ctx);
  await ensureDefaultPrograms(f.db, f.ctx);
});

async function bookVideo(startMs = VISIT) {
  const res = await loadScheduleResources(db);
  const type = res.types.find((t) => t.modality === 'video')!;
  return repo.book({ patientId: f.patient.id, staffId: f.doctorId, typeId: type.id, startMs, durationMin: type.durationMin, modality: 'video' });
}

describe('video visit links from the clinic’s provider template', () => {
  it('fills videoUrl when a video visit is booked, from the appointment’s own id', async () => {
    await saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/careloop-{appointmentId}');
    const a = await bookVideo();
    expect(a.videoUrl).toBe(`https://meet.example.org/careloop-${a.id}`);
    expect((await db.appointments.get(a.id))!.videoUrl).toBe(a.videoUrl);
    const audit = await db.audit.where('action').equals('settings.video').toArray();
    expect(audit.map((e) => e.changes?.videoUrlTemplate?.after)).toEqual(['https://meet.example.org/careloop-{appointmentId}']);
  });

  it('leaves it empty without a provider, and a link can be created later', async () => {
    const a = await bookVideo();
    expect(a.videoUrl).toBeUndefined();
    await expect(repo.assignVideoUrl(a.id)).rejects.toThrow(AppointmentStateError);
    await saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/{clinicId}/{random}');
    const linked = await repo.assignVideoUrl(a.id);
    expect(linked.videoUrl).toMatch(/^https:\/\/meet\.example\.org\/c1\/[0-9a-f]{32}$/);
    expect((await repo.assignVideoUrl(a.id)).videoUrl).toBe(linked.videoUrl);
  });

  it('refuses an invalid template and keeps the old one; an empty one removes it', async () => {
    await saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/{appointmentId}');
    await expect(saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/fixed-room')).rejects.toThrow(VideoTemplateError);
    expect((await db.meta.get(VIDEO_URL_TEMPLATE_KEY))!.value).toBe('https://meet.example.org/{appointmentId}');
    await saveVideoUrlTemplate(db, f.ctx, '  ');
    expect(await db.meta.get(VIDEO_URL_TEMPLATE_KEY)).toBeUndefined();
  });

  it('may be set by administrators only', async () => {
    setCurrentActor(db, { kind: 'user', userId: 'u-nurse', name: 'Nurse Jordan Lee', role: 'nurse' });
    await expect(saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/{appointmentId}')).rejects.toThrow(PermissionDeniedError);
    expect(await db.meta.get(VIDEO_URL_TEMPLATE_KEY)).toBeUndefined();
    setCurrentActor(db, { kind: 'user', userId: 'u-admin', name: 'Admin', role: 'administrator' });
    await saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/{appointmentId}');
    expect((await db.meta.get(VIDEO_URL_TEMPLATE_KEY))!.value).toBe('https://meet.example.org/{appointmentId}');
  });
});

describe('a video visit’s duration as monitoring minutes', () => {
  it('rounds to whole minutes, at least one, and refuses an end before the start', () => {
    expect(visitMinutes(VISIT, VISIT + 14 * MIN + 29_000)).toBe(14);
    expect(visitMinutes(VISIT, VISIT + 10_000)).toBe(1);
    expect(visitMinutes(VISIT, VISIT + 300 * MIN)).toBe(240);
    expect(() => visitMinutes(VISIT, VISIT - 1)).toThrow(VideoVisitTimeError);
    // Late evening in Chicago is still the same service date, though UTC is the next day.
    expect(videoVisitTimeEntry({ patientId: 'p', appointmentId: 'a', staffName: 'N', joinedMs: Date.parse('2026-03-21T04:30:00Z'), endedMs: Date.parse('2026-03-21T04:45:00Z'), zone: ZONE })).toMatchObject({ date: '2026-03-20', minutes: 15, activity: 'video-visit', interactive: true });
  });

  it('counts in the worklist’s month as interactive minutes, and a correction replaces them', async () => {
    const htn = (await listPrograms(f.db)).find((p) => p.key === 'hypertension')!;
    await enrol(f.db, f.ctx, { patientId: f.patient.id, programId: htn.id, startMs: START, reason: 'home BP' });
    const a = await bookVideo();
    const entry = await logVideoVisit(f.db, f.ctx, { patientId: f.patient.id, appointmentId: a.id, staffName: 'Dr Amara Singh', staffId: f.doctorId, joinedMs: VISIT + 2 * MIN, endedMs: VISIT + 19 * MIN + 10_000, zone: ZONE });
    expect(entry).toMatchObject({ minutes: 17, date: '2026-03-20', activity: 'video-visit', interactive: true, staffId: f.doctorId });

    const now = Date.parse('2026-03-25T18:00:00Z');
    const month = async () => (await rpmWorklist(f.db, { nowMs: now, zone: ZONE }))[0]!.summary!.month;
    expect(await month()).toEqual({ month: '2026-03', minutes: 17, interactiveContacts: 1 });

    const corrected = await correctVideoVisitMinutes(f.db, f.ctx, entry, 22);
    expect(corrected.minutes).toBe(22);
    expect(await month()).toEqual({ month: '2026-03', minutes: 22, interactiveContacts: 1 });
    expect((await timeLogInMonth(f.db, f.patient.id, '2026-03')).map((e) => e.minutes)).toEqual([22]);
    const removal = (await db.audit.where('action').equals('time-log.remove').toArray())[0]!;
    expect(removal.reason).toBe('video visit minutes corrected from 17 to 22');
    // The next month starts from zero.
    expect((await rpmWorklist(f.db, { nowMs: Date.parse('2026-04-02T18:00:00Z'), zone: ZONE }))[0]!.summary!.month.minutes).toBe(0);
  });
});

describe('a clinician’s calendar from this workstation', () => {
  it('has the clinician’s appointments without patient names; initials only when asked', async () => {
    await saveVideoUrlTemplate(db, f.ctx, 'https://meet.example.org/careloop-{appointmentId}');
    const video = await bookVideo();
    const res = await loadScheduleResources(db);
    const followUp = res.types.find((t) => t.name === 'Follow-up')!;
    const visit = await repo.book({ patientId: f.patient.id, staffId: f.doctorId, roomId: res.rooms[0]!.id, typeId: followUp.id, startMs: VISIT + 3_600_000, durationMin: 20, modality: 'in-person' });
    await repo.book({ patientId: f.patient.id, staffId: f.nurseId, roomId: res.rooms[1]!.id, typeId: followUp.id, startMs: VISIT + 7_200_000, durationMin: 20, modality: 'in-person' });
    const before = parseCalendar(await clinicianCalendar(db, { staffId: f.doctorId, clinicName: 'Riverside', zone: ZONE, nowMs: VISIT - 86_400_000, initials: false }));
    // SEQUENCE counts seconds of the latest significant change: cancel a minute later.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    await repo.setStatus(visit.id, 'cancelled', 'patient asked');

    const text = await clinicianCalendar(db, { staffId: f.doctorId, clinicName: 'Riverside', zone: ZONE, nowMs: VISIT - 86_400_000, initials: false });
    expect(text).not.toMatch(/Okafor|Ruth/);
    const cal = parseCalendar(text);
    expect(cal.events.map((e) => [value(e, 'UID'), value(e, 'SUMMARY'), value(e, 'STATUS')])).toEqual([
      [`${video.id}@careloop.appointment`, 'Visit (video)', 'CONFIRMED'],
      [`${visit.id}@careloop.appointment`, 'Visit (in person)', 'CANCELLED'],
    ]);
    expect(value(cal.events[0]!, 'LOCATION')).toBe(video.videoUrl);
    expect(Number(value(cal.events[1]!, 'SEQUENCE'))).toBeGreaterThan(Number(value(before.events[1]!, 'SEQUENCE')));
    expect(value(cal.events[0]!, 'SEQUENCE')).toBe(value(before.events[0]!, 'SEQUENCE'));
    expect(value(cal.props, 'X-WR-CALNAME')).toBe('CareLoop – Dr Amara Singh');

    const withInitials = parseCalendar(await clinicianCalendar(db, { staffId: f.doctorId, clinicName: 'Riverside', zone: ZONE, nowMs: VISIT - 86_400_000, initials: true }));
    expect(value(withInitials.events[0]!, 'SUMMARY')).toBe('Visit (video) – R.O.');
    expect(calendarFileName('Dr Amara Singh')).toBe('careloop-dr-amara-singh.ics');
  });

  it('issues a subscription link whose hash only is kept on the staff row, and revokes it', async () => {
    const clinicId = '0198a1b2-0000-7000-8000-0000000000c1';
    const ctx = { ...f.ctx, clinicId };
    await expect(issueFeedLink(db, ctx, { staffId: f.doctorId, serverUrl: '', initials: false })).rejects.toThrow(CalendarExportError);
    const link = await issueFeedLink(db, ctx, { staffId: f.doctorId, serverUrl: 'https://cloud.example.org/', initials: true });
    const token = /^https:\/\/cloud\.example\.org\/calendar\/(.+)\.ics$/.exec(link)![1]!;
    expect(token.startsWith(`${clinicId}.`)).toBe(true);
    const row = (await db.staff.get(f.doctorId)) as unknown as Record<string, unknown>;
    expect(row[FEED_TOKEN_HASH_FIELD]).toBe(await feedTokenHash(token));
    expect(row[FEED_INITIALS_FIELD]).toBe(true);
    expect(JSON.stringify(row)).not.toContain(token.split('.')[1]);
    const queued = await db.outbox.toArray();
    expect(JSON.stringify(queued)).not.toContain(token.split('.')[1]);
    expect(await hasFeedLink(db, f.doctorId)).toBe(true);

    const second = await issueFeedLink(db, ctx, { staffId: f.doctorId, serverUrl: 'https://cloud.example.org', initials: false });
    expect(second).not.toBe(link);
    await revokeFeedLink(db, ctx, f.doctorId);
    expect(await hasFeedLink(db, f.doctorId)).toBe(false);
    expect((await db.audit.where('action').anyOf('calendar-feed.issue', 'calendar-feed.revoke').toArray()).map((e) => e.action)).toEqual(['calendar-feed.issue', 'calendar-feed.issue', 'calendar-feed.revoke']);
  });
});
