import { sha256 } from '@noble/hashes/sha2.js';
import { BackupInconsistentError } from './errors';
import { deriveKey, randomBytes, seal, type BackupKey } from './cipher';
import {
  CHUNK_END,
  CHUNK_ROWS,
  DEFAULT_KDF,
  FORMAT_VERSION,
  MAGIC,
  NONCE_BYTES,
  concatBytes,
  toHex,
  type BackupHeader,
  type KdfParams,
} from './format';
import { chunkAad, keyCheckAad, KEY_CHECK_NONCE } from './aad';
import { TableHasher, encodeRow } from './row-codec';

/** A table as the writer sees it: its manifest (counted and hashed beforehand) and its rows, page by page, in primary-key order. */
export interface BackupSourceTable {
  name: string;
  rows: number;
  sha256: string;
  pages(): AsyncIterable<readonly unknown[]>;
}

export interface BackupProgress {
  table: string;
  tableRowsDone: number;
  tableRows: number;
  rowsDone: number;
  totalRows: number;
  bytes: number;
}

export interface WriteBackupOptions {
  passphrase: string;
  schemaVersion: number;
  workstationId: string;
  createdAt?: Date;
  /** Argon2id cost; defaults to DEFAULT_KDF. Tests lower it to stay fast. */
  kdf?: Partial<Pick<KdfParams, 'memoryKiB' | 'iterations' | 'parallelism'>>;
  /** Plaintext bytes per chunk before it is sealed (rows are never split). */
  chunkBytes?: number;
  tables: readonly BackupSourceTable[];
  onProgress?: (p: BackupProgress) => void;
}

/** Counts and hashes a table's rows the way the writer and reader do: its manifest entry. */
export async function manifestOf(pages: AsyncIterable<readonly unknown[]>): Promise<{ rows: number; sha256: string }> {
  const h = new TableHasher();
  for await (const page of pages) for (const row of page) h.add(row);
  return { rows: h.rows, sha256: h.digestHex() };
}

function u16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n);
  return b;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

async function sealChunk(key: BackupKey, headerHash: Uint8Array, index: number, final: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = await seal(key, nonce, chunkAad(headerHash, index, final), plaintext);
  return concatBytes([u32(sealed.length), nonce, sealed]);
}

/**
 * Streams a backup file: the header, then each table's rows as sealed chunks, then the end
 * marker. Holds one chunk at a time. Throws BackupInconsistentError if a table's rows differ
 * from its manifest (the database changed between counting and writing).
 */
export async function* writeBackup(options: WriteBackupOptions): AsyncGenerator<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  const kdf: KdfParams = { ...DEFAULT_KDF, ...options.kdf, algorithm: 'argon2id', salt: toHex(randomBytes(16)) };
  const header: BackupHeader = {
    app: 'careloop',
    schemaVersion: options.schemaVersion,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    workstationId: options.workstationId,
    cipher: 'AES-256-GCM',
    compression: 'none',
    kdf,
    tables: options.tables.map((t) => ({ name: t.name, rows: t.rows, sha256: t.sha256 })),
  };
  const key = await deriveKey(options.passphrase, kdf);
  const headerJson = new TextEncoder().encode(JSON.stringify(header));
  const keyCheck = await seal(key, KEY_CHECK_NONCE, keyCheckAad(headerJson), new Uint8Array(0));
  const prefix = concatBytes([MAGIC, u16(FORMAT_VERSION), u32(headerJson.length), headerJson, keyCheck]);
  const headerHash = sha256(prefix);
  yield concatBytes([prefix, headerHash]);

  const totalRows = options.tables.reduce((n, t) => n + t.rows, 0);
  let rowsDone = 0;
  let bytes = prefix.length + headerHash.length;
  let index = 0;
  for (const [tableIndex, table] of options.tables.entries()) {
    const hasher = new TableHasher();
    let rows: Uint8Array[] = [];
    let size = 0;
    const flush = async (): Promise<Uint8Array> => {
      const plain = concatBytes([new Uint8Array([CHUNK_ROWS]), u16(tableIndex), u32(rows.length), ...rows]);
      rows = [];
      size = 0;
      const frame = await sealChunk(key, headerHash, index++, false, plain);
      bytes += frame.length;
      options.onProgress?.({ table: table.name, tableRowsDone: hasher.rows, tableRows: table.rows, rowsDone, totalRows, bytes });
      return frame;
    };
    for await (const page of table.pages()) {
      for (const row of page) {
        const encoded = encodeRow(row);
        hasher.addEncoded(encoded);
        rows.push(encoded);
        size += encoded.length;
        rowsDone++;
        if (size >= chunkBytes) yield await flush();
      }
    }
    if (rows.length) yield await flush();
    if (hasher.rows !== table.rows || hasher.digestHex() !== table.sha256) throw new BackupInconsistentError(table.name);
  }
  const end = await sealChunk(key, headerHash, index, true, concatBytes([new Uint8Array([CHUNK_END]), u32(index)]));
  yield end;
}
