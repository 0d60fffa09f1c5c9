import { MONITORING_TAG } from '../../../../common/programs/program';
import type { CrmDb } from '../../db/crm-tables';
import type { PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { enrol, ensureDefaultPrograms, listPrograms } from '../../db/programs';
import { seededRandom, seedFor } from './random';

const DAY = 86_400_000;

/** Which default program (by name) a monitored patient joins for which condition (ICD-10 prefix). */
const PROGRAM_FOR: readonly { prefix: string; program: string; reason: string }[] = [
  { prefix: 'I10', program: 'Hypertension', reason: 'Home blood pressure monitoring for hypertension' },
  { prefix: 'E11', program: 'Diabetes', reason: 'Glucose monitoring for type 2 diabetes' },
  { prefix: 'I50', program: 'Heart failure', reason: 'Daily weight and blood pressure for heart failure' },
  { prefix: 'J44', program: 'COPD', reason: 'Oxygen saturation monitoring for COPD' },
];

/** The programs (by name) a demo patient is enrolled in: one per monitored condition. */
export function demoProgramsFor(p: Pick<PatientRow, 'tags' | 'conditions'>): { program: string; reason: string }[] {
  if (!p.tags.includes(MONITORING_TAG)) return [];
  return PROGRAM_FOR.filter((x) => p.conditions.some((c) => c.code?.startsWith(x.prefix)));
}

/**
 * Enrols the monitored demo patients in the default care programs for their conditions,
 * through the program repository (audited, synced), starting around when their home
 * readings start. Seeds the default programs when the clinic has none.
 */
export async function enrolDemoPatients(
  db: CrmDb,
  ctx: WriteContext,
  patients: readonly PatientRow[],
  o: { seed: number; historyStartMs: number },
  progress: (done: number, total: number) => void,
): Promise<number> {
  await ensureDefaultPrograms(db, ctx);
  const byName = new Map((await listPrograms(db)).map((p) => [p.name, p]));
  const monitored = patients.filter((p) => p.tags.includes(MONITORING_TAG));
  let enrolled = 0;
  const CHUNK = 200;
  for (let i = 0; i < monitored.length; i += CHUNK) {
    const chunk = monitored.slice(i, i + CHUNK);
    // enrol's own transaction joins this one: one commit per chunk.
    await db.transaction('rw', [db.enrolments, db.carePrograms, db.patients, db.audit, db.outbox, db.meta], async () => {
      for (const p of chunk) {
        const rand = seededRandom(seedFor(o.seed, `enrol:${p.mrn}`));
        for (const plan of demoProgramsFor(p)) {
          const program = byName.get(plan.program);
          if (!program) continue;
          await enrol(db, ctx, { patientId: p.id, programId: program.id, startMs: o.historyStartMs - Math.floor(rand() * 14) * DAY, reason: plan.reason });
          enrolled++;
        }
      }
    });
    progress(Math.min(i + CHUNK, monitored.length), monitored.length);
  }
  return enrolled;
}
