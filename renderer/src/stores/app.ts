import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { AppInfo } from '../../../common/contract/main-api';
import { connectMain, type MainClient } from '../bridge/main-bridge';
import { CareLoopDb } from '../db/database';
import { openClock, type WriteContext } from '../db/journal';
import { asCrmDb } from '../db/crm-tables';
import { ensureDefaultTemplates } from '../db/messages';
import { ensureDefaultPrograms } from '../db/programs';
import { ensureDefaultWorkflows } from '../engine/workflows/runner';
import { asWorkflowDb } from '../engine/workflows/store';
import { ensureScheduleDefaults } from '../db/schedule';
import { loadWorkstation, saveWorkstation, type Workstation } from '../db/workstation';
import { startEngine, type EngineClient } from '../engine/client';

export type BootState = 'booting' | 'first-run' | 'ready' | 'failed';

/** App-wide state: the database, the engine, the main-process bridge and this workstation. */
export const useAppStore = defineStore('app', () => {
  const state = ref<BootState>('booting');
  const failure = ref<string>();
  const hostConnected = ref(false);
  const info = ref<AppInfo>();
  const workstation = ref<Workstation>();
  const db = shallowRef<CareLoopDb>();
  const engine = shallowRef<EngineClient>();
  const main = shallowRef<MainClient>();
  const writeContext = shallowRef<WriteContext>();
  const online = ref(navigator.onLine);
  let engineReady: Promise<EngineClient> | undefined;
  /** The engine worker, once it has opened the database. */
  const whenEngine = (): Promise<EngineClient> => engineReady ?? Promise.reject(new Error('CareLoop has not started'));
  window.addEventListener('online', () => (online.value = true));
  window.addEventListener('offline', () => (online.value = false));

  async function useWorkstation(ws: Workstation) {
    workstation.value = ws;
    writeContext.value = markRaw({
      actor: ws.staffName,
      workstation: ws.workstationId,
      clinicId: ws.clinicId,
      clock: await openClock(db.value!, `${ws.workstationId}u`),
    });
    // Templates arrived with schema v4; a workstation set up before then gets them here.
    await ensureDefaultTemplates(db.value!, writeContext.value);
    await ensureDefaultPrograms(asCrmDb(db.value!), writeContext.value);
    await ensureDefaultWorkflows(asWorkflowDb(db.value!), writeContext.value);
  }

  async function boot() {
    try {
      main.value = markRaw(connectMain((c) => (hostConnected.value = c)));
      const database = new CareLoopDb();
      await database.open();
      db.value = markRaw(database);
      // The engine starts alongside the UI; screens that need it wait for `whenEngine()`.
      engineReady = startEngine().then((eng) => {
        // A high-priority alert reaches staff even when CareLoop is in the background. The
        // notification names the rule, not the patient: a shared screen may be in view.
        eng.on('alert.opened', (n) => {
          if (n.priority === 'high') void notify(`High-priority alert: ${n.ruleName}`, 'Open CareLoop → Alerts to see the patient and act.', 'critical');
        });
        eng.on('workflow.notified', (n) => void notify(`Care team notified: ${n.workflowName}`, 'Open CareLoop to see the patient and act.'));
        return (engine.value = markRaw(eng));
      });
      engineReady.catch((err: unknown) => {
        failure.value = `The engine could not start: ${err instanceof Error ? err.message : String(err)}`;
        state.value = 'failed';
      });
      const ws = await loadWorkstation(database);
      void main.value.call('app.info', {}).then((i) => (info.value = i), () => undefined);
      if (ws) {
        await useWorkstation(ws);
        state.value = 'ready';
      } else {
        state.value = 'first-run';
      }
    } catch (err) {
      failure.value = err instanceof Error ? err.message : String(err);
      state.value = 'failed';
    }
  }

  async function setUp(input: Pick<Workstation, 'clinicName' | 'staffName' | 'staffRole' | 'start'>) {
    const ws = await saveWorkstation(db.value!, input);
    await useWorkstation(ws);
    const bookable = input.staffRole === 'physician' || input.staffRole === 'nurse';
    await ensureScheduleDefaults(db.value!, writeContext.value!, bookable ? [{ name: input.staffName, role: input.staffRole }] : []);
  }

  function finishFirstRun() {
    state.value = 'ready';
  }

  /** OS notification in Electron; the web Notification API in browser mode. */
  async function notify(title: string, body: string, urgency: 'normal' | 'critical' = 'normal') {
    const res = await main.value?.call('notify.show', { title, body, urgency }).catch(() => ({ delivered: 'unsupported' as const }));
    if (res?.delivered === 'os') return;
    if (!('Notification' in window)) return;
    if (Notification.permission === 'default') await Notification.requestPermission();
    if (Notification.permission === 'granted') new Notification(title, { body });
  }

  return { state, failure, hostConnected, online, info, workstation, db, engine, whenEngine, main, writeContext, boot, setUp, finishFirstRun, notify };
});
