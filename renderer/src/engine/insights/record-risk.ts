/**
 * From the patient record and stored readings to the inputs of the risk calculators (ASCVD Pooled
 * Cohort Equations, AHA PREVENT, CHA2DS2-VASc), naming every input that is missing and every one
 * outside the range an equation was derived on. Nothing is guessed: without an input there is no
 * number, and the Pooled Cohort Equations' race group, which the record does not hold, is asked for
 * each calculation and never stored.
 *
 * Where each input comes from:
 * - age from the birth date on the day of calculation (clinic time zone), sex from the record;
 * - total and HDL cholesterol and eGFR: the latest laboratory result, with its date;
 * - systolic pressure: the home average of the latest week of home readings (home-bp.ts: day 1 of
 *   the week dropped, days 2–7 averaged), else the latest clinic (manually entered) reading, else
 *   the latest reading of any source, said so;
 * - BMI: the latest BMI reading or the latest weight with the latest height, whichever is newer;
 * - blood-pressure treatment and statin from the medication list (ANTIHYPERTENSIVE, STATINS);
 * - diabetes, hypertension, heart failure, stroke/TIA and vascular disease from the conditions
 *   (CONDITION_MATCHERS: SNOMED CT codes, ICD-10 code prefixes and display text);
 * - smoking from the record's smoking status (current = smoker; never and former = not).
 */
import { ageOn, SMOKING_STATUSES, type SmokingStatus } from '../../../../common/patient/patient';
import type { Metric, ObservationSource, QualityFlag } from '../../../../common/readings/observation';
import { ASCVD_RANGES, computeAscvd, parseAscvdInput, type AscvdRace, type AscvdResult } from './ascvd';
import { scoreCha2ds2Vasc, type Cha2ds2VascResult } from './cha2ds2vasc';
import { homeBpReport, HomeBpInputError, type HomeBpReading } from './home-bp';
import { daysBetween, localTime } from './local-time';
import { computePrevent, parsePreventInput, PREVENT_RANGES, type PreventResult } from './prevent';
import type { NumberRange } from './risk-input';

export { SMOKING_STATUSES, type SmokingStatus };

export interface RecordCondition {
  display: string;
  /** SNOMED CT (digits) or ICD-10 (letter first) code, where known. */
  code?: string | undefined;
}

/** The parts of the patient record the risk scores read. */
export interface RiskRecord {
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'female' | 'male' | 'other' | 'unknown';
  conditions: readonly RecordCondition[];
  medications: readonly { name: string; dose?: string | undefined }[];
  smokingStatus?: SmokingStatus | undefined;
}

/** A stored reading as the risk scores read it (an Observation fits). */
export interface RecordReading {
  metric: Metric;
  value: number;
  unit: string;
  timeMs: number;
  source: Pick<ObservationSource, 'kind'>;
  groupId?: string | undefined;
  flags?: readonly QualityFlag[] | undefined;
}

export interface RecordRiskOptions {
  nowMs: number;
  /** IANA zone of the clinic: the age and the home-BP days are its calendar days. */
  timeZone: string;
  /** Race group for the Pooled Cohort Equations, given for this calculation only. */
  race?: AscvdRace | undefined;
}

/** The metrics the risk scores read: the caller loads the latest of each, and recent blood pressure. */
export const RISK_LAB_METRICS = ['total-cholesterol', 'hdl-cholesterol', 'egfr'] as const satisfies readonly Metric[];
export const RISK_BODY_METRICS = ['body-weight', 'body-height', 'bmi'] as const satisfies readonly Metric[];
export const RISK_BP_METRICS = ['blood-pressure-systolic', 'blood-pressure-diastolic'] as const satisfies readonly Metric[];
/** Blood-pressure readings older than this are not read for the systolic input. */
export const BP_LOOKBACK_DAYS = 30;

export type RiskInputKey =
  | 'age' | 'sex' | 'race' | 'totalCholesterol' | 'hdl' | 'systolic' | 'bmi' | 'egfr'
  | 'onBpTreatment' | 'onStatin' | 'smoker' | 'diabetes'
  | 'hypertension' | 'heartFailure' | 'strokeTia' | 'vascularDisease';

