import { RpcError } from '../../../common/contract/rpc';
import type { ContractClient, Handlers } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import type { PayloadOf } from '../../../common/contract/rpc';
import type { CareLoopDb } from '../db/database';
import { openClock } from '../db/journal';
import { SCHEMA_VERSION } from '../db/migrations/index';
import { countPatients } from '../db/patients';
import { loadWorkstation } from '../db/workstation';
import { asCrmDb } from '../db/crm-tables';
import { computeDashboard } from '../db/dashboard';
import { computePopulation } from '../db/population';
import { loadDemoClinic } from './demo/load-demo-clinic';
import { evaluateSegment, SegmentError } from '../db/segments';
import type { EngineApi } from './api';
import { AlertPipeline } from './alerts/pipeline';
import { downloadDevice } from './devices/download';
import { LiveStreams } from './devices/live';
import { AlertTransitionError } from './rules/lifecycle';
import { RuleValidationError } from './rules/rule';
import { cloudPortFromMain } from './sync/cloud-port';
import { SyncEngine } from './sync/sync-engine';
import { createSessionHandlers, sessionActor, signedInName } from '../security/session-handlers';
import { guardEngineHandlers } from './method-permissions';
import { WorkflowRunner } from './workflows/runner';
import { asWorkflowDb } from './workflows/store';
import { ChangeTriggerFeed } from './workflows/change-triggers';
import { liveQuery } from 'dexie';
import type { Observation } from '../../../common/readings/observation';
import { discardUnconsentedReadings } from '../db/observations';
import { applyErasuresFromSync } from '../db/patient-rights';
import { blobChunks } from '../db/blob-chunks';
import { importWearableFile } from '../db/wearable-import';
import { ImportError } from '../../../common/imports/errors';
import { parseWearableFile } from '../../../common/imports/parse-file';

