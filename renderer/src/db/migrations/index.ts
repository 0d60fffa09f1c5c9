import type { Transaction } from 'dexie';
import { migration001 } from './001-initial';
import { migration002 } from './002-observations-and-series';
import { migration003 } from './003-schedule';
import { migration004 } from './004-messaging-and-consent';
import { migration005 } from './005-devices';
import { migration006 } from './006-crm-tasks-programs';
import { migration007 } from './007-alerts';
import { migration008 } from './008-workflows';
import { migration009 } from './009-segments';
import { migration010 } from './010-users';
import { migration011 } from './011-population';

/**
 * Schema history, one numbered file per version (never edit a released one: add the next).
 * `stores` is Dexie's index declaration for that version; `upgrade` moves existing rows.
 */
export interface Migration {
  version: number;
  description: string;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011];
export const SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
