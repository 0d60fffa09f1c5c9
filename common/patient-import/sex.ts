import type { SEXES } from '../patient/patient';

type Sex = (typeof SEXES)[number];

/** How spreadsheets write administrative sex (FHIR AdministrativeGender codes, one-letter codes, words). Compared lower-case. */
const NAMES: Record<string, Sex> = {
  f: 'female', female: 'female', woman: 'female', w: 'female',
  m: 'male', male: 'male', man: 'male',
  o: 'other', other: 'other', x: 'other', diverse: 'other', d: 'other', nonbinary: 'other', 'non-binary': 'other',
  u: 'unknown', unknown: 'unknown', unk: 'unknown', '': 'unknown',
};

/**
 * The PatientInput sex of a cell; an empty cell is 'unknown' (a list without the column says
 * nothing about it). Anything else is returned as written, so PatientInput names it.
 */
export function sexOfCell(text: string): string {
  const t = text.trim().toLowerCase();
  return NAMES[t] ?? text.trim();
}
