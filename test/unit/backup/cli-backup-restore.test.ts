import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackup } from '../../../common/backup/reader';
import { main } from '../../../cli/main';
import { databaseManifest, exportDatabase } from '../../../renderer/src/db/backup';
import { FAST_KDF, PASSPHRASE, collect, pieces, populatedDb } from './fixture';

// Real Chromium profiles, as the commands use them: a few launches, so one file, run once.
const scratch = mkdtempSync(join(tmpdir(), 'careloop-cli-backup-'));
const passphraseFile = join(scratch, 'passphrase.txt');
const wrongFile = join(scratch, 'wrong.txt');
let source: { name: string; rows: number; sha256: string }[];
let backupPath: string;
let port: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return p;
}

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

beforeAll(async () => {
  writeFileSync(passphraseFile, `${PASSPHRASE}\n`);
  writeFileSync(wrongFile, 'not the passphrase\n');
  const db = await populatedDb(4);
  source = await databaseManifest(db);
  backupPath = join(scratch, 'clinic.clbk');
  writeFileSync(backupPath, await collect(exportDatabase(db, { passphrase: PASSPHRASE, kdf: FAST_KDF })));
  db.close();
  port = await freePort();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('careloop restore and careloop backup on a browser-mode profile', () => {
  it('restores into an empty profile, verified, then backs that profile up to an equal file', { timeout: 120_000 }, async () => {
    const profile = join(scratch, 'profile-a');
    const restored = await run(['restore', backupPath, '--profile', profile, '--port', String(port), '--passphrase-file', passphraseFile]);
    expect(restored.err).toBe('');
    expect(restored.out).toMatch(/restored and verified \d+ records/);
    expect(restored.code).toBe(0);

    const again = await run(['restore', backupPath, '--profile', profile, '--port', String(port), '--passphrase-file', passphraseFile]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/empty database/);

    const out = join(scratch, 'from-profile.clbk');
    const backedUp = await run(['backup', '--profile', profile, '--port', String(port), '--out', out, '--passphrase-file', passphraseFile]);
    expect(backedUp.err).toBe('');
    expect(backedUp.code).toBe(0);
    const header = (await openBackup(pieces(new Uint8Array(readFileSync(out)), 1 << 16), PASSPHRASE)).header;
    expect(header.tables).toEqual(source);
  });

  it('refuses a wrong passphrase with the reason (the reader\'s other errors travel the same way)', { timeout: 120_000 }, async () => {
    const wrong = await run(['restore', backupPath, '--profile', join(scratch, 'profile-b'), '--port', String(port), '--passphrase-file', wrongFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/passphrase does not open/);
  });

  it('explains usage errors without starting anything', async () => {
    expect((await run(['backup', '--out', 'x.clbk'])).code).toBe(2);
    expect((await run(['restore', '--profile', scratch])).code).toBe(2);
  });
});
