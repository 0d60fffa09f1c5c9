/**
 * Meeting links for video visits from the clinic's provider URL template, e.g.
 * https://meet.example.org/careloop-{appointmentId}. Placeholders: {appointmentId},
 * {clinicId}, {random}. Every visit must get a room of its own — a fixed link would put
 * one patient in the next patient's call — so a template needs {appointmentId} or {random}.
 */

export const VIDEO_PLACEHOLDERS = ['appointmentId', 'clinicId', 'random'] as const;
export type VideoPlaceholder = (typeof VIDEO_PLACEHOLDERS)[number];

const MAX_TEMPLATE = 500;
const PLACEHOLDER = /\{([^{}]*)\}/g;
// Scheme, then a host without placeholders or credentials, then an optional path/query/fragment.
const SHAPE = /^(https?):\/\/([^/?#{}\s@]+)([/?#][^\s]*)?$/;
const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export class VideoTemplateError extends Error {
  override readonly name = 'VideoTemplateError';
}

/** The template, trimmed, when it is usable; otherwise a VideoTemplateError that says what is wrong. */
export function parseVideoUrlTemplate(input: string): string {
  const template = input.trim();
  if (!template) throw new VideoTemplateError('enter the provider link, e.g. https://meet.example.org/careloop-{appointmentId}');
  if (template.length > MAX_TEMPLATE) throw new VideoTemplateError(`the link is longer than ${MAX_TEMPLATE} characters`);
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const unknown = names.filter((n) => !(VIDEO_PLACEHOLDERS as readonly string[]).includes(n));
  if (unknown.length) throw new VideoTemplateError(`unknown placeholder ${unknown.map((n) => `{${n}}`).join(', ')}; use {appointmentId}, {clinicId} or {random}`);
  if (template.replace(PLACEHOLDER, '').match(/[{}]/)) throw new VideoTemplateError('a brace is not closed');
  if (!names.includes('appointmentId') && !names.includes('random')) throw new VideoTemplateError('the link needs {appointmentId} or {random} so that every visit has a room of its own');
  const shape = SHAPE.exec(template);
  if (!shape) throw new VideoTemplateError('use a full https:// link with the placeholders after the host name');
  const [, scheme, host] = shape;
  // Plain http would send the room name in clear; it is accepted for a provider on this machine only.
  if (scheme === 'http' && !LOOPBACK.test(host!)) throw new VideoTemplateError('use https:// (http:// only for a provider on this machine)');
  return template;
}

export function isValidVideoUrlTemplate(input: string): boolean {
  try {
    parseVideoUrlTemplate(input);
    return true;
  } catch {
    return false;
  }
}

/** 16 random bytes as hex: an unguessable room name. */
export function randomRoomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The meeting link of one visit; the template is validated first. */
export function expandVideoUrl(template: string, values: { appointmentId: string; clinicId: string }, random: () => string = randomRoomToken): string {
  const valid = parseVideoUrlTemplate(template);
  const by: Record<VideoPlaceholder, () => string> = {
    appointmentId: () => values.appointmentId,
    clinicId: () => values.clinicId,
    random,
  };
  return valid.replace(PLACEHOLDER, (_whole, name: VideoPlaceholder) => encodeURIComponent(by[name]()));
}

/** A link may be opened from the app only when it is a web link (never javascript:, file: …). */
export function isOpenableVideoUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\/[^\s]+$/.test(url);
}