export const INPUT_LABELS: Readonly<Record<RiskInputKey, string>> = {
  age: 'age',
  sex: 'sex (female or male)',
  race: 'race group',
  totalCholesterol: 'total cholesterol',
  hdl: 'HDL cholesterol',
  systolic: 'systolic blood pressure',
  bmi: 'BMI',
  egfr: 'eGFR',
  onBpTreatment: 'blood-pressure treatment',
  onStatin: 'statin',
  smoker: 'smoking status',
  diabetes: 'diabetes',
  hypertension: 'hypertension',
  heartFailure: 'heart failure',
  strokeTia: 'stroke, TIA or thromboembolism',
  vascularDisease: 'vascular disease',
};

/** One input as found in the record: its value, how it is shown, and where it came from. */
export interface RecordFact<T> {
  value: T;
  /** e.g. "212 mg/dL", "yes", "54 years". */
  display: string;
  /** e.g. "laboratory result of 2026-03-02", "medications: Lisinopril". */
  source: string;
  /** When it was measured, for readings. */
  timeMs?: number;
  /** Whole days from the reading to now, for readings. */
  ageDays?: number;
}

export interface RecordFacts {
  age?: RecordFact<number>;
  sex?: RecordFact<'female' | 'male'>;
  race?: RecordFact<AscvdRace>;
  totalCholesterol?: RecordFact<number>;
  hdl?: RecordFact<number>;
  systolic?: RecordFact<number>;
  bmi?: RecordFact<number>;
  egfr?: RecordFact<number>;
  onBpTreatment: RecordFact<boolean>;
  onStatin: RecordFact<boolean>;
  smoker?: RecordFact<boolean>;
  diabetes: RecordFact<boolean>;
  hypertension: RecordFact<boolean>;
  heartFailure: RecordFact<boolean>;
  strokeTia: RecordFact<boolean>;
  vascularDisease: RecordFact<boolean>;
  atrialFibrillation: RecordFact<boolean>;
  /** Why an input that exists in the record could not be used (a unit not understood). */
  unusable: Partial<Record<RiskInputKey, string>>;
}

export interface ShownInput {
  key: RiskInputKey;
  label: string;
  fact?: RecordFact<unknown>;
  /** Missing from the record (or unusable: see `note`). */
  missing: boolean;
  note?: string;
}

/** One calculator on the record: its inputs, and a result only when every input is there and in range. */
export interface CalculatorOutcome<R> {
  inputs: ShownInput[];
  /** Labels of the missing inputs, e.g. ["HDL cholesterol", "smoking status"]. */
  missing: string[];
  /** One sentence per input outside the equation's range. */
  outOfRange: string[];
  result?: R;
}

export interface RecordRiskScores {
  facts: RecordFacts;
  ascvd: CalculatorOutcome<AscvdResult>;
  prevent: CalculatorOutcome<PreventResult>;
  /** Only for patients with atrial fibrillation (or flutter) in their conditions. */
  cha2ds2vasc?: CalculatorOutcome<Cha2ds2VascResult>;
}

// ---- medications ---------------------------------------------------------------------------

/**
 * Blood-pressure-lowering drugs by class, matched on the medication name (generic names; a brand
 * name that is not listed is not recognised, which the card shows as "no matching medication"):
 * ACE inhibitors (-pril), angiotensin receptor blockers (-sartan), beta blockers (-olol, -alol,
 * -ilol), dihydropyridine calcium-channel blockers (-dipine), and the named others.
 */
