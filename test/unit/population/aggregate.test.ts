import { describe, expect, it } from 'vitest';
import { DEFAULT_BP_TARGET, populationFigures, type PopulationSection } from '../../../renderer/src/engine/population/aggregate';
import type { AgeBand, GroupBy, PopulationPatient } from '../../../renderer/src/engine/population/groups';
import { applyBlockUpdate, planBlockUpdates, type PopulationYearRow, type SummarizableReading, type SummaryMetric } from '../../../renderer/src/engine/population/year-block';

const DAY = 86_400_000;
const AS_OF = Date.parse('2026-06-15T12:00:00Z');
const ENROLLED = Date.parse('2026-05-01T09:00:00Z');
const FROM = Date.parse('2026-01-01T08:00:00Z');

interface Spec {
  band: AgeBand;
  sysBefore: number;
  sysAfter: number;
  dia: number;
  everyDays: number;
  enrolled: boolean;
}

/** Patients described by specs, their readings from 1 January to the as-of day summarised through the real block code. */
function clinic(specs: Spec[]) {
  const blocks = new Map<string, Map<string, Map<number, PopulationYearRow>>>();
  const patients: PopulationPatient[] = specs.map((s, i) => {
    const id = `p${i}`;
    const readings: SummarizableReading[] = [];
    for (let t = FROM, d = 0; t <= AS_OF; t += DAY, d++) {
      if (d % s.everyDays) continue;
      readings.push({ patientId: id, metric: 'blood-pressure-systolic', value: t < ENROLLED ? s.sysBefore : s.sysAfter, unit: 'mm[Hg]', timeMs: t });
      readings.push({ patientId: id, metric: 'blood-pressure-diastolic', value: s.dia, unit: 'mm[Hg]', timeMs: t });
    }
    for (const u of planBlockUpdates(readings).values()) {
      const byMetric = blocks.get(id) ?? new Map<string, Map<number, PopulationYearRow>>();
      const byYear = byMetric.get(u.metric) ?? new Map<number, PopulationYearRow>();
      byYear.set(u.year, applyBlockUpdate(byYear.get(u.year), u));
      byMetric.set(u.metric, byYear);
      blocks.set(id, byMetric);
    }
    return { id, ageBand: s.band, programIds: s.enrolled ? ['htn'] : [], conditionKeys: ['I10'], enrolments: s.enrolled ? [{ programId: 'htn', startMs: ENROLLED }] : [] };
  });
  return {
    patients,
    labels: new Map([['htn', 'Hypertension']]),
    programLabels: new Map([['htn', 'Hypertension']]),
    blocks: (id: string, metric: SummaryMetric) => blocks.get(id)?.get(metric),
  };
}

const many = (n: number, s: Spec): Spec[] => Array.from({ length: n }, () => s);
// 60–69: 20 measure daily and are at target after enrolment, 12 every third day and are not.
const SPECS: Spec[] = [
  ...many(20, { band: '60–69', sysBefore: 130, sysAfter: 120, dia: 70, everyDays: 1, enrolled: true }),
  ...many(12, { band: '60–69', sysBefore: 155, sysAfter: 145, dia: 85, everyDays: 3, enrolled: true }),
  ...many(15, { band: '70–79', sysBefore: 150, sysAfter: 150, dia: 90, everyDays: 1, enrolled: false }),
  ...many(4, { band: '80–89', sysBefore: 125, sysAfter: 125, dia: 75, everyDays: 1, enrolled: false }),
];
const ALL: ReadonlySet<PopulationSection> = new Set(['distribution', 'control', 'adherence']);
const query = (groupBy: GroupBy) => ({ sections: ALL, metric: 'blood-pressure-systolic' as const, groupBy, asOfMs: AS_OF, months: 3, bpTarget: DEFAULT_BP_TARGET });

