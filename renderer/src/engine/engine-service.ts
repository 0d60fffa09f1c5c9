import { RpcError } from '../../../common/contract/rpc';
import type { ContractClient, Handlers } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import type { PayloadOf } from '../../../common/contract/rpc';
import type { CareLoopDb } from '../db/database';
import { openClock } from '../db/journal';
import { SCHEMA_VERSION } from '../db/migrations/index';
import { PatientRepository, countPatients } from '../db/patients';
import { loadWorkstation } from '../db/workstation';
import { asCrmDb } from '../db/crm-tables';
import { computeDashboard } from '../db/dashboard';
import type { EngineApi } from './api';
import { AlertPipeline } from './alerts/pipeline';
import { downloadDevice } from './devices/download';
import { pairDemoDevices } from './demo/pair-devices';
import { LiveStreams } from './devices/live';
import { AlertTransitionError } from './rules/lifecycle';
import { RuleValidationError } from './rules/rule';
import { generateDemoPatients } from './demo/generate-patients';
import { loadDemoDeviceData } from './demo/load-device-data';
import { bookDemoAppointments } from './demo/generate-appointments';
import { ScheduleRepository, ensureScheduleDefaults, loadScheduleResources } from '../db/schedule';
import clinic from '../../../resources/demo/clinic.json';
import { cloudPortFromMain } from './sync/cloud-port';
import { SyncEngine } from './sync/sync-engine';
import { WorkflowRunner } from './workflows/runner';
import { asWorkflowDb } from './workflows/store';
import type { Observation } from '../../../common/readings/observation';

/**
 * The engine's request handlers, separate from the worker bootstrap so tests can run them
 * against any IndexedDB. Later issues add the signal pipeline, rules and sync here.
 */
