import clinic from '../../../../resources/demo/clinic.json';
import type { CrmDb } from '../../db/crm-tables';
import type { PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { PatientRepository } from '../../db/patients';
import { ScheduleRepository, ensureScheduleDefaults, loadScheduleResources } from '../../db/schedule';
import { AlertPipeline } from '../alerts/pipeline';
import { enrolDemoPatients } from './enrol-programs';
import { bookDemoAppointments } from './generate-appointments';
import { generateDemoPatients } from './generate-patients';
import { loadDemoReadings, loadDemoWearables } from './load-device-data';
import { pairDemoDevices } from './pair-devices';
import { DEMO_PHASES, type DemoPhase } from './phases';
import { recordDemoConsents } from './record-consents';
import { recordDemoMessages } from './record-messages';
import { nurseFor, recordDemoWorklist } from './record-worklist';
import { workDemoAlerts, type AlertWorker } from './work-alerts';

const DAY = 86_400_000;


export interface DemoClinicOptions {
  count: number;
  seed: number;
  /** Days of history: appointments, messages, enrolments and logged time; device readings too unless `deviceDays` says otherwise. */
  historyDays: number;
  /**
   * Days of home readings (and of the rules run over them) for the monitored patients, ending
   * now; at most `historyDays`. Readings are most of a clinic's rows, so a large demo clinic
   * may keep fewer days of them than of the rest.
   */
  deviceDays?: number;
  /** Monitored patients who also wear a watch recording minute heart rate for the whole history. */
  wearables: number;
  /** The demo's "now": the end of its history (a parameter so a seed gives the same clinic). */
  nowMs: number;
  clinicName: string;
}

export interface DemoClinicResult {
  created: number;
  appointments: number;
  readings: number;
  wearableSamples: number;
  consents: number;
  enrolments: number;
  alerts: number;
  alertsAcknowledged: number;
  alertsResolved: number;
  messages: number;
  messagesWithheld: number;
  timeEntries: number;
  tasks: number;
  devices: number;
  /** Wall-clock milliseconds spent in each phase. */
  phaseMs: Record<DemoPhase, number>;
}

export type DemoProgress = (p: { phase: DemoPhase; done: number; total: number }) => void;

/** The demo was asked for something it cannot make (no patients, negative or over-long history). */
export class DemoOptionsError extends Error {
  override readonly name = 'DemoOptionsError';
}

function checkOptions(o: DemoClinicOptions): void {
  const whole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
  if (!whole(o.count, 1, 10_000)) throw new DemoOptionsError('The demo clinic has 1 to 10,000 patients.');
  if (!whole(o.historyDays, 0, 366)) throw new DemoOptionsError('The demo history is 0 to 366 days.');
  if (o.deviceDays !== undefined && !whole(o.deviceDays, 0, 366)) throw new DemoOptionsError('The demo readings cover 0 to 366 days.');
  if (!whole(o.wearables, 0, 200)) throw new DemoOptionsError('The demo has 0 to 200 wearers.');
  if (!Number.isFinite(o.nowMs)) throw new DemoOptionsError('The demo needs a time to end its history at.');
}

/**
 * The demo clinic: N synthetic patients with a history of `historyDays` — consents,
 * appointments, program enrolments, home readings judged by the clinic's rules week by week
 * (with staff acknowledging and resolving what they raised), wearable heart rate, the
 * remote-monitoring time log and worklist, message threads, and training devices. Everything
 * is written through the app's repositories, so it is audited and queued for sync like
 * staff's own work. Deterministic for a seed and `nowMs` (row ids aside).
 */
export async function loadDemoClinic(db: CrmDb, ctx: WriteContext, o: DemoClinicOptions, progress: DemoProgress = () => undefined): Promise<DemoClinicResult> {
  checkOptions(o);
  const phaseMs = Object.fromEntries(DEMO_PHASES.map((p) => [p, 0])) as Record<DemoPhase, number>;
  const timed = async <T>(phase: DemoPhase, work: (report: (done: number, total: number) => void) => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work((done, total) => progress({ phase, done, total }));
    } finally {
      phaseMs[phase] += performance.now() - t0;
    }
  };
  const endMs = o.nowMs;
  const historyStartMs = (Math.floor(endMs / DAY) - o.historyDays + 1) * DAY;

  const rows = await timed('patients', async (report) => {
    const existing = await db.patients.count();
    // Demo MRNs are numbered from the existing count so a second demo load adds new patients.
    const inputs = generateDemoPatients(o.count + existing, o.seed, new Date(endMs)).slice(existing);
    return new PatientRepository(db, ctx).createMany(inputs, report);
  });
  const consents = await timed('consents', (report) => recordDemoConsents(db, ctx, rows, o.seed, report));
  const appointments = await timed('appointments', async (report) => {
    await ensureScheduleDefaults(db, ctx, clinic.careTeam.map(([name, role]) => ({ name: name!, role: role!.startsWith('Nurse') || role!.includes('nurse') || role!.includes('coordinator') ? ('nurse' as const) : ('physician' as const) })));
    const count = Math.min(6000, Math.round(rows.length * 0.3 * (1 + o.historyDays / 120)));
    return bookDemoAppointments(db, new ScheduleRepository(db, ctx), await loadScheduleResources(db), rows, { count, seed: o.seed, historyDays: o.historyDays, nowMs: endMs }, report);
  });
  const enrolments = await timed('programs', (report) => enrolDemoPatients(db, ctx, rows, { seed: o.seed, historyStartMs }, report));
  // Re-read: enrolment may have changed the rows (tags), and the rules read patients' records.
  const patients = (await db.patients.bulkGet(rows.map((r) => r.id))).filter((p): p is PatientRow => !!p);
  const staff = (await db.staff.toArray()).filter((s) => s.active && !s.deleted);
  const nurseName = (p: PatientRow) => nurseFor(p, staff)?.name ?? ctx.actor;

  // The demo's own rule pipeline: a year of past alerts must not start today's workflows
  // (notifications, tasks, follow-up bookings); the live engine picks the saved rule state up.
  const pipeline = new AlertPipeline(db, async () => ctx, () => undefined, () => endMs);
  const alertsBefore = await db.alerts.count();
  const workers = new Map<string, AlertWorker>(patients.map((p) => [p.id, { mrn: p.mrn, actor: nurseName(p) }]));
  const work = { acknowledged: 0, resolved: 0 };
  const deviceOptions = { historyDays: o.historyDays, wearables: o.wearables, seed: o.seed, endMs };
  const readings = await timed('readings', (report) =>
    loadDemoReadings(db, patients, { ...deviceOptions, historyDays: Math.min(o.historyDays, o.deviceDays ?? o.historyDays) }, report, async (week, ids, untilMs) => {
      await pipeline.ingest([...week]);
      const groupWorkers = new Map([...ids].map((id) => [id, workers.get(id)!]));
      const w = await workDemoAlerts(db, pipeline, groupWorkers, untilMs, { seed: o.seed, inboxFromMs: endMs - 14 * DAY });
      work.acknowledged += w.acknowledged;
      work.resolved += w.resolved;
    }),
  );
  const wearableSamples = await timed('wearables', (report) => loadDemoWearables(db, patients, deviceOptions, report));
  const alerts = (await db.alerts.count()) - alertsBefore;
  const worklist = await timed('worklist', (report) => recordDemoWorklist(db, ctx, patients, { seed: o.seed, historyStartMs, endMs }, report));
  const byPatient = new Map<string, { startMs: number; status: string }[]>();
  for (const a of await db.appointments.where('startMs').between(historyStartMs - DAY, endMs + 30 * DAY).toArray()) {
    if (a.deleted) continue;
    const list = byPatient.get(a.patientId) ?? [];
    list.push({ startMs: a.startMs, status: a.status });
    byPatient.set(a.patientId, list);
  }
  for (const list of byPatient.values()) list.sort((a, b) => a.startMs - b.startMs);
  const messages = await timed('messages', (report) =>
    recordDemoMessages(
      db,
      ctx,
      patients,
      {
        clinicName: o.clinicName,
        seed: o.seed,
        historyStartMs,
        endMs,
        nurseOf: nurseName,
        appointmentsOf: (id) => byPatient.get(id) ?? [],
        callsOf: (id) => worklist.calls.get(id) ?? [],
      },
      report,
    ),
  );
  const paired = await timed('devices', async (report) => {
    const n = await pairDemoDevices(db, ctx, patients);
    report(n, n);
    return n;
  });
  return {
    created: rows.length,
    appointments,
    readings,
    wearableSamples,
    consents,
    enrolments,
    alerts,
    alertsAcknowledged: work.acknowledged,
    alertsResolved: work.resolved,
    messages: messages.messages,
    messagesWithheld: messages.withheld,
    timeEntries: worklist.timeEntries,
    tasks: worklist.tasks,
    devices: paired,
    phaseMs,
  };
}