describe('population figures by age band', () => {
  const f = populationFigures(clinic(SPECS), query('age-band'));
  const band = (k: string) => f.groups.find((g) => g.key === k)!;

  it('shows the group over 10 with its distribution, trend, control and adherence', () => {
    const g = band('60–69');
    expect(g.patients).toEqual({ suppressed: false, value: 32 });
    // Means over the last 30 days: 20 at 120 and 12 at 145.
    expect(g.median).toBe(120);
    expect(g.q3).toBe(145);
    // 1 May's reading (08:00) came before the enrolment (09:00): May's mean is (130 + 30 × 120) / 31.
    expect(g.trend.map((t) => t.median)).toEqual([130, 120.3, 120]);
    const june = g.bpControl[2]!;
    expect(june).toEqual({ month: '2026-06', measured: { suppressed: false, value: 32 }, atTarget: { suppressed: false, value: 20 }, share: 20 / 32 });
    // Before enrolment (April) no one was below 130/80.
    expect(g.bpControl[0]!.share).toBeNull();
    expect(g.adherence[2]).toMatchObject({ measured: { suppressed: false, value: 32 }, atTarget: { suppressed: false, value: 20 } });
  });

  it('suppresses the small band and, complementarily, the next smallest, withholding their statistics', () => {
    expect(band('80–89').patients).toEqual({ suppressed: true });
    expect(band('70–79').patients).toEqual({ suppressed: true });
    for (const k of ['80–89', '70–79']) {
      const g = band(k);
      expect(g.median).toBeNull();
      expect(g.histogram).toEqual([]);
      expect(g.trend.every((t) => t.median === null && t.measured.suppressed)).toBe(true);
      expect(g.bpControl.every((c) => c.share === null)).toBe(true);
    }
    expect(f.included).toEqual({ suppressed: false, value: 51 });
  });

  it('compares the same patients before and after enrolment', () => {
    // Windows are whole days: the enrolment day's 08:00 reading (130) counts as after; after = (130 + 45 × 120) / 46.
    expect(f.cohort).toEqual([{ programId: 'htn', label: 'Hypertension', patients: { suppressed: false, value: 32 }, medianBefore: 130, medianAfter: 120.2, medianChange: -9.8 }]);
  });

  it('suppresses histogram bins under 11 and one more when only one is small', () => {
    const bins = band('60–69').histogram;
    const shownBins = bins.filter((b) => !b.patients.suppressed);
    const hiddenBins = bins.filter((b) => b.patients.suppressed);
    expect(shownBins.every((b) => !b.patients.suppressed && b.patients.value >= 11)).toBe(true);
    expect(hiddenBins.length === 0 || hiddenBins.length >= 2).toBe(true);
  });
});

describe('population figures, other breakdowns and sections', () => {
  it('puts patients without a program in their own group and computes only the sections asked for', () => {
    const f = populationFigures(clinic(SPECS), { ...query('program'), sections: new Set<PopulationSection>(['adherence']) });
    expect(f.groups.map((g) => [g.key, g.label])).toEqual([['htn', 'Hypertension'], ['none', 'none']]);
    expect(f.groups[0]!.trend).toEqual([]);
    expect(f.groups[0]!.bpControl).toEqual([]);
    expect(f.groups[0]!.adherence).toHaveLength(3);
    expect(f.groups[0]!.measured).toEqual({ suppressed: true });
    expect(f.cohort).toEqual([]);
  });

  it('withholds a rate whose at-target or not-at-target count is under 11', () => {
    const f = populationFigures(clinic([...many(25, SPECS[0]!), ...many(5, SPECS[20]!)]), query('all'));
    const june = f.groups[0]!.bpControl[2]!;
    expect(june.measured).toEqual({ suppressed: false, value: 30 });
    expect(june.atTarget).toEqual({ suppressed: true });
    expect(june.share).toBeNull();
  });
});

describe("control against each patient's own target", () => {
  it('counts a patient at target by their programs\' target, others by the clinic default', () => {
    const specs = many(24, { band: '50–59', sysBefore: 135, sysAfter: 135, dia: 85, everyDays: 1, enrolled: true });
    const c = clinic(specs);
    // Half of them are in a program whose target is below 140/90 (an older-adult target).
    const patients = c.patients.map((p, i) => (i < 12 ? { ...p, bpTarget: { systolic: 140, diastolic: 90 } } : p));
    const f = populationFigures({ ...c, patients }, query('age-band'));
    const june = f.groups.find((g) => g.key === '50–59')!.bpControl[2]!;
    expect(june.measured).toEqual({ suppressed: false, value: 24 });
    expect(june.atTarget).toEqual({ suppressed: false, value: 12 });
  });
});
