import { ageOn } from '../patient/patient';
import { dateShiftDays, pseudonymousId } from './pseudonym';
import { safeAge, safeBirthYear, safeCode, safeState, safeZip3, shiftedDate, shiftedTime, type SafeHarborOptions } from './safe-harbor';

/**
 * What of a patient goes into a research export, and in which shape: only fields that are
 * not identifiers (safe-harbor.ts) or that Safe Harbor allows in reduced form. Built from
 * explicit picks, never by copying a record and deleting fields, so a field added to the
 * record later stays out until someone decides it may go in.
 */

export interface ResearchSourcePatient {
  id: string;
  birthDate: string;
  sex: string;
  address?: { region?: string | undefined; postalCode?: string | undefined; country?: string | undefined } | undefined;
  preferredLanguage?: string | undefined;
  conditions?: readonly { display: string; code?: string | undefined; onset?: string | undefined }[] | undefined;
}

export interface ResearchSourceReading {
  metric: string;
  value: number;
  unit: string;
  timeMs: number;
  source: { grade: string };
  flags: readonly string[];
}

export interface ResearchSourceEnrolment {
  programKey: string;
  programName: string;
  startMs: number;
  endMs?: number | undefined;
  status: string;
}

export interface ResearchPatientRow {
  pid: string;
  sex: string;
  age: number | '90+';
  birthYear: number | '';
  state: string;
  zip3: string;
  country: string;
  language: string;
}

export interface ResearchConditionRow {
  pid: string;
  code: string;
  condition: string;
  onset: string;
}

export interface ResearchReadingRow {
  pid: string;
  metric: string;
  value: number;
  unit: string;
  time: string;
  grade: string;
  flags: string;
}

export interface ResearchEnrolmentRow {
  pid: string;
  program: string;
  programName: string;
  start: string;
  end: string;
  status: string;
}

export interface ResearchContext extends SafeHarborOptions {
  secret: Uint8Array;
  /** YYYY-MM-DD on which ages are taken (the export's day). */
  today: string;
}

const COUNTRY = /^[A-Za-z]{2,3}$/;
const LANGUAGE = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
/** Free text from the record is kept only when it is short clinical text: no digits runs, no @, no URL. */
const CLINICAL_TEXT = /^[\p{L}\p{M} ,.'()\-/+0-9]{1,120}$/u;

function safeText(text: string): string {
  const t = text.trim();
  if (!CLINICAL_TEXT.test(t) || /\d{4,}/.test(t)) return '';
  return t;
}

export function researchPatient(p: ResearchSourcePatient, c: ResearchContext): ResearchPatientRow {
  const age = ageOn(p.birthDate, c.today);
  return {
    pid: pseudonymousId(c.secret, p.id),
    sex: ['female', 'male', 'other', 'unknown'].includes(p.sex) ? p.sex : 'unknown',
    age: safeAge(age),
    birthYear: safeBirthYear(p.birthDate, age) ?? '',
    state: safeState(p.address?.region) ?? '',
    zip3: safeZip3(p.address?.postalCode, c),
    country: COUNTRY.test(p.address?.country?.trim() ?? '') ? p.address!.country!.trim().toUpperCase() : '',
    language: LANGUAGE.test(p.preferredLanguage ?? '') ? p.preferredLanguage! : '',
  };
}

export function researchConditions(p: ResearchSourcePatient, c: ResearchContext): ResearchConditionRow[] {
  const pid = pseudonymousId(c.secret, p.id);
  const shift = dateShiftDays(c.secret, p.id);
  return (p.conditions ?? []).map((x) => ({ pid, code: safeCode(x.code) ?? '', condition: safeText(x.display), onset: x.onset ? shiftedDate(x.onset, shift) : '' }));
}

export function researchReadings(patientId: string, readings: readonly ResearchSourceReading[], c: ResearchContext): ResearchReadingRow[] {
  const pid = pseudonymousId(c.secret, patientId);
  const shift = dateShiftDays(c.secret, patientId);
  return readings.map((r) => ({
    pid,
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    time: shiftedTime(r.timeMs, shift),
    grade: r.source.grade === 'clinical' ? 'clinical' : 'consumer',
    flags: r.flags.filter((f) => /^[a-z-]{1,40}$/.test(f)).join(' '),
  }));
}

export function researchEnrolments(patientId: string, enrolments: readonly ResearchSourceEnrolment[], c: ResearchContext): ResearchEnrolmentRow[] {
  const pid = pseudonymousId(c.secret, patientId);
  const shift = dateShiftDays(c.secret, patientId);
  return enrolments.map((e) => ({
    pid,
    program: /^[a-z0-9-]{1,40}$/.test(e.programKey) ? e.programKey : '',
    programName: safeText(e.programName),
    start: shiftedTime(e.startMs, shift).slice(0, 10),
    end: e.endMs !== undefined ? shiftedTime(e.endMs, shift).slice(0, 10) : '',
    status: /^[a-z-]{1,20}$/.test(e.status) ? e.status : '',
  }));
}
