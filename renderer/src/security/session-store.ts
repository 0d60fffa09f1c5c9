import { liveQuery } from 'dexie';
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router';
import type { DataActor } from '../../../common/security/roles';
import type { PatientRow } from '../db/database';
import type { WriteContext } from '../db/journal';
import { useAppStore } from '../stores/app';
import { DEFAULT_IDLE_LOCK_SECONDS, loadAccessPolicy, saveAccessPolicy, type AccessPolicy, type SettingsInput } from './access-settings';
import { needsBreakGlass, recordBreakGlass } from './break-glass';
import type { SecretHasher } from './credentials';
import { requirePermission, setCurrentActor } from './current-actor';
import { ACTIVITY_EVENTS, IdleLock } from './session-idle';
import { actorOf, SessionService, type AttemptResult, type SessionUser } from './session';
import { clearSavedSession, loadSavedSession, saveSession } from './session-persist';

export type SessionPhase = 'starting' | 'first-administrator' | 'signed-out' | 'active' | 'locked';

/** Routes that show one patient, and where their id is. */
const PATIENT_ROUTE = /^\/(?:patients|inbox)\/([0-9a-f-]{36})(?:\/edit|\/summary|\/report\/\d{4}-\d{2})?$/;

/**
 * The signed-in session of this window (issue 9): who is signed in, the idle lock, and the
 * data actor of both threads. Locking unmounts every patient view at once (App.vue renders
 * only the lock screen) and makes the data actor 'nobody' on the UI thread and in the engine.
 */
