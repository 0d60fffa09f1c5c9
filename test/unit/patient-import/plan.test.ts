import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { guessBirthDateFormat, parseBirthDate } from '../../../common/patient-import/birth-date';
import { PatientImportError } from '../../../common/patient-import/errors';
import { checkMapping, guessColumns, type PatientColumnMapping } from '../../../common/patient-import/fields';
import { planPatientImport } from '../../../common/patient-import/plan';
import { readPatientCsv } from '../../../common/patient-import/read-csv';
import { rejectedRowsCsv } from '../../../common/patient-import/rejected-report';
import { sexOfCell } from '../../../common/patient-import/sex';
import { chunked } from '../imports/fixtures';

const csvText = [
  'First Name;Last Name;DOB;Gender;MRN;Mobile;E-mail;Street;City;ZIP;Language',
  'Ana;Souza;03/04/1961;F;A-100;+55 11 91234-5678;;Rua A 1;São Paulo;01000-000;pt-BR',
  'Ben;Okafor;25/12/1980;male;a-101;;ben@example.org;;;;',
  '"Chen";"Li, Jr.";31/02/1990;M;A-102;0123 456;;;;;',
  'Dee;;01/01/1970;x;A-103;;;;;;en',
  'Eve;Ng;1/2/2001;u;A-100;;;;;;',
  'Fay;Ito;10/10/1950;woman;Z-1;;;;;;English',
  'Gus;Ray;2/2/1999;m;B-7;;;;;;',
].join('\r\n');

const read = (text: string, size = 17) => readPatientCsv(chunked(strToU8(text), size));

describe('reading a patients CSV', () => {
  it('reads rows with their line numbers across chunks, a BOM and any delimiter', async () => {
    const csv = await read(`\uFEFF${csvText}\r\n`);
    expect(csv.delimiter).toBe(';');
    expect(csv.header[0]).toBe('First Name');
    expect(csv.rows).toHaveLength(7);
    expect(csv.rows[2]).toMatchObject({ line: 4, cells: ['Chen', 'Li, Jr.', '31/02/1990', 'M', 'A-102', '0123 456', '', '', '', '', ''] });
  });

  it('refuses an empty, header-only, binary, one-column, unterminated or oversized file with a typed error', async () => {
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        expect(err).toBeInstanceOf(PatientImportError);
        return (err as PatientImportError).code;
      }
      return 'no error';
    };
    expect(await code(read(''))).toBe('empty');
    expect(await code(read('\r\n\r\n'))).toBe('empty');
    expect(await code(read('given,family,dob\r\n'))).toBe('no-rows');
    expect(await code(readPatientCsv(chunked(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))))).toBe('not-csv');
    expect(await code(read('just some words\nand more words\n'))).toBe('not-csv');
    // "Müller" saved by a spreadsheet in Windows-1252, not UTF-8.
    expect(await code(readPatientCsv(chunked(new Uint8Array([...strToU8('given,family\nAnna,M'), 0xfc, ...strToU8('ller\n')]))))).toBe('not-csv');
    expect(await code(read('a,b\n1,"open\n'))).toBe('malformed');
    expect(await code(readPatientCsv(chunked(strToU8(csvText), 64), { maxBytes: 100 }))).toBe('too-large');
    expect(await code(readPatientCsv(chunked(strToU8(csvText)), { maxRows: 3 }))).toBe('too-large');
  });
});

describe('mapping columns', () => {
  it('guesses fields from common header names', () => {
    expect(guessColumns(['First Name', 'Last Name', 'DOB', 'Gender', 'MRN', 'Mobile', 'E-mail', 'Street', 'City', 'ZIP', 'Language', 'Notes'])).toEqual({
      givenName: 0, familyName: 1, birthDate: 2, sex: 3, mrn: 4, phone: 5, email: 6, addressLine: 7, city: 8, postalCode: 9, preferredLanguage: 10,
    });
    expect(guessColumns(['surname', 'forename', 'date_of_birth', 'Patient ID', 'State'])).toEqual({ familyName: 0, givenName: 1, birthDate: 2, mrn: 3, region: 4 });
  });

  it('requires the name, birth date and MRN columns, and no column twice', () => {
    const header = ['a', 'b', 'c', 'd'];
    expect(() => checkMapping({ columns: { givenName: 0, familyName: 1, birthDate: 2 }, birthDateFormat: 'YYYY-MM-DD' }, header)).toThrow(/MRN/);
    expect(() => checkMapping({ columns: { givenName: 0, familyName: 1, birthDate: 2, mrn: 2 }, birthDateFormat: 'YYYY-MM-DD' }, header)).toThrow(/“c” is mapped to both/);
    expect(() => checkMapping({ columns: { givenName: 0, familyName: 1, birthDate: 2, mrn: 7 }, birthDateFormat: 'YYYY-MM-DD' }, header)).toThrow(/4 columns/);
  });

  it('reads birth dates in each format and guesses the format, flagging day/month ambiguity', () => {
    expect(parseBirthDate('1961-04-03', 'YYYY-MM-DD')).toBe('1961-04-03');
    expect(parseBirthDate('3/4/1961', 'DD/MM/YYYY')).toBe('1961-04-03');
    expect(parseBirthDate('3/4/1961', 'MM/DD/YYYY')).toBe('1961-03-04');
    expect(parseBirthDate('03.04.1961', 'DD.MM.YYYY')).toBe('1961-04-03');
    expect(parseBirthDate('19610403', 'YYYYMMDD')).toBe('1961-04-03');
    expect(parseBirthDate('1961-04-03 00:00:00', 'YYYY-MM-DD')).toBe('1961-04-03');
    expect(parseBirthDate('1961-04-03', 'DD/MM/YYYY')).toBeUndefined();
    expect(guessBirthDateFormat(['03/04/1961', '25/12/1980'])).toEqual({ format: 'DD/MM/YYYY', ambiguous: false });
    expect(guessBirthDateFormat(['03/04/1961', '12/25/1980'])).toEqual({ format: 'MM/DD/YYYY', ambiguous: false });
    expect(guessBirthDateFormat(['03/04/1961'])).toEqual({ format: 'DD/MM/YYYY', ambiguous: true });
    expect(guessBirthDateFormat(['1961-04-03', ''])).toEqual({ format: 'YYYY-MM-DD', ambiguous: false });
  });

  it('reads sex as codes and words', () => {
    expect(['F', 'male', 'x', 'U', '', 'Woman'].map(sexOfCell)).toEqual(['female', 'male', 'other', 'unknown', 'unknown', 'female']);
    expect(sexOfCell('robot')).toBe('robot');
  });
});