export function createEngineHandlers(
  db: CareLoopDb,
  main: ContractClient<MainApi>,
  emit: <K extends keyof EngineApi['events'] & string>(name: K, payload: PayloadOf<EngineApi, K>) => void,
): Handlers<EngineApi> {

  const startedAt = new Date().toISOString();
  const engineContext = async () => {
    const ws = await loadWorkstation(db);
    if (!ws) throw new RpcError('not-set-up', 'Set up the clinic first.');
    return { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}e`) };
  };
  const workflows = new WorkflowRunner(asWorkflowDb(db), engineContext, {
    clinicName: async () => (await loadWorkstation(db))?.clinicName ?? '',
    onNotify: (n) => emit('workflow.notified', { patientId: n.patientId, workflowName: n.workflowName, recipients: n.recipients }),
  });
  let workflowsSeeded = false;
  const alerts = new AlertPipeline(db, engineContext, (notice) => {
    emit('alert.opened', notice);
    void workflows.onAlertOpened(notice).catch((err: unknown) => console.error(`[engine] workflow on alert failed: ${err instanceof Error ? err.name : 'error'}`));
  });
  // Every stored reading goes through the rules, then through the workflows that watch readings.
  const judge = async (readings: Observation[]) => {
    await alerts.ingest(readings);
    await workflows.onReadings(readings);
  };
  const live = new LiveStreams(db, main, judge, (sample) => emit('live.heart-rate', sample), (strip) => emit('live.ecg', strip), (signal) => emit('live.signal', signal));
  const sync = new SyncEngine(db, cloudPortFromMain(main), (status) => emit('sync.status', status), {
    // Readings that arrive by sync (other desks, connected devices posting to the cloud) run
    // through the same rules and workflows; rules edited elsewhere take effect at once.
    onApplied: async (written) => {
      if (written.rules) await alerts.reloadRules();
      // Readings from other desks were judged there (their alerts arrive by sync); readings
      // posted to the cloud by connected devices were judged nowhere yet.
      const readings = ((written.observations ?? []) as unknown as Observation[]).filter((o) => o.source?.kind === 'ingest');
      if (readings.length) await judge(readings);
    },
  });
  sync.start();
  return {
    'engine.status': async () => ({
      startedAt,
      schemaVersion: SCHEMA_VERSION,
      patients: await countPatients(db),
      pendingChanges: await db.outbox.count(),
      auditEntries: await db.audit.count(),
      hostReachable: await Promise.race([
        main.call('app.info', {}).then(() => true, () => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
      ]),
    }),
    'device.download': async ({ deviceId, setClockIfSkewed, timeZone }) =>
      downloadDevice(db, main, await engineContext(), deviceId, { setClockIfSkewed, timeZone }, (p) => emit('device.progress', { deviceId, ...p }), judge),
    'alert.act': async ({ alertId, action }) => {
      const ctx = await engineContext();
      try {
        const a = await alerts.act(alertId, ctx.actor, action);
        return { id: a.id, status: a.status };
      } catch (err) {
        if (err instanceof AlertTransitionError) throw new RpcError(err.code, err.message);
        throw err;
      }
    },
    'rules.save': async ({ rule }) => {
      try {
        return await alerts.saveRule(rule);
      } catch (err) {
        if (err instanceof RuleValidationError) throw new RpcError('invalid-rule', err.message);
        throw err;
      }
    },
    'live.start': async ({ deviceId, seconds, speed }) => {
      try {
        const r = await live.start(deviceId, seconds, speed);
        emit('live.ended', { deviceId, samples: r.samples });
        return r;
      } catch (err) {
        emit('live.ended', { deviceId, samples: 0, error: err instanceof Error ? err.message : String(err) });
        throw err;
      }
    },
    'live.running': () => live.runningDevices(),
    'live.stop': ({ deviceId }) => ({ stopped: live.stop(deviceId) }),
    'sync.status': () => sync.status(),
    'sync.connect': ({ serverUrl, enrolmentCode, workstationName }) => sync.connect(serverUrl, enrolmentCode, workstationName),
    'sync.now': () => sync.syncNow(),
    'sync.forget': () => sync.forget(),
    'sync.conflicts': ({ email, password, limit }) => main.call('cloud.conflicts', { email, password, limit }),
    'dashboard.compute': ({ zone, filter, listLimit }) => computeDashboard(asCrmDb(db), { nowMs: Date.now(), zone, listLimit, ...(filter ? { filter } : {}) }),
    'alerts.tick': async () => {
      if (!(await loadWorkstation(db))) return { ok: true as const };
      if (!workflowsSeeded) {
        await workflows.ensureDefaults();
        workflowsSeeded = true;
      }
      await alerts.tick(Date.now());
      await workflows.tick(Date.now());
      return { ok: true as const };
    },
    'demo.load': async ({ count, seed, historyDays, wearables }) => {
      const ws = await loadWorkstation(db);
      if (!ws) throw new RpcError('not-set-up', 'Set up the clinic before loading demo patients.');
      const repo = new PatientRepository(db, {
        actor: ws.staffName,
        workstation: ws.workstationId,
        clinicId: ws.clinicId,
        clock: await openClock(db, `${ws.workstationId}e`),
      });
      const existing = await db.patients.count();
      // Demo MRNs are numbered from the existing count so a second demo load adds new patients.
      const inputs = generateDemoPatients(count + existing, seed).slice(existing);
      const rows = await repo.createMany(inputs, (done, total) => emit('demo.progress', { phase: 'patients', done, total }));
      const ctx = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}e`) };
      await ensureScheduleDefaults(db, ctx, clinic.careTeam.map(([name, role]) => ({ name: name!, role: role!.startsWith('Nurse') || role!.includes('nurse') || role!.includes('coordinator') ? ('nurse' as const) : ('physician' as const) })));
      const appointments = await bookDemoAppointments(new ScheduleRepository(db, ctx), await loadScheduleResources(db), rows, Math.min(2000, Math.round(rows.length * 0.3)), seed ?? 1, Date.now(), (done, total) =>
        emit('demo.progress', { phase: 'appointments', done, total }),
      );
      const demoEnd = Date.now();
      const loaded = await loadDemoDeviceData(
        db,
        rows,
        { historyDays, wearables, seed: seed ?? 1, endMs: demoEnd },
        (phase, done, total) => emit('demo.progress', { phase, done, total }),
        // The demo's last two weeks run through the clinic's rules, so the demo opens with a realistic alert inbox.
        (observations) => alerts.ingest(observations.filter((o) => o.timeMs >= demoEnd - 14 * 86_400_000)),
      );
      await pairDemoDevices(db, ctx, rows);
      return { created: rows.length, appointments, ...loaded };
    },
  };
}
