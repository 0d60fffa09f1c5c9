import { fieldErrors, PatientInput, type PatientFields } from '../patient/patient';
import { parseBirthDate } from './birth-date';
import { FIELD_LABELS, type PatientColumnMapping, type PatientImportField } from './fields';
import { sexOfCell } from './sex';

/** Per field, the problem with its cell; '_row' for a problem of the row as a whole. */
export type RowErrors = Partial<Record<PatientImportField | '_row', string>>;

export type RowCheck = { ok: true; fields: PatientFields } | { ok: false; errors: RowErrors };

/** PatientInput's error paths → the import field whose cell holds the value. */
const FIELD_OF_PATH: Record<string, PatientImportField> = {
  givenName: 'givenName',
  familyName: 'familyName',
  preferredName: 'preferredName',
  birthDate: 'birthDate',
  sex: 'sex',
  mrn: 'mrn',
  phone: 'phone',
  email: 'email',
  'address.line': 'addressLine',
  'address.city': 'city',
  'address.region': 'region',
  'address.postalCode': 'postalCode',
  'address.country': 'country',
  preferredLanguage: 'preferredLanguage',
};

/** A cell CareLoop's own CSV writer guarded against formulas ('+44 …) reads back as written, so a corrected report imports. */
const unguard = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

/**
 * One row as a patient, validated by the same PatientInput schema the patient form uses, with
 * each problem attached to the field (and so the cell) it came from. Rows carry no preferred
 * channel, so it follows what the row has: SMS with a phone number, else email, else the portal.
 */
export function checkRow(cells: readonly string[], mapping: PatientColumnMapping): RowCheck {
  const cell = (f: PatientImportField) => {
    const c = mapping.columns[f];
    return c === undefined ? '' : unguard((cells[c] ?? '').trim());
  };
  const errors: RowErrors = {};
  const dateText = cell('birthDate');
  const birthDate = dateText === '' ? '' : parseBirthDate(dateText, mapping.birthDateFormat);
  if (birthDate === undefined) errors.birthDate = `“${dateText}” is not a date in the form ${mapping.birthDateFormat}`;
  const phone = cell('phone');
  const email = cell('email');
  const input: PatientInput = {
    givenName: cell('givenName'),
    familyName: cell('familyName'),
    preferredName: cell('preferredName'),
    birthDate: birthDate ?? '',
    sex: sexOfCell(cell('sex')) as PatientInput['sex'],
    mrn: cell('mrn'),
    phone,
    email,
    address: { line: cell('addressLine'), city: cell('city'), region: cell('region'), postalCode: cell('postalCode'), country: cell('country') },
    preferredChannel: phone ? 'sms' : email ? 'email' : 'portal',
    ...(cell('preferredLanguage') ? { preferredLanguage: cell('preferredLanguage') } : {}),
  };
  const parsed = PatientInput.safeParse(input);
  if (parsed.success && birthDate !== undefined) return { ok: true, fields: parsed.data };
  if (!parsed.success) {
    for (const [path, message] of Object.entries(fieldErrors(parsed.error))) {
      const field = FIELD_OF_PATH[path];
      if (field && errors[field] === undefined) errors[field] = message ?? 'is not valid';
      else if (!field) errors._row ??= `${path} ${message ?? 'is not valid'}`;
    }
  }
  return { ok: false, errors };
}

/** The errors of a row as sentences for the report ("Date of birth: is not a real date"). */
export function describeErrors(errors: RowErrors): string[] {
  return Object.entries(errors).map(([k, v]) => (k === '_row' ? String(v) : `${FIELD_LABELS[k as PatientImportField]}: ${v}`));
}
