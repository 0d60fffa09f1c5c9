import { createSHA256 } from 'hash-wasm';
import type { auditHash } from '../audit/chain';

/**
 * The same function as canonicalJson in common/audit/chain.ts (JSON with object keys sorted
 * at every depth, undefined object members left out, undefined array items as null), written
 * as plain loops: verifying a whole audit log spends most of its time here.
 */
/** Keys JSON.stringify would quote without escaping anything. */
const PLAIN_KEY = /^[A-Za-z0-9_$.-]*$/;

export function canonicalJsonFast(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) s += ',';
      // A hole stays empty, as Array.prototype.map + join render it.
      if (!(i in value)) continue;
      const item: unknown = value[i];
      s += item === undefined ? 'null' : canonicalJsonFast(item);
    }
    return `${s}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const item = obj[k];
    if (item === undefined) continue;
    if (!first) s += ',';
    first = false;
    s += `${PLAIN_KEY.test(k) ? `"${k}"` : JSON.stringify(k)}:${canonicalJsonFast(item)}`;
  }
  return `${s}}`;
}

/**
 * An auditHash (same inputs, same hex digest) on hash-wasm's SHA-256: its hasher is created
 * once (WebAssembly loads asynchronously) and then hashes synchronously, several times faster
 * than the pure-JS SHA-256 the chain uses while sealing inside IndexedDB transactions.
 */
export async function createFastAuditHash(): Promise<typeof auditHash> {
  const hasher = await createSHA256();
  return (content, seq, prevHash) => {
    hasher.init();
    hasher.update(`${prevHash}\n${seq}\n${canonicalJsonFast(content)}`);
    return hasher.digest('hex');
  };
}
