import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createSHA256 } from 'hash-wasm';
import { CanonicalBytesWriter } from './canonical-bytes';
import type { AuditEntryHash } from './chain';

/** SHA-256 of some bytes as lowercase hex; the host picks the implementation. */
export type Sha256Hex = (bytes: Uint8Array) => string;

/**
 * An entry's auditHash (chain.ts) computed from the stored entry itself — no copy without its
 * chain fields, no intermediate string — on the SHA-256 the host injects. Same inputs, same
 * hex digest as auditHash, so every verdict of verifyAuditChain stays the same.
 * The CLI injects node:crypto (it runs in Node); common/ itself stays environment-free.
 */
export function createAuditEntryHash(sha256Hex: Sha256Hex): AuditEntryHash {
  const writer = new CanonicalBytesWriter();
  return (entry) => sha256Hex(writer.entryPreimage(entry, entry.seq, entry.prevHash));
}

/** Pure-JS SHA-256: runs anywhere, including the renderer, whose Content-Security-Policy forbids WebAssembly. */
export const portableSha256Hex: Sha256Hex = (bytes) => bytesToHex(sha256(bytes));

/** hash-wasm's SHA-256 (WebAssembly: Node and workers without a CSP), created once, then synchronous. */
export async function createWasmSha256Hex(): Promise<Sha256Hex> {
  const hasher = await createSHA256();
  return (bytes) => {
    hasher.init();
    hasher.update(bytes);
    return hasher.digest('hex');
  };
}
