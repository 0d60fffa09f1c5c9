import Dexie, { type Table } from 'dexie';
import type { JWK } from 'jose';
import { keyName, type KeyName } from '../../../common/sharing/fingerprint';
import type { SigningIdentity } from '../../../common/sharing/seal';
import { requirePermission } from '../security/current-actor';
import type { CareLoopDb } from './database';

/**
 * The clinic's Ed25519 signing key for share packages (issue 10), generated on first use.
 *
 * The private key is a NON-EXTRACTABLE WebCrypto key (Chromium has Ed25519 in WebCrypto since
 * 137; Electron 45 and the Chromium of the end-to-end tests are later) kept in IndexedDB,
 * which stores CryptoKey objects by structured clone without ever exposing their bytes: no
 * code on this workstation — ours, an extension, an XSS — can read the private key out, only
 * ask it to sign while the app is open. It is
 * kept in its own small database beside the clinic's, not in a table of it, so backups
 * (which copy every table of the clinic database) and sync never carry it.
 *
 * The cost of that choice: the key lives and dies with this workstation profile. A clinic
 * with several workstations has one key per workstation, and a restore onto a new machine
 * makes a new key — recipients then get a new fingerprint, which docs/SHARING.md tells them
 * to confirm with the clinic. Wrapping an extractable key under the main process's secret
 * store would let it travel, but would also let it leave; for a signature that stands for
 * the clinic, never leaving won.
 */
export interface SigningKeyRow {
  clinicId: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  createdMs: number;
}

class SigningKeyDb extends Dexie {
  keys!: Table<SigningKeyRow, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ keys: 'clinicId' });
  }
}

const opened = new Map<string, SigningKeyDb>();

function keyDb(db: CareLoopDb): SigningKeyDb {
  const name = `${db.name}-signing-keys`;
  let k = opened.get(name);
  if (!k) opened.set(name, (k = new SigningKeyDb(name)));
  return k;
}

export class SigningKeyUnavailableError extends Error {
  override readonly name = 'SigningKeyUnavailableError';
  readonly code = 'signing-key-unavailable';
}

async function generate(clinicId: string, nowMs: number): Promise<SigningKeyRow> {
  let pair: CryptoKeyPair;
  try {
    pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  } catch {
    throw new SigningKeyUnavailableError('This browser cannot make Ed25519 keys (WebCrypto); share packages need Chromium 137 or later.');
  }
  const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JWK;
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x! };
  return { clinicId, privateKey: pair.privateKey, publicJwk, kid: (await keyName(publicJwk)).kid, createdMs: nowMs };
}

/**
 * The clinic's signing key on this workstation, made on first use. Only people who may
 * export patient data may use it (or make it). Two windows asking at once keep one key:
 * the first one stored wins.
 */
export async function clinicSigningKey(db: CareLoopDb, clinicId: string, nowMs = Date.now()): Promise<SigningIdentity & KeyName> {
  requirePermission(db, 'export', 'patient');
  const store = keyDb(db);
  let row = await store.keys.get(clinicId);
  if (!row) {
    const fresh = await generate(clinicId, nowMs);
    row = await store.transaction('rw', store.keys, async () => {
      const existing = await store.keys.get(clinicId);
      if (existing) return existing;
      await store.keys.add(fresh);
      return fresh;
    });
  }
  const name = await keyName(row.publicJwk);
  if (name.kid !== row.kid) throw new SigningKeyUnavailableError('The stored signing key does not match its key id.');
  return { privateKey: row.privateKey, publicJwk: row.publicJwk, ...name };
}

/** The public half only, for showing the fingerprint; undefined until the first package is made. */
export async function clinicSigningKeyName(db: CareLoopDb, clinicId: string): Promise<(KeyName & { createdMs: number }) | undefined> {
  const row = await keyDb(db).keys.get(clinicId);
  if (!row) return undefined;
  return { ...(await keyName(row.publicJwk)), createdMs: row.createdMs };
}
