import { base64url, calculateJwkThumbprint, type JWK } from 'jose';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson } from '../audit/chain';

/**
 * Naming keys and content. A key's kid is its RFC 7638 JWK thumbprint (SHA-256, base64url);
 * people compare the same digest as a fingerprint — 64 hex digits in groups of four — read
 * out over the phone or printed on a letterhead, so a recipient can tell the clinic's key
 * from a stranger's without any certificate authority.
 */
export interface KeyName {
  kid: string;
  fingerprint: string;
}

export function fingerprintOfKid(kid: string): string {
  const hex = bytesToHex(base64url.decode(kid)).toUpperCase();
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/** kid and fingerprint of a public key (only the required members count, RFC 7638 §3.2). */
export async function keyName(publicJwk: JWK): Promise<KeyName> {
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, fingerprint: fingerprintOfKid(kid) };
}

/** Fingerprints typed by people: spaces, colons and case do not matter. */
export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[\s:]/g, '').toUpperCase();
  return norm(a) === norm(b) && norm(a).length === 64;
}

/** 'sha-256:' + hex over the bundle's canonical JSON (sorted keys), so parsing and re-serialising cannot change it. */
export function contentHash(bundle: unknown): string {
  return `sha-256:${bytesToHex(sha256(new TextEncoder().encode(canonicalJson(bundle))))}`;
}
