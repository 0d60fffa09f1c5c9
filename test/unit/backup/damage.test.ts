import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupCorruptedError,
  BackupError,
  BackupTruncatedError,
  BackupWrongFileError,
  BackupWrongPassphraseError,
} from '../../../common/backup/errors';
import { openBackup } from '../../../common/backup/reader';
import { exportDatabase, restoreDatabase } from '../../../renderer/src/db/backup';
import { CareLoopDb } from '../../../renderer/src/db/database';
import { FAST_KDF, PASSPHRASE, collect, freshDbName, pieces, populatedDb } from './fixture';

let file: Uint8Array;
let source: CareLoopDb;

/** Where the header ends and each chunk frame (length, nonce, sealed bytes) starts, per the format in common/backup/format.ts. */
function layout(bytes: Uint8Array): { headerEnd: number; frames: { start: number; end: number }[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerEnd = 8 + 2 + 4 + view.getUint32(10) + 16 + 32;
  const frames = [];
  for (let at = headerEnd; at < bytes.length; ) {
    const end = at + 4 + 12 + view.getUint32(at);
    frames.push({ start: at, end });
    at = end;
  }
  return { headerEnd, frames };
}

/** Restores into a fresh database and returns the error; the database must not exist afterwards. */
async function failedRestore(bytes: Uint8Array, passphrase = PASSPHRASE): Promise<unknown> {
  const name = freshDbName();
  const target = new CareLoopDb(name);
  let error: unknown;
  try {
    await restoreDatabase(pieces(bytes), target, { passphrase });
  } catch (e) {
    error = e;
  }
  target.close();
  expect(error, 'the restore should have failed').toBeDefined();
  expect(await Dexie.exists(name), 'a failed restore leaves no database behind').toBe(false);
  return error;
}

beforeAll(async () => {
  source = await populatedDb();
  file = await collect(exportDatabase(source, { passphrase: PASSPHRASE, kdf: FAST_KDF, chunkBytes: 2048 }));
});
afterAll(() => source.close());

describe('a damaged or foreign backup gives a typed error and restores nothing', () => {
  it('has several chunks to damage', () => {
    expect(layout(file).frames.length).toBeGreaterThan(5);
  });

  it('wrong passphrase', async () => {
    expect(await failedRestore(file, 'not the passphrase')).toBeInstanceOf(BackupWrongPassphraseError);
  });

  it('truncated: inside the header, inside a chunk, at a chunk boundary, and just before the end marker', async () => {
    const { headerEnd, frames } = layout(file);
    const cuts = [5, headerEnd - 10, frames[2]!.start + 20, frames[3]!.start, frames.at(-1)!.start, file.length - 1];
    for (const cut of cuts) expect(await failedRestore(file.slice(0, cut)), `cut at ${cut}`).toBeInstanceOf(BackupTruncatedError);
  });

  it('one flipped byte in the signature, the header, the key check, the header checksum, a chunk length, nonce, body or tag, or the end marker', async () => {
    const { headerEnd, frames } = layout(file);
    const mid = frames[2]!;
    const positions: [number, abstract new (...args: never[]) => BackupError][] = [
      [0, BackupWrongFileError],
      [9, BackupWrongFileError], // format version
      [20, BackupCorruptedError], // header JSON
      [headerEnd - 40, BackupCorruptedError], // key check
      [headerEnd - 1, BackupCorruptedError], // header checksum
      [mid.start + 2, BackupCorruptedError], // chunk length: still within the file
      [mid.start + 6, BackupCorruptedError], // nonce
      [mid.start + 40, BackupCorruptedError], // ciphertext
      [mid.end - 1, BackupCorruptedError], // tag
      [file.length - 3, BackupCorruptedError], // end marker
    ];
    for (const [at, kind] of positions) {
      const damaged = file.slice();
      damaged[at] = damaged[at]! ^ 0x01;
      expect(await failedRestore(damaged), `byte ${at}`).toBeInstanceOf(kind);
    }
  });

  it('every single flipped byte is caught by the reader (sampled across the whole file)', async () => {
    for (let at = 0; at < file.length; at += Math.max(1, Math.floor(file.length / 97))) {
      const damaged = file.slice();
      damaged[at] = damaged[at]! ^ 0x80;
      let error: unknown;
      try {
        const b = await openBackup(pieces(damaged), PASSPHRASE);
        for await (const _ of b.batches()) void _;
      } catch (e) {
        error = e;
      }
      expect(error, `byte ${at}`).toBeInstanceOf(BackupError);
      expect(error, `byte ${at}`).not.toBeInstanceOf(BackupWrongPassphraseError);
    }
  });

  it('two chunks swapped, a chunk dropped, a chunk repeated', async () => {
    const { headerEnd, frames } = layout(file);
    const part = (i: number) => file.slice(frames[i]!.start, frames[i]!.end);
    const join = (order: number[]) => {
      const out = [file.slice(0, headerEnd), ...order.map(part)];
      const bytes = new Uint8Array(out.reduce((s, p) => s + p.length, 0));
      let at = 0;
      for (const p of out) {
        bytes.set(p, at);
        at += p.length;
      }
      return bytes;
    };
    const all = frames.map((_, i) => i);
    const swapped = [...all];
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(await failedRestore(join(swapped))).toBeInstanceOf(BackupCorruptedError);
    expect(await failedRestore(join(all.filter((i) => i !== 2)))).toBeInstanceOf(BackupCorruptedError);
    expect(await failedRestore(join([0, 1, 1, ...all.slice(2)]))).toBeInstanceOf(BackupCorruptedError);
  });

  it('a chunk from another backup made with the same passphrase', async () => {
    const other = await collect(exportDatabase(source, { passphrase: PASSPHRASE, kdf: FAST_KDF, chunkBytes: 2048 }));
    const a = layout(file);
    const b = layout(other);
    const mixed = new Uint8Array(file.length);
    mixed.set(file);
    const f = b.frames[1]!;
    expect(f.end - f.start).toBe(a.frames[1]!.end - a.frames[1]!.start);
    mixed.set(other.slice(f.start, f.end), a.frames[1]!.start);
    expect(await failedRestore(mixed)).toBeInstanceOf(BackupCorruptedError);
  });

  it('a file that is not a backup, and an empty file', async () => {
    expect(await failedRestore(new TextEncoder().encode('{"resourceType":"Bundle"}'))).toBeInstanceOf(BackupWrongFileError);
    expect(await failedRestore(new Uint8Array(0))).toBeInstanceOf(BackupWrongFileError);
  });
});