export const useSessionStore = defineStore('session', () => {
  const app = useAppStore();
  const phase = ref<SessionPhase>('starting');
  const user = ref<SessionUser>();
  const policy = ref<AccessPolicy>({ idleLockSeconds: DEFAULT_IDLE_LOCK_SECONDS, careTeamScoping: false });
  const lockedOutUntil = ref<number>();
  const service = shallowRef<SessionService>();
  /** Patients opened by break-glass in this session (kept across a lock of the same user). */
  const grants = new Set<string>();
  const idle = new IdleLock(DEFAULT_IDLE_LOCK_SECONDS * 1000, () => void lock('idle'));
  const onActivity = () => idle.activity();
  /** The app's router, given at start (the router's views import this store, so it is not imported here). */
  let router: Router | undefined;

  const hasher: SecretHasher = {
    hash: async (secret) => (await (await app.whenEngine()).call('auth.hash', { secret })).encoded,
    verify: async (secret, encoded) => (await (await app.whenEngine()).call('auth.verify', { secret, encoded })).ok,
  };

  function svc(): SessionService {
    if (!service.value) throw new Error('The session has not started');
    return service.value;
  }

  async function setActor(actor: DataActor): Promise<void> {
    setCurrentActor(app.db!, actor);
    await (await app.whenEngine()).call('session.set', { actor });
  }

  /** Writes by the UI carry the signed-in person's name (sync stamps and the audit log). */
  function actAs(name: string) {
    if (app.writeContext) app.writeContext = markRaw({ ...app.writeContext, actor: name }) as WriteContext;
  }

  /** Starts the session once the workstation is known; App.vue also installs `gate` as the route guard. */
  async function start(appRouter: Router): Promise<void> {
    if (phase.value !== 'starting') return;
    router = appRouter;
    const ws = app.workstation!;
    service.value = markRaw(new SessionService(app.db!, hasher, { workstation: ws.workstationId }));
    usePolicy(await loadAccessPolicy(app.db!, ws.clinicId));
    // Settings changed at another desk arrive by sync and apply here at once.
    liveQuery(() => loadAccessPolicy(app.db!, ws.clinicId)).subscribe({ next: usePolicy, error: () => undefined });
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { passive: true, capture: true });
    window.addEventListener('pagehide', persist);
    document.addEventListener('visibilitychange', () => idle.checkNow());
    window.addEventListener('focus', () => idle.checkNow());
    // First run signed its administrator in already (in this page, however long the demo took to load).
    if (user.value) {
      await activate(user.value);
      return;
    }
    // A reload keeps this window's session (sessionStorage dies with the window), locked if it was
    // locked or has been idle too long: reloading never skips the lock screen.
    const saved = loadSavedSession();
    const restored = saved ? await svc().currentUser(saved.userId) : undefined;
    if (saved && restored) {
      user.value = restored;
      const idleTooLong = Date.now() - saved.lastActivityMs >= policy.value.idleLockSeconds * 1000;
      if (saved.locked || idleTooLong) {
        await setActor({ kind: 'nobody' });
        lockedOutUntil.value = await svc().lockedOutUntil(restored.id);
        phase.value = 'locked';
        persist();
      } else {
        await activate(restored);
      }
      return;
    }
    clearSavedSession();
    await setActor({ kind: 'nobody' });
    phase.value = (await svc().needsFirstAdministrator()) ? 'first-administrator' : 'signed-out';
  }

  function usePolicy(p: AccessPolicy) {
    policy.value = p;
    idle.setTimeoutMs(p.idleLockSeconds * 1000);
  }

  function persist() {
    if (user.value && (phase.value === 'active' || phase.value === 'locked')) saveSession({ userId: user.value.id, locked: phase.value === 'locked', lastActivityMs: idle.lastActivityMs });
  }

  async function activate(u: SessionUser): Promise<void> {
    user.value = u;
    lockedOutUntil.value = undefined;
    await setActor(actorOf(u));
    actAs(u.name);
    phase.value = 'active';
    idle.start();
    persist();
    await recheckRoute();
  }

  function outcome(r: AttemptResult): AttemptResult {
    if (!r.ok && r.reason === 'locked-out') lockedOutUntil.value = r.lockedUntilMs;
    return r;
  }

  async function signIn(login: string, password: string): Promise<AttemptResult> {
    const r = outcome(await svc().signIn(login, password));
    if (r.ok) {
      if (r.user.id !== user.value?.id) grants.clear();
      await activate(r.user);
    }
    return r;
  }

  async function unlock(secret: string, kind: 'pin' | 'password'): Promise<AttemptResult> {
    if (phase.value !== 'locked' || !user.value) throw new Error('The session is not locked');
    const r = outcome(await svc().unlock(user.value.id, secret, kind));
    if (r.ok) await activate(r.user);
    return r;
  }

  /** Locks at once: the shell (and every patient view) unmounts before anything is awaited. */
  async function lock(why: 'idle' | 'manual'): Promise<void> {
    if (phase.value !== 'active' || !user.value) return;
    phase.value = 'locked';
    idle.stop();
    setCurrentActor(app.db!, { kind: 'nobody' });
    persist();
    await Promise.all([setActor({ kind: 'nobody' }), svc().recordLock(user.value, why)]);
  }

  /** Ends the session; the next person signs in fully and starts from the patient list. */
  async function signOut(): Promise<void> {
    const u = user.value;
    idle.stop();
    phase.value = 'signed-out';
    user.value = undefined;
    lockedOutUntil.value = undefined;
    grants.clear();
    clearSavedSession();
    setCurrentActor(app.db!, { kind: 'nobody' });
    await setActor({ kind: 'nobody' });
    if (u) await svc().recordSignOut(u);
    await router?.replace('/patients');
  }

  /** First run (or a workstation from before users): the first administrator, signed in at once. */
  async function createFirstAdministrator(details: { name: string; email: string }, password: string, pin?: string): Promise<SessionUser> {
    if (!service.value) service.value = markRaw(new SessionService(app.db!, hasher, { workstation: app.workstation!.workstationId }));
    const created = await svc().createFirstAdministrator(app.writeContext!, details, password, pin);
    const r = await svc().signIn(details.email, password);
    if (!r.ok) throw new Error('The new administrator could not sign in');
    if (phase.value === 'starting') {
      // First run: start() has not run yet; it finds this user and activates the session.
      user.value = r.user;
    } else {
      await activate(r.user);
    }
    return created;
  }

  async function savePolicy(input: SettingsInput): Promise<void> {
    usePolicy(await saveAccessPolicy(app.db!, app.writeContext!, input));
  }

  async function patientNeedsReason(patientId: string): Promise<boolean> {
    const u = user.value;
    if (!u || grants.has(patientId) || !policy.value.careTeamScoping || !u.careTeamScoped) return false;
    const patient = (await app.db!.patients.get(patientId)) as PatientRow | undefined;
    return !patient || needsBreakGlass(policy.value, u, patient.careTeam);
  }

  async function breakGlass(patientId: string, reason: string): Promise<void> {
    const u = user.value;
    if (!u || phase.value !== 'active') throw new Error('Sign in first');
    requirePermission(app.db!, 'break-glass', 'patient');
    await recordBreakGlass(app.db!, app.writeContext!, actorOf(u), patientId, reason);
    grants.add(patientId);
  }

  async function gate(to: RouteLocationNormalized): Promise<boolean | RouteLocationRaw> {
    // Nothing routed is on screen unless the session is active; the route is checked on activation.
    if (phase.value !== 'active') return true;
    const id = PATIENT_ROUTE.exec(to.path)?.[1];
    if (id && (await patientNeedsReason(id))) return { path: `/access/${id}`, query: { to: to.fullPath } };
    return true;
  }

  async function recheckRoute(): Promise<void> {
    if (!router) return;
    const verdict = await gate(router.currentRoute.value);
    if (verdict !== true && verdict !== false) await router.replace(verdict);
  }

  const isAdministrator = () => phase.value === 'active' && user.value?.role === 'administrator';

  return { phase, user, policy, lockedOutUntil, service, start, gate, signIn, unlock, lock, signOut, createFirstAdministrator, savePolicy, breakGlass, patientNeedsReason, isAdministrator };
});