export const ANTIHYPERTENSIVE: readonly { drugClass: string; pattern: RegExp }[] = [
  { drugClass: 'ACE inhibitor', pattern: /\b[a-z]+pril\b/ },
  { drugClass: 'angiotensin receptor blocker', pattern: /\b[a-z]+sartan\b/ },
  { drugClass: 'beta blocker', pattern: /\b[a-z]+(olol|alol|ilol)\b/ },
  { drugClass: 'calcium-channel blocker', pattern: /\b([a-z]+dipine|verapamil|diltiazem)\b/ },
  { drugClass: 'thiazide diuretic', pattern: /\b(hydrochlorothiazide|hctz|chlorthalidone|chlortalidone|indapamide|chlorothiazide|metolazone|bendroflumethiazide)\b/ },
  { drugClass: 'loop diuretic', pattern: /\b(furosemide|frusemide|bumetanide|torsemide|torasemide)\b/ },
  { drugClass: 'potassium-sparing diuretic', pattern: /\b(spironolactone|eplerenone|amiloride|triamterene)\b/ },
  { drugClass: 'alpha blocker', pattern: /\b(doxazosin|prazosin|terazosin)\b/ },
  { drugClass: 'central alpha agonist', pattern: /\b(clonidine|methyldopa|moxonidine)\b/ },
  { drugClass: 'vasodilator', pattern: /\b(hydralazine|minoxidil)\b/ },
  { drugClass: 'renin inhibitor', pattern: /\baliskiren\b/ },
];

/** Statins by generic name (a suffix match would take nystatin, an antifungal). */
export const STATINS: readonly string[] = ['atorvastatin', 'rosuvastatin', 'simvastatin', 'pravastatin', 'lovastatin', 'fluvastatin', 'pitavastatin'];

const medName = (m: { name: string }) => m.name.trim().toLowerCase();

function antihypertensiveClass(name: string): string | undefined {
  return ANTIHYPERTENSIVE.find((c) => c.pattern.test(name))?.drugClass;
}

function medicationFact(medications: RiskRecord['medications'], match: (name: string) => string | undefined, what: string): RecordFact<boolean> {
  const hits = medications.map((m) => ({ m, why: match(medName(m)) })).filter((x) => x.why !== undefined);
  if (!hits.length) return { value: false, display: 'no', source: medications.length ? `no ${what} on the medication list` : 'no medications recorded' };
  return { value: true, display: 'yes', source: `medications: ${hits.map((h) => `${h.m.name} (${h.why})`).join(', ')}` };
}

// ---- conditions ----------------------------------------------------------------------------

interface ConditionMatcher {
  /** SNOMED CT concept ids, matched exactly. */
  snomed: readonly string[];
  /** ICD-10 code prefixes. */
  icd10: readonly string[];
  /** Display text patterns, tested on lower-cased text. */
  display: readonly RegExp[];
  /** Display text that looks similar but is not the condition (prediabetes is not diabetes). */
  not?: readonly RegExp[];
}

type ConditionKey = 'diabetes' | 'hypertension' | 'heartFailure' | 'strokeTia' | 'vascularDisease' | 'atrialFibrillation';

/**
 * Which recorded conditions count. Haemorrhagic stroke and venous thromboembolism are not counted
 * as stroke/thromboembolism (CHA2DS2-VASc counts ischaemic stroke, TIA and arterial embolism).
 */
export const CONDITION_MATCHERS: Readonly<Record<ConditionKey, ConditionMatcher>> = {
  diabetes: {
    snomed: ['73211009', '44054006', '46635009'],
    icd10: ['E08', 'E09', 'E10', 'E11', 'E13', 'E14'],
    display: [/diabetes/, /\bt[12]dm?\b/],
    not: [/prediabetes/, /pre-diabetes/, /insipidus/, /gestational/],
  },
  hypertension: {
    snomed: ['38341003', '59621000', '1201005'],
    icd10: ['I10', 'I11', 'I12', 'I13', 'I15', 'I16'],
    display: [/hypertension/, /\bhtn\b/],
    not: [/pulmonary hypertension/, /intracranial hypertension/, /ocular hypertension/],
  },
  heartFailure: {
    snomed: ['84114007', '42343007', '85232009', '88805009'],
    icd10: ['I50', 'I11.0', 'I13.0', 'I13.2', 'I42'],
    display: [/heart failure/, /cardiac failure/, /cardiomyopathy/, /(left )?ventricular (systolic )?dysfunction/],
  },
  strokeTia: {
    snomed: ['230690007', '422504002', '432504007', '266257000'],
    icd10: ['I63', 'I64', 'I69.3', 'G45', 'I74', 'Z86.73'],
    display: [/\bstroke\b/, /cerebral infarct/, /transient isch/, /\btia\b/, /arterial (thrombo)?embolism/, /systemic embolism/],
    not: [/ha?emorrhagic stroke/, /heat stroke/],
  },
  vascularDisease: {
    snomed: ['22298006', '1755008', '399957001', '400047006'],
    icd10: ['I21', 'I22', 'I25.2', 'I70', 'I73.9'],
    display: [/myocardial infarction/, /\bmi\b/, /peripheral arter/, /\bpad\b/, /aortic plaque/, /peripheral vascular disease/],
  },
  atrialFibrillation: {
    snomed: ['49436004', '5370000', '282825002', '440028005'],
    icd10: ['I48'],
    display: [/atrial fibrillation/, /atrial flutter/, /\baf\b/, /\bafib\b/],
  },
};

