import type { TemplateValues } from '../messaging/template';
import type { Appointment } from '../schedule/appointment';

/**
 * Template variables about where the next appointment happens, for reminders:
 * {{appointment.videoUrl}} (also {{videoUrl}}) is the meeting link of a video visit and is
 * missing otherwise, so a video-visit template is never sent without its link, and
 * {{appointment.where}} says "video visit", "telephone" or "at the clinic".
 */
export function appointmentPlaceValues(next: Pick<Appointment, 'modality' | 'videoUrl'> | undefined): TemplateValues {
  if (!next) return {};
  const videoUrl = next.modality === 'video' ? next.videoUrl : undefined;
  return {
    'appointment.videoUrl': videoUrl,
    videoUrl,
    'appointment.where': next.modality === 'video' ? 'video visit' : next.modality === 'phone' ? 'telephone' : 'at the clinic',
  };
}
