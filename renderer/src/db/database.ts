import Dexie, { type Table } from 'dexie';
import type { AuditEntry } from '../../../common/audit/chain';
import type { Patient } from '../../../common/patient/patient';
import type { Observation } from '../../../common/readings/observation';
import type { DeviceSession, PairedDevice } from '../../../common/devices/device';
import type { ConsentDecision } from '../../../common/consent/consent';
import type { Message, MessageTemplate } from '../../../common/messaging/message';
import type { Appointment, AppointmentType, Room, StaffMember } from '../../../common/schedule/appointment';
import type { RollupRow, SeriesBlockRow } from './series/rows';
import type { RuleStateRow, StoredAlert, StoredRule } from './alerts';
import type { Task } from '../../../common/tasks/task';
import type { TimeLogEntry } from '../../../common/billing/time-log';
import type { CareProgram, Enrolment } from '../../../common/programs/program';
import type { ClinicalNote } from '../../../common/notes/note';
import { migrations } from './migrations/index';
import { immutableOutboxMiddleware } from './outbox-middleware';
import { permissionMiddleware } from './permission-middleware';
import { populationSummaryMiddleware } from './population-summaries';

/** A patient as stored: the synced record plus derived, local-only index fields. */
export interface PatientRow extends Patient {
  /** Folded "family given" for alphabetical paging. */
  sortName: string;
  /** Upper-cased MRN, unique on this workstation while the record is not deleted. */
  mrnKey: string;
}

export type { OutboxEntry } from './outbox-entry';
import type { OutboxEntry } from './outbox-entry';

export interface MetaEntry<T = unknown> {
  key: string;
  value: T;
}

export const DB_NAME = 'careloop';

export class CareLoopDb extends Dexie {
  patients!: Table<PatientRow, string>;
  audit!: Table<AuditEntry, number>;
  outbox!: Table<OutboxEntry, number>;
  meta!: Table<MetaEntry, string>;
  observations!: Table<Observation, string>;
  seriesBlocks!: Table<SeriesBlockRow, string>;
  rollups!: Table<RollupRow, string>;
  staff!: Table<StaffMember, string>;
  rooms!: Table<Room, string>;
  appointmentTypes!: Table<AppointmentType, string>;
  appointments!: Table<Appointment, string>;
  consents!: Table<ConsentDecision, string>;
  messages!: Table<Message, string>;
  messageTemplates!: Table<MessageTemplate, string>;
  devices!: Table<PairedDevice, string>;
  deviceSessions!: Table<DeviceSession, string>;
  tasks!: Table<Task, string>;
  timeLog!: Table<TimeLogEntry, string>;
  carePrograms!: Table<CareProgram, string>;
  enrolments!: Table<Enrolment, string>;
  clinicalNotes!: Table<ClinicalNote, string>;
  rules!: Table<StoredRule, string>;
  alerts!: Table<StoredAlert, string>;
  ruleStates!: Table<RuleStateRow, string>;

  constructor(name = DB_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    // Immutable rows (observations, device sessions) reach the sync outbox in their own write's transaction.
    this.use(immutableOutboxMiddleware);
    // Population summaries beside every reading write (issue 11); below the permission check, like the outbox.
    this.use(populationSummaryMiddleware);
    this.use(permissionMiddleware(this));
    for (const m of migrations) {
      const v = this.version(m.version).stores(m.stores);
      if (m.upgrade) v.upgrade(m.upgrade);
    }
  }
}