function conditionMatches(c: RecordCondition, m: ConditionMatcher): boolean {
  const code = c.code?.trim().toUpperCase() ?? '';
  if (code) {
    if (/^\d+$/.test(code) ? m.snomed.includes(code) : m.icd10.some((p) => code.startsWith(p))) return true;
  }
  const text = c.display.trim().toLowerCase();
  if (m.not?.some((re) => re.test(text))) return false;
  return m.display.some((re) => re.test(text));
}

function conditionFact(conditions: readonly RecordCondition[], key: ConditionKey): RecordFact<boolean> {
  const hits = conditions.filter((c) => conditionMatches(c, CONDITION_MATCHERS[key]));
  if (!hits.length) return { value: false, display: 'no', source: conditions.length ? 'not among the recorded conditions' : 'no conditions recorded' };
  return { value: true, display: 'yes', source: `conditions: ${hits.map((c) => (c.code ? `${c.display} (${c.code})` : c.display)).join(', ')}` };
}

// ---- readings ------------------------------------------------------------------------------

/** Readings with these flags are not a measurement to calculate from. */
const UNUSABLE_FLAGS: ReadonlySet<QualityFlag> = new Set(['invalid', 'device-error', 'sensor-malfunction', 'value-out-of-range', 'testing-data', 'control-solution', 'not-a-number', 'measurement-unavailable']);

const usable = (r: RecordReading) => Number.isFinite(r.value) && Number.isFinite(r.timeMs) && !(r.flags ?? []).some((f) => UNUSABLE_FLAGS.has(f));

function latest(readings: readonly RecordReading[], metric: Metric): RecordReading | undefined {
  let best: RecordReading | undefined;
  for (const r of readings) if (r.metric === metric && usable(r) && (!best || r.timeMs > best.timeMs)) best = r;
  return best;
}

/** mg/dL per mmol/L of cholesterol (molar mass 386.65 g/mol). */
export const CHOLESTEROL_MG_DL_PER_MMOL_L = 38.67;

const normalisedUnit = (u: string) => u.trim().replace(/\s+/g, '').toLowerCase();

function cholesterolMgDl(r: RecordReading): number | undefined {
  const u = normalisedUnit(r.unit);
  if (u === 'mg/dl') return r.value;
  if (u === 'mmol/l') return r.value * CHOLESTEROL_MG_DL_PER_MMOL_L;
  return undefined;
}

function egfrValue(r: RecordReading): number | undefined {
  return normalisedUnit(r.unit).startsWith('ml/min') ? r.value : undefined;
}

function kilograms(r: RecordReading): number | undefined {
  const u = normalisedUnit(r.unit);
  if (u === 'kg') return r.value;
  if (u === 'g') return r.value / 1000;
  if (u === '[lb_av]' || u === 'lb') return r.value * 0.45359237;
  return undefined;
}

