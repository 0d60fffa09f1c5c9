import type { ConsentInput, ConsentPurpose } from '../../../../common/consent/consent';
import { recordConsents } from '../../db/consents';
import type { CareLoopDb, PatientRow } from '../../db/database';
import type { WriteContext } from '../../db/journal';
import { MONITORING_TAG } from '../../../../common/programs/program';
import { seededRandom, seedFor } from './random';

/**
 * The consents a demo patient gave at registration. Most consent to their preferred
 * channel; some never did (so the demo shows messages withheld for want of consent); a
 * few also allow SMS besides email or the portal. Pure and deterministic for a seed.
 */
export function demoConsents(p: Pick<PatientRow, 'mrn' | 'preferredChannel' | 'phone' | 'tags'>, seed: number): ConsentPurpose[] {
  const rand = seededRandom(seedFor(seed, `consent:${p.mrn}`));
  const out = new Set<ConsentPurpose>();
  const preferred: ConsentPurpose = p.preferredChannel;
  if (rand() < 0.92) out.add(preferred);
  if (preferred !== 'sms' && p.phone && rand() < 0.3) out.add('sms');
  if (preferred !== 'phone' && p.phone && rand() < 0.5) out.add('phone');
  if (p.tags.includes(MONITORING_TAG)) out.add('monitoring');
  if (rand() < 0.7) out.add('analytics');
  return [...out];
}

/** Records each demo patient's consents through the consent repository, many patients per transaction. */
export async function recordDemoConsents(
  db: CareLoopDb,
  ctx: WriteContext,
  patients: readonly PatientRow[],
  seed: number,
  progress: (done: number, total: number) => void,
): Promise<number> {
  let recorded = 0;
  const CHUNK = 200;
  for (let i = 0; i < patients.length; i += CHUNK) {
    const chunk = patients.slice(i, i + CHUNK);
    // One commit per chunk, each decision stored, audited and queued for sync by the consent repository.
    const inputs = chunk.flatMap((p) => demoConsents(p, seed).map((purpose): ConsentInput => ({ patientId: p.id, purpose, status: 'given', method: purpose === 'monitoring' ? 'written' : 'electronic', note: 'Recorded at registration' })));
    recorded += (await recordConsents(db, ctx, inputs)).length;
    progress(Math.min(i + CHUNK, patients.length), patients.length);
  }
  return recorded;
}
