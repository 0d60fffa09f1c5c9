import type { AuditAction } from '../../../../common/audit/chain';
import type { Observation } from '../../../../common/readings/observation';
import type { SyncedRow } from '../../../../common/sync/stamped';
import { nameBasedId } from '../../../../common/ids';
import { ACTIVE_STATUSES, toLifecycleAlert, type StoredAlert, type StoredRule } from '../../db/alerts';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { notProcessedAmong } from '../../db/patient-rights';
import { insertRow, insertRows, updateRow, updateRows, type RowUpdate } from '../../db/synced-rows';
import { emptyContext, type PatientRuleContext } from '../rules/context';
import { defaultRules } from '../rules/defaults';
import { RuleEngine, emptyEngineState, type AlertAction, type EngineState } from '../rules/evaluate';
import { AlertTransitionError, type Alert, acknowledge, applyEngineAction, dueEscalation, escalate, openAlert, resolve, snooze, wake, type Transition } from '../rules/lifecycle';
import { BASELINE_SOURCE, parseRule, RuleValidationError, type RuleDefinition } from '../rules/rule';
import { zoneDays } from '../baselines/metrics';
import { BaselineMonitor } from '../baselines/monitor';
import { storedReadings } from '../baselines/stored-readings';

/** What the UI is told when an alert opens, so it can notify (OS notification for high priority). */
export interface AlertNotice {
  alertId: string;
  patientId: string;
  patientName: string;
  ruleName: string;
  priority: 'high' | 'medium' | 'low';
}

/** What a saved rule became: its row, and the version the engine now evaluates. */
export interface SavedRule {
  rowId: string;
  ruleId: string;
  version: number;
  created: boolean;
}

export type StaffAlertAction = { kind: 'acknowledge' } | { kind: 'resolve'; note?: string } | { kind: 'snooze'; untilMs: number; reason: string } | { kind: 'escalate' };

const LIFECYCLE_AUDIT: Record<string, AuditAction> = {
  refire: 'alert.refire',
  'condition-cleared': 'alert.condition-cleared',
  acknowledge: 'alert.acknowledge',
  resolve: 'alert.resolve',
  snooze: 'alert.snooze',
  wake: 'alert.wake',
  escalate: 'alert.escalate',
};

/** What the rules know of a patient: from the record (conditions, tags) and, later, programs and care plan. */
export function ruleContextFor(p: PatientRow, enrolledProgramKeys: readonly string[] = []): PatientRuleContext {
  const tagged = p.tags.filter((t) => t.startsWith('program:')).map((t) => t.slice('program:'.length));
  return {
    patientId: p.id,
    conditions: p.conditions.map((c) => ({ display: c.display, ...(c.code ? { code: c.code } : {}) })),
    tags: p.tags,
    programs: [...new Set([...tagged, ...enrolledProgramKeys])],
    monitoringSinceMs: Date.parse(p.createdAt),
  };
}

/** How long a loaded patient's rule context (conditions, tags, enrolled programs) is trusted before it is read again. */
const CONTEXT_TTL_MS = 60_000;

const careTeamOf = (p: PatientRow | undefined): string[] => (p?.careTeam ?? []).map((m) => m.name);

/**
 * Readings → rules → alerts, in the engine worker (DESIGN.md decision 3). The rule engine's
 * per-patient state is kept in memory and saved with every batch, so evaluation is
 * incremental and survives a restart; alerts are synced rows whose every change is audited.
 */