function metres(r: RecordReading): number | undefined {
  const u = normalisedUnit(r.unit);
  if (u === 'm') return r.value;
  if (u === 'cm') return r.value / 100;
  if (u === '[in_i]' || u === 'in') return r.value * 0.0254;
  return undefined;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const DAY_MS = 86_400_000;

interface Clock {
  nowMs: number;
  timeZone: string;
  today: string;
}

function readingSource(what: string, r: RecordReading, clock: Clock): Pick<RecordFact<number>, 'source' | 'timeMs' | 'ageDays'> {
  const date = localTime(r.timeMs, clock.timeZone).date;
  const ageDays = Math.max(0, daysBetween(date, clock.today));
  return { source: `${what} of ${date}`, timeMs: r.timeMs, ageDays };
}

function labFact(
  readings: readonly RecordReading[],
  metric: Metric,
  key: RiskInputKey,
  convert: (r: RecordReading) => number | undefined,
  unit: string,
  clock: Clock,
  unusable: RecordFacts['unusable'],
): RecordFact<number> | undefined {
  const r = latest(readings, metric);
  if (!r) return undefined;
  const value = convert(r);
  if (value === undefined) {
    unusable[key] = `the latest ${INPUT_LABELS[key]} is in ${r.unit}, a unit not understood here`;
    return undefined;
  }
  const v = round1(value);
  return { value: v, display: `${v} ${unit}`, ...readingSource('laboratory result', r, clock) };
}

function bmiFact(readings: readonly RecordReading[], clock: Clock): RecordFact<number> | undefined {
  const bmi = latest(readings, 'bmi');
  const weight = latest(readings, 'body-weight');
  const height = latest(readings, 'body-height');
  const kg = weight && kilograms(weight);
  const m = height && metres(height);
  const computed = weight && kg !== undefined && m !== undefined && m > 0 ? round1(kg / (m * m)) : undefined;
  if (computed !== undefined && weight && height && (!bmi || weight.timeMs > bmi.timeMs)) {
    const src = readingSource('weight', weight, clock);
    return { value: computed, display: `${computed} kg/m²`, ...src, source: `${src.source} with height of ${localTime(height.timeMs, clock.timeZone).date}` };
  }
  if (!bmi) return undefined;
  const v = round1(bmi.value);
  return { value: v, display: `${v} kg/m²`, ...readingSource('BMI reading', bmi, clock) };
}

interface BpPair extends HomeBpReading {
  source: RecordReading['source'];
}

/** Systolic and diastolic readings taken together: the same group, else the same instant. */
function bpPairs(readings: readonly RecordReading[]): BpPair[] {
  const key = (r: RecordReading) => r.groupId ?? `t${r.timeMs}`;
  const dia = new Map<string, RecordReading>();
  for (const r of readings) if (r.metric === 'blood-pressure-diastolic' && usable(r)) dia.set(key(r), r);
  const out: BpPair[] = [];
  for (const s of readings) {
    if (s.metric !== 'blood-pressure-systolic' || !usable(s)) continue;
    const d = dia.get(key(s));
    if (d && d.value < s.value) out.push({ time: s.timeMs, systolic: s.value, diastolic: d.value, source: s.source });
  }
  return out.sort((a, b) => a.time - b.time);
}

const isClinic = (r: { source: RecordReading['source'] }) => r.source.kind === 'manual';

function systolicFact(readings: readonly RecordReading[], clock: Clock): RecordFact<number> | undefined {
  const fromMs = clock.nowMs - BP_LOOKBACK_DAYS * DAY_MS;
  const recent = readings.filter((r) => r.timeMs >= fromMs && r.timeMs <= clock.nowMs);
  const home = bpPairs(recent).filter((p) => !isClinic(p));
  if (home.length) {
    // the latest week of home readings: day 1 of it is dropped, days 2–7 averaged
    const lastDate = localTime(home[home.length - 1]!.time, clock.timeZone).date;
    const week = home.filter((p) => daysBetween(localTime(p.time, clock.timeZone).date, lastDate) <= 6);
    const firstDay = localTime(week[0]!.time, clock.timeZone).date;
    try {
      const report = homeBpReport(week, { timeZone: clock.timeZone, firstDay });
      const last = week[week.length - 1]!;
      return {
        value: report.overall.systolic,
        display: `${report.overall.systolic} mmHg`,
        source: `home average of ${report.overall.readings} readings, ${firstDay} to ${lastDate} (first day left out)`,
        timeMs: last.time,
        ageDays: Math.max(0, daysBetween(lastDate, clock.today)),
      };
    } catch (err) {
      // one day of readings has no days 2–7 to average; fall through to a single reading
      if (!(err instanceof HomeBpInputError)) throw err;
    }
  }
  const systolic = recent.filter((r) => r.metric === 'blood-pressure-systolic' && usable(r)).sort((a, b) => a.timeMs - b.timeMs);
  const clinic = systolic.filter(isClinic);
  const pick = clinic[clinic.length - 1] ?? systolic[systolic.length - 1];
  if (!pick) return undefined;
  const v = Math.round(pick.value);
  return { value: v, display: `${v} mmHg`, ...readingSource(isClinic(pick) ? 'clinic reading' : 'latest home reading (no week of home readings to average)', pick, clock) };
}

// ---- facts ---------------------------------------------------------------------------------

/** Every input the calculators could read, found in the record and readings. */
export function recordFacts(record: RiskRecord, readings: readonly RecordReading[], options: RecordRiskOptions): RecordFacts {
  const clock: Clock = { nowMs: options.nowMs, timeZone: options.timeZone, today: localTime(options.nowMs, options.timeZone).date };
  const unusable: RecordFacts['unusable'] = {};
  const age = ageOn(record.birthDate, clock.today);
  const facts: RecordFacts = {
    age: { value: age, display: `${age} years`, source: `birth date ${record.birthDate}` },
    onBpTreatment: medicationFact(record.medications, antihypertensiveClass, 'blood-pressure medication'),
    onStatin: medicationFact(record.medications, (n) => STATINS.find((s) => n.includes(s)) && 'statin', 'statin'),
    diabetes: conditionFact(record.conditions, 'diabetes'),
    hypertension: conditionFact(record.conditions, 'hypertension'),
    heartFailure: conditionFact(record.conditions, 'heartFailure'),
    strokeTia: conditionFact(record.conditions, 'strokeTia'),
    vascularDisease: conditionFact(record.conditions, 'vascularDisease'),
    atrialFibrillation: conditionFact(record.conditions, 'atrialFibrillation'),
    unusable,
  };
  if (record.sex === 'female' || record.sex === 'male') facts.sex = { value: record.sex, display: record.sex, source: 'patient record' };
  if (options.race) facts.race = { value: options.race, display: options.race, source: 'given for this calculation (not stored)' };
  if (record.smokingStatus) facts.smoker = { value: record.smokingStatus === 'current', display: `${record.smokingStatus === 'current' ? 'yes' : 'no'} (${record.smokingStatus} smoker)`, source: 'smoking status in the record' };
  const tc = labFact(readings, 'total-cholesterol', 'totalCholesterol', cholesterolMgDl, 'mg/dL', clock, unusable);
  if (tc) facts.totalCholesterol = tc;
  const hdl = labFact(readings, 'hdl-cholesterol', 'hdl', cholesterolMgDl, 'mg/dL', clock, unusable);
  if (hdl) facts.hdl = hdl;
  const egfr = labFact(readings, 'egfr', 'egfr', egfrValue, 'mL/min/1.73 m²', clock, unusable);
  if (egfr) facts.egfr = egfr;
  const systolic = systolicFact(readings, clock);
  if (systolic) facts.systolic = systolic;
  const bmi = bmiFact(readings, clock);
  if (bmi) facts.bmi = bmi;
  return facts;
}

// ---- calculators ---------------------------------------------------------------------------

type FactKey = Exclude<keyof RecordFacts, 'unusable' | 'atrialFibrillation'>;

function outcomeInputs(facts: RecordFacts, keys: readonly FactKey[]): Pick<CalculatorOutcome<never>, 'inputs' | 'missing'> {
  const inputs: ShownInput[] = keys.map((key) => {
    const fact = facts[key] as RecordFact<unknown> | undefined;
    const note = facts.unusable[key];
    return { key, label: INPUT_LABELS[key], ...(fact ? { fact } : {}), missing: !fact, ...(note ? { note } : {}) };
  });
  return { inputs, missing: inputs.filter((i) => i.missing).map((i) => i.label) };
}

function rangeProblems(facts: RecordFacts, ranges: Readonly<Partial<Record<FactKey, NumberRange>>>, equation: string): string[] {
  const out: string[] = [];
  for (const [key, range] of Object.entries(ranges) as [FactKey, NumberRange][]) {
    const v = facts[key]?.value;
    if (typeof v === 'number' && (v < range.min || v > range.max)) {
      out.push(`${INPUT_LABELS[key]} ${v} ${range.unit} is outside ${range.min}–${range.max} ${range.unit}, the range of the ${equation}`);
    }
  }
  return out;
}

const ASCVD_KEYS = ['age', 'sex', 'race', 'totalCholesterol', 'hdl', 'systolic', 'onBpTreatment', 'smoker', 'diabetes'] as const satisfies readonly FactKey[];
const PREVENT_KEYS = ['age', 'sex', 'totalCholesterol', 'hdl', 'systolic', 'bmi', 'egfr', 'onBpTreatment', 'onStatin', 'smoker', 'diabetes'] as const satisfies readonly FactKey[];
const CHA2DS2VASC_KEYS = ['age', 'sex', 'heartFailure', 'hypertension', 'diabetes', 'strokeTia', 'vascularDisease'] as const satisfies readonly FactKey[];

/** The values of the given facts, as a calculator's input object (only called when none is missing). */
function valuesOf<K extends FactKey>(facts: RecordFacts, keys: readonly K[]): Record<K, unknown> {
  return Object.fromEntries(keys.map((k) => [k, facts[k]?.value])) as Record<K, unknown>;
}

export function ascvdFromFacts(facts: RecordFacts): CalculatorOutcome<AscvdResult> {
  const base = outcomeInputs(facts, ASCVD_KEYS);
  if (base.missing.length) return { ...base, outOfRange: [] };
  const outOfRange = rangeProblems(facts, ASCVD_RANGES, 'Pooled Cohort Equations');
  if (outOfRange.length) return { ...base, outOfRange };
  return { ...base, outOfRange, result: computeAscvd(parseAscvdInput(valuesOf(facts, ASCVD_KEYS))) };
}

export function preventFromFacts(facts: RecordFacts): CalculatorOutcome<PreventResult> {
  const base = outcomeInputs(facts, PREVENT_KEYS);
  if (base.missing.length) return { ...base, outOfRange: [] };
  const outOfRange = rangeProblems(facts, PREVENT_RANGES, 'PREVENT equations');
  if (outOfRange.length) return { ...base, outOfRange };
  return { ...base, outOfRange, result: computePrevent(parsePreventInput(valuesOf(facts, PREVENT_KEYS))) };
}

export function cha2ds2VascFromFacts(facts: RecordFacts): CalculatorOutcome<Cha2ds2VascResult> {
  const base = outcomeInputs(facts, CHA2DS2VASC_KEYS);
  if (base.missing.length || !facts.sex || !facts.age) return { ...base, outOfRange: [] };
  const result = scoreCha2ds2Vasc({
    age: facts.age.value,
    sex: facts.sex.value,
    congestiveHeartFailure: facts.heartFailure.value,
    hypertension: facts.hypertension.value,
    diabetes: facts.diabetes.value,
    strokeTiaOrThromboembolism: facts.strokeTia.value,
    vascularDisease: facts.vascularDisease.value,
  });
  return { ...base, outOfRange: [], result };
}

/** Every risk score the record allows, with what each one is missing. */
export function recordRiskScores(record: RiskRecord, readings: readonly RecordReading[], options: RecordRiskOptions): RecordRiskScores {
  const facts = recordFacts(record, readings, options);
  const out: RecordRiskScores = { facts, ascvd: ascvdFromFacts(facts), prevent: preventFromFacts(facts) };
  if (facts.atrialFibrillation.value) out.cha2ds2vasc = cha2ds2VascFromFacts(facts);
  return out;
}
