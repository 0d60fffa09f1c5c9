import 'fake-indexeddb/auto';
import { strFromU8, unzipSync } from 'fflate';
import { concat } from '../../../common/research/package';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordConsent } from '../../../renderer/src/db/consents';
import { asCrmDb, type CrmDb } from '../../../renderer/src/db/crm-tables';
import { CareLoopDb, type PatientRow } from '../../../renderer/src/db/database';
import { openClock, type WriteContext } from '../../../renderer/src/db/journal';
import { researchExport, ResearchExportError, type ResearchExportResult } from '../../../renderer/src/db/research-export';
import { setCurrentActor } from '../../../renderer/src/security/current-actor';
import { PermissionDeniedError } from '../../../common/security/permissions';
import { loadDemoClinic } from '../../../renderer/src/engine/demo/load-demo-clinic';
import { openSealedExport, SealedExportError, type ExportProtection } from '../../../common/exports/sealed-file';
import { BackupWrongPassphraseError } from '../../../common/backup/errors';
import { chunked } from '../imports/fixtures';
import { FAST_KDF } from '../backup/fixture';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const PASSPHRASE = 'correct horse battery staple';
const sealed = (o: { nowMs: number; fromMs?: number; populousZip3?: string[]; onProgress?: (d: number, t: number) => void }, protection: ExportProtection = { kind: 'encrypted', passphrase: PASSPHRASE }) => ({
  ...o,
  protection,
  workstationId: 'ws1',
  kdf: FAST_KDF,
});

/**
 * Every string of the record that Safe Harbor calls an identifier, per patient, in the forms an
 * export could spell it. Reading times are checked apart (see the date-shift test): a shifted
 * time keeps its time of day, so it can equal some other real reading's time by chance.
 */
function identifiersOf(p: PatientRow, serials: readonly string[], deviceIds: readonly string[]): string[] {
  const out = [p.givenName, p.familyName, p.preferredName, p.mrn, p.email, p.phone, p.phone?.replace(/\D/g, ''), p.address?.line, p.address?.city, p.address?.postalCode, p.birthDate, p.birthDate.replace(/-/g, ''), p.id, ...p.identifiers.map((i) => i.value), ...p.careTeam.map((c) => c.name), ...serials, ...deviceIds];
  return out.filter((s): s is string => typeof s === 'string' && s.length >= 3);
}

const DAY_MS = 86_400_000;