/** Days back from now that a wearable file's readings are judged by the rules after an import. */
const JUDGED_IMPORT_DAYS = 7;

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
  // Appointments and enrolments written on the UI thread reach the workflows through the audit
  // chain (a durable cursor), at start-up for what was written while the engine was down, then
  // on every audit write in any context.
  const triggers = new ChangeTriggerFeed(asWorkflowDb(db), workflows);
  const followChanges = () => void triggers.drain().catch((err: unknown) => console.error(`[engine] workflow triggers failed: ${err instanceof Error ? err.name : 'error'}`));
  liveQuery(() => db.audit.orderBy('seq').lastKey()).subscribe({ next: followChanges, error: () => undefined });
  const alerts = new AlertPipeline(db, engineContext, (notice) => {
    emit('alert.opened', notice);
    void workflows.onAlertOpened(notice).catch((err: unknown) => console.error(`[engine] workflow on alert failed: ${err instanceof Error ? err.name : 'error'}`));
  });
  // Every stored reading goes through the rules, then through the workflows that watch readings.
  const judge = async (readings: Observation[]) => {
    await alerts.ingest(readings);
    await workflows.onReadings(readings);
  };
  // A wearable file's readings: the recent days through the rules and baselines (a failure is logged, the import stands).
  const judgeImport = (patientId: string, importId: string) =>
    alerts.judgeImported(patientId, importId, Date.now() - JUDGED_IMPORT_DAYS * 86_400_000).then(
      () => undefined,
      (err: unknown) => console.error(`[engine] judging an import failed: ${err instanceof Error ? err.name : 'error'}`),
    );
  const live = new LiveStreams(db, main, judge, (sample) => emit('live.heart-rate', sample), (strip) => emit('live.ecg', strip), (signal) => emit('live.signal', signal));
  const sync = new SyncEngine(db, cloudPortFromMain(main), (status) => emit('sync.status', status), {
    // Readings that arrive by sync (other desks, connected devices posting to the cloud) run
    // through the same rules and workflows; rules edited elsewhere take effect at once.
    onApplied: async (written) => {
      // An erasure made elsewhere purges the patient here too (issue 9).
      await applyErasuresFromSync(db, await engineContext(), written);
      if (written.rules) await alerts.reloadRules();
      // Readings from other desks were judged there (their alerts arrive by sync); readings
      // posted to the cloud by connected devices were judged nowhere yet — and are not kept for
      // a patient who withdrew monitoring consent.
      const readings = ((written.observations ?? []) as unknown as Observation[]).filter((o) => o.source?.kind === 'ingest');
      const kept = readings.length ? (await discardUnconsentedReadings(db, await engineContext(), readings)).kept : [];
      if (kept.length) await judge(kept);
    },
  });
  sync.start();
  // Wearable-file imports running now, by import id, so staff can cancel one.
  const imports = new Map<string, AbortController>();
  // Every method a person calls is checked against the signed-in session (method-permissions.ts).
  return guardEngineHandlers({
    ...createSessionHandlers(db),
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
        const a = await alerts.act(alertId, signedInName(db) ?? ctx.actor, action);
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
    'population.compute': ({ metric, groupBy, sections }) => computePopulation(asCrmDb(db), { nowMs: Date.now(), metric, groupBy, sections }),
    'import.file': async ({ importId, patientId, file, fileName, format, csvMapping, utcOffsetMinutes }) => {
      if (imports.has(importId)) throw new RpcError('import-running', 'An import with this id is already running.');
      const ctx = await engineContext();
      const controller = new AbortController();
      imports.set(importId, controller);
      try {
        const batches = parseWearableFile(format, blobChunks(file), { signal: controller.signal, fileName, ...(csvMapping ? { csvMapping } : {}), ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}) });
        const result = await importWearableFile(db, ctx, { importId, patientId, fileName, format }, batches, {
          signal: controller.signal,
          onProgress: (p) => emit('import.progress', { importId, totalBytes: file.size, ...p }),
        });
        // What was stored is judged like any reading, over the last week only (JUDGED_IMPORT_DAYS).
        if (result.added > 0) await judgeImport(patientId, importId);
        return result;
      } catch (err) {
        if (err instanceof ImportError) throw new RpcError(err.code, err.message);
        throw err;
      } finally {
        imports.delete(importId);
      }
    },
    'import.cancel': ({ importId }) => {
      const running = imports.get(importId);
      running?.abort();
      return { cancelled: running !== undefined };
    },
    'segments.evaluate': async ({ filter, zone, limit, includeArchived }) => {
      try {
        return await evaluateSegment(asCrmDb(db), filter, { nowMs: Date.now(), zone, limit, includeArchived });
      } catch (err) {
        if (err instanceof SegmentError) throw new RpcError('invalid-segment', err.message);
        throw err;
      }
    },
    'alerts.tick': async () => {
      if (!(await loadWorkstation(db))) return { ok: true as const };
      if (!workflowsSeeded) {
        await workflows.ensureDefaults();
        workflowsSeeded = true;
      }
      await alerts.tick(Date.now());
      await workflows.tick(Date.now());
      followChanges();
      return { ok: true as const };
    },
    'demo.load': async ({ count, seed, historyDays, deviceDays, wearables }) => {
      const ws = await loadWorkstation(db);
      if (!ws) throw new RpcError('not-set-up', 'Set up the clinic before loading demo patients.');
      const ctx = { actor: ws.staffName, workstation: ws.workstationId, clinicId: ws.clinicId, clock: await openClock(db, `${ws.workstationId}e`) };
      const { phaseMs: _phaseMs, ...loaded } = await loadDemoClinic(asCrmDb(db), ctx, { count, seed: seed ?? 1, historyDays, ...(deviceDays !== undefined ? { deviceDays } : {}), wearables, nowMs: Date.now(), clinicName: ws.clinicName }, (p) => emit('demo.progress', p));
      return loaded;
    },
  }, () => sessionActor(db));
}
