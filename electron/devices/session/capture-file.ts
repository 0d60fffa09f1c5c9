import type { RawCaptureEntry } from './types';

/**
 * The raw bytes of one download session as a self-describing file, kept (gzipped by the
 * caller) before anything is decoded so a failed download can be replayed through its
 * driver and turned into a test fixture.
 *
 * Layout: "CLCAP1" then per entry: direction (1 byte: 0 in, 1 out), time since session
 * start in ms (uint32 LE), channel name length (uint8) and UTF-8 name, payload length
 * (uint32 LE) and payload.
 */
const MAGIC = [0x43, 0x4c, 0x43, 0x41, 0x50, 0x31];

export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
}

export function encodeCapture(entries: readonly RawCaptureEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.channel).slice(0, 255));
  const size = MAGIC.length + entries.reduce((n, e, i) => n + 1 + 4 + 1 + names[i]!.length + 4 + e.bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  entries.forEach((e, i) => {
    const name = names[i]!;
    out[at++] = e.dir === 'in' ? 0 : 1;
    view.setUint32(at, Math.max(0, Math.min(0xffffffff, Math.round(e.atMs))), true);
    at += 4;
    out[at++] = name.length;
    out.set(name, at);
    at += name.length;
    view.setUint32(at, e.bytes.length, true);
    at += 4;
    out.set(e.bytes, at);
    at += e.bytes.length;
  });
  return out;
}

export function decodeCapture(bytes: Uint8Array): RawCaptureEntry[] {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) throw new CaptureFormatError('not a CareLoop capture file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out: RawCaptureEntry[] = [];
  let at = MAGIC.length;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new CaptureFormatError(`capture file truncated at byte ${at}`);
  };
  while (at < bytes.length) {
    need(6);
    const dirByte = bytes[at++]!;
    if (dirByte > 1) throw new CaptureFormatError(`bad direction byte at ${at - 1}`);
    const atMs = view.getUint32(at, true);
    at += 4;
    const nameLen = bytes[at++]!;
    need(nameLen + 4);
    let channel: string;
    try {
      channel = dec.decode(bytes.subarray(at, at + nameLen));
    } catch {
      throw new CaptureFormatError(`channel name is not UTF-8 at byte ${at}`);
    }
    at += nameLen;
    const len = view.getUint32(at, true);
    at += 4;
    need(len);
    out.push({ dir: dirByte === 0 ? 'in' : 'out', atMs, channel, bytes: bytes.slice(at, at + len) });
    at += len;
  }
  return out;
}
