import { beforeAll, describe, expect, it } from 'vitest';
import { createSegment, deleteSegment, evaluateSegment, listSegments, segmentAudience, SegmentError, updateSegment, type SegmentFilter } from '../../../renderer/src/db/segments';
import { NOW, openPopulation, ZONE, type Population } from './population-fixture';

let p: Population;
beforeAll(async () => {
  p = await openPopulation();
});

const ids = async (filter: SegmentFilter, limit?: number) => (await evaluateSegment(p.db, filter, { nowMs: NOW, zone: ZONE, ...(limit ? { limit } : {}) })).patientIds;
const names = async (filter: SegmentFilter) => {
  const byId = new Map([p.ruth, p.tom, p.ana, p.lee].map((x) => [x.id, x.givenName]));
  return (await ids(filter)).map((id) => byId.get(id));
};

describe('segment evaluation', () => {
  it('with no filter selects every active patient, sorted by family name', async () => {
    expect(await names({})).toEqual(['Tom', 'Lee', 'Ruth', 'Ana']);
  });

  it('filters by sex and by age band (both ends included)', async () => {
    expect(await names({ sexes: ['female'] })).toEqual(['Ruth', 'Ana']);
    expect(await names({ ageMin: 76 })).toEqual(['Lee', 'Ruth']);
    expect(await names({ ageMin: 46, ageMax: 46 })).toEqual(['Tom']);
  });

  it('filters by condition text or code, by tag (any case) and by program', async () => {
    expect(await names({ conditions: ['hypertension'] })).toEqual(['Tom']);
    expect(await names({ conditions: ['i50'] })).toEqual(['Ruth']);
    expect(await names({ tags: ['HF-Clinic'] })).toEqual(['Ruth']);
    expect(await names({ programIds: [p.programs.hypertension] })).toEqual(['Tom']);
    expect(await names({ programIds: [p.programs.hypertension, p.programs.heartFailure], sexes: ['female'] })).toEqual(['Ruth']);
  });

  it('filters by readings: no reading in N days, latest systolic above X', async () => {
    expect(await names({ noReadingForDays: 7 })).toEqual(['Lee', 'Ana']);
    expect(await names({ noReadingForDays: 11 })).toEqual(['Lee']);
    expect(await names({ latestSystolicAbove: 140 })).toEqual(['Tom']);
    expect(await names({ latestSystolicAbove: 150 })).toEqual([]);
  });

  it('filters by risk tier', async () => {
    expect(await names({ riskTiers: ['high'] })).toEqual(['Ruth']);
    expect(await names({ riskTiers: ['moderate'] })).toEqual(['Tom', 'Ana']);
    expect(await names({ riskTiers: ['low', 'rising'] })).toEqual(['Lee']);
  });

  it('is bounded: reports when more patients matched than the limit', async () => {
    const r = await evaluateSegment(p.db, {}, { nowMs: NOW, zone: ZONE, limit: 2 });
    expect(r.patientIds).toEqual([p.tom.id, p.lee.id]);
    expect(r.truncated).toBe(true);
  });

  it('rejects a bad filter with a typed error', async () => {
    await expect(ids({ ageMin: 80, ageMax: 60 })).rejects.toThrow(SegmentError);
    await expect(ids({ nope: 1 } as unknown as SegmentFilter)).rejects.toThrow(SegmentError);
  });
});

describe('segments as message audiences', () => {
  it('keeps only patients whose latest consent for the channel is given', async () => {
    const audience = await segmentAudience(p.db, { sexes: ['male'] }, 'sms', { nowMs: NOW, zone: ZONE });
    expect(audience.map((x) => x.givenName)).toEqual(['Tom']);
    expect(await segmentAudience(p.db, {}, 'email', { nowMs: NOW, zone: ZONE })).toEqual([]);
  });
});

describe('saved segments', () => {
  it('are synced rows: created, updated and deleted with outbox changes and audit entries', async () => {
    const s = await createSegment(p.db, p.ctx, { name: 'Uncontrolled BP', filter: { latestSystolicAbove: 140 } });
    expect(s).toMatchObject({ name: 'Uncontrolled BP', deleted: false, clinicId: 'c1' });
    expect(await p.db.outbox.where('[table+rowId]').equals(['segments', s.id]).count()).toBe(1);
    const u = await updateSegment(p.db, p.ctx, s.id, { name: 'Uncontrolled BP', description: 'for the nurse calls', filter: { latestSystolicAbove: 145 } });
    expect(u.filter).toEqual({ latestSystolicAbove: 145 });
    expect(Object.keys(u.stamps)).toEqual(expect.arrayContaining(['filter', 'description']));
    expect(await p.db.outbox.where('[table+rowId]').equals(['segments', s.id]).count()).toBe(2);
    expect((await listSegments(p.db)).map((x) => x.name)).toContain('Uncontrolled BP');
    expect(await p.db.audit.where('[entity+entityId]').equals(['segment', s.id]).count()).toBe(2);
    await deleteSegment(p.db, p.ctx, s.id);
    expect((await listSegments(p.db)).map((x) => x.id)).not.toContain(s.id);
  });

  it('refuses a nameless segment or an unknown one', async () => {
    await expect(createSegment(p.db, p.ctx, { name: ' ', filter: {} })).rejects.toThrow(SegmentError);
    await expect(updateSegment(p.db, p.ctx, 'missing', { name: 'x', filter: {} })).rejects.toThrow(SegmentError);
  });
});

describe('one patient\'s risk (the profile card)', () => {
  it('reads only that patient and agrees with the clinic-wide assessment', async () => {
    const { assessPatient, assessPatients } = await import('../../../renderer/src/db/risk-data');
    const all = await assessPatients(p.db, [p.ruth, p.tom, p.ana, p.lee], { nowMs: NOW, zone: ZONE });
    for (const x of [p.ruth, p.tom, p.ana, p.lee]) expect(await assessPatient(p.db, x, { nowMs: NOW, zone: ZONE })).toEqual(all.get(x.id));
    // The clinic-wide read used for large populations gives the same answers as per-patient reads.
    expect(await assessPatients(p.db, [p.ruth, p.tom, p.ana, p.lee], { nowMs: NOW, zone: ZONE, clinicWideFrom: 1 })).toEqual(all);
    const tom = await assessPatient(p.db, p.tom, { nowMs: NOW, zone: ZONE });
    // Tom's high alert is resolved: it is not a reason.
    expect(tom.openAlerts).toEqual([]);
    expect(tom).toMatchObject({ monitored: true, daysWithReadings: 20 });
    expect((await assessPatient(p.db, p.lee, { nowMs: NOW, zone: ZONE })).assessment.tier).toBe('low');
  });
});