describe('the research export of the demo clinic', () => {
  let db: CrmDb;
  let ctx: WriteContext;
  let result: ResearchExportResult;
  let files: Record<string, string>;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    db = asCrmDb(new CareLoopDb('research-export-demo'));
    await db.open();
    ctx = { actor: 'Admin Demo', workstation: 'ws1', clinicId: 'c1', clock: await openClock(db, 'ws1') };
    await loadDemoClinic(db, ctx, { count: 40, seed: 11, historyDays: 60, deviceDays: 40, wearables: 0, nowMs: NOW, clinicName: 'Riverside Family Practice' });
    // One patient of 90 or over is sure to be there: the oldest demo patient gets a birth date 97 years back.
    const oldest = (await db.patients.toArray()).sort((a, b) => a.birthDate.localeCompare(b.birthDate))[0]!;
    await db.patients.update(oldest.id, { birthDate: '1929-03-14' });
    await recordConsent(db, ctx, { patientId: oldest.id, purpose: 'analytics', status: 'given', method: 'written' });
    result = await researchExport(db, ctx, sealed({ nowMs: NOW, onProgress: (d, total) => progress.push([d, total]) }));
    const opened = await openSealedExport(chunked(concat(result.parts)), PASSPHRASE);
    files = Object.fromEntries(Object.entries(unzipSync(opened.bytes!)).map(([name, bytes]) => [name, strFromU8(bytes)]));
  }, 120_000);

  it('is sealed with the passphrase: the zip opens only with it, and a plain zip only when chosen explicitly', async () => {
    expect(result.fileName).toBe('research-export-2026-11-24.careloop-export');
    expect(result.mediaType).toBe('application/octet-stream');
    await expect(openSealedExport(chunked(concat(result.parts)), 'not the passphrase')).rejects.toBeInstanceOf(BackupWrongPassphraseError);
    const exportsBefore = (await db.audit.toArray()).filter((a) => a.entity === 'research-export').length;
    await expect(researchExport(db, ctx, sealed({ nowMs: NOW }, { kind: 'plain' } as unknown as ExportProtection))).rejects.toBeInstanceOf(SealedExportError);
    // Refused before anything was audited as exported.
    expect((await db.audit.toArray()).filter((a) => a.entity === 'research-export')).toHaveLength(exportsBefore);
    const plain = await researchExport(db, ctx, sealed({ nowMs: NOW }, { kind: 'plain', confirmedPlain: true }));
    expect(plain.fileName).toBe('research-export-2026-11-24.zip');
    expect(Object.keys(unzipSync(concat(plain.parts))).sort()).toEqual(Object.keys(files).sort());
    const audited = (await db.audit.toArray()).filter((a) => a.entity === 'research-export').map((a) => a.changes?.['encrypted']?.after);
    expect(audited).toEqual([true, false]);
  });

  it('holds the consenting patients, their readings, conditions and enrolments', async () => {
    expect(Object.keys(files).sort()).toEqual(['conditions.csv', 'enrolments.csv', 'manifest.json', 'patients.csv', 'readings.csv']);
    expect(result.patients).toBeGreaterThan(15);
    expect(progress.at(-1)).toEqual([result.patients, result.patients]);
    expect(result.readings).toBeGreaterThan(500);
    expect(files['patients.csv']!.trim().split('\r\n')).toHaveLength(result.patients + 1);
    expect(files['readings.csv']!.trim().split('\r\n')).toHaveLength(result.readings + 1);
    expect(files['patients.csv']).toMatch(/,90\+,,IL,000,US,/);
    expect(files['conditions.csv']).toMatch(/,I10,/);
    expect(result.leftOut.noConsent).toBeGreaterThan(0);
    const audit = (await db.audit.toArray()).filter((a) => a.entity === 'research-export');
    expect(audit[0]!.action).toBe('export');
    expect(audit[0]!.changes?.['patients']?.after).toBe(result.patients);
  });

  it('contains none of any patient’s identifiers, anywhere in any file or file name', async () => {
    const patients = await db.patients.toArray();
    const devices = await db.devices.toArray();
    const observations = await db.observations.toArray();
    const haystack = Object.entries(files).map(([name, text]) => `${name}\n${text}`).join('\n');
    const found: string[] = [];
    let checked = 0;
    for (const p of patients) {
      const mine = observations.filter((o) => o.patientId === p.id);
      const serials = devices.filter((d) => d.patientId === p.id).map((d) => d.serial);
      const deviceIds = [...new Set(mine.map((o) => o.source.deviceId).filter((d): d is string => !!d))];
      for (const s of identifiersOf(p, serials, deviceIds)) {
        checked++;
        if (haystack.includes(s)) found.push(s);
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect(found).toEqual([]);
    // The scan finds what is there: every identifier of a patient is found in their own record.
    const p = patients.find((x) => x.email && x.address?.line)!;
    const own = JSON.stringify(p);
    expect(identifiersOf(p, [], []).filter((s) => !own.includes(s) && s !== p.birthDate.replace(/-/g, ''))).toEqual([]);
  });

  it('moves every reading of a patient by the same whole number of days, never zero', async () => {
    const rows = files['readings.csv']!.trim().split('\r\n').slice(1).map((line) => line.split(','));
    const byPid = new Map<string, { key: string; timeMs: number }[]>();
    for (const [pid, metric, value, , time] of rows) (byPid.get(pid!) ?? byPid.set(pid!, []).get(pid!)!).push({ key: `${metric}|${value}`, timeMs: Date.parse(time!) });
    const observations = await db.observations.toArray();
    const sequence = (list: { key: string; timeMs: number }[]) => [...list].sort((a, b) => a.timeMs - b.timeMs || (a.key < b.key ? -1 : 1));
    let matched = 0;
    for (const exported of byPid.values()) {
      const out = sequence(exported);
      // The patient whose readings, in time order, have the same metrics and values.
      const candidates = new Map<string, { key: string; timeMs: number }[]>();
      for (const o of observations) (candidates.get(o.patientId) ?? candidates.set(o.patientId, []).get(o.patientId)!).push({ key: `${o.metric}|${o.value}`, timeMs: o.timeMs });
      const real = [...candidates.values()].map(sequence).find((r) => r.length === out.length && r.every((x, i) => x.key === out[i]!.key));
      expect(real, 'every exported patient is one patient of the clinic').toBeDefined();
      const shifts = new Set(out.map((x, i) => x.timeMs - real![i]!.timeMs));
      expect(shifts.size).toBe(1);
      const [shift] = [...shifts];
      expect(Number.isInteger(shift! / DAY_MS)).toBe(true);
      expect(shift).not.toBe(0);
      matched++;
    }
    // Patients without readings in the period have none to check.
    expect(matched).toBe(byPid.size);
    expect(matched).toBeGreaterThan(5);
  });

  it('is refused to a clinician and to a bad period', async () => {
    setCurrentActor(db, { kind: 'user', userId: 'u-cy', name: 'Clinician Cy', role: 'clinician' });
    await expect(researchExport(db, ctx, sealed({ nowMs: NOW }))).rejects.toThrow(PermissionDeniedError);
    setCurrentActor(db, { kind: 'system', reason: 'test' });
    await expect(researchExport(db, ctx, sealed({ nowMs: NOW, fromMs: NOW + 1 }))).rejects.toThrow(ResearchExportError);
    await expect(researchExport(db, ctx, sealed({ nowMs: NOW, populousZip3: ['6270'] }))).rejects.toThrow(ResearchExportError);
  });
});
