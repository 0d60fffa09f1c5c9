import { describe, expect, it } from 'vitest';
import { appointmentPlaceValues } from '../../../common/calendar/reminder-values';
import { renderTemplate } from '../../../common/messaging/template';

const reminder = 'Your video visit: {{appointment.videoUrl}} (or {{videoUrl}}), {{appointment.where}}.';

describe('the meeting link in reminders', () => {
  it('fills {{appointment.videoUrl}} and {{videoUrl}} for a video visit with a link', () => {
    const r = renderTemplate(reminder, appointmentPlaceValues({ modality: 'video', videoUrl: 'https://meet.example.org/careloop-a1' }));
    expect(r).toEqual({ text: 'Your video visit: https://meet.example.org/careloop-a1 (or https://meet.example.org/careloop-a1), video visit.', missing: [] });
  });

  it('reports the link missing when the visit has none or is not a video visit, so the reminder is not sent blank', () => {
    expect(renderTemplate(reminder, appointmentPlaceValues({ modality: 'video' })).missing).toEqual(['appointment.videoUrl', 'videoUrl']);
    expect(renderTemplate(reminder, appointmentPlaceValues({ modality: 'in-person', videoUrl: 'https://meet.example.org/x' })).missing).toEqual(['appointment.videoUrl', 'videoUrl']);
    expect(renderTemplate('{{appointment.where}}', appointmentPlaceValues(undefined)).missing).toEqual(['appointment.where']);
  });
});
