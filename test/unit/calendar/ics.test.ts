import { describe, expect, it } from 'vitest';
import { buildClinicianFeed, buildInvitation, CalendarInputError, uidOf } from '../../../common/calendar/ics';
import { sequenceOf } from '../../../common/calendar/sequence';
import { clinicianSummary, initialsOf, visitOf, type CalendarVisit } from '../../../common/calendar/visit';
import { encodeHlc } from '../../../common/sync/hlc';
import { parseCalendar, prop, unescapeText, unfold, value } from './ics-parse';

const stamp = (wallMs: number, counter = 0) => encodeHlc({ wallMs, counter, node: 'ws1u' });
const T0 = Date.parse('2026-12-01T09:00:00Z');
const LONG_LINK = 'https://meet.example.org/careloop-0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b?room=9f86d081884c7d65a1b2c3d4e5f60718';

const video: CalendarVisit = { id: '0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', startMs: T0, endMs: T0 + 15 * 60_000, status: 'booked', modality: 'video', sequence: 42, videoUrl: LONG_LINK, clinicianName: 'Dr Amara Singh' };
const inPerson: CalendarVisit = { id: '0198a1b2-0000-7e5f-8a9b-0c1d2e3f4a5c', startMs: T0 + 3_600_000, endMs: T0 + 5_400_000, status: 'cancelled', modality: 'in-person', sequence: 7, roomName: 'Exam room 2', patientInitials: 'R.O.' };

describe('a clinician’s calendar feed (RFC 5545)', () => {
  const text = buildClinicianFeed([inPerson, video], { name: 'CareLoop – Dr Singh', clinicName: 'Riverside Clinic', zone: 'America/Chicago', generatedMs: T0 - 86_400_000, refreshMinutes: 15 });
  const cal = parseCalendar(text);

  it('is CRLF text with content lines of at most 75 octets, folded and unfolded back', () => {
    for (const raw of text.split('\r\n')) expect(new TextEncoder().encode(raw).length).toBeLessThanOrEqual(75);
    expect(unfold(text).some((l) => l.length > 75)).toBe(true);
    expect(value(cal.props, 'VERSION')).toBe('2.0');
    expect(value(cal.props, 'PRODID')).toBe('-//CareLoop//Schedule//EN');
    expect(value(cal.props, 'METHOD')).toBe('PUBLISH');
    expect(value(cal.props, 'X-WR-TIMEZONE')).toBe('America/Chicago');
    expect(value(cal.props, 'REFRESH-INTERVAL')).toBe('PT15M');
  });

  it('has one event per appointment, in time order, with a UID from the appointment id and its SEQUENCE', () => {
    expect(cal.events).toHaveLength(2);
    const [first, second] = cal.events;
    expect(value(first!, 'UID')).toBe(uidOf(video.id));
    expect(value(first!, 'UID')).toBe(`${video.id}@careloop.appointment`);
    expect(value(first!, 'SEQUENCE')).toBe('42');
    expect(value(second!, 'UID')).toBe(uidOf(inPerson.id));
    expect(value(second!, 'SEQUENCE')).toBe('7');
  });

  it('writes DTSTART and DTEND in UTC and DTSTAMP as the generation time', () => {
    const [first] = cal.events;
    expect(prop(first!, 'DTSTART')).toEqual({ name: 'DTSTART', params: {}, value: '20261201T090000Z' });
    expect(value(first!, 'DTEND')).toBe('20261201T091500Z');
    expect(value(first!, 'DTSTAMP')).toBe('20261130T090000Z');
  });

  it('names the visit without the patient, puts the video link as location and URL, and marks cancelled ones', () => {
    const [first, second] = cal.events;
    expect(value(first!, 'SUMMARY')).toBe('Visit (video)');
    expect(value(first!, 'LOCATION')).toBe(LONG_LINK);
    expect(value(first!, 'URL')).toBe(LONG_LINK);
    expect(value(first!, 'STATUS')).toBe('CONFIRMED');
    expect(unescapeText(value(first!, 'DESCRIPTION')!)).toBe(`Join the video visit: ${LONG_LINK}\nWith Dr Amara Singh`);
    expect(value(second!, 'SUMMARY')).toBe('Visit (in person) – R.O.');
    expect(unescapeText(value(second!, 'LOCATION')!)).toBe('Riverside Clinic, Exam room 2');
    expect(value(second!, 'STATUS')).toBe('CANCELLED');
    expect(text).not.toMatch(/Okafor|Ruth/);
  });

  it('refuses an appointment without a valid span', () => {
    expect(() => buildClinicianFeed([{ ...video, endMs: video.startMs }], { name: 'x', clinicName: 'y', generatedMs: T0 })).toThrow(CalendarInputError);
  });
});

