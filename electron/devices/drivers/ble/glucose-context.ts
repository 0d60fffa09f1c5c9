import { ByteReader } from './bytes';
import { readSfloat, shifted } from './ieee11073';

/**
 * Glucose Measurement Context 0x2A34 (Glucose Service 1.0 §3.107; GSS §3.103), linked to
 * its Glucose Measurement by sequence number. Flags: bit 0 carbohydrate ID + carbohydrate
 * (SFLOAT kg), bit 1 meal, bit 2 tester (low nibble) and health (high nibble), bit 3
 * exercise duration (uint16 s, 0xFFFF overrun) + intensity (uint8 %), bit 4 medication ID
 * + medication (SFLOAT kg, or L when bit 5), bit 6 HbA1c (SFLOAT %), bit 7 extended
 * flags byte present (follows the sequence number; all bits reserved).
 * Decoded into the flat `extra` a reading carries: grams, milligrams, millilitres.
 */
export interface GlucoseContext {
  sequence: number;
  extra: Record<string, string | number | boolean>;
}

const CARBOHYDRATE = ['reserved-0', 'breakfast', 'lunch', 'dinner', 'snack', 'drink', 'supper', 'brunch'];
const MEAL = ['reserved-0', 'preprandial', 'postprandial', 'fasting', 'casual', 'bedtime'];
const TESTER: Record<number, string> = { 1: 'self', 2: 'health-care-professional', 3: 'lab-test', 15: 'not-available' };
const HEALTH: Record<number, string> = { 1: 'minor-health-issues', 2: 'major-health-issues', 3: 'during-menses', 4: 'under-stress', 5: 'no-health-issues', 15: 'not-available' };
const MEDICATION = ['reserved-0', 'rapid-acting-insulin', 'short-acting-insulin', 'intermediate-acting-insulin', 'long-acting-insulin', 'pre-mixed-insulin'];

const named = (table: readonly string[] | Record<number, string>, code: number): string => (table as Record<number, string | undefined>)[code] ?? `reserved-${code}`;

export function decodeGlucoseContext(bytes: Uint8Array): GlucoseContext {
  const r = new ByteReader(bytes, 'Glucose Measurement Context');
  const flags = r.u8('flags');
  const sequence = r.u16('sequence number');
  const extra: Record<string, string | number | boolean> = {};
  if (flags & 0x80) extra.extendedFlags = r.u8('extended flags');
  if (flags & 0x01) {
    extra.carbohydrate = named(CARBOHYDRATE, r.u8('carbohydrate id'));
    extra.carbohydrateG = shifted(readSfloat(r, 'carbohydrate'), 3);
  }
  if (flags & 0x02) extra.meal = named(MEAL, r.u8('meal'));
  if (flags & 0x04) {
    const th = r.u8('tester-health');
    extra.tester = named(TESTER, th & 0x0f);
    extra.health = named(HEALTH, th >> 4);
  }
  if (flags & 0x08) {
    const duration = r.u16('exercise duration');
    if (duration === 0xffff) extra.exerciseDurationOverrun = true;
    else extra.exerciseDurationS = duration;
    extra.exerciseIntensityPct = r.u8('exercise intensity');
  }
  if (flags & 0x10) {
    extra.medication = named(MEDICATION, r.u8('medication id'));
    const amount = readSfloat(r, 'medication');
    if (flags & 0x20) extra.medicationMl = shifted(amount, 3);
    else extra.medicationMg = shifted(amount, 6);
  }
  if (flags & 0x40) extra.hba1cPct = readSfloat(r, 'HbA1c').value;
  r.end();
  return { sequence, extra };
}
