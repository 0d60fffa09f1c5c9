import { isErased, isRestricted } from '../../../common/consent/rights';
import type { KdfParams } from '../../../common/backup/format';
import { checkProtection, exportBinaryFileBytes, type ExportProtection } from '../../../common/exports/sealed-file';
import { newId } from '../../../common/ids';
import type { CareProgram } from '../../../common/programs/program';
import { toCsv } from '../../../common/research/csv';
import { ResearchZipWriter } from '../../../common/research/package';
import { newExportSecret, pseudonymousId } from '../../../common/research/pseudonym';
import { researchConditions, researchEnrolments, researchPatient, researchReadings, type ResearchConditionRow, type ResearchContext, type ResearchEnrolmentRow, type ResearchPatientRow, type ResearchReadingRow } from '../../../common/research/records';
import { AGE_TOP } from '../../../common/research/safe-harbor';
import type { Action, RecordType } from '../../../common/security/permissions';
import { requirePermission } from '../security/current-actor';
import type { CrmDb } from './crm-tables';
import type { PatientRow } from './database';
import { appendAudit, type WriteContext } from './journal';
import { consentFor } from './segments';

/**
 * The de-identified research export (issue 11): patients with analytics consent given, not
 * restricted (GDPR Art. 18) and not erased, de-identified by HIPAA Safe Harbor
 * (common/research/safe-harbor.ts), as CSV files in a zip: patients, conditions, enrolments,
 * readings, and a manifest of the method and parameters. The zip leaves the workstation sealed
 * with a passphrase like every export (issue 9), or plain when that is chosen explicitly:
 * de-identified data is still the clinic's patients, and Safe Harbor is a rule, not a proof. Administrators only: the whole
 * clinic's data leaving the workstation is the same permission as a backup's export (the
 * matrix has no research row yet). The export and its parameters are audited before any
 * data is produced.
 */

export const RESEARCH_EXPORT_PERMISSION: { action: Action; record: RecordType } = { action: 'export', record: 'backup' };

/** The zip's name inside a sealed export: what `careloop open-export --out` writes. */
export const RESEARCH_EXPORT_NAME = 'research-export.zip';

export interface ResearchExportOptions {
  nowMs: number;
  protection: ExportProtection;
  /** The sealing workstation, named in the envelope. */
  workstationId: string;
  /** Argon2id cost; the backup default when absent. Tests lower it. */
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
  /** Readings from this time (included); default one year before now. */
  fromMs?: number;
  /** Three-digit ZIP areas of more than 20,000 people (else ZIPs become '000'). */
  populousZip3?: readonly string[];
  /** Patients written so far of those included, after each batch (a progress bar). */
  onProgress?: (done: number, total: number) => void;
  /** Tests pass a fixed secret; otherwise one is drawn for this export and discarded. */
  secret?: Uint8Array;
}

export interface ResearchExportResult {
  /** The file in parts (a Blob takes them as they are): the sealed envelope, or the plain zip. */
  parts: Uint8Array[];
  fileName: string;
  mediaType: string;
  patients: number;
  readings: number;
  leftOut: { noConsent: number; restricted: number; erased: number };
}

export class ResearchExportError extends Error {
  override readonly name = 'ResearchExportError';
}

const DAY = 86_400_000;
const BATCH = 200;

const PATIENT_COLUMNS: (keyof ResearchPatientRow & string)[] = ['pid', 'sex', 'age', 'birthYear', 'state', 'zip3', 'country', 'language'];
const CONDITION_COLUMNS: (keyof ResearchConditionRow & string)[] = ['pid', 'code', 'condition', 'onset'];
const ENROLMENT_COLUMNS: (keyof ResearchEnrolmentRow & string)[] = ['pid', 'program', 'programName', 'start', 'end', 'status'];
const READING_COLUMNS: (keyof ResearchReadingRow & string)[] = ['pid', 'metric', 'value', 'unit', 'time', 'grade', 'flags'];

