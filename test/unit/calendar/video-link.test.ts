import { describe, expect, it } from 'vitest';
import { expandVideoUrl, isOpenableVideoUrl, isValidVideoUrlTemplate, parseVideoUrlTemplate, randomRoomToken, VideoTemplateError } from '../../../common/calendar/video-link';

const ids = { appointmentId: '0198a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', clinicId: '0198a1b2-0000-7000-8000-000000000001' };

describe('video provider URL template', () => {
  it('fills {appointmentId}, {clinicId} and {random}', () => {
    expect(expandVideoUrl('https://meet.example.org/careloop-{appointmentId}', ids)).toBe(`https://meet.example.org/careloop-${ids.appointmentId}`);
    expect(expandVideoUrl('https://video.example.org/{clinicId}/r/{random}?name=CareLoop', ids, () => 'abc123')).toBe(`https://video.example.org/${ids.clinicId}/r/abc123?name=CareLoop`);
    expect(expandVideoUrl('  http://localhost:8443/{appointmentId}  ', ids)).toBe(`http://localhost:8443/${ids.appointmentId}`);
  });

  it('makes an unguessable room for {random}, different every time', () => {
    const a = expandVideoUrl('https://meet.example.org/{random}', ids);
    const b = expandVideoUrl('https://meet.example.org/{random}', ids);
    expect(a).toMatch(/^https:\/\/meet\.example\.org\/[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    expect(randomRoomToken()).toHaveLength(32);
  });

  it('escapes values so they cannot change the link’s structure', () => {
    expect(expandVideoUrl('https://meet.example.org/{appointmentId}', { ...ids, appointmentId: 'a/b?c#d' })).toBe('https://meet.example.org/a%2Fb%3Fc%23d');
  });

  it.each([
    ['', /enter the provider link/],
    ['https://meet.example.org/clinic-room', /needs \{appointmentId\} or \{random\}/],
    ['https://meet.example.org/{patientName}', /unknown placeholder \{patientName\}/],
    ['https://meet.example.org/{appointmentId', /brace is not closed/],
    ['http://meet.example.org/{appointmentId}', /use https:\/\//],
    ['javascript:alert(1)//{appointmentId}', /full https:\/\/ link/],
    ['https://{clinicId}.example.org/{appointmentId}', /placeholders after the host/],
    ['https://user:pw@meet.example.org/{appointmentId}', /full https:\/\/ link/],
    [`https://meet.example.org/${'x'.repeat(500)}{random}`, /longer than 500/],
  ])('refuses %j', (template, message) => {
    expect(() => parseVideoUrlTemplate(template)).toThrow(VideoTemplateError);
    expect(() => parseVideoUrlTemplate(template)).toThrow(message);
    expect(isValidVideoUrlTemplate(template)).toBe(false);
  });

  it('opens only web links', () => {
    expect(isOpenableVideoUrl('https://meet.example.org/x')).toBe(true);
    expect(isOpenableVideoUrl('javascript:alert(1)')).toBe(false);
    expect(isOpenableVideoUrl(undefined)).toBe(false);
  });
});
