import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../common/research/csv';
import { dateShiftDays, MAX_SHIFT_DAYS, pseudonymousId, ResearchSecretError } from '../../../common/research/pseudonym';
import { researchPatient, researchReadings } from '../../../common/research/records';
import { DeidentificationError, safeAge, safeBirthYear, safeCode, safeState, safeZip3, shiftedDate, shiftedTime } from '../../../common/research/safe-harbor';

const secret = new Uint8Array(32).map((_, i) => i + 1);
const other = new Uint8Array(32).map((_, i) => 200 - i);

describe('pseudonymous ids and date offsets', () => {
  it('are stable for a patient within one secret and differ across secrets and patients', () => {
    expect(pseudonymousId(secret, 'p1')).toBe(pseudonymousId(secret, 'p1'));
    expect(pseudonymousId(secret, 'p1')).toMatch(/^R[0-9a-f]{32}$/);
    expect(pseudonymousId(secret, 'p1')).not.toBe(pseudonymousId(secret, 'p2'));
    expect(pseudonymousId(secret, 'p1')).not.toBe(pseudonymousId(other, 'p1'));
  });

  it('shift every patient by a non-zero whole number of days within the limit, spread both ways', () => {
    const shifts = Array.from({ length: 400 }, (_, i) => dateShiftDays(secret, `patient-${i}`));
    expect(shifts.every((s) => Number.isInteger(s) && s !== 0 && Math.abs(s) <= MAX_SHIFT_DAYS)).toBe(true);
    expect(shifts.filter((s) => s < 0).length).toBeGreaterThan(120);
    expect(shifts.filter((s) => s > 0).length).toBeGreaterThan(120);
    expect(new Set(shifts).size).toBeGreaterThan(150);
    expect(dateShiftDays(secret, 'patient-7')).toBe(shifts[7]);
  });

  it('refuse a short secret', () => {
    expect(() => pseudonymousId(new Uint8Array(8), 'p1')).toThrow(ResearchSecretError);
  });
});

describe('Safe Harbor reductions', () => {
  it('groups ages of 90 and over and drops their birth year', () => {
    expect(safeAge(89)).toBe(89);
    expect(safeAge(90)).toBe('90+');
    expect(safeAge(104)).toBe('90+');
    expect(safeBirthYear('1937-05-02', 89)).toBe(1937);
    expect(safeBirthYear('1931-05-02', 95)).toBeUndefined();
    expect(() => safeAge(-1)).toThrow(DeidentificationError);
  });

  it('cuts ZIP codes to three digits only for configured populous areas, else 000', () => {
    expect(safeZip3('62704')).toBe('000');
    expect(safeZip3('62704', { populousZip3: new Set(['627']) })).toBe('627');
    expect(safeZip3('62704-1234', { populousZip3: new Set(['627']) })).toBe('627');
    expect(safeZip3('036', { populousZip3: new Set(['036']) })).toBe('000');
    expect(safeZip3('SW1A 1AA')).toBe('000');
    expect(safeZip3(undefined)).toBe('000');
  });

  it('keeps a state code but no free-text region, and only code-like codes', () => {
    expect(safeState('il')).toBe('IL');
    expect(safeState('Springfield area')).toBeUndefined();
    expect(safeCode('I10')).toBe('I10');
    expect(safeCode('see Dr Smith')).toBeUndefined();
  });

  it('moves times and dates by whole days, keeping the time of day', () => {
    expect(shiftedTime(Date.parse('2026-03-01T07:31:12.345Z'), -3)).toBe('2026-02-26T07:31:12.345Z');
    expect(shiftedDate('2026-12-30', 5)).toBe('2027-01-04');
    expect(() => shiftedDate('2026-13-01', 1)).toThrow(DeidentificationError);
  });

  it('builds a patient row from explicit picks only', () => {
    const row = researchPatient(
      { id: 'p1', birthDate: '1930-02-03', sex: 'female', address: { region: 'IL', postalCode: '62704', country: 'US' }, preferredLanguage: 'es', conditions: [] },
      { secret, today: '2026-11-25' },
    );
    expect(row).toEqual({ pid: pseudonymousId(secret, 'p1'), sex: 'female', age: '90+', birthYear: '', state: 'IL', zip3: '000', country: 'US', language: 'es' });
  });

  it('keeps a reading with its value and a shifted time, and no ids of the device or the reading', () => {
    const [r] = researchReadings('p1', [{ metric: 'glucose', value: 143.2, unit: 'mg/dL', timeMs: Date.parse('2026-05-05T06:40:00.123Z'), source: { grade: 'clinical' }, flags: ['validated'] }], { secret, today: '2026-11-25' });
    const shift = dateShiftDays(secret, 'p1');
    expect(r).toEqual({ pid: pseudonymousId(secret, 'p1'), metric: 'glucose', value: 143.2, unit: 'mg/dL', time: new Date(Date.parse('2026-05-05T06:40:00.123Z') + shift * 86_400_000).toISOString(), grade: 'clinical', flags: 'validated' });
  });

  it('writes RFC 4180 CSV', () => {
    expect(toCsv<{ a: string; b: number }>(['a', 'b'], [{ a: 'x, "y"', b: 1 }])).toBe('a,b\r\n"x, ""y""",1\r\n');
  });
});
