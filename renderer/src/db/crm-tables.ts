import type { Table } from 'dexie';
import type { TimeLogEntry } from '../../../common/billing/time-log';
import type { ClinicalNote } from '../../../common/notes/note';
import type { CareProgram, Enrolment } from '../../../common/programs/program';
import type { Task } from '../../../common/tasks/task';
import type { CareLoopDb } from './database';

/**
 * The CRM tables of schema version 6 (migrations/006-crm-tasks-programs.ts). Repositories
 * take a CrmDb so they type-check whether or not CareLoopDb already declares these tables;
 * once it does, a CareLoopDb is a CrmDb as it stands.
 */
export interface CrmTables {
  tasks: Table<Task, string>;
  timeLog: Table<TimeLogEntry, string>;
  carePrograms: Table<CareProgram, string>;
  enrolments: Table<Enrolment, string>;
  clinicalNotes: Table<ClinicalNote, string>;
}

export type CrmDb = CareLoopDb & CrmTables;

export class CrmSchemaMissingError extends Error {
  override readonly name = 'CrmSchemaMissingError';
}

/** The app's database as a CrmDb, after checking that schema version 6 is in it. */
export function asCrmDb(db: CareLoopDb): CrmDb {
  const names = new Set(db.tables.map((t) => t.name));
  for (const t of ['tasks', 'timeLog', 'carePrograms', 'enrolments', 'clinicalNotes']) {
    if (!names.has(t)) throw new CrmSchemaMissingError(`The database has no ${t} table: register migration 006 (CRM) in migrations/index.ts.`);
  }
  return db as CrmDb;
}
