import type { Resource } from '@medplum/fhirtypes';
import { FHIR_TEXT_PIECE_CHARS } from '../../../../common/contract/fhir-server-api';
import type { TransactionOutcome } from '../../../../common/fhir/server-client';
import type { MainClient } from '../../bridge/main-bridge';

/**
 * The renderer's end of the FHIR server calls: Bundles cross the contract in pieces (a
 * browser-mode WebSocket message is at most 1 MiB); the main process makes the HTTP calls.
 */
export async function sendTransactionViaMain(main: MainClient, bundleText: string): Promise<TransactionOutcome> {
  const { handle } = await main.call('fhirServer.sendBegin', {});
  for (let i = 0; i < bundleText.length; i += FHIR_TEXT_PIECE_CHARS) await main.call('fhirServer.sendPart', { handle, text: bundleText.slice(i, i + FHIR_TEXT_PIECE_CHARS) });
  return main.call('fhirServer.sendFinish', { handle });
}

export interface FetchedViaMain {
  patients: number;
  resources: Resource[];
  via: 'everything' | 'search';
}

export async function fetchPatientViaMain(main: MainClient, identifierSystem: string | null, identifierValue: string): Promise<FetchedViaMain> {
  const got = await main.call('fhirServer.fetchPatient', { identifierSystem, identifierValue });
  const pieces: string[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const part: { text: string; nextOffset: number | null } = await main.call('fhirServer.fetchPart', { handle: got.handle, offset });
    pieces.push(part.text);
    offset = part.nextOffset;
  }
  const text = pieces.join('');
  const resources = text ? text.split('\n').map((line) => JSON.parse(line) as Resource) : [];
  return { patients: got.patients, resources, via: got.via };
}

/** Error text for staff: the RpcError's message, which the main process keeps free of patient data. */
export function fhirServerFailureText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