export class AlertPipeline {
  private engine: RuleEngine | undefined;
  private rules = new Map<string, RuleDefinition>();
  private readonly loaded = new Set<string>();
  /** What the rules know of each loaded patient, kept here so a rebuilt RuleEngine starts with it. */
  private readonly contexts = new Map<string, PatientRuleContext>();
  /** When each loaded patient's context was last read from the record. */
  private readonly contextAt = new Map<string, number>();
  private allLoaded = false;
  /** Personal baselines, rebuilt per patient from the stored readings on first sight. */
  /** Personal baselines over the clinic's local days (the workstation's zone is the clinic's). */
  private readonly baselines = new BaselineMonitor((patientId, metric, fromMs, toMs) => storedReadings(this.db, patientId, metric, fromMs, toMs), zoneDays(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  /** One batch at a time: rule state and alerts are read and written in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: CareLoopDb,
    private readonly context: () => Promise<WriteContext>,
    private readonly onOpened: (notice: AlertNotice) => void = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The clinic's rules, seeded with the default library on first use. */
  private async ready(): Promise<RuleEngine> {
    if (this.engine) return this.engine;
    const { db } = this;
    if ((await db.rules.count()) === 0) {
      const ctx = await this.context();
      await db.transaction('rw', [db.rules, db.audit, db.outbox, db.meta], async () => {
        if ((await db.rules.count()) > 0) return;
        for (const definition of defaultRules()) await insertRow<StoredRule>(db, ctx, db.rules, { definition }, { action: 'rule.create', entity: 'rule' });
      });
    }
    this.engine = await this.buildEngine(emptyEngineState());
    return this.engine;
  }

  /** A RuleEngine over the stored rules that continues from `state` (windows, latest readings, open episodes). */
  private async buildEngine(state: EngineState): Promise<RuleEngine> {
    const stored = (await this.db.rules.toArray()).filter((r) => !r.deleted);
    const defs: RuleDefinition[] = [];
    for (const r of stored) {
      try {
        defs.push(parseRule(r.definition));
      } catch (err) {
        console.error(`[engine] a stored rule is invalid and was skipped: ${err instanceof Error ? err.name : 'error'}`);
      }
    }
    this.rules = new Map(defs.map((d) => [d.id, d]));
    return new RuleEngine(defs, this.contexts.values(), state);
  }

  /**
   * Picks up edited rules (saved here or arriving by sync): the next reading is judged by the
   * new versions, and every patient keeps their windows and latest readings because the new
   * engine continues from the same state (evaluate.ts restarts only pending episodes of an
   * edited rule; an open alert stays open until the new definition clears it).
   */
  reloadRules(): Promise<void> {
    return this.serial(async () => {
      if (!this.engine) return;
      this.engine = await this.buildEngine(this.engine.state);
    });
  }

  /**
   * Validates and stores a rule a staff member edited (or a new one), bumps its version,
   * audits the change ('rule.update' / 'rule.create'), queues it for sync, and makes the
   * engine evaluate the new version from the next reading on. Throws RuleValidationError
   * with the field's path and message; nothing is written then.
   */
  saveRule(input: unknown): Promise<SavedRule> {
    return this.serial(async () => {
      const engine = await this.ready();
      const { db } = this;
      const edited = parseRule(input);
      const existing = (await db.rules.toArray()).find((r) => !r.deleted && r.definition.id === edited.id);
      const ctx = await this.context();
      let saved: SavedRule;
      if (existing) {
        const current = parseRule(existing.definition);
        if (edited.version !== current.version) {
          throw new RuleValidationError(edited.id, [{ path: 'version', message: `this rule was changed elsewhere (now version ${current.version}) since it was opened; reopen it and edit again` }]);
        }
        if (JSON.stringify(edited) === JSON.stringify(current)) return { rowId: existing.id, ruleId: edited.id, version: current.version, created: false };
        const definition: RuleDefinition = { ...edited, version: current.version + 1 };
        await db.transaction('rw', [db.rules, db.audit, db.outbox, db.meta], () => updateRow<StoredRule>(db, ctx, db.rules, existing, { definition }, { action: 'rule.update', entity: 'rule' }));
        saved = { rowId: existing.id, ruleId: edited.id, version: definition.version, created: false };
      } else {
        const definition: RuleDefinition = { ...edited, version: 1 };
        const row = await db.transaction('rw', [db.rules, db.audit, db.outbox, db.meta], () => insertRow<StoredRule>(db, ctx, db.rules, { definition }, { action: 'rule.create', entity: 'rule' }));
        saved = { rowId: row.id, ruleId: edited.id, version: 1, created: true };
      }
      this.engine = await this.buildEngine(engine.state);
      return saved;
    });
  }

  private async loadPatients(engine: RuleEngine, ids: Iterable<string>): Promise<void> {
    const now = this.clock();
    const unique = [...new Set(ids)];
    const wanted = unique.filter((id) => !this.loaded.has(id));
    // What the rules know of a patient (conditions, tags, programs) changes while the engine
    // runs: a patient seen longer ago than CONTEXT_TTL_MS gets a fresh context, not a fresh state.
    const stale = unique.filter((id) => this.loaded.has(id) && now - (this.contextAt.get(id) ?? 0) > CONTEXT_TTL_MS);
    if (!wanted.length && !stale.length) return;
    const toRead = [...wanted, ...stale];
    const [patients, states, programs] = await Promise.all([this.db.patients.bulkGet(toRead), this.db.ruleStates.bulkGet(wanted), this.enrolledProgramKeys(toRead)]);
    toRead.forEach((id, i) => {
      const p = patients[i];
      if (p) {
        const c = ruleContextFor(p, programs.get(id));
        this.contexts.set(id, c);
        engine.setContext(c);
      }
      this.contextAt.set(id, now);
      if (i >= wanted.length) return;
      const s = states[i];
      if (s) engine.state.patients[id] = s.state;
      this.loaded.add(id);
    });
  }

  /**
   * The keys of the programs each patient is actively enrolled in: rules limited to programs
   * (the baseline and CUSUM rules made on the Rules screen among them) reach enrolled patients.
   * A few patients are read by their enrolment index; many at once by one scan of the active ones.
   */
  private async enrolledProgramKeys(ids: readonly string[]): Promise<Map<string, string[]>> {
    const wanted = new Set(ids);
    const enrolments = ids.length <= 50
      ? (await Promise.all(ids.map((id) => this.db.enrolments.where('[patientId+startMs]').between([id, -Infinity], [id, Infinity]).toArray()))).flat()
      : (await this.db.enrolments.where('status').equals('active').toArray()).filter((e) => wanted.has(e.patientId));
    const active = enrolments.filter((e) => e.status === 'active' && !e.deleted);
    if (!active.length) return new Map();
    const keyOf = new Map((await this.db.carePrograms.bulkGet([...new Set(active.map((e) => e.programId))])).flatMap((p) => (p && !p.deleted ? [[p.id, p.key] as const] : [])));
    const out = new Map<string, string[]>();
    for (const e of active) {
      const key = keyOf.get(e.programId);
      if (key) out.set(e.patientId, [...(out.get(e.patientId) ?? []), key]);
    }
    return out;
  }

  private async loadAll(engine: RuleEngine): Promise<void> {
    if (this.allLoaded) return;
    const ids = (await this.db.patients.toCollection().primaryKeys()) as string[];
    await this.loadPatients(engine, ids);
    this.allLoaded = true;
  }

  /** Evaluates newly stored readings (in time order) and applies the alert actions they cause. */
  ingest(observations: readonly Observation[]): Promise<AlertAction[]> {
    if (!observations.length) return Promise.resolve([]);
    return this.serial(async () => {
      const engine = await this.ready();
      // Restriction of processing (GDPR Art. 18): the readings are stored, but no rule judges them.
      const restricted = await notProcessedAmong(this.db, observations.map((o) => o.patientId));
      const sorted = observations.filter((o) => !restricted.has(o.patientId)).sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1));
      await this.loadPatients(engine, sorted.map((o) => o.patientId));
      const actions = engine.ingest(sorted);
      // Daily baseline rules (issue 11): re-judged for the patients whose days just changed.
      actions.push(...(await this.baselines.ingest(sorted, this.rules.values(), (id) => this.contexts.get(id) ?? emptyContext(id))));
      await this.apply(actions, [], new Set(sorted.map((o) => o.patientId)));
      return actions;
    });
  }

