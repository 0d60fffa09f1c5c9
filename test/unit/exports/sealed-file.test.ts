import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupCorruptedError, BackupTruncatedError, BackupWrongPassphraseError } from '../../../common/backup/errors';
import { writeBackup } from '../../../common/backup/writer';
import { exportBinaryFileBytes, exportFileBytes, openSealedExport, sealExport, SealedExportError, type ExportProtection } from '../../../common/exports/sealed-file';
import { openExportCommand } from '../../../cli/commands/open-export';
import { CliInputError } from '../../../cli/command';
import { FAST_KDF, collect, pieces } from '../backup/fixture';

const BUNDLE_PIECES = ['{"resourceType":"Bundle","type":"collection","entry":[', '{"resource":{"resourceType":"Patient","id":"p1","name":[{"family":"Okafor"}]}}', ']}'];
const bundleText = BUNDLE_PIECES.join('');
const seal = (rows: readonly string[], passphrase: string, name = 'fhir-bundle.json') => collect(sealExport(rows, { name, passphrase, workstationId: 'ws-x', kdf: FAST_KDF }));

describe('a sealed export', () => {
  it('opens with the right passphrase to the same text and hides it otherwise', async () => {
    const sealed = await seal(BUNDLE_PIECES, 'receiving clinic pass');
    expect(new TextDecoder().decode(sealed)).not.toContain('Okafor');
    const opened = await openSealedExport(pieces(sealed), 'receiving clinic pass');
    expect(opened).toMatchObject({ name: 'fhir-bundle.json', workstationId: 'ws-x', rows: BUNDLE_PIECES, text: bundleText });
    expect(JSON.parse(opened.text)).toMatchObject({ resourceType: 'Bundle' });
  });

  it('restores CSV line ends for a .csv export', async () => {
    const opened = await openSealedExport(pieces(await seal(['a,b', '1,2'], 'csv pass phrase', 'list.csv')), 'csv pass phrase');
    expect(opened.text).toBe('a,b\r\n1,2\r\n');
  });

  it('gives typed errors for a wrong passphrase, a cut file, damage and a file that is not an export', async () => {
    const sealed = await seal(BUNDLE_PIECES, 'right one');
    await expect(openSealedExport(pieces(sealed), 'wrong one')).rejects.toBeInstanceOf(BackupWrongPassphraseError);
    await expect(openSealedExport(pieces(sealed.slice(0, sealed.length - 20)), 'right one')).rejects.toBeInstanceOf(BackupTruncatedError);
    const damaged = sealed.slice();
    damaged[damaged.length - 40]! ^= 1;
    await expect(openSealedExport(pieces(damaged), 'right one')).rejects.toBeInstanceOf(BackupCorruptedError);
    await expect(openSealedExport(pieces(sealed), 'right one', 'audit-export.csv')).rejects.toMatchObject({ name: 'SealedExportError', kind: 'not-an-export' });
    // A backup (several tables, a database schema) is not an export.
    const pages = async function* () {
      yield [] as unknown[];
    };
    const backup = await collect(writeBackup({ passphrase: 'right one', schemaVersion: 9, workstationId: 'ws', kdf: FAST_KDF, tables: [
      { name: 'patients', rows: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', pages },
      { name: 'audit', rows: 0, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', pages },
    ] }));
    await expect(openSealedExport(pieces(backup), 'right one')).rejects.toMatchObject({ kind: 'not-an-export' });
  });

  it('is encrypted unless plain is chosen explicitly', async () => {
    const opts = { name: 'fhir-bundle.json', workstationId: 'ws-x', kdf: FAST_KDF };
    const encrypted = await collect(exportFileBytes(BUNDLE_PIECES, { kind: 'encrypted', passphrase: 'pass pass pass' }, opts));
    expect((await openSealedExport(pieces(encrypted), 'pass pass pass')).text).toBe(bundleText);
    const plain = await collect(exportFileBytes(BUNDLE_PIECES, { kind: 'plain', confirmedPlain: true }, opts));
    expect(new TextDecoder().decode(plain)).toBe(bundleText);
    const unconfirmed = { kind: 'plain' } as unknown as ExportProtection;
    await expect(collect(exportFileBytes(BUNDLE_PIECES, unconfirmed, opts))).rejects.toMatchObject({ name: 'SealedExportError', kind: 'plain-not-confirmed' });
    const truthy = { kind: 'plain', confirmedPlain: 'yes' } as unknown as ExportProtection;
    await expect(collect(exportFileBytes(BUNDLE_PIECES, truthy, opts))).rejects.toMatchObject({ kind: 'plain-not-confirmed' });
    await expect(collect(exportFileBytes(BUNDLE_PIECES, { kind: 'encrypted', passphrase: '' }, opts))).rejects.toMatchObject({ kind: 'no-passphrase' });
    await expect(collect(exportFileBytes(BUNDLE_PIECES, { kind: 'plain', confirmedPlain: true }, { ...opts, name: '../evil' }))).rejects.toBeInstanceOf(SealedExportError);
  });
});

describe('a sealed binary export (a zip)', () => {
  // Bytes of every value, over several rows of the envelope (48 KiB each) and across part boundaries.
  const zipLike = Uint8Array.from({ length: 130_000 }, (_, i) => (i * 7919) % 256);
  const parts = [zipLike.subarray(0, 1000), zipLike.subarray(1000, 100_001), zipLike.subarray(100_001)];
  const opts = { name: 'research-export.zip', workstationId: 'ws-x', kdf: FAST_KDF };

  it('opens to the same bytes, and is plain only when chosen explicitly', async () => {
    const sealedBytes = await collect(exportBinaryFileBytes(parts, { kind: 'encrypted', passphrase: 'zip pass' }, opts));
    const opened = await openSealedExport(pieces(sealedBytes, 4096), 'zip pass');
    expect(opened.name).toBe('research-export.zip');
    expect(opened.text).toBe('');
    expect(opened.bytes).toEqual(zipLike);
    expect(await collect(exportBinaryFileBytes(parts, { kind: 'plain', confirmedPlain: true }, opts))).toEqual(zipLike);
    await expect(collect(exportBinaryFileBytes(parts, { kind: 'plain' } as unknown as ExportProtection, opts))).rejects.toBeInstanceOf(SealedExportError);
    await expect(collect(exportBinaryFileBytes(parts, { kind: 'plain', confirmedPlain: true }, { ...opts, name: 'bundle.json' }))).rejects.toThrow(/\.zip/);
  });
});

describe('careloop open-export', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'open-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
  };

  it('decrypts a sealed export with the passphrase file, to standard output or a new file', async () => {
    const file = path.join(dir, 'ruth.careloop-export');
    writeFileSync(file, await seal(BUNDLE_PIECES, 'clinic to clinic'));
    const passFile = path.join(dir, 'pass.txt');
    writeFileSync(passFile, 'clinic to clinic\n');
    const a = io();
    expect(await openExportCommand.run([file, '--passphrase-file', passFile], a.io)).toBe(0);
    expect(a.out.stdout).toBe(bundleText);
    expect(a.out.stderr).toContain('opened fhir-bundle.json');
    const out = path.join(dir, 'bundle.json');
    const b = io();
    expect(await openExportCommand.run([file, '--passphrase-file', passFile, '--out', out], b.io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(bundleText);
    await expect(openExportCommand.run([file, '--passphrase-file', passFile, '--out', out], io().io)).rejects.toThrow(/the file exists/);
  });

  it('writes a zip export to a new file with --out, and will not print it', async () => {
    const file = path.join(dir, 'research.careloop-export');
    const zipBytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    writeFileSync(file, await collect(exportBinaryFileBytes([zipBytes], { kind: 'encrypted', passphrase: 'research pass' }, { name: 'research-export.zip', workstationId: 'ws-x', kdf: FAST_KDF })));
    const passFile = path.join(dir, 'research-pass.txt');
    writeFileSync(passFile, 'research pass\n');
    await expect(openExportCommand.run([file, '--passphrase-file', passFile], io().io)).rejects.toThrow(/--out/);
    const out = path.join(dir, 'research.zip');
    expect(await openExportCommand.run([file, '--passphrase-file', passFile, '--out', out], io().io)).toBe(0);
    expect(new Uint8Array(readFileSync(out))).toEqual(zipBytes);
  });

  it('names a wrong passphrase and refuses bad usage', async () => {
    const file = path.join(dir, 'other.careloop-export');
    writeFileSync(file, await seal(BUNDLE_PIECES, 'the right passphrase'));
    const passFile = path.join(dir, 'wrong.txt');
    writeFileSync(passFile, 'not the passphrase\n');
    const err = await openExportCommand.run([file, '--passphrase-file', passFile], io().io).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliInputError);
    expect((err as Error).message).toBe('the passphrase does not open this export');
    const u = io();
    expect(await openExportCommand.run([], u.io)).toBe(2);
    expect(u.out.stderr).toContain('missing <file>');
    expect(await openExportCommand.run([file, '--out'], io().io)).toBe(2);
  });
});
