import 'fake-indexeddb/auto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEntry } from '../../../common/audit/chain';
import { auditCsv, openAuditCsvExport } from '../../../common/audit/csv-export';
import type { CareLoopDb } from '../../../renderer/src/db/database';
import { exportAuditEntries } from '../../../renderer/src/components/audit/audit-export';
import { auditChoices, auditEntriesFor, auditPage, isPermissionDenied } from '../../../renderer/src/components/audit/audit-query';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { hostFor } from '../backup/host-harness';
import { FAST_KDF, pieces, populatedDb } from '../backup/fixture';

const root = mkdtempSync(join(tmpdir(), 'careloop-audit-screen-'));
const folder = join(root, 'Exports');
let db: CareLoopDb;
let all: AuditEntry[];

beforeAll(async () => {
  mkdirSync(folder);
  db = await populatedDb(12);
  all = await db.audit.orderBy('seq').toArray();
});
afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the audit screen data', () => {
  it('pages through the log newest first', async () => {
    const first = await auditPage(db, {}, 0, 5);
    expect(first.entries.map((e) => e.seq)).toEqual(all.slice(-5).reverse().map((e) => e.seq));
    expect(first.hasMore).toBe(true);
    const pages: AuditEntry[] = [];
    for (let offset = 0; ; offset += 5) {
      const p = await auditPage(db, {}, offset, 5);
      pages.push(...p.entries);
      if (!p.hasMore) break;
    }
    expect(pages.map((e) => e.seq)).toEqual(all.map((e) => e.seq).reverse());
  });

  it('filters by patient, user, action and time range, alone and combined', async () => {
    const patientId = all.find((e) => e.patientId)!.patientId!;
    const expectOf = (pred: (e: AuditEntry) => boolean) => all.filter(pred).map((e) => e.seq).reverse();
    const seqs = async (f: Parameters<typeof auditPage>[1]) => (await auditPage(db, f, 0, 1000)).entries.map((e) => e.seq);
    expect(await seqs({ patientId })).toEqual(expectOf((e) => e.patientId === patientId));
    expect(await seqs({ actor: 'Nurse Test' })).toEqual(expectOf((e) => e.actor === 'Nurse Test'));
    expect(await seqs({ action: 'patient.create' })).toEqual(expectOf((e) => e.action === 'patient.create'));
    expect(await seqs({ actor: 'Nobody at all' })).toEqual([]);
    const mid = all[Math.floor(all.length / 2)]!.at;
    expect(await seqs({ from: mid })).toEqual(expectOf((e) => e.at >= mid));
    expect(await seqs({ to: mid, action: 'patient.create' })).toEqual(expectOf((e) => e.at < mid && e.action === 'patient.create'));
    expect(await seqs({ patientId, action: 'patient.view' })).toEqual(expectOf((e) => e.patientId === patientId && e.action === 'patient.view'));
    expect(await auditChoices(db)).toEqual({ actors: [...new Set(all.map((e) => e.actor))].sort(), actions: [...new Set(all.map((e) => e.action))].sort() });
  });

  it('exports the filtered entries encrypted by default, plain only when asked, and audits each export', async () => {
    const host = hostFor(new BackupService({ dataDir: join(root, 'data') }));
    const ctx = { actor: 'Auditor Test', workstation: 'ws-audit' };
    const filter = { action: 'patient.create' };
    const expected = await auditEntriesFor(db, filter);
    const sealed = await exportAuditEntries(db, ctx, host, { filter, format: { encrypted: true, passphrase: 'export passphrase' }, workstationId: 'ws-audit', folder, kdf: FAST_KDF });
    expect(sealed.name).toMatch(/^careloop-audit-.*\.clbk$/);
    const bytes = new Uint8Array(readFileSync(sealed.path));
    expect(await openAuditCsvExport(pieces(bytes), 'export passphrase')).toBe(auditCsv(expected));

    const plain = await exportAuditEntries(db, ctx, host, { filter: {}, format: { encrypted: false }, workstationId: 'ws-audit', folder });
    expect(plain.name).toMatch(/\.csv$/);
    const text = readFileSync(plain.path, 'utf8');
    expect(text.split('\r\n').length).toBe(plain.entries + 2);

    const exports = await db.audit.where('action').equals('audit.export').toArray();
    expect(exports.map((e) => [e.actor, e.entityId])).toEqual([
      ['Auditor Test', 'csv-encrypted'],
      ['Auditor Test', 'csv-plain'],
    ]);
    expect(exports[0]!.reason).toContain('encrypted');
    expect(exports[1]!.reason).toContain('PLAIN');
    expect(verifyAuditChain(await db.audit.orderBy('seq').toArray())).toMatchObject({ intact: true });
  });

  it('recognises the data layer refusing the audit log', () => {
    const refusal = Object.assign(new Error('nurse may not read audit'), { name: 'PermissionDeniedError' });
    expect(isPermissionDenied(refusal)).toBe(true);
    expect(isPermissionDenied(Object.assign(new Error('aborted'), { name: 'AbortError', inner: refusal }))).toBe(true);
    expect(isPermissionDenied(new Error('other'))).toBe(false);
  });
});
