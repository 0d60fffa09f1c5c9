import { sha256 } from '@noble/hashes/sha2.js';
import { ByteReader } from './byte-reader';
import { deriveKey, open } from './cipher';
import { chunkAad, keyCheckAad, KEY_CHECK_NONCE } from './aad';
import {
  BackupCorruptedError,
  BackupNewerSchemaError,
  BackupTruncatedError,
  BackupWrongFileError,
  BackupWrongPassphraseError,
} from './errors';
import {
  CHUNK_END,
  CHUNK_ROWS,
  FORMAT_VERSION,
  HASH_BYTES,
  KEY_CHECK_BYTES,
  MAGIC,
  MAX_CHUNK_BYTES,
  MAX_HEADER_BYTES,
  NONCE_BYTES,
  TAG_BYTES,
  bytesEqual,
  concatBytes,
  parseHeader,
  type BackupHeader,
} from './format';
import { TableHasher, decodeRow, type IncrementalSha256 } from './row-codec';

/** The rows of one chunk, all of one table, decrypted and authenticated. */
export interface BackupBatch {
  table: string;
  rows: unknown[];
}

export interface OpenedBackup {
  header: BackupHeader;
  /**
   * Every chunk's rows in file order. The backup is proven whole (end marker present, every
   * table's count and content hash equal to the header's) only once this has run to its end
   * without throwing: consumers must treat what they got as provisional until then.
   */
  batches(): AsyncGenerator<BackupBatch>;
}

export interface OpenBackupOptions {
  /** Refuse backups whose database schema is newer than this (BackupNewerSchemaError). */
  maxSchemaVersion?: number;
  /** The SHA-256 the tables' content hashes are checked with; a Node host may inject a faster one. */
  tableSha256?: () => IncrementalSha256;
}

async function readExact(reader: ByteReader, n: number, what: string): Promise<Uint8Array> {
  const bytes = await reader.read(n);
  if (bytes.length < n) throw new BackupTruncatedError(`${what} at byte ${reader.position}`);
  return bytes;
}

/** Reads and checks the header and the passphrase; rows follow through batches(). */
export async function openBackup(source: AsyncIterable<Uint8Array>, passphrase: string, options: OpenBackupOptions = {}): Promise<OpenedBackup> {
  const reader = new ByteReader(source);
  const magic = await reader.read(MAGIC.length);
  if (!bytesEqual(magic, MAGIC.subarray(0, magic.length)) || magic.length === 0) throw new BackupWrongFileError('no CareLoop backup signature');
  if (magic.length < MAGIC.length) throw new BackupTruncatedError('inside the signature');
  const fixed = await readExact(reader, 6, 'header');
  const view = new DataView(fixed.buffer);
  const version = view.getUint16(0);
  if (version !== FORMAT_VERSION) throw new BackupWrongFileError(`format version ${version}; this build reads ${FORMAT_VERSION}`);
  const headerLen = view.getUint32(2);
  if (headerLen > MAX_HEADER_BYTES) throw new BackupCorruptedError('header length');
  const headerJson = await readExact(reader, headerLen, 'header');
  const keyCheck = await readExact(reader, KEY_CHECK_BYTES, 'header');
  const headerHash = await readExact(reader, HASH_BYTES, 'header');
  if (!bytesEqual(sha256(concatBytes([magic, fixed, headerJson, keyCheck])), headerHash)) throw new BackupCorruptedError('header checksum');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerJson));
  } catch {
    throw new BackupCorruptedError('header is not JSON');
  }
  const header = parseHeader(parsed);
  if (options.maxSchemaVersion !== undefined && header.schemaVersion > options.maxSchemaVersion) {
    throw new BackupNewerSchemaError(header.schemaVersion, options.maxSchemaVersion);
  }
  const key = await deriveKey(passphrase, header.kdf);
  if (!(await open(key, KEY_CHECK_NONCE, keyCheckAad(headerJson), keyCheck))) throw new BackupWrongPassphraseError();

  async function* batches(): AsyncGenerator<BackupBatch> {
    const hashers = header.tables.map(() => new TableHasher(options.tableSha256?.()));
    try {
      for (let index = 0; ; index++) {
        const frameStart = reader.position;
        if (await reader.atEnd()) throw new BackupTruncatedError(`no end marker after chunk ${index}`);
        const lenBytes = await readExact(reader, 4, `chunk ${index}`);
        const len = new DataView(lenBytes.buffer).getUint32(0);
        if (len < TAG_BYTES || len > MAX_CHUNK_BYTES) throw new BackupCorruptedError(`chunk ${index} length at byte ${frameStart}`);
        const nonce = await readExact(reader, NONCE_BYTES, `chunk ${index}`);
        const sealed = await readExact(reader, len, `chunk ${index}`);
        let final = false;
        let plain = await open(key, nonce, chunkAad(headerHash, index, false), sealed);
        if (!plain) {
          plain = await open(key, nonce, chunkAad(headerHash, index, true), sealed);
          final = true;
        }
        if (!plain) throw new BackupCorruptedError(`chunk ${index} at byte ${frameStart} fails authentication`);
        // Only a chunk sealed as final may end the stream, and the final one must be the end marker.
        if (final !== (plain[0] === CHUNK_END)) throw new BackupCorruptedError(`chunk ${index} kind`);
        if (final) {
          if (plain.length !== 5 || new DataView(plain.buffer, plain.byteOffset).getUint32(1) !== index) throw new BackupCorruptedError('end marker');
          break;
        }
        if (plain[0] !== CHUNK_ROWS || plain.length < 7) throw new BackupCorruptedError(`chunk ${index} kind`);
        const pv = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
        const tableIndex = pv.getUint16(1);
        const count = pv.getUint32(3);
        const table = header.tables[tableIndex];
        if (!table) throw new BackupCorruptedError(`chunk ${index} names no table`);
        const rows: unknown[] = [];
        let at = 7;
        for (let i = 0; i < count; i++) {
          const { row, next } = decodeRow(plain, at);
          hashers[tableIndex]!.addEncoded(plain.subarray(at, next));
          rows.push(row);
          at = next;
        }
        if (at !== plain.length) throw new BackupCorruptedError(`chunk ${index} has trailing bytes`);
        yield { table: table.name, rows };
      }
      if (!(await reader.atEnd())) throw new BackupCorruptedError('bytes after the end marker');
      for (const [i, t] of header.tables.entries()) {
        const h = hashers[i]!;
        if (h.rows !== t.rows) throw new BackupCorruptedError(`table ${t.name} has ${h.rows} rows, the header says ${t.rows}`);
        if (h.digestHex() !== t.sha256) throw new BackupCorruptedError(`table ${t.name} content hash differs from the header`);
      }
    } finally {
      await reader.close();
    }
  }

  return { header, batches };
}
