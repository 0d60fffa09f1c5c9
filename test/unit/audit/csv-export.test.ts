import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, sealAuditEntry, type AuditContent, type AuditEntry } from '../../../common/audit/chain';
import { AuditExportError, CSV_HEADER, auditCsv, csvField, openAuditCsvExport, sealAuditCsv } from '../../../common/audit/csv-export';
import { BackupCorruptedError, BackupWrongPassphraseError } from '../../../common/backup/errors';
import { FAST_KDF, collect, pieces } from '../backup/fixture';

function chain(contents: AuditContent[]): AuditEntry[] {
  let prev = GENESIS_HASH;
  return contents.map((c, i) => {
    const e = sealAuditEntry(c, i + 1, prev);
    prev = e.hash;
    return e;
  });
}

const entries = chain([
  { id: 'a1', at: '2026-11-25T10:00:00.000Z', actor: 'Nurse Ünal', workstation: 'ws1', action: 'patient.view', entity: 'patient', entityId: 'p1', patientId: 'p1' },
  {
    id: 'a2',
    at: '2026-11-25T10:01:00.000Z',
    actor: 'Dr "Q", Smith',
    workstation: 'ws1',
    action: 'patient.update',
    entity: 'patient',
    entityId: 'p1',
    patientId: 'p1',
    reason: 'line one\nline two',
    changes: { phone: { before: '+44 1', after: '=HYPERLINK("x")' } },
  },
  { id: 'a3', at: '2026-11-25T10:02:00.000Z', actor: '=cmd|calc', workstation: 'ws1', action: 'clinic.setup', entity: 'clinic', entityId: 'c1' },
]);

/** A small RFC 4180 reader, enough to read the export back field by field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('the audit CSV export', () => {
  it('writes one RFC 4180 line per entry that reads back to the same fields', () => {
    const rows = parseCsv(auditCsv(entries));
    expect(rows[0]!.join(',')).toBe(CSV_HEADER);
    expect(rows).toHaveLength(4);
    expect(rows[2]!.slice(0, 9)).toEqual(['2', '2026-11-25T10:01:00.000Z', 'Dr "Q", Smith', 'ws1', 'patient.update', 'patient', 'p1', 'p1', 'line one\nline two']);
    expect(JSON.parse(rows[2]![9]!)).toEqual(entries[1]!.changes);
    expect(rows[3]![11]).toBe(entries[2]!.hash);
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvField('=cmd|calc')).toBe(`"'=cmd|calc"`);
    expect(csvField('+44 20')).toBe(`"'+44 20"`);
    expect(csvField('plain')).toBe('plain');
    expect(parseCsv(auditCsv(entries))[3]![2]).toBe("'=cmd|calc");
  });

  it('seals the CSV in the backup envelope; only the passphrase opens it, damage is reported', async () => {
    const sealed = await collect(sealAuditCsv(entries, { passphrase: 'export pass', workstationId: 'ws1', kdf: FAST_KDF }));
    const text = new TextDecoder().decode(sealed);
    expect(text).not.toContain('Nurse Ünal');
    expect(text).not.toContain('patient.update');
    expect(await openAuditCsvExport(pieces(sealed), 'export pass')).toBe(auditCsv(entries));
    await expect(openAuditCsvExport(pieces(sealed), 'wrong')).rejects.toBeInstanceOf(BackupWrongPassphraseError);
    const damaged = sealed.slice();
    damaged[damaged.length - 40]! ^= 1;
    await expect(openAuditCsvExport(pieces(damaged), 'export pass')).rejects.toBeInstanceOf(BackupCorruptedError);
    await expect(collect(sealAuditCsv(entries, { passphrase: '', workstationId: 'ws1' }))).rejects.toBeInstanceOf(AuditExportError);
  });
});
