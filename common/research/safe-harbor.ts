/**
 * HIPAA Safe Harbor de-identification (45 CFR 164.514(b)(2)) of what a research export keeps
 * of a patient. Environment-free. The 18 identifier kinds and what happens to each:
 *
 *  (A) names — patient, preferred name, care team: dropped.
 *  (B) geography below the state — street line and city dropped; the ZIP code cut to its
 *      first three digits only where the three-digit area holds more than 20,000 people.
 *      Without census data in the app, every ZIP becomes '000' unless the clinic configures
 *      the three-digit areas it knows to be larger (`populousZip3`); state and country stay.
 *  (C) dates related to the patient except the year — birth date reduced to the birth year
 *      (and that dropped too from age 90, with the age given as '90+'); reading, onset and
 *      enrolment times moved by the patient's secret offset (pseudonym.ts), so intervals and
 *      time of day survive but the calendar dates are not the real ones.
 *  (D–F) telephone and fax numbers, email addresses: dropped.
 *  (G–J) SSN, medical record, health plan and account numbers, (K) licence numbers:
 *      the MRN and every other identifier dropped; the id is the export's pseudonym.
 *  (L) vehicle identifiers: not held.
 *  (M) device identifiers and serial numbers: reading ids, device ids, session ids and group
 *      ids (which embed serials or MRNs) dropped; only the reading's grade stays.
 *  (N–O) URLs and IP addresses: not held for patients; free text that could hold them is dropped.
 *  (P–Q) biometric identifiers, full-face photographs: not held (waveforms are not exported).
 *  (R) any other unique identifying number or code: free-text notes, document references,
 *      tags and consent notes dropped.
 */

export const AGE_TOP = 90;

export interface SafeHarborOptions {
  /** Three-digit ZIP areas known to hold more than 20,000 people (e.g. from census tables). */
  populousZip3?: ReadonlySet<string>;
}

export class DeidentificationError extends Error {
  override readonly name = 'DeidentificationError';
}

/** Age in whole years, or '90+' (Safe Harbor (C): ages over 89 are one category). */
export function safeAge(age: number): number | '90+' {
  if (!Number.isFinite(age) || age < 0) throw new DeidentificationError('age must be a non-negative number');
  return age >= AGE_TOP ? '90+' : Math.floor(age);
}

/** The birth year, kept only while the age is under 90 (the year would give a 90+ age away). */
export function safeBirthYear(birthDate: string, age: number): number | undefined {
  const year = Number(birthDate.slice(0, 4));
  if (!/^\d{4}-/.test(birthDate) || !Number.isInteger(year)) throw new DeidentificationError('birth date must start with a four-digit year');
  return age >= AGE_TOP ? undefined : year;
}

/** The first three digits of a US ZIP where that area is populous enough, else '000'. */
export function safeZip3(postalCode: string | undefined, o: SafeHarborOptions = {}): string {
  const digits = (postalCode ?? '').trim().match(/^(\d{3})\d{2}(?:-?\d{4})?$/);
  if (!digits) return '000';
  return o.populousZip3?.has(digits[1]!) ? digits[1]! : '000';
}

/** A two-letter US state or another region code as given, else nothing: free text could name a place below the state. */
export function safeState(region: string | undefined): string | undefined {
  const r = region?.trim() ?? '';
  return /^[A-Za-z]{2}$/.test(r) ? r.toUpperCase() : undefined;
}

const DAY_MS = 86_400_000;

/** An epoch-ms time moved by whole days, as an ISO-8601 UTC string. */
export function shiftedTime(timeMs: number, shiftDays: number): string {
  if (!Number.isFinite(timeMs)) throw new DeidentificationError('time must be a finite number');
  return new Date(timeMs + shiftDays * DAY_MS).toISOString();
}

/** A YYYY-MM-DD date moved by whole days. */
export function shiftedDate(date: string, shiftDays: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new DeidentificationError(`'${date}' is not a YYYY-MM-DD date`);
  return new Date(ms + shiftDays * DAY_MS).toISOString().slice(0, 10);
}

/** A code kept only when it looks like a code (ICD-10, SNOMED CT, LOINC): free text in a code field is dropped. */
export function safeCode(code: string | undefined): string | undefined {
  const c = code?.trim() ?? '';
  return /^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/.test(c) && /\d/.test(c) ? c : undefined;
}