describe('invitations to the patient (RFC 5546)', () => {
  it('is a METHOD:REQUEST with the clinic as organizer and the patient as attendee', () => {
    const { method, ics } = buildInvitation(video, { clinicName: 'Riverside Clinic', organizerEmail: 'clinic@example.org', attendeeEmail: 'ruth@example.org', generatedMs: T0 - 1000 });
    const cal = parseCalendar(ics);
    expect(method).toBe('REQUEST');
    expect(value(cal.props, 'METHOD')).toBe('REQUEST');
    const [event] = cal.events;
    expect(value(event!, 'UID')).toBe(uidOf(video.id));
    expect(value(event!, 'SUMMARY')).toBe('Video visit – Riverside Clinic');
    expect(prop(event!, 'ORGANIZER')!.value.toLowerCase()).toBe('mailto:clinic@example.org');
    expect(prop(event!, 'ATTENDEE')!.value.toLowerCase()).toBe('mailto:ruth@example.org');
    expect(value(event!, 'LOCATION')).toBe(LONG_LINK);
  });

  it('is a METHOD:CANCEL with STATUS:CANCELLED for a cancelled appointment', () => {
    const { method, ics } = buildInvitation(inPerson, { clinicName: 'Riverside Clinic', organizerEmail: 'clinic@example.org', attendeeEmail: 'ruth@example.org', generatedMs: T0 });
    const cal = parseCalendar(ics);
    expect(method).toBe('CANCEL');
    expect(value(cal.props, 'METHOD')).toBe('CANCEL');
    expect(value(cal.events[0]!, 'STATUS')).toBe('CANCELLED');
    expect(value(cal.events[0]!, 'SEQUENCE')).toBe('7');
  });

  it('needs both email addresses', () => {
    expect(() => buildInvitation(video, { clinicName: 'C', organizerEmail: 'clinic', attendeeEmail: 'ruth@example.org', generatedMs: T0 })).toThrow(CalendarInputError);
  });
});

describe('SEQUENCE from the row’s clock stamps', () => {
  const base = { id: 'a1', startMs: T0, endMs: T0 + 900_000, status: 'booked' as const, modality: 'video' as const };
  const booked = { ...base, stamps: { startMs: stamp(Date.parse('2026-11-01T10:00:00Z')), endMs: stamp(Date.parse('2026-11-01T10:00:00Z')), status: stamp(Date.parse('2026-11-01T10:00:00Z')), reason: stamp(Date.parse('2026-11-01T10:00:00Z')) } };

  it('grows when the time or the status changes, and not for a field calendars do not show', () => {
    const s0 = sequenceOf(booked.stamps);
    expect(s0).toBe(Math.floor((Date.parse('2026-11-01T10:00:00Z') - Date.UTC(2024, 0, 1)) / 1000));
    const noteChanged = sequenceOf({ ...booked.stamps, reason: stamp(Date.parse('2026-11-02T10:00:00Z')) });
    expect(noteChanged).toBe(s0);
    const moved = sequenceOf({ ...booked.stamps, startMs: stamp(Date.parse('2026-11-02T10:00:00Z')), endMs: stamp(Date.parse('2026-11-02T10:00:00Z')) });
    expect(moved).toBeGreaterThan(s0);
    const cancelled = sequenceOf({ ...booked.stamps, startMs: stamp(Date.parse('2026-11-02T10:00:00Z')), status: stamp(Date.parse('2026-11-03T08:00:00Z')) });
    expect(cancelled).toBeGreaterThan(moved);
    expect(cancelled).toBeLessThan(2 ** 31);
  });

  it('is carried by visitOf, and initials are first letters only', () => {
    expect(visitOf(booked, { patientInitials: initialsOf('ruth', 'Okafor') })).toMatchObject({ id: 'a1', sequence: sequenceOf(booked.stamps), patientInitials: 'R.O.' });
    expect(clinicianSummary({ modality: 'phone' })).toBe('Visit (phone)');
    expect(sequenceOf({})).toBe(0);
  });
});