export async function researchExport(db: CrmDb, ctx: WriteContext, o: ResearchExportOptions): Promise<ResearchExportResult> {
  requirePermission(db, RESEARCH_EXPORT_PERMISSION.action, RESEARCH_EXPORT_PERMISSION.record);
  const fromMs = o.fromMs ?? o.nowMs - 365 * DAY;
  if (!Number.isFinite(o.nowMs) || !Number.isFinite(fromMs) || fromMs > o.nowMs) throw new ResearchExportError('the export period must end after it starts');
  const populous = (o.populousZip3 ?? []).map((z) => z.trim());
  if (populous.some((z) => !/^\d{3}$/.test(z))) throw new ResearchExportError('populous ZIP areas are three digits each');
  const today = new Date(o.nowMs).toISOString().slice(0, 10);
  // A bad choice fails before anything is audited as exported.
  checkProtection(o.protection);
  const encrypted = o.protection.kind === 'encrypted';

  const all = (await db.patients.toArray()).filter((p) => !p.deleted);
  const consent = await consentFor(db, all.map((p) => p.id), 'analytics');
  const erased = all.filter((p) => isErased(p));
  const live = all.filter((p) => !isErased(p));
  const consenting = live.filter((p) => consent.get(p.id)?.status === 'given');
  const included = consenting.filter((p) => !isRestricted(p));
  const leftOut = { noConsent: live.length - consenting.length, restricted: consenting.length - included.length, erased: erased.length };

  await appendAudit(db, ctx, {
    action: 'export',
    entity: 'research-export',
    entityId: newId(),
    changes: {
      kind: { before: undefined, after: 'research (HIPAA Safe Harbor de-identified)' },
      encrypted: { before: undefined, after: encrypted },
      fromMs: { before: undefined, after: fromMs },
      toMs: { before: undefined, after: o.nowMs },
      populousZip3: { before: undefined, after: populous },
      patients: { before: undefined, after: included.length },
      leftOut: { before: undefined, after: leftOut },
    },
  });

  const c: ResearchContext = { secret: o.secret ?? newExportSecret(), today, populousZip3: new Set(populous) };
  const programs = new Map((await db.carePrograms.toArray()).map((p: CareProgram) => [p.id, p]));
  const enrolmentsOf = new Map<string, { programKey: string; programName: string; startMs: number; endMs?: number; status: string }[]>();
  for (const e of await db.enrolments.toArray()) {
    if (e.deleted) continue;
    const prog = programs.get(e.programId);
    const list = enrolmentsOf.get(e.patientId) ?? [];
    list.push({ programKey: prog?.key ?? '', programName: prog?.name ?? '', startMs: e.startMs, ...(e.endMs !== undefined ? { endMs: e.endMs } : {}), status: e.status });
    enrolmentsOf.set(e.patientId, list);
  }

  // Rows go out in pseudonym order: the order patients were stored in (often alphabetical) is a hint too.
  const ordered = included.map((p) => ({ p, pid: pseudonymousId(c.secret, p.id) })).sort((a, b) => (a.pid < b.pid ? -1 : a.pid > b.pid ? 1 : 0)).map((x) => x.p);
  const patients: ResearchPatientRow[] = [];
  const conditions: ResearchConditionRow[] = [];
  const enrolments: ResearchEnrolmentRow[] = [];
  // Readings go into the zip batch by batch: only their compressed bytes are kept.
  const zip = new ResearchZipWriter();
  zip.begin('readings.csv');
  zip.push(toCsv(READING_COLUMNS, []));
  let readings = 0;
  for (let i = 0; i < ordered.length; i += BATCH) {
    const batch: PatientRow[] = ordered.slice(i, i + BATCH);
    const lists = await Promise.all(batch.map((p) => db.observations.where('[patientId+timeMs]').between([p.id, fromMs], [p.id, o.nowMs], true, true).toArray()));
    batch.forEach((p, k) => {
      patients.push(researchPatient(p, c));
      conditions.push(...researchConditions(p, c));
      enrolments.push(...researchEnrolments(p.id, enrolmentsOf.get(p.id) ?? [], c));
      const rows = researchReadings(p.id, lists[k]!, c);
      readings += rows.length;
      // Without the header line that toCsv puts first.
      if (rows.length) zip.push(toCsv(READING_COLUMNS, rows).slice(READING_COLUMNS.join(',').length + 2));
    });
    o.onProgress?.(Math.min(i + BATCH, ordered.length), ordered.length);
  }
  zip.end();
  const manifest = {
    format: 'careloop-research-export/1',
    method: 'HIPAA Safe Harbor, 45 CFR 164.514(b)(2)',
    exportedOn: today,
    readingsFromDaysBeforeExport: Math.round((o.nowMs - fromMs) / DAY),
    patients: included.length,
    readings,
    leftOut,
    rules: {
      ids: 'HMAC-SHA256 of the record id with a secret drawn for this export and discarded: stable within this export only',
      dates: 'every date and time of a patient moved by the same secret whole number of days (1 to 180, earlier or later); years of birth as recorded',
      ages: `ages of ${AGE_TOP} and over given as '90+', without year of birth`,
      zip: populous.length ? `first three digits for the configured areas (${populous.join(', ')}), '000' for all others` : "'000' (no populous three-digit areas configured)",
      dropped: 'names, street, city, telephone, email, MRN and other identifiers, device and reading ids, care team, notes, tags, messages',
    },
    files: { 'patients.csv': PATIENT_COLUMNS, 'conditions.csv': CONDITION_COLUMNS, 'enrolments.csv': ENROLMENT_COLUMNS, 'readings.csv': READING_COLUMNS },
  };
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  zip.file('patients.csv', toCsv(PATIENT_COLUMNS, patients));
  zip.file('conditions.csv', toCsv(CONDITION_COLUMNS, conditions));
  zip.file('enrolments.csv', toCsv(ENROLMENT_COLUMNS, enrolments));
  const parts: Uint8Array[] = [];
  for await (const p of exportBinaryFileBytes(zip.finish(), o.protection, { name: RESEARCH_EXPORT_NAME, workstationId: o.workstationId, ...(o.kdf ? { kdf: o.kdf } : {}) })) parts.push(p);
  return {
    parts,
    fileName: encrypted ? `research-export-${today}.careloop-export` : `research-export-${today}.zip`,
    mediaType: encrypted ? 'application/octet-stream' : 'application/zip',
    patients: included.length,
    readings,
    leftOut,
  };
}
