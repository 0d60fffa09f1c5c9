import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../common/audit/chain';
import { openBackup } from '../../../common/backup/reader';
import { manifestOf, writeBackup } from '../../../common/backup/writer';
import { main } from '../../../cli/main';
import { exportDatabase } from '../../../renderer/src/db/backup';
import { FAST_KDF, PASSPHRASE, collect, pieces, populatedDb } from './fixture';

const scratch = mkdtempSync(join(tmpdir(), 'careloop-audit-'));
const passphraseFile = join(scratch, 'passphrase.txt');
let original: Uint8Array;
let n = 0;

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function save(bytes: Uint8Array): string {
  const path = join(scratch, `backup-${n++}.clbk`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A tamperer who knows the passphrase: decrypts the backup, edits the audit rows and
 * re-encrypts everything with fresh, matching manifests. Only the hash chain can tell.
 */
async function tamper(edit: (audit: AuditEntry[]) => AuditEntry[]): Promise<Uint8Array> {
  const backup = await openBackup(pieces(original), PASSPHRASE);
  const tables = new Map<string, unknown[]>(backup.header.tables.map((t) => [t.name, []]));
  for await (const b of backup.batches()) tables.get(b.table)!.push(...b.rows);
  tables.set('audit', edit(tables.get('audit') as AuditEntry[]));
  const sources = [];
  for (const [name, rows] of tables) {
    const page = async function* () {
      yield rows;
    };
    sources.push({ name, ...(await manifestOf(page())), pages: page });
  }
  return collect(writeBackup({ passphrase: PASSPHRASE, kdf: FAST_KDF, schemaVersion: backup.header.schemaVersion, workstationId: backup.header.workstationId, tables: sources }));
}

let entries: AuditEntry[];

beforeAll(async () => {
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
  const db = await populatedDb(8);
  entries = await db.audit.orderBy('seq').toArray();
  original = await collect(exportDatabase(db, { passphrase: PASSPHRASE, kdf: FAST_KDF }));
  db.close();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('careloop audit verify', () => {
  it('reports an untouched backup as intact (passphrase from a file or from CARELOOP_PASSPHRASE)', async () => {
    const path = save(original);
    const r = await run(['audit', 'verify', path, '--passphrase-file', passphraseFile]);
    expect(r).toEqual({ code: 0, out: 'audit chain intact: 8 entries\n', err: '' });
    process.env['CARELOOP_PASSPHRASE'] = PASSPHRASE;
    try {
      expect((await run(['audit', 'verify', path])).code).toBe(0);
    } finally {
      delete process.env['CARELOOP_PASSPHRASE'];
    }
  });

  it('names an altered entry by seq and id', async () => {
    const path = save(await tamper((a) => a.map((e) => (e.seq === 4 ? { ...e, actor: 'Someone Else' } : e))));
    const r = await run(['audit', 'verify', path, '--passphrase-file', passphraseFile]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`audit chain broken: entry seq 4 (id ${entries[3]!.id}) was altered (its hash does not match its content)\n`);
  });

  it('names a removed entry by seq, and the entry the chain jumps to', async () => {
    const path = save(await tamper((a) => a.filter((e) => e.seq !== 3)));
    const r = await run(['audit', 'verify', path, '--passphrase-file', passphraseFile]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`audit chain broken: entry seq 3 was removed (the chain jumps from seq 2 to seq 4 (id ${entries[3]!.id}))\n`);
  });

  it('names a reordered entry by seq and id', async () => {
    const path = save(await tamper((a) => [...a.slice(0, 5), a[6]!, a[5]!, ...a.slice(7)]));
    const r = await run(['audit', 'verify', path, '--passphrase-file', passphraseFile]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`entry seq 6 (id ${entries[5]!.id}) was reordered`);
  });

  it('names the first entry whose link breaks when a tamperer also renumbers after a removal', async () => {
    const path = save(await tamper((a) => a.filter((e) => e.seq !== 2).map((e) => (e.seq > 2 ? { ...e, seq: e.seq - 1 } : e))));
    const r = await run(['audit', 'verify', path, '--passphrase-file', passphraseFile]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`audit chain broken: entry seq 2 (id ${entries[2]!.id}) does not link to the entry before it (that one was altered, removed or replaced)\n`);
  });

  it('exits 1 with a one-line reason for a wrong passphrase, a damaged file or a missing file; 2 for usage errors', async () => {
    const wrong = join(scratch, 'wrong.txt');
    writeFileSync(wrong, 'nope\n');
    const path = save(original);
    const r1 = await run(['audit', 'verify', path, '--passphrase-file', wrong]);
    expect(r1).toEqual({ code: 1, out: '', err: 'careloop audit: the passphrase does not open this backup\n' });
    const cut = save(original.slice(0, original.length - 10));
    const r2 = await run(['audit', 'verify', cut, '--passphrase-file', passphraseFile]);
    expect(r2.code).toBe(1);
    expect(r2.err).toMatch(/^careloop audit: the backup is truncated \(.*\)\n$/);
    const r3 = await run(['audit', 'verify', join(scratch, 'absent.clbk'), '--passphrase-file', passphraseFile]);
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/no such file/);
    expect((await run(['audit', 'check', path])).code).toBe(2);
    expect((await run(['audit', 'verify'])).code).toBe(2);
  });
});
