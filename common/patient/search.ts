import type { PatientFields } from './patient';

/** Normalises text for matching: lower case, accents removed. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The words a patient is found by: names, tags, MRN and other identifiers, phone digits (whole
 * and the last 4 to 10, since staff type the end of a number), birth date in ISO and as
 * typed in day/month/year or month/day/year forms.
 */
export function patientSearchTokens(p: PatientFields): string[] {
  const tokens = new Set<string>();
  const words = (s: string | undefined) => {
    if (!s) return;
    for (const w of fold(s).split(/[^\p{L}\p{N}]+/u)) if (w) tokens.add(w);
  };
  words(p.givenName);
  words(p.familyName);
  words(p.preferredName);
  tokens.add(fold(p.mrn));
  for (const tag of p.tags) {
    tokens.add(fold(tag));
    words(tag);
  }
  for (const id of p.identifiers) tokens.add(fold(id.value).replace(/\s+/g, ''));
  const digits = p.phone?.replace(/\D/g, '');
  if (digits) {
    tokens.add(digits);
    // A national number without the country code, as staff usually type it.
    for (let n = 4; n <= Math.min(10, digits.length - 1); n++) tokens.add(digits.slice(-n));
  }
  const [y, m, d] = p.birthDate.split('-');
  tokens.add(p.birthDate);
  tokens.add(`${d}/${m}/${y}`);
  tokens.add(`${m}/${d}/${y}`);
  tokens.add(`${d}.${m}.${y}`);
  return [...tokens];
}

const PHONE_LIKE = /^\+?[\d\s\-()]+$/;
const DATE_LIKE = /^(\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})$/;

/** Splits what staff typed into query terms that must all match (prefix) a token. */
export function queryTerms(query: string): string[] {
  const q = fold(query.trim());
  if (!q) return [];
  // A phone number typed with spaces or brackets is one term: its digits.
  if (PHONE_LIKE.test(q) && !DATE_LIKE.test(q) && q.replace(/\D/g, '').length >= 4) return [q.replace(/\D/g, '')];
  return q.split(/[\s,]+/).filter(Boolean);
}
