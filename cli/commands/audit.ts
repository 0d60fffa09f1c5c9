import { createHash, hash as nodeHash } from 'node:crypto';
import { verifyAuditChain, type AuditEntry, type ChainVerdict } from '../../common/audit/chain';
import { NotAnAuditEntryError, readAuditEntries } from '../../common/backup/audit-entries';
import { createAuditEntryHash, type Sha256Hex } from '../../common/audit/fast-hash';
import { BackupError } from '../../common/backup/errors';
import { openBackup } from '../../common/backup/reader';
import { CliInputError, type CliCommand } from '../command';
import { readPassphrase } from './backup';
import { fileBytes } from '../file-bytes';

const usage = `Usage: careloop audit verify <backup-file> [--passphrase-file <file>]

Opens an encrypted CareLoop backup and checks the workstation's hash-chained audit log in it.
The passphrase is the first line of --passphrase-file, or else the CARELOOP_PASSPHRASE
environment variable.

Prints "audit chain intact: <n> entries" and exits 0, or names the first entry (by seq and
id) that was altered, removed or reordered and exits 1. A backup that cannot be read (wrong
passphrase, truncated, corrupted, not a backup) exits 1 with the reason. Usage errors exit 2.
`;

/** node:crypto's one-shot SHA-256: the fastest SHA-256 a Node process has (OpenSSL). */
export const nodeSha256Hex: Sha256Hex = (bytes) => nodeHash('sha256', bytes, 'hex');

function entryName(e: AuditEntry | undefined, seq: number): string {
  return e ? `seq ${seq} (id ${e.id})` : `seq ${seq}`;
}

/** One line naming the first bad entry; the verdict's problem kinds in plain words. */
export function describeBrokenChain(entries: readonly AuditEntry[], verdict: Extract<ChainVerdict, { intact: false }>): string {
  const seq = verdict.firstBadSeq;
  const holder = entries.find((e) => e.seq === seq);
  switch (verdict.problem) {
    case 'altered':
      return `audit chain broken: entry ${entryName(holder, seq)} was altered (its hash does not match its content)`;
    case 'removed': {
      const next = entries.find((e) => e.seq > seq);
      return `audit chain broken: entry seq ${seq} was removed (the chain jumps from seq ${seq - 1} to ${next ? entryName(next, next.seq) : 'the end'})`;
    }
    case 'reordered': {
      const index = entries.findIndex((e) => e.seq === seq);
      const found = entries[seq - 1];
      return `audit chain broken: entry ${entryName(holder, seq)} was reordered (found at position ${index + 1}; position ${seq} holds ${found ? entryName(found, found.seq) : 'nothing'})`;
    }
    case 'broken-link':
      return `audit chain broken: entry ${entryName(holder, seq)} does not link to the entry before it (that one was altered, removed or replaced)`;
  }
}

async function verify(path: string, passphrase: string, io: Parameters<CliCommand['run']>[1]): Promise<number> {
  let entries: AuditEntry[];
  try {
    const backup = await openBackup(fileBytes(path), passphrase, { tableSha256: () => createHash('sha256') });
    entries = await readAuditEntries(backup);
  } catch (err) {
    if (err instanceof BackupError || err instanceof NotAnAuditEntryError) throw new CliInputError(err.message);
    throw err;
  }
  const verdict = verifyAuditChain(entries, { entryHash: createAuditEntryHash(nodeSha256Hex) });
  if (verdict.intact) {
    io.stdout(`audit chain intact: ${verdict.entries} entries\n`);
    return 0;
  }
  io.stdout(`${describeBrokenChain(entries, verdict)}\n`);
  return 1;
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Verify the hash-chained audit log in an encrypted backup',
  usage,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'verify') {
      io.stderr(`careloop audit: unknown or missing subcommand${sub ? ` '${sub}'` : ''}; see careloop audit --help\n`);
      return 2;
    }
    let file: string | undefined;
    let passphraseFile: string | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === '--passphrase-file') {
        passphraseFile = rest[++i];
        if (passphraseFile === undefined) {
          io.stderr('careloop audit: --passphrase-file needs a file\n');
          return 2;
        }
      } else if (a.startsWith('-') || file !== undefined) {
        io.stderr(`careloop audit: unexpected argument '${a}'; see careloop audit --help\n`);
        return 2;
      } else file = a;
    }
    if (file === undefined) {
      io.stderr('careloop audit verify: missing <backup-file>; see careloop audit --help\n');
      return 2;
    }
    return verify(file, readPassphrase(passphraseFile), io);
  },
};
