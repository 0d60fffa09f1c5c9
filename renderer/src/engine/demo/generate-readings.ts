import type { Observation } from '../../../../common/readings/observation';
import { seededRandom } from './random';

export interface DemoPatientRef {
  id: string;
  clinicId: string;
  mrn: string;
  conditionCodes: string[];
  monitored: boolean;
}

const DAY = 86_400_000;

/** Box–Muller normal deviate from a uniform source. */
function gauss(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Home-device readings for one demo patient over `days` days ending at `endMs`:
 * blood pressure and pulse morning and evening for hypertension, daily weight for heart
 * failure, fasting and post-meal glucose for diabetes, SpO2 for COPD. Each patient has
 * their own baseline, adherence (days without readings) and, for some, an episode (a
 * rising blood pressure, a heart-failure weight gain) so that rules have something to find.
 */
export function generateDemoReadings(p: DemoPatientRef, days: number, endMs: number, seed: number): Observation[] {
  if (!p.monitored) return [];
  const rand = seededRandom(seed);
  const out: Observation[] = [];
  const startDay = Math.floor(endMs / DAY) - days + 1;
  // Wide on purpose: some patients reach 16 days with readings in 30 (CPT 99454), some do not.
  const adherence = 0.35 + rand() * 0.63;
  const sysBase = 122 + rand() * 38;
  const diaBase = 72 + rand() * 18;
  const hrBase = 62 + rand() * 20;
  const weightBase = 62 + rand() * 50;
  const glucoseBase = 105 + rand() * 70;
  const spo2Base = 91 + rand() * 5;
  const episodeDay = rand() < 0.35 ? Math.floor(days * (0.4 + rand() * 0.55)) : -1;
  const has = (code: string) => p.conditionCodes.includes(code);
  const bp = has('I10') || has('I50.2') || p.conditionCodes.length === 0;
  const source = { kind: 'demo' as const, grade: 'clinical' as const, deviceId: `demo-${p.mrn}` };
  const add = (metric: Observation['metric'], value: number, unit: string, timeMs: number, groupId?: string) => {
    out.push({
      id: `demo:${p.mrn}:${metric}:${timeMs}`,
      clinicId: p.clinicId,
      patientId: p.id,
      metric,
      value: Math.round(value * 10) / 10,
      unit,
      timeMs,
      source,
      flags: [],
      receivedMs: timeMs + 60_000,
      ...(groupId ? { groupId } : {}),
    });
  };
  for (let d = 0; d < days; d++) {
    const day = (startDay + d) * DAY;
    if (day > endMs) break;
    if (rand() > adherence) continue;
    const inEpisode = episodeDay >= 0 && d >= episodeDay && d < episodeDay + 6;
    const lift = inEpisode ? (d - episodeDay + 1) * 6 : 0;
    if (bp) {
      for (const [hour, bump] of [[7.5, 4], [20, -2]] as const) {
        const t = day + Math.round((hour + gauss(rand) * 0.4) * 3_600_000);
        if (t > endMs) continue;
        const group = `demo:${p.mrn}:bp:${t}`;
        add('blood-pressure-systolic', sysBase + bump + lift + gauss(rand) * 7, 'mm[Hg]', t, group);
        add('blood-pressure-diastolic', diaBase + bump / 2 + lift / 3 + gauss(rand) * 5, 'mm[Hg]', t, group);
        add('pulse-rate', hrBase + gauss(rand) * 6 + (inEpisode ? 8 : 0), '/min', t, group);
      }
    }
    if (has('I50.2')) {
      const t = day + Math.round((7 + rand()) * 3_600_000);
      if (t <= endMs) add('body-weight', weightBase + gauss(rand) * 0.35 + (inEpisode ? (d - episodeDay + 1) * 0.6 : 0), 'kg', t);
    }
    if (has('E11.9')) {
      const fasting = day + Math.round((6.5 + rand()) * 3_600_000);
      if (fasting <= endMs) add('glucose', glucoseBase + gauss(rand) * 18, 'mg/dL', fasting);
      if (rand() < 0.5) {
        const post = day + Math.round((13 + rand() * 2) * 3_600_000);
        if (post <= endMs) add('glucose', glucoseBase + 45 + gauss(rand) * 30, 'mg/dL', post);
      }
    }
    if (has('J44.9')) {
      const t = day + Math.round((9 + rand()) * 3_600_000);
      if (t <= endMs) add('spo2', Math.min(100, spo2Base + gauss(rand) * 1.2 - (inEpisode ? 3 : 0)), '%', t);
    }
  }
  return out;
}

/**
 * A consumer wearable's minute heart rate for `days` days: a circadian rhythm (lower at
 * night), activity bursts by day, and wear gaps (the watch charging, not worn at night
 * for some). Returns per-day arrays so they can be written in day blocks.
 */
export function generateMinuteHeartRate(days: number, endMs: number, seed: number): { dayStartMs: number; times: Float64Array; values: Float32Array }[] {
  const rand = seededRandom(seed);
  const resting = 55 + rand() * 15;
  const out: { dayStartMs: number; times: Float64Array; values: Float32Array }[] = [];
  const firstDay = Math.floor(endMs / DAY) - days + 1;
  for (let d = 0; d < days; d++) {
    const dayStart = (firstDay + d) * DAY;
    const times: number[] = [];
    const values: number[] = [];
    const chargeStart = 18 * 60 + Math.floor(rand() * 180);
    let activity = 0;
    for (let m = 0; m < 1440; m++) {
      const t = dayStart + m * 60_000;
      if (t > endMs) break;
      if (m >= chargeStart && m < chargeStart + 45) continue;
      const hour = m / 60;
      const circadian = Math.cos(((hour - 15) / 24) * 2 * Math.PI) * 7;
      if (hour > 7 && hour < 22 && rand() < 0.01) activity = 30 + rand() * 50;
      activity *= 0.93;
      values.push(resting + 6 + circadian + activity + gauss(rand) * 2.5);
      times.push(t);
    }
    out.push({ dayStartMs: dayStart, times: Float64Array.from(times), values: Float32Array.from(values) });
  }
  return out;
}
