import type { Resource } from '@medplum/fhirtypes';
import { bundleJson } from '../../../common/fhir/bundle';
import type { ImportPlan } from '../../../common/fhir/import-plan';
import { parseFhirJson } from '../../../common/fhir/parse';
import type { TransactionOutcome } from '../../../common/fhir/server-client';
import { MRN_SYSTEM } from '../../../common/fhir/systems';
import type { FhirValidator } from '../../../common/fhir/validator';
import type { CareLoopDb } from './database';
import { exportFhirResources, newExportReport } from './fhir-export';
import { planFhirImport } from './fhir-import';
import type { WriteContext } from './journal';

/**
 * The clinic's side of a FHIR server exchange (issue 10). Sending a patient is a disclosure
 * to another system, so it goes through the export: the patient's sharing consent is
 * checked and the disclosure (or the refusal) audited before any of their data is produced;
 * a refused patient is never sent. Fetched data goes into the same import plan and review as
 * a file. The HTTP itself happens elsewhere (the main process), passed in as `send`.
 */
export interface FhirServerTarget {
  /** The server's FHIR base URL: the fullUrl of each entry and the recipient named in the audit. */
  baseUrl: string;
}

export type SendOutcome =
  | { sent: true; resources: number; outcome: TransactionOutcome }
  | { sent: false; reason: string };

/** How the disclosure's recipient is written in the audit and the accounting of disclosures. */
export function serverRecipientName(baseUrl: string): string {
  return `FHIR server ${baseUrl.replace(/\/+$/, '')}`;
}

/** The patient's transaction Bundle (PUT of every resource, FHIR R4 http.html#transaction) as text, or why it may not leave. */
export async function patientTransaction(db: CareLoopDb, ctx: WriteContext, patientId: string, clinicName: string, target: FhirServerTarget): Promise<{ text: string; resources: number } | { refused: string }> {
  const report = newExportReport();
  const resources = exportFhirResources(db, ctx, { patientIds: [patientId], recipient: { kind: 'provider', name: serverRecipientName(target.baseUrl) }, clinicName, encrypted: false }, report, 'fhir-server-transaction');
  let text = '';
  for await (const piece of bundleJson(resources, { kind: 'transaction', timestampMs: Date.now(), baseUrl: target.baseUrl })) text += piece;
  if (report.withheld.length) return { refused: report.withheld[0]!.reason };
  if (report.patients === 0) return { refused: 'The patient does not exist or was deleted.' };
  return { text, resources: report.resources };
}

/** Sends one patient to the server: consent checked and disclosure audited first, nothing sent on refusal. */
export async function sendPatientToServer(db: CareLoopDb, ctx: WriteContext, patientId: string, clinicName: string, target: FhirServerTarget, send: (bundleText: string) => Promise<TransactionOutcome>): Promise<SendOutcome> {
  const t = await patientTransaction(db, ctx, patientId, clinicName, target);
  if ('refused' in t) return { sent: false, reason: t.refused };
  return { sent: true, resources: t.resources, outcome: await send(t.text) };
}

export interface FetchedPlanOptions {
  baseUrl: string;
  /** The identifier system that holds the clinic's MRN on that server. */
  mrnSystem?: string;
}

/** What importing the fetched resources would do: the same checks, plan and review as a file. */
export function planFetchedResources(db: CareLoopDb, resources: readonly Resource[], validator: FhirValidator, o: FetchedPlanOptions): Promise<ImportPlan> {
  const parsed = parseFhirJson({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) }, validator);
  const mrnSystems = o.mrnSystem && o.mrnSystem !== MRN_SYSTEM ? [o.mrnSystem, MRN_SYSTEM] : [MRN_SYSTEM];
  return planFhirImport(db, parsed, { sourceSystem: serverRecipientName(o.baseUrl), mrnSystems });
}