  /**
   * Judges what a file import just stored for a patient (issue 10 files feeding issue 11's
   * signals), over the recent days only: a year of history brought in at once must not open a
   * year of old alerts. Point readings of the import from `fromMs` go through the rules; the
   * patient's baselines are read again from storage, now holding the imported series (minute
   * heart rate, steps, sleep), and the days from `fromMs` are judged by the daily rules.
   */
  judgeImported(patientId: string, importId: string, fromMs: number): Promise<AlertAction[]> {
    return this.serial(async () => {
      const engine = await this.ready();
      if ((await notProcessedAmong(this.db, [patientId])).has(patientId)) return [];
      const toMs = this.clock() + 1;
      await this.loadPatients(engine, [patientId]);
      const imported = (await this.db.observations.where('[patientId+timeMs]').between([patientId, fromMs], [patientId, toMs]).toArray())
        .filter((o) => o.source.kind === 'import' && o.source.sessionId === importId)
        .sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : 1));
      const actions = engine.ingest(imported);
      const sources = [...new Set(Object.values(BASELINE_SOURCE).filter((m): m is NonNullable<typeof m> => m !== null))];
      const recent = (await Promise.all(sources.map((m) => storedReadings(this.db, patientId, m, fromMs, toMs)))).flat().map((r) => ({ ...r, patientId }));
      this.baselines.forget(patientId);
      actions.push(...(await this.baselines.ingest(recent, this.rules.values(), (id) => this.contexts.get(id) ?? emptyContext(id), toMs - 1)));
      await this.apply(actions, [], new Set([patientId]));
      return actions;
    });
  }

  /** Time passing: missing-data rules, persistence that has now lasted long enough, snoozes that ended, due escalations. */
  tick(now: number): Promise<void> {
    return this.serial(async () => {
      const engine = await this.ready();
      await this.loadAll(engine);
      const due = engine.tick(now);
      const restricted = await notProcessedAmong(this.db, due.map((a) => a.patientId));
      const actions = restricted.size ? due.filter((a) => !restricted.has(a.patientId)) : due;
      const timed: { alert: StoredAlert; transition: Transition }[] = [];
      const active = await this.db.alerts.where('status').anyOf([...ACTIVE_STATUSES]).toArray();
      const patients = await this.db.patients.bulkGet([...new Set(active.map((a) => a.patientId))]);
      const team = new Map(patients.filter((p): p is PatientRow => !!p).map((p) => [p.id, careTeamOf(p)]));
      for (const a of active) {
        const careTeam = team.get(a.patientId) ?? [];
        if (a.status === 'snoozed' && a.snoozedUntilMs !== null && now >= a.snoozedUntilMs) {
          timed.push({ alert: a, transition: wake(toLifecycleAlert(a), now, engine.conditionHolds(a.patientId, a.ruleId), careTeam) });
          continue;
        }
        const due = dueEscalation(toLifecycleAlert(a), now, careTeam, this.rules.get(a.ruleId)?.escalateAfterMs);
        if (due) timed.push({ alert: a, transition: due });
      }
      await this.apply(actions, timed, new Set(actions.map((a) => a.patientId)));
    });
  }

  /** A staff member acts on an alert; invalid transitions are refused with the lifecycle's reason. */
  async act(alertId: string, by: string, action: StaffAlertAction, now = Date.now()): Promise<StoredAlert> {
    return (await this.actMany([{ alertId, by, action, now }]))[0]!;
  }

  /**
   * Several staff actions at once, each on a different alert, all or none (the demo's past
   * inbox work): every transition is checked as act checks it, then written in one batch,
   * each still audited on its own.
   */
  actMany(items: readonly { alertId: string; by: string; action: StaffAlertAction; now: number }[]): Promise<StoredAlert[]> {
    if (!items.length) return Promise.resolve([]);
    return this.serial(async () => {
      const engine = await this.ready();
      const ids = items.map((i) => i.alertId);
      if (new Set(ids).size !== ids.length) throw new AlertTransitionError('wrong-alert', 'An alert can be acted on once per batch.');
      const alerts = await this.db.alerts.bulkGet(ids);
      const patients = new Map((await this.db.patients.bulkGet([...new Set(alerts.flatMap((a) => (a ? [a.patientId] : [])))])).flatMap((p) => (p ? [[p.id, p] as const] : [])));
      const timed = items.map((item, i) => {
        const a = alerts[i];
        if (!a || a.deleted) throw new AlertTransitionError('wrong-alert', 'That alert does not exist on this workstation.');
        const current = toLifecycleAlert(a);
        const { by, action, now } = item;
        let t: Transition;
        if (action.kind === 'acknowledge') t = acknowledge(current, by, now);
        else if (action.kind === 'resolve') t = resolve(current, by, now, action.note);
        else if (action.kind === 'snooze') t = snooze(current, by, now, action.untilMs, action.reason);
        else t = escalate(current, by, now, careTeamOf(patients.get(a.patientId)));
        return { alert: a, transition: t };
      });
      // Resolved while the condition still holds: the next episode may open a new alert.
      for (const { alert, transition } of timed) if (transition.alert.status === 'resolved') engine.releaseAlert(alert.patientId, alert.ruleId);
      const updated = await this.apply([], timed, new Set(timed.map((t) => t.alert.patientId)));
      const byId = new Map(updated.map((u) => [u.id, u]));
      return timed.map((t) => byId.get(t.alert.id) ?? t.alert);
    });
  }

  private async apply(actions: readonly AlertAction[], timed: { alert: StoredAlert; transition: Transition }[], touched: Set<string>): Promise<StoredAlert[]> {
    const { db } = this;
    const engine = this.engine!;
    const ctx = await this.context();
    const notices: AlertNotice[] = [];
    const changed: StoredAlert[] = [];
    // Everything is read and decided first; the transaction only writes, so nothing inside it
    // waits on anything but IndexedDB.
    const keys = [...new Set(actions.map((a) => a.alertKey))];
    const existing = new Map((keys.length ? await db.alerts.where('alertKey').anyOf(keys).toArray() : []).map((a) => [a.alertKey, a]));
    const patientIds = [...new Set(actions.filter((a) => a.type === 'open').map((a) => a.patientId))];
    const patients = new Map((await db.patients.bulkGet(patientIds)).filter((p): p is PatientRow => !!p).map((p) => [p.id, p]));

    // A batch can re-fire an alert many times: the transitions are applied in memory and each
    // alert is written (and audited) once per batch, with every transition named in the audit.
    const opens: { fields: Omit<StoredAlert, keyof SyncedRow>; patient: PatientRow | undefined }[] = [];
    const opened = new Map<string, Alert>();
    const pending = new Map<string, { row: StoredAlert; alert: Alert; actions: string[]; descriptions: string[] }>();
    const stage = (row: StoredAlert, t: Transition) => {
      const cur = pending.get(row.id) ?? { row, alert: toLifecycleAlert(row), actions: [], descriptions: [] };
      cur.alert = t.alert;
      cur.actions.push(t.audit.action);
      if (!cur.descriptions.includes(t.audit.description)) cur.descriptions.push(t.audit.description);
      pending.set(row.id, cur);
    };
    for (const action of actions) {
      const row = existing.get(action.alertKey);
      if (action.type === 'open') {
        if (row || opened.has(action.alertKey)) continue;
        const p = patients.get(action.patientId);
        const t = openAlert(action, careTeamOf(p));
        // An alert cannot open in the future: readings stamped ahead of the wall clock (a device
        // clock running fast, a training time-lapse) would otherwise postpone its escalation and
        // refuse staff's acknowledgement as "before the alert opened". The readings keep their times.
        const wall = this.clock();
        if (t.alert.openedAtMs > wall) t.alert = { ...t.alert, openedAtMs: wall, awaitingSinceMs: wall };
        opened.set(action.alertKey, t.alert);
        const { id: _id, ...fields } = t.alert;
        opens.push({ fields: { ...fields, alertKey: action.alertKey, ruleName: this.rules.get(action.ruleId)?.name ?? action.ruleId }, patient: p });
        continue;
      }
      const fresh = opened.get(action.alertKey);
      if (fresh) {
        // Opened in this very batch: fold the later actions into the new alert before it is written.
        if (fresh.status === 'resolved') continue;
        try {
          const t = applyEngineAction(fresh, action);
          opened.set(action.alertKey, t.alert);
          const o = opens.find((x) => x.fields.alertKey === action.alertKey)!;
          const { id: _id, ...fields } = t.alert;
          o.fields = { ...o.fields, ...fields };
        } catch (err) {
          if (!(err instanceof AlertTransitionError)) throw err;
        }
        continue;
      }
      if (!row) continue;
      const current = pending.get(row.id)?.alert ?? toLifecycleAlert(row);
      if (current.status === 'resolved') continue;
      try {
        stage(row, applyEngineAction(current, action));
      } catch (err) {
        if (!(err instanceof AlertTransitionError)) throw err;
      }
    }
    for (const { alert, transition } of timed) stage(alert, transition);
    const states = [...touched].map((patientId) => ({ patientId, state: engine.state.patients[patientId] })).filter((s): s is { patientId: string; state: NonNullable<typeof s.state> } => !!s.state);

    await db.transaction('rw', [db.alerts, db.ruleStates, db.audit, db.outbox, db.meta], async () => {
      // The episode's id is derived from its key: two workstations that judge the same readings
      // open the same alert row, and sync merges it instead of doubling it.
      const inserted = await insertRows<StoredAlert>(db, ctx, db.alerts, opens.map((o) => ({ fields: o.fields, audit: { action: 'alert.open', entity: 'alert', patientId: o.fields.patientId }, id: nameBasedId(`alert:${o.fields.alertKey}`) })));
      inserted.forEach((row, i) => {
        const p = opens[i]!.patient;
        changed.push(row);
        notices.push({ alertId: row.id, patientId: row.patientId, patientName: p ? `${p.givenName} ${p.familyName}` : 'a patient', ruleName: row.ruleName, priority: row.priority });
      });
      const updates = [...pending.values()].map(({ row, alert, actions: done, descriptions }): RowUpdate<StoredAlert> => {
        const { id: _id, ...after } = alert;
        const last = done[done.length - 1]!;
        const counted = done.length > 1 ? ` (${done.length} changes: ${[...new Set(done)].map((d) => `${d} ×${done.filter((x) => x === d).length}`).join(', ')})` : '';
        return { before: row, patch: after, audit: { action: LIFECYCLE_AUDIT[last] ?? 'alert.refire', entity: 'alert', patientId: row.patientId, reason: `${descriptions.join('; ')}${counted}` } };
      });
      changed.push(...(await updateRows<StoredAlert>(db, ctx, db.alerts, updates)));
      if (states.length) await db.ruleStates.bulkPut(states);
    });
    for (const n of notices) this.onOpened(n);
    return changed;
  }
}