describe('planning an import', () => {
  it('validates every row with PatientInput, ties errors to cells and finds duplicate MRNs in the file and the clinic', async () => {
    const csv = await read(csvText);
    const mapping: PatientColumnMapping = { columns: guessColumns(csv.header), birthDateFormat: 'DD/MM/YYYY' };
    const plan = planPatientImport(csv, mapping, new Set(['B-7']));
    expect(plan.counts).toEqual({ rows: 7, valid: 2, invalid: 3, duplicate: 2 });
    const byLine = new Map(plan.rows.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({ status: 'valid', fields: { givenName: 'Ana', familyName: 'Souza', birthDate: '1961-04-03', sex: 'female', mrn: 'A-100', phone: '+55 11 91234-5678', preferredChannel: 'sms', preferredLanguage: 'pt-BR', address: { line: 'Rua A 1', city: 'São Paulo', postalCode: '01000-000' } } });
    expect(byLine.get(3)).toMatchObject({ status: 'valid', fields: { email: 'ben@example.org', preferredChannel: 'email', preferredLanguage: 'en', sex: 'male' } });
    expect(byLine.get(4)).toMatchObject({ status: 'invalid', errors: { birthDate: 'is not a real date' } });
    expect(byLine.get(4)!.reasons).toEqual(['Date of birth: is not a real date']);
    expect(byLine.get(5)).toMatchObject({ status: 'invalid', errors: { familyName: 'enter the family name' } });
    expect(byLine.get(6)).toMatchObject({ status: 'duplicate', errors: { mrn: 'same MRN as line 2' } });
    expect(byLine.get(7)).toMatchObject({ status: 'invalid', errors: { preferredLanguage: 'use a language tag like en, es or pt-BR' } });
    expect(byLine.get(8)).toMatchObject({ status: 'duplicate', reasons: ['MRN B-7 already belongs to a patient (not overwritten)'] });
  });

  it('names a birth date in the wrong format and a malformed row', async () => {
    const csv = await read('given,family,dob,mrn\nAl,Bo,1961-04-03,M1\nCy,"D"x,01/01/1960,M2\n');
    const plan = planPatientImport(csv, { columns: guessColumns(csv.header), birthDateFormat: 'DD/MM/YYYY' }, new Set());
    expect(plan.rows[0]!.errors.birthDate).toBe('“1961-04-03” is not a date in the form DD/MM/YYYY');
    expect(plan.rows[1]!.reasons).toEqual(['the row is not well-formed CSV (a quote in the middle of a field)']);
  });

  it('reports rejected rows as CSV with the original cells and reasons, which imports again once corrected', async () => {
    const csv = await read('given,family,dob,mrn,phone\nAl,,1961-04-03,M1,+44 20 7946 0000\n');
    const mapping: PatientColumnMapping = { columns: guessColumns(csv.header), birthDateFormat: 'YYYY-MM-DD' };
    const plan = planPatientImport(csv, mapping, new Set());
    const report = rejectedRowsCsv(plan.header, plan.rows.filter((r) => r.status !== 'valid'));
    expect(report).toBe(`\uFEFFrow,reasons,given,family,dob,mrn,phone\r\n2,Family (last) name: enter the family name,Al,,1961-04-03,M1,"'+44 20 7946 0000"\r\n`);
    // Staff fill the name in the report and import it again: the guarded phone reads back as written.
    const fixed = await read(report.replace(',Al,,', ',Al,Bo,'));
    const again = planPatientImport(fixed, { columns: guessColumns(fixed.header), birthDateFormat: 'YYYY-MM-DD' }, new Set());
    expect(again.rows[0]).toMatchObject({ status: 'valid', fields: { familyName: 'Bo', phone: '+44 20 7946 0000' } });
  });
});
