import { z } from 'zod';
import { BIRTH_DATE_FORMATS } from './birth-date';
import { PatientImportError } from './errors';

/** The patient fields a column of a patients CSV can fill, in the order the mapping step shows them. */
export const PATIENT_IMPORT_FIELDS = [
  'givenName',
  'familyName',
  'preferredName',
  'birthDate',
  'sex',
  'mrn',
  'phone',
  'email',
  'addressLine',
  'city',
  'region',
  'postalCode',
  'country',
  'preferredLanguage',
] as const;
export type PatientImportField = (typeof PATIENT_IMPORT_FIELDS)[number];

/** Without these a row cannot become a patient, so the mapping must name them. */
export const REQUIRED_FIELDS: readonly PatientImportField[] = ['givenName', 'familyName', 'birthDate', 'mrn'];

export const FIELD_LABELS: Record<PatientImportField, string> = {
  givenName: 'Given (first) name',
  familyName: 'Family (last) name',
  preferredName: 'Preferred name',
  birthDate: 'Date of birth',
  sex: 'Sex',
  mrn: 'MRN',
  phone: 'Phone',
  email: 'Email',
  addressLine: 'Address (street)',
  city: 'City',
  region: 'State / region',
  postalCode: 'Postal code',
  country: 'Country',
  preferredLanguage: 'Language',
};

const Column = z.number().int().min(0).max(499);

/** Which column fills which field, and how the birth dates are written: guessed, then confirmed by staff. */
export const PatientColumnMapping = z
  .object({
    columns: z.partialRecord(z.enum(PATIENT_IMPORT_FIELDS), Column),
    birthDateFormat: z.enum(BIRTH_DATE_FORMATS),
  })
  .strict();
export type PatientColumnMapping = z.output<typeof PatientColumnMapping>;

/** The mapping checked against the file's header: every required field mapped, no column twice, none past the header. */
export function checkMapping(mapping: PatientColumnMapping, header: readonly string[]): void {
  const missing = REQUIRED_FIELDS.filter((f) => mapping.columns[f] === undefined);
  if (missing.length) throw new PatientImportError('mapping', `choose the column of: ${missing.map((f) => FIELD_LABELS[f]).join(', ')}`);
  const seen = new Map<number, PatientImportField>();
  for (const f of PATIENT_IMPORT_FIELDS) {
    const c = mapping.columns[f];
    if (c === undefined) continue;
    if (c >= header.length) throw new PatientImportError('mapping', `${FIELD_LABELS[f]} is mapped to column ${c + 1}, but the file has ${header.length} columns`);
    const other = seen.get(c);
    if (other) throw new PatientImportError('mapping', `column “${header[c]}” is mapped to both ${FIELD_LABELS[other]} and ${FIELD_LABELS[f]}`);
    seen.set(c, f);
  }
}

/** Header names → field. Compared lower-case with spaces, dashes, underscores, dots and brackets removed. */
const HEADER_NAMES: Record<string, PatientImportField> = {
  given: 'givenName', givenname: 'givenName', firstname: 'givenName', first: 'givenName', forename: 'givenName', fname: 'givenName', vorname: 'givenName', prenom: 'givenName', nombre: 'givenName',
  family: 'familyName', familyname: 'familyName', lastname: 'familyName', last: 'familyName', surname: 'familyName', lname: 'familyName', nachname: 'familyName', nom: 'familyName', apellido: 'familyName', apellidos: 'familyName',
  preferredname: 'preferredName', nickname: 'preferredName', knownas: 'preferredName',
  dob: 'birthDate', birthdate: 'birthDate', dateofbirth: 'birthDate', birthday: 'birthDate', born: 'birthDate', geburtsdatum: 'birthDate', fechadenacimiento: 'birthDate',
  sex: 'sex', gender: 'sex', administrativegender: 'sex', geschlecht: 'sex', sexo: 'sex',
  mrn: 'mrn', medicalrecordnumber: 'mrn', recordnumber: 'mrn', medicalrecordno: 'mrn', mrno: 'mrn', chartnumber: 'mrn', chartno: 'mrn', patientid: 'mrn', patientnumber: 'mrn', patientno: 'mrn',
  phone: 'phone', phonenumber: 'phone', telephone: 'phone', tel: 'phone', mobile: 'phone', mobilephone: 'phone', cell: 'phone', cellphone: 'phone', telefon: 'phone', telefono: 'phone',
  email: 'email', emailaddress: 'email', mail: 'email',
  address: 'addressLine', addressline: 'addressLine', addressline1: 'addressLine', address1: 'addressLine', street: 'addressLine', streetaddress: 'addressLine', line: 'addressLine',
  city: 'city', town: 'city', locality: 'city',
  state: 'region', region: 'region', province: 'region', county: 'region',
  zip: 'postalCode', zipcode: 'postalCode', postalcode: 'postalCode', postcode: 'postalCode', plz: 'postalCode',
  country: 'country',
  language: 'preferredLanguage', preferredlanguage: 'preferredLanguage', lang: 'preferredLanguage',
};

const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s_\-.()/#]/g, '');

/** The field a header names, or undefined. */
export function fieldOfHeader(header: string): PatientImportField | undefined {
  return HEADER_NAMES[normaliseHeader(header)];
}

/** Columns guessed from the header (first column that names a field wins). */
export function guessColumns(header: readonly string[]): PatientColumnMapping['columns'] {
  const columns: PatientColumnMapping['columns'] = {};
  header.forEach((h, i) => {
    const f = fieldOfHeader(h);
    if (f && columns[f] === undefined) columns[f] = i;
  });
  return columns;
}
