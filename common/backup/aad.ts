/** What each sealed piece is bound to (see format.ts). */
export const KEY_CHECK_NONCE = new Uint8Array(12);

const KEY_CHECK_LABEL = new TextEncoder().encode('careloop-backup-key-check\n');

/** The key check's nonce is fixed: each file has its own salt, so its key is never used for it twice. */
export function keyCheckAad(headerJson: Uint8Array): Uint8Array {
  const out = new Uint8Array(KEY_CHECK_LABEL.length + headerJson.length);
  out.set(KEY_CHECK_LABEL);
  out.set(headerJson, KEY_CHECK_LABEL.length);
  return out;
}

export function chunkAad(headerHash: Uint8Array, index: number, final: boolean): Uint8Array {
  const out = new Uint8Array(headerHash.length + 5);
  out.set(headerHash);
  const view = new DataView(out.buffer);
  view.setUint32(headerHash.length, index);
  out[headerHash.length + 4] = final ? 1 : 0;
  return out;
}
