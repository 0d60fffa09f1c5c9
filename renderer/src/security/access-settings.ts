import type { Table } from 'dexie';
import { z } from 'zod';
import { nameBasedId } from '../../../common/ids';
import type { SyncedRow } from '../../../common/sync/stamped';
import type { CareLoopDb } from '../db/database';
import type { WriteContext } from '../db/journal';
import { insertRow, updateRow } from '../db/synced-rows';

/**
 * The clinic's access settings (issue 9): how long a workstation may sit idle before the
 * session locks, and whether access to patients is scoped to their care teams. One synced
 * row per clinic, with an id derived from the clinic, so desks that change it offline merge.
 */
export interface SecuritySettings extends SyncedRow {
  idleLockSeconds: number;
  careTeamScoping: boolean;
}

export const DEFAULT_IDLE_LOCK_SECONDS = 300;
export const MIN_IDLE_LOCK_SECONDS = 3;
export const MAX_IDLE_LOCK_SECONDS = 3600;

export const SettingsInput = z.object({
  idleLockSeconds: z
    .number({ error: 'enter a number of seconds' })
    .int('use whole seconds')
    .min(MIN_IDLE_LOCK_SECONDS, `at least ${MIN_IDLE_LOCK_SECONDS} seconds`)
    .max(MAX_IDLE_LOCK_SECONDS, `at most ${MAX_IDLE_LOCK_SECONDS} seconds (an hour)`),
  careTeamScoping: z.boolean(),
});
export type SettingsInput = z.input<typeof SettingsInput>;

export type SettingsDb = CareLoopDb & { securitySettings: Table<SecuritySettings, string> };

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export const settingsId = (clinicId: string): string => nameBasedId(`security-settings:${clinicId}`);

export interface AccessPolicy {
  idleLockSeconds: number;
  careTeamScoping: boolean;
}

export async function loadAccessPolicy(db: CareLoopDb, clinicId: string): Promise<AccessPolicy> {
  const row = await (db as SettingsDb).securitySettings.get(settingsId(clinicId));
  return {
    idleLockSeconds: row && !row.deleted ? row.idleLockSeconds : DEFAULT_IDLE_LOCK_SECONDS,
    careTeamScoping: row && !row.deleted ? row.careTeamScoping : false,
  };
}

export async function saveAccessPolicy(db: CareLoopDb, ctx: WriteContext, input: SettingsInput): Promise<AccessPolicy> {
  const r = SettingsInput.safeParse(input);
  if (!r.success) throw new SettingsError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const sdb = db as SettingsDb;
  const id = settingsId(ctx.clinicId);
  await sdb.transaction('rw', [sdb.securitySettings, sdb.audit, sdb.outbox, sdb.meta], async () => {
    const before = await sdb.securitySettings.get(id);
    const audit = { action: 'security-settings.update' as const, entity: 'security-settings' };
    if (before) await updateRow<SecuritySettings>(sdb, ctx, sdb.securitySettings, before, { ...r.data, deleted: false } as Partial<SecuritySettings>, audit);
    else await insertRow<SecuritySettings>(sdb, ctx, sdb.securitySettings, r.data, audit, id);
  });
  return r.data;
}
