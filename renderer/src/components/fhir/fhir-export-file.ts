import { checkProtection, exportFileBytes, type ExportProtection } from '../../../../common/exports/sealed-file';
import type { KdfParams } from '../../../../common/backup/format';
import type { CareLoopDb } from '../../db/database';
import { exportFhirBundle, newExportReport, type ExportRecipient, type FhirExportReport } from '../../db/fhir-export';
import type { WriteContext } from '../../db/journal';

/** The Bundle's name inside a sealed export: what `careloop open-export` writes out. */
export const FHIR_EXPORT_NAME = 'fhir-bundle.json';

export interface FhirExportFileRequest {
  patientId: string;
  mrn: string;
  recipient: ExportRecipient;
  clinicName: string;
  workstationId: string;
  protection: ExportProtection;
  /** Argon2id cost; the backup default when absent. Tests lower it. */
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
}

export interface FhirExportFile {
  /** Empty when the patient was withheld (see report.withheld). */
  bytes: Uint8Array[];
  fileName: string;
  mediaType: string;
  report: FhirExportReport;
}

/** The download's name: the MRN made safe for a file system, and what the file holds. */
export function exportFileName(mrn: string, encrypted: boolean): string {
  const safe = mrn.replace(/[^A-Za-z0-9\-_.]/g, '_') || 'patient';
  return encrypted ? `${safe}-fhir.careloop-export` : `${safe}-fhir.json`;
}

/**
 * One patient's FHIR Bundle as the file that leaves the workstation, sealed unless plain was
 * chosen explicitly. The export audits itself (fhir-export.ts) with the protection recorded,
 * before any of the patient's data is produced; a refused disclosure yields no bytes.
 */
export async function fhirExportFile(db: CareLoopDb, ctx: WriteContext, req: FhirExportFileRequest): Promise<FhirExportFile> {
  const encrypted = req.protection.kind === 'encrypted';
  const report = newExportReport();
  const fileName = exportFileName(req.mrn, encrypted);
  const mediaType = encrypted ? 'application/octet-stream' : 'application/fhir+json';
  // A bad choice fails before anything is audited as disclosed.
  checkProtection(req.protection);
  const pieces: string[] = [];
  for await (const piece of exportFhirBundle(db, ctx, { kind: 'collection', recipient: req.recipient, clinicName: req.clinicName, patientIds: [req.patientId], encrypted }, report)) pieces.push(piece);
  if (report.withheld.length) return { bytes: [], fileName, mediaType, report };
  const bytes: Uint8Array[] = [];
  for await (const b of exportFileBytes(pieces, req.protection, { name: FHIR_EXPORT_NAME, workstationId: req.workstationId, ...(req.kdf ? { kdf: req.kdf } : {}) })) bytes.push(b);
  return { bytes, fileName, mediaType, report };
}
