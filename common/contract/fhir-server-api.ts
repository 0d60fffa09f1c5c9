import { z } from 'zod';

/**
 * The main process's "FHIR server" service (issue 10): it keeps the configured server (base
 * URL, token URL, client id; the client secret in the workstation's secret store, never in
 * IndexedDB), gets OAuth 2.0 client-credentials tokens and makes the HTTP calls, so the
 * renderer neither holds the secret nor talks to the server (its CSP allows only its own
 * origin). Bundles cross in pieces: a browser-mode WebSocket message is at most 1 MiB.
 *
 * Failures arrive as RpcError codes: `fhir-server-not-configured`, `fhir-server-settings`
 * (an address refused: not https outside loopback, credentials or query in it),
 * `fhir-auth-failed`, `fhir-http-status`, `fhir-invalid-response`, `fhir-network`,
 * `fhir-server-handle` (an unknown or finished upload or download), and the secret store's
 * codes. Messages never hold patient data.
 */
export const FHIR_TEXT_PIECE_CHARS = 192 * 1024;

export const FhirServerSettingsWire = z.object({
  baseUrl: z.string().nullable(),
  tokenUrl: z.string().nullable(),
  clientId: z.string().nullable(),
  clientAuth: z.enum(['basic', 'body']),
  scope: z.string().nullable(),
  /** The identifier system that holds the clinic's MRN on that server; CareLoop's own when null. */
  mrnSystem: z.string().nullable(),
  hasClientSecret: z.boolean(),
  /** Address, token URL, client id and secret are all set. */
  configured: z.boolean(),
});
export type FhirServerSettingsWire = z.infer<typeof FhirServerSettingsWire>;

const Url = z.string().trim().min(1).max(500);
const Handle = z.string().regex(/^[0-9a-f]{32}$/);

export const FhirServerConfigureParams = z
  .object({
    baseUrl: Url,
    tokenUrl: Url,
    clientId: z.string().trim().min(1).max(200),
    clientAuth: z.enum(['basic', 'body']),
    scope: z.string().trim().max(500).nullable().optional(),
    mrnSystem: z.string().trim().max(500).nullable().optional(),
    /** A new client secret to keep; null forgets it; absent keeps the one kept. */
    clientSecret: z.string().min(1).max(2000).nullable().optional(),
  })
  .strict();
export type FhirServerConfigureParams = z.infer<typeof FhirServerConfigureParams>;

export const FhirTransactionOutcomeWire = z.object({ entries: z.number().int(), created: z.number().int(), updated: z.number().int(), other: z.number().int() });

export const fhirServerMethods = {
  'fhirServer.settings': { params: z.object({}).strict(), result: FhirServerSettingsWire },
  'fhirServer.configure': { params: FhirServerConfigureParams, result: FhirServerSettingsWire },
  /** Forgets the server and its secret. */
  'fhirServer.forget': { params: z.object({}).strict(), result: FhirServerSettingsWire },
  /** Gets a token and reads the server's CapabilityStatement. */
  'fhirServer.test': {
    params: z.object({}).strict(),
    result: z.object({ fhirVersion: z.string().nullable(), software: z.string().nullable(), tokenExpiresInS: z.number().nullable() }),
  },
  /** A transaction Bundle in pieces: begin, the pieces in order, then finish sends it. */
  'fhirServer.sendBegin': { params: z.object({}).strict(), result: z.object({ handle: Handle }) },
  'fhirServer.sendPart': { params: z.object({ handle: Handle, text: z.string().max(FHIR_TEXT_PIECE_CHARS) }).strict(), result: z.object({ chars: z.number().int() }) },
  'fhirServer.sendFinish': { params: z.object({ handle: Handle }).strict(), result: FhirTransactionOutcomeWire },
  /** Reads a patient's data by identifier; the resources (NDJSON) are then read in pieces. */
  'fhirServer.fetchPatient': {
    params: z.object({ identifierSystem: z.string().trim().max(500).nullable(), identifierValue: z.string().trim().min(1).max(200) }).strict(),
    result: z.object({ handle: Handle, patients: z.number().int(), resources: z.number().int(), chars: z.number().int(), via: z.enum(['everything', 'search']) }),
  },
  'fhirServer.fetchPart': {
    params: z.object({ handle: Handle, offset: z.number().int().min(0) }).strict(),
    result: z.object({ text: z.string(), nextOffset: z.number().int().nullable() }),
  },
} as const;
