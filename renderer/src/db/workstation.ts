import { newId } from '../../../common/ids';
import type { CareLoopDb } from './database';

/** Who and where this workstation is. Sign-in with users and roles replaces staffName later. */
export interface Workstation {
  workstationId: string;
  clinicId: string;
  clinicName: string;
  staffName: string;
  staffRole: 'physician' | 'nurse' | 'care-coordinator' | 'front-desk';
  setupAt: string;
  /** What the first run chose: a demo clinic or an empty one. */
  start: 'demo' | 'empty';
}

const KEY = 'workstation';

export async function loadWorkstation(db: CareLoopDb): Promise<Workstation | undefined> {
  const row = await db.meta.get(KEY);
  return row?.value as Workstation | undefined;
}

export async function saveWorkstation(
  db: CareLoopDb,
  input: Pick<Workstation, 'clinicName' | 'staffName' | 'staffRole' | 'start'>,
): Promise<Workstation> {
  const ws: Workstation = {
    workstationId: newId().replace(/-/g, '').slice(-12),
    clinicId: newId(),
    setupAt: new Date().toISOString(),
    ...input,
  };
  await db.meta.put({ key: KEY, value: ws });
  return ws;
}
