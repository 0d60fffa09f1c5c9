import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * Pseudonymous patient ids and per-patient date offsets for a research export.
 *
 * Both come from HMAC-SHA256 keyed with a secret drawn afresh for each export and never
 * stored or written anywhere: ids are stable across every file of one export (readings,
 * conditions and enrolments join on them) but cannot be recomputed afterwards by anyone —
 * the clinic included — and two exports cannot be linked to each other. A per-clinic kept
 * secret would let a study follow patients across exports, but that secret would then be a
 * re-identification key that Safe Harbor (45 CFR 164.514(c)) only tolerates while it is never
 * disclosed and the code is not derived from the patient's data; dropping it is the simpler
 * guarantee. A study that needs longitudinal linkage should ask for one export over the
 * whole period.
 */

export const SECRET_BYTES = 32;
/** Dates move by 1 to this many days, earlier or later. */
export const MAX_SHIFT_DAYS = 180;

export class ResearchSecretError extends Error {
  override readonly name = 'ResearchSecretError';
}

export function newExportSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
}

function mac(secret: Uint8Array, purpose: string, patientId: string): Uint8Array {
  if (secret.length < 16) throw new ResearchSecretError('the export secret must be at least 16 bytes');
  return hmac(sha256, secret, new TextEncoder().encode(`${purpose}\u0000${patientId}`));
}

/** 'R' and 128 bits of the HMAC in hex: the patient's id in this export. */
export function pseudonymousId(secret: Uint8Array, patientId: string): string {
  return `R${bytesToHex(mac(secret, 'careloop-research-id', patientId).subarray(0, 16))}`;
}

/** Whole days, in ±[1, MAX_SHIFT_DAYS], that every date of this patient moves by in this export. */
export function dateShiftDays(secret: Uint8Array, patientId: string): number {
  const b = mac(secret, 'careloop-research-date-shift', patientId);
  const n = ((b[0]! << 8) | b[1]!) % (2 * MAX_SHIFT_DAYS);
  const magnitude = (n % MAX_SHIFT_DAYS) + 1;
  return n < MAX_SHIFT_DAYS ? -magnitude : magnitude;
}
